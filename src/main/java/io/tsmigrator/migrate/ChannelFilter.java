package io.tsmigrator.migrate;

import io.tsmigrator.config.Settings;
import io.tsmigrator.db.Transactions;
import io.tsmigrator.source.SourceTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Where {@code migrator.channels} is applied: in the chunk query ({@code channel = ANY (?)}) or in
 * the migrator as the rows arrive. In the query, the server checks every index entry of the chunk
 * against the list (a fifth of its read time for 93 listed channels, measured on PostgreSQL 17),
 * which buys nothing when the list holds nearly every reading anyway; in the migrator, each
 * reading of an unlisted channel costs a row on the wire. The planner's statistics tell which case
 * a run is in; without statistics the query filters, which is never much slower.
 */
public record ChannelFilter(List<String> channels, boolean inQuery) {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelFilter.class);

    /** Below this share of readings outside the list, the migrator filters instead of the query. */
    static final double MAX_SHARE_OUTSIDE_FOR_CLIENT = 0.10;

    // Readings whose channel is a most common value outside the list, plus those that are not a most
    // common value at all (the list cannot be known to hold them): 1 when the column has no statistics.
    // The view is filtered by the names the subquery finds, so that PostgreSQL looks the one row up by
    // index; joined to the catalog by name instead, it computes pg_stats for every column of the
    // database first (11 ms with a few hundred tables, 60 ms in a new session).
    private static final String SHARE_OUTSIDE_SQL = """
            SELECT 1 - coalesce(sum(m.freq) FILTER (WHERE m.channel = ANY (?)), 0)
              FROM pg_stats s
             CROSS JOIN LATERAL unnest(s.most_common_vals::text::text[], s.most_common_freqs) AS m(channel, freq)
             WHERE (s.schemaname, s.tablename, s.attname, s.inherited) =
                   (SELECT n.nspname, c.relname, a.attname, c.relhassubclass
                      FROM pg_class c
                      JOIN pg_namespace n ON n.oid = c.relnamespace
                      JOIN pg_attribute a ON a.attrelid = c.oid
                     WHERE c.oid = to_regclass(?) AND '"' || replace(a.attname, '"', '""') || '"' = ?)""";

    public static ChannelFilter none() {
        return new ChannelFilter(List.of(), false);
    }

    /**
     * Every channel when {@code migrator.channels} is empty; else the run's channels (that list,
     * normalized), applied where it is cheaper (see the class comment).
     */
    public static ChannelFilter listed(DataSource read, SourceTable source, Settings settings, List<String> channels) throws SQLException {
        if (settings.channels().isEmpty()) {
            return none();
        }
        double outside = shareOutside(read, source, channels);
        boolean inQuery = outside > MAX_SHARE_OUTSIDE_FOR_CLIENT;
        if (!inQuery) {
            LOG.info("{} lists the channels of about {} % of the source's readings (planner statistics): the migrator skips the"
                    + " others as they arrive instead of the chunk query checking every reading", Settings.CHANNELS, Math.round(100 * (1 - outside)));
        }
        return new ChannelFilter(channels, inQuery);
    }

    /** The share of the source's readings whose channel is not listed, as the planner's statistics estimate it. */
    static double shareOutside(DataSource read, SourceTable source, List<String> channels) throws SQLException {
        try (Connection c = Transactions.forReads(read); PreparedStatement ps = c.prepareStatement(SHARE_OUTSIDE_SQL)) {
            ps.setArray(1, c.createArrayOf("text", channels.toArray()));
            ps.setString(2, source.table());
            ps.setString(3, source.channel());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double share = rs.getDouble(1);
                return share;
            }
        }
    }

    boolean any() {
        return !channels.isEmpty();
    }

    /** A reading whose channel has no wide column is skipped here, where the query would have left it out. */
    boolean inMigrator() {
        return any() && !inQuery;
    }
}
