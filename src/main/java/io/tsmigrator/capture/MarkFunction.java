package io.tsmigrator.capture;

import io.tsmigrator.ledger.ChunkWindows;
import io.tsmigrator.source.SourceTable;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trigger function that marks changed windows. One statement per firing inserts the distinct
 * (ship, window) of the transition table(s) into the mark table, in a fixed order so that
 * concurrent writers lock marks in the same order (no deadlock between two uploads), and bumps the
 * version of a mark that exists. Its window is the one {@link ChunkWindows#cut} aligns to: a
 * multiple of the chunk size since the Unix epoch, in whole microseconds, a {@code timestamp}
 * column read as UTC ({@code extract(epoch ...)} of a {@code timestamp} is its UTC reading,
 * whatever the writer's time zone).
 * <p>
 * It runs as its owner (SECURITY DEFINER, with a fixed search path) so that the applications
 * writing the source need no right on the control schema. Rows without a ship or time mark nothing.
 * The chunk size is baked into the body; the function's comment records it so that a start with
 * another chunk size can say that it replaces it.
 */
final class MarkFunction {

    private static final String COMMENT_PREFIX = "timeseries-migrator change capture; chunk-size=";
    private static final Pattern COMMENT = Pattern.compile(Pattern.quote(COMMENT_PREFIX) + "(\\S+)");

    private final CaptureObjects objects;
    private final SourceTable source;
    private final Duration chunkSize;

    MarkFunction(CaptureObjects objects, SourceTable source, Duration chunkSize) {
        this.objects = objects;
        this.source = source;
        this.chunkSize = chunkSize;
    }

    /** The function's body, as {@code pg_proc.prosrc} holds it. */
    String body() {
        // use_column: a source column that happens to share the variable's name must not break the writer's statement
        return "\n#variable_conflict use_column\nDECLARE\n"
                + "  mark_version bigint := nextval('" + objects.sequence().replace("'", "''") + "'::regclass);\n"
                + "BEGIN\n"
                + "  IF TG_OP = 'INSERT' THEN\n"
                + "    " + upsert("SELECT " + keys("new_rows")) + ";\n"
                + "  ELSIF TG_OP = 'UPDATE' THEN\n"
                + "    " + upsert("SELECT " + keys("old_rows") + " UNION ALL SELECT " + keys("new_rows")) + ";\n"
                + "  ELSE\n"
                + "    " + upsert("SELECT " + keys("old_rows")) + ";\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END\n";
    }

    String createSql() {
        return "CREATE OR REPLACE FUNCTION " + objects.function() + "() RETURNS trigger LANGUAGE plpgsql"
                + " SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$" + body() + "$capture$";
    }

    String commentSql() {
        return "COMMENT ON FUNCTION " + objects.function() + "() IS '" + COMMENT_PREFIX + chunkSize + "'";
    }

    /** The chunk size a function's comment records; empty when there is none or it is not ours. */
    static Optional<Duration> chunkSizeOf(String comment) {
        if (comment == null) {
            return Optional.empty();
        }
        Matcher m = COMMENT.matcher(comment);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.parse(m.group(1)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Ship as text and the reading's time in microseconds since the epoch, of one transition table. */
    private String keys(String rows) {
        return source.ship() + "::text AS ship_id, (extract(epoch FROM " + source.time() + ") * 1000000)::bigint AS us"
                + " FROM " + rows + " WHERE " + source.ship() + " IS NOT NULL AND " + source.time() + " IS NOT NULL";
    }

    private String upsert(String keys) {
        long size = ChunkWindows.micros(chunkSize);
        // floor division (times before 1970 included); the window start is exact in whole microseconds
        String start = "us - ((us % " + size + ") + " + size + ") % " + size;
        return "INSERT INTO " + objects.table() + " AS m (ship_id, window_start, window_end, version)"
                + " SELECT ship_id, timestamptz 'epoch' + interval '1 microsecond' * start_us,"
                + " timestamptz 'epoch' + interval '1 microsecond' * (start_us + " + size + "), mark_version"
                + " FROM (SELECT DISTINCT ship_id, " + start + " AS start_us FROM (" + keys + ") k) d"
                + " ORDER BY ship_id, start_us"
                + " ON CONFLICT (ship_id, window_start) DO UPDATE SET version = excluded.version,"
                + " window_end = greatest(m.window_end, excluded.window_end), marked_at = now()";
    }
}
