package io.tsmigrator.capture;

import io.tsmigrator.ledger.ChunkWindows;
import io.tsmigrator.source.ColumnType;
import io.tsmigrator.source.SourceTable;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trigger function that marks changed windows. One statement per firing inserts the distinct
 * (ship, window) of the transition table(s) into the mark table, in a fixed order so that
 * concurrent writers lock marks in the same order (no deadlock between two uploads), and bumps the
 * version of a mark that exists. Its window is the one {@link ChunkWindows#cut} aligns to: a
 * multiple of the chunk size since the Unix epoch, in whole microseconds ({@code date_bin},
 * PostgreSQL 14 or later), a {@code timestamp} column read as UTC whatever the writer's time zone.
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
                + "    " + upsert(rows("new_rows")) + ";\n"
                + "  ELSIF TG_OP = 'UPDATE' THEN\n"
                + "    " + upsert(rows("old_rows", "new_rows")) + ";\n"
                + "  ELSE\n"
                + "    " + upsert(rows("old_rows")) + ";\n"
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

    /** Ship and time of the rows of the transition table(s), null ones left out. */
    private String rows(String... tables) {
        StringBuilder union = new StringBuilder();
        for (String table : tables) {
            union.append(union.isEmpty() ? "" : " UNION ALL ").append("SELECT ").append(source.ship()).append(", ").append(source.time())
                    .append(" FROM ").append(table).append(" WHERE ").append(source.ship()).append(" IS NOT NULL AND ")
                    .append(source.time()).append(" IS NOT NULL");
        }
        return union.toString();
    }

    private String upsert(String rows) {
        long size = ChunkWindows.micros(chunkSize);
        String stride = "interval '" + size + " microseconds'";
        boolean zoned = source.timeType().oid() == ColumnType.TIMESTAMPTZ;
        // date_bin is exact integer arithmetic on the microseconds, ~1/3 of a row's cost cheaper than extract(epoch) in numeric
        // with its offset: the body is parsed in the writer's session, whatever its time zone
        String origin = zoned ? "timestamptz '" + origin(size) + "+00'" : "timestamp '" + origin(size) + "'";
        String start = zoned ? "ws" : "(ws AT TIME ZONE 'UTC')";
        // distinct on the column's own values first: one text conversion per window, not per row
        return "INSERT INTO " + objects.table() + " AS m (ship_id, window_start, window_end, version)"
                + " SELECT ship::text, " + start + ", " + start + " + " + stride + ", mark_version"
                + " FROM (SELECT DISTINCT r." + source.ship() + " AS ship, date_bin(" + stride + ", r." + source.time() + ", " + origin + ") AS ws"
                + " FROM (" + rows + ") r) d"
                + " ORDER BY 1, 2"
                + " ON CONFLICT (ship_id, window_start) DO UPDATE SET version = excluded.version,"
                + " window_end = greatest(m.window_end, excluded.window_end), marked_at = now()";
    }

    /**
     * The bins' origin: a multiple of the chunk size since the Unix epoch, in 1670 or shortly
     * before, so that every reading is after it (date_bin's results for times before their origin
     * were not always right across PostgreSQL releases) and windows still start where
     * {@link ChunkWindows#cut} starts them.
     */
    static String origin(long sizeMicros) {
        long back = ChunkWindows.micros(java.time.Instant.parse("1670-01-01T00:00:00Z"));
        long origin = Math.floorDiv(back, sizeMicros) * sizeMicros;
        return DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneOffset.UTC)
                .format(ChunkWindows.instant(origin));
    }
}
