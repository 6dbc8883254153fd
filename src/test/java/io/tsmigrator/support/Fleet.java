package io.tsmigrator.support;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Generates narrow test fleets in SQL: readings every {@code step} for {@code hours}, about 2 %
 * missing, about 1 % NULL values, duplicated readings (a larger value, a smaller one and a NULL),
 * sparse channel ids, sub-second timestamps on one ship, and a multi-hour hole on another.
 */
public final class Fleet {

    public static final List<Integer> SPARSE_CHANNELS = List.of(3, 9, 17, 256, 1024, 65537, 700001);

    private Fleet() {
    }

    /** The standard table: integer ship and channel, timestamptz, double precision. */
    public static void create(TestDb db, String table, List<Integer> ships, List<Integer> channels, int hours) {
        create(db, table, "integer", "integer", "timestamptz", "double precision", ships, channels, hours);
    }

    public static void create(TestDb db, String table, String shipType, String channelType, String timeType, String valueType,
                              List<Integer> ships, List<Integer> channels, int hours) {
        create(db, table, shipType, channelType, timeType, valueType, ships, channels, hours, 5);
    }

    /** A fleet read every {@code stepSeconds}; 1 gives production-like density (93 channels at 1 Hz). */
    public static void create(TestDb db, String table, String shipType, String channelType, String timeType, String valueType,
                              List<Integer> ships, List<Integer> channels, int hours, int stepSeconds) {
        create(db, table, shipType, channelType, timeType, valueType, ships, channels, hours, stepSeconds, true);
    }

    /** The standard table read every {@code stepSeconds}, without the index on (ship_id, created_time, data_channel_id). */
    public static void createWithoutIndex(TestDb db, String table, List<Integer> ships, List<Integer> channels, int hours, int stepSeconds) {
        create(db, table, "integer", "integer", "timestamptz", "double precision", ships, channels, hours, stepSeconds, false);
    }

    private static void create(TestDb db, String table, String shipType, String channelType, String timeType, String valueType,
                               List<Integer> ships, List<Integer> channels, int hours, int stepSeconds, boolean indexed) {
        String schema = table.contains(".") ? table.substring(0, table.indexOf('.')) : "public";
        String shipList = ships.stream().map(String::valueOf).collect(Collectors.joining(","));
        String channelList = channels.stream().map(String::valueOf).collect(Collectors.joining(","));
        int holeShip = ships.size() > 1 ? ships.get(1) : -1;
        int subSecondShip = ships.size() > 2 ? ships.get(2) : -1;
        db.execute(
                "CREATE SCHEMA IF NOT EXISTS " + schema,
                "CREATE TABLE " + table + " (ship_id " + shipType + " NOT NULL, data_channel_id " + channelType + " NOT NULL,"
                        + " created_time " + timeType + " NOT NULL, value " + valueType + ")",
                "SELECT setseed(0.1)",
                "INSERT INTO " + table
                        + " SELECT s::text::" + shipType + ", ch::text::" + channelType + ","
                        + "  (t + CASE WHEN s = " + subSecondShip + " THEN ((extract(epoch FROM t)::bigint % 7) * 0.137123) * interval '1 second' ELSE interval '0' END)::" + timeType + ","
                        + "  CASE WHEN random() < 0.01 THEN NULL ELSE (round((random() * 2000 - 1000)::numeric, 3))::" + valueType + " END"
                        + " FROM unnest(ARRAY[" + shipList + "]) s, unnest(ARRAY[" + channelList + "]) ch,"
                        + "  generate_series(timestamptz '2024-03-01 00:00:00+00', timestamptz '2024-03-01 00:00:00+00' + " + hours
                        + " * interval '1 hour' - interval '1 second', interval '" + stepSeconds + " second') t"
                        + " WHERE random() > 0.02"
                        + "  AND NOT (s = " + holeShip + " AND t >= timestamptz '2024-03-01 01:00:00+00' AND t < timestamptz '2024-03-01 03:30:00+00')",
                // duplicates: a larger value, a smaller value and a NULL for the same (ship, time, channel)
                "INSERT INTO " + table + " SELECT ship_id, data_channel_id, created_time, value + 1::" + valueType + " FROM " + table + " WHERE random() < 0.004 AND value IS NOT NULL",
                "INSERT INTO " + table + " SELECT ship_id, data_channel_id, created_time, value - 1::" + valueType + " FROM " + table + " WHERE random() < 0.004 AND value IS NOT NULL",
                "INSERT INTO " + table + " SELECT ship_id, data_channel_id, created_time, NULL FROM " + table + " WHERE random() < 0.004",
                indexed ? "CREATE INDEX ON " + table + " (ship_id, created_time, data_channel_id)" : "SELECT 'no index'",
                "ANALYZE " + table);
    }

    /**
     * A permanent fault: the wide table (ship, time and a {@code ch_N} column per channel) exists
     * with a trigger {@code refuse} that rejects every row of {@code ship} with SQLState 23514 and
     * {@code message}; {@code DROP TRIGGER refuse ON <wide>} removes the fault.
     */
    public static void wideTableRefusing(TestDb db, String wide, List<Integer> channels, int ship, String message) {
        String columns = channels.stream().map(c -> ", ch_" + c + " double precision").collect(Collectors.joining());
        String schema = wide.substring(0, wide.indexOf('.'));
        db.execute("CREATE TABLE " + wide + " (ship_id integer NOT NULL, created_time timestamptz NOT NULL" + columns
                        + ", PRIMARY KEY (ship_id, created_time))",
                "CREATE FUNCTION " + schema + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.ship_id = " + ship + " THEN RAISE EXCEPTION '" + message + "' USING ERRCODE = '23514'; END IF;"
                        + " RETURN NEW; END $$",
                "CREATE TRIGGER refuse BEFORE INSERT ON " + wide + " FOR EACH ROW EXECUTE FUNCTION " + schema + ".refuse()");
    }
}
