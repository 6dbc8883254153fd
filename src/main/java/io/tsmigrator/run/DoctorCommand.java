package io.tsmigrator.run;

import io.tsmigrator.ExitCodes;
import io.tsmigrator.config.Secrets;
import io.tsmigrator.doctor.Diagnosis;
import io.tsmigrator.doctor.Doctor;
import io.tsmigrator.doctor.Finding;
import io.tsmigrator.doctor.Verdict;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.Locale;

/**
 * {@code doctor}: the preflight's findings, one per check with its verdict and advice, and the
 * recommended chunk size, as a table or as JSON. Exit 0 when no check fails, 2 otherwise. Reads only.
 */
public final class DoctorCommand {

    private final Environment env;
    private final PrintStream out;
    private final boolean json;

    public DoctorCommand(Environment env, PrintStream out, boolean json) {
        this.env = env;
        this.out = out;
        this.json = json;
    }

    public int execute() throws SQLException {
        Diagnosis diagnosis = new Doctor(env.settings(), env.pools(), env.budgets(), env.sameDatabase(),
                env::plainSourceSession, env::plainTargetSession).examine();
        if (json) {
            printJson(diagnosis);
        } else {
            printTable(diagnosis);
        }
        return diagnosis.verdict() == Verdict.FAIL ? ExitCodes.INVALID_CONFIGURATION : ExitCodes.OK;
    }

    private void printTable(Diagnosis d) {
        int width = "check".length();
        for (Finding f : d.findings()) {
            width = Math.max(width, f.check().length());
        }
        String row = "%-7s  %-" + width + "s  %s%n";
        out.printf(row, "verdict", "check", "found (-> advice)");
        String indent = " ".repeat(7 + 2 + width + 2);
        for (Finding f : d.findings()) {
            out.printf(row, f.verdict().label(), f.check(), Secrets.scrub(f.value()));
            if (!f.advice().isEmpty()) {
                out.println(indent + "-> " + Secrets.scrub(f.advice()));
            }
        }
        Diagnosis.Advice a = d.advice();
        if (a != null) {
            out.printf(Locale.ROOT, "recommended migrator.chunk-size=%s: ~%s s to read and pivot a chunk (measured %,d rows/s on ship %s),"
                            + " under the target of %s%n", a.chunkSize(), round(a.estimatedSeconds()), a.rowsPerSecond(),
                    Secrets.scrub(a.sampleShip()), a.target());
        }
        out.printf("doctor: %d fail, %d warn, %d ok%n", d.count(Verdict.FAIL), d.count(Verdict.WARN), d.count(Verdict.OK));
    }

    private void printJson(Diagnosis d) {
        StringBuilder sb = new StringBuilder("{\"verdict\":").append(Json.quote(d.verdict().label()))
                .append(",\"counts\":{\"fail\":").append(d.count(Verdict.FAIL)).append(",\"warn\":").append(d.count(Verdict.WARN))
                .append(",\"ok\":").append(d.count(Verdict.OK)).append("},\"checks\":[");
        for (int i = 0; i < d.findings().size(); i++) {
            Finding f = d.findings().get(i);
            sb.append(i == 0 ? "" : ",").append("{\"check\":").append(Json.quote(f.check()))
                    .append(",\"verdict\":").append(Json.quote(f.verdict().label()))
                    .append(",\"value\":").append(Json.quote(Secrets.scrub(f.value())))
                    .append(",\"advice\":").append(Json.quote(Secrets.scrub(f.advice()))).append('}');
        }
        sb.append("],\"recommendation\":");
        Diagnosis.Advice a = d.advice();
        if (a == null) {
            sb.append("null");
        } else {
            sb.append("{\"chunkSize\":").append(Json.quote(a.chunkSize()))
                    .append(",\"estimatedSeconds\":").append(round(a.estimatedSeconds()))
                    .append(",\"targetSeconds\":").append(round(a.targetSeconds()))
                    .append(",\"target\":").append(Json.quote(a.target()))
                    .append(",\"limit\":").append(a.limit() == null ? "null" : Json.quote(a.limit()))
                    .append(",\"limitSeconds\":").append(round(a.limitSeconds()))
                    .append(",\"configuredChunkSize\":").append(Json.quote(a.configuredChunkSize()))
                    .append(",\"configuredEstimatedSeconds\":").append(round(a.configuredEstimatedSeconds()))
                    .append(",\"rowsPerChunk\":").append(a.rowsPerChunk())
                    .append(",\"sample\":{\"ship\":").append(Json.quote(a.sampleShip()))
                    .append(",\"from\":").append(Json.quote(a.sampleFrom()))
                    .append(",\"to\":").append(Json.quote(a.sampleTo()))
                    .append(",\"narrowRows\":").append(a.sampleRows())
                    .append(",\"seconds\":").append(round(a.sampleSeconds()))
                    .append(",\"rowsPerSecond\":").append(a.rowsPerSecond()).append("}}");
        }
        out.println(sb.append('}'));
    }

    private static String round(double v) {
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
