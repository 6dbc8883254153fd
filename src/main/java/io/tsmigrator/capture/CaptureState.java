package io.tsmigrator.capture;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What of change capture a source database holds, read from its catalog.
 *
 * @param table       the mark table exists
 * @param function    the trigger function exists
 * @param body        the function's body ({@code prosrc}), null without a function
 * @param chunkSize   the chunk size the function marks windows of, when its comment records one
 * @param triggers    names of the capture triggers on the configured source table
 * @param elsewhere   tables other than the configured one with a trigger calling the function
 */
public record CaptureState(boolean table, boolean function, String body, Optional<Duration> chunkSize,
                           List<String> triggers, List<String> elsewhere) {

    /** Every object is there: changes to the source table are being marked. */
    public boolean installed() {
        // the triggers are those of this table that call this schema's function: the names are ours
        return table && function && triggers.size() == CaptureObjects.TRIGGERS;
    }

    /** Nothing of it is there. */
    public boolean absent() {
        return !table && !function && triggers.isEmpty();
    }

    private static final String SQL = """
            SELECT to_regclass(?) IS NOT NULL, p.oid IS NOT NULL, p.prosrc, obj_description(p.oid, 'pg_proc'),
                   ARRAY(SELECT t.tgname::text FROM pg_trigger t
                          WHERE t.tgfoid = p.oid AND t.tgrelid = to_regclass(?) ORDER BY 1),
                   ARRAY(SELECT DISTINCT t.tgrelid::regclass::text FROM pg_trigger t
                          WHERE t.tgfoid = p.oid AND t.tgrelid IS DISTINCT FROM to_regclass(?) ORDER BY 1)
              FROM (SELECT to_regprocedure(?) AS oid) f LEFT JOIN pg_proc p ON p.oid = f.oid""";

    static CaptureState read(Connection c, CaptureObjects objects) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, objects.table());
            ps.setString(2, objects.source());
            ps.setString(3, objects.source());
            ps.setString(4, objects.functionSignature());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new CaptureState(rs.getBoolean(1), rs.getBoolean(2), rs.getString(3), MarkFunction.chunkSizeOf(rs.getString(4)),
                        strings(rs.getArray(5)), strings(rs.getArray(6)));
            }
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        List<String> list = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            list.add((String) o);
        }
        return list;
    }
}
