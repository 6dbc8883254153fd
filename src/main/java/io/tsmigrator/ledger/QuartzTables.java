package io.tsmigrator.ledger;

import org.quartz.impl.jdbcjobstore.JobStoreSupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The tables of Quartz's clustered JDBC JobStore, which elects the process that runs each planning
 * pass. They are Quartz's own PostgreSQL script, shipped in its jar, so they match the Quartz
 * version on the class path; made idempotent (no DROP, {@code IF NOT EXISTS}) and moved into the
 * control schema under the prefix {@link #PREFIX}.
 */
public final class QuartzTables {

    /** Table prefix inside the control schema. */
    public static final String PREFIX = "qrtz_";

    private static final String SCRIPT = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    /** QRTZ_ as a table name's start, not inside an index name such as IDX_QRTZ_T_J. */
    private static final Pattern TABLE = Pattern.compile("\\bQRTZ_");

    private QuartzTables() {
    }

    /** Quartz's {@code org.quartz.jobStore.tablePrefix} for a quoted control schema. */
    public static String tablePrefix(String quotedSchema) {
        return quotedSchema + "." + PREFIX;
    }

    /** The script's CREATE statements, idempotent and in the control schema. */
    public static List<String> statements(String quotedSchema) {
        List<String> statements = new ArrayList<>();
        for (String statement : script().split(";")) {
            String sql = statement.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + "\n" + b).trim();
            if (sql.startsWith("CREATE TABLE")) {
                sql = sql.replaceFirst("^CREATE TABLE", "CREATE TABLE IF NOT EXISTS");
            } else if (sql.startsWith("CREATE INDEX")) {
                sql = sql.replaceFirst("^CREATE INDEX", "CREATE INDEX IF NOT EXISTS");
            } else {
                continue;
            }
            statements.add(TABLE.matcher(sql).replaceAll(java.util.regex.Matcher.quoteReplacement(tablePrefix(quotedSchema))));
        }
        if (statements.isEmpty()) {
            throw new IllegalStateException(SCRIPT + " holds no CREATE statement");
        }
        return statements;
    }

    private static String script() {
        try (InputStream in = JobStoreSupport.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the class path (the quartz jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SCRIPT + ": " + e.getMessage(), e);
        }
    }
}
