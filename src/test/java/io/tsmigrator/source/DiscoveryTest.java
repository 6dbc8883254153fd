package io.tsmigrator.source;

import io.tsmigrator.config.SettingsLoader;
import io.tsmigrator.support.Await;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Discovery's cost on a real table: a skip-scan where an index leads with the column; channel ids
 * are never listed without such an index (the skip-scan would scan the table once per id).
 */
class DiscoveryTest {

    private static final String TABLE = "tenant.tbl_data_timeseries";
    private static final List<Integer> CHANNELS = IntStream.rangeClosed(1, 40).boxed().collect(Collectors.toList());
    private static final List<Integer> SHIPS = List.of(3, 5);

    @Test
    void withoutAnIndexLeadingWithTheChannelItsChannelsAreNotListedAtAll() throws SQLException {
        TestDb db = new TestDb();
        Fleet.create(db, TABLE, SHIPS, CHANNELS, 1);

        Discovery discovery = discovery(db);

        assertFalse(discovery.canListChannels());
        assertFalse(discovery.canListChannelsPerShip());
        assertThrows(IllegalStateException.class, discovery::channels);
        assertThrows(IllegalStateException.class, () -> discovery.channelsOf("3"));
        assertTrue(discovery.estimatedChannels() > 0, "the planner's statistics estimate the distinct ids");
    }

    @Test
    void withAnIndexOnShipAndChannelEachShipsChannelsAreListedByIndexProbes() throws SQLException {
        TestDb db = new TestDb();
        Fleet.create(db, TABLE, SHIPS, CHANNELS, 1);
        // ship 5 gets ids of its own
        db.execute("UPDATE " + TABLE + " SET data_channel_id = data_channel_id + 1000 WHERE ship_id = 5",
                "CREATE INDEX ON " + TABLE + " (ship_id, data_channel_id)", "ANALYZE " + TABLE);

        Discovery discovery = discovery(db);

        assertTrue(discovery.canListChannelsPerShip());
        assertEquals(CHANNELS.stream().map(String::valueOf).toList(), discovery.channelsOf("3"));
        assertEquals(CHANNELS.stream().map(c -> String.valueOf(c + 1000)).toList(), discovery.channelsOf("5"));
    }

    @Test
    void withAnIndexLeadingWithTheChannelNoScanIsNeeded() throws SQLException {
        TestDb db = new TestDb();
        Fleet.create(db, TABLE, SHIPS, CHANNELS, 1);
        db.execute("CREATE INDEX ON " + TABLE + " (data_channel_id)", "ANALYZE " + TABLE);
        long before = indexScans(db);

        List<String> found = discovery(db).channels();

        assertEquals(CHANNELS.size(), found.size());
        Await.until("the skip-scan's index probes in pg_stat_user_tables", Duration.ofSeconds(10), () -> indexScans(db) - before > CHANNELS.size());
        assertEquals(List.of("3", "5"), discovery(db).ships());
    }

    @Test
    void boundsOfManyShipsInGroupsOfQueriesMatchEachShipsOwnMinAndMax() throws SQLException {
        TestDb db = new TestDb();
        int ships = Discovery.BOUNDS_PER_QUERY + 30;
        db.execute("CREATE SCHEMA tenant",
                "CREATE TABLE " + TABLE + " (ship_id integer NOT NULL, data_channel_id integer NOT NULL, created_time timestamptz NOT NULL, value double precision)",
                // ship s reads from s minutes to s hours after midnight
                "INSERT INTO " + TABLE + " SELECT s, 1, timestamptz '2024-03-01 00:00:00+00' + t * interval '1 minute', 1"
                        + " FROM generate_series(1, " + ships + ") s, generate_series(1, 60) g, LATERAL (SELECT s + (g - 1) * (60 * s - s) / 59) AS x(t)",
                "CREATE INDEX ON " + TABLE + " (ship_id, created_time, data_channel_id)", "ANALYZE " + TABLE);
        List<String> asked = new ArrayList<>(IntStream.rangeClosed(1, ships).mapToObj(String::valueOf).toList());
        asked.add(50, "999999"); // no readings

        PGSimpleDataSource ds = db.dataSource();
        ds.setStringType("unspecified"); // as the migrator's pools bind ship ids (Pools)
        SourceTable source = SourceTable.inspect(ds, SettingsLoader.load(Map.of(), Map.of(), new Properties()));
        Map<String, Instant[]> bounds = new Discovery(ds, source).bounds(asked);

        assertEquals(ships, bounds.size());
        assertFalse(bounds.containsKey("999999"));
        for (int s = 1; s <= ships; s++) {
            Instant[] b = bounds.get(String.valueOf(s));
            assertEquals(Instant.parse("2024-03-01T00:00:00Z").plusSeconds(60L * s), b[0], "first reading of ship " + s);
            assertEquals(Instant.parse("2024-03-01T00:00:00Z").plusSeconds(3600L * s), b[1], "last reading of ship " + s);
        }
    }

    private static Discovery discovery(TestDb db) throws SQLException {
        SourceTable source = SourceTable.inspect(db.dataSource(), SettingsLoader.load(Map.of(), Map.of(), new Properties()));
        return new Discovery(db.dataSource(), source);
    }

    private static long indexScans(TestDb db) {
        return db.count("SELECT coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relid = '" + TABLE + "'::regclass");
    }
}
