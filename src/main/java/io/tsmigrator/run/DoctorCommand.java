package io.tsmigrator.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        ObjectNode json = JsonOutput.object().put("verdict", d.verdict().label());
        json.putObject("counts").put("fail", d.count(Verdict.FAIL)).put("warn", d.count(Verdict.WARN)).put("ok", d.count(Verdict.OK));
        ArrayNode checks = json.putArray("checks");
        for (Finding f : d.findings()) {
            checks.addObject().put("check", f.check()).put("verdict", f.verdict().label())
                    .put("value", Secrets.scrub(f.value())).put("advice", Secrets.scrub(f.advice()));
        }
        Diagnosis.Advice a = d.advice();
        if (a == null) {
            json.putNull("recommendation");
        } else {
            ObjectNode r = json.putObject("recommendation").put("chunkSize", a.chunkSize())
                    .put("estimatedSeconds", JsonOutput.decimal(a.estimatedSeconds(), 3))
                    .put("targetSeconds", JsonOutput.decimal(a.targetSeconds(), 3))
                    .put("target", a.target())
                    .put("limit", a.limit())
                    .put("limitSeconds", JsonOutput.decimal(a.limitSeconds(), 3))
                    .put("configuredChunkSize", a.configuredChunkSize())
                    .put("configuredEstimatedSeconds", JsonOutput.decimal(a.configuredEstimatedSeconds(), 3))
                    .put("rowsPerChunk", a.rowsPerChunk());
            r.putObject("sample").put("ship", a.sampleShip()).put("from", a.sampleFrom()).put("to", a.sampleTo())
                    .put("narrowRows", a.sampleRows()).put("seconds", JsonOutput.decimal(a.sampleSeconds(), 3))
                    .put("rowsPerSecond", a.rowsPerSecond());
        }
        JsonOutput.print(out, json);
    }

    private static String round(double v) {
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
