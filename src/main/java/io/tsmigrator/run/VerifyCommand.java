package io.tsmigrator.run;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.target.ChannelMapping;
import io.tsmigrator.target.WideTable;
import io.tsmigrator.verify.ChunkVerifier;
import io.tsmigrator.verify.WindowCheck;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code verify}: reconciles source and wide table window by window over the chunks in the ledger
 * (split chunks through their halves) and lists the windows that differ. Reads only.
 */
public final class VerifyCommand {

    private final Environment env;
    private final PrintStream out;

    public VerifyCommand(Environment env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    public int execute() throws SQLException {
        Settings settings = env.settings();
        SourceTable source = SourceTable.inspect(env.pools().read(), settings);
        ChannelMapping mapping = ChannelMapping.from(settings);
        List<String> channels = settings.channels().isEmpty()
                ? WideTable.existingChannels(env.pools().control(), settings, mapping) : settings.channels();
        if (channels.isEmpty()) {
            throw InvalidSettingException.of(Settings.TARGET_TABLE, settings.targetTable(), "a wide table with channel columns to verify");
        }
        ChunkVerifier verifier = new ChunkVerifier(env.pools().read(), env.pools().control(), source, channels,
                Identifiers.quoteQualified(settings.targetTable()), Identifiers.quote(settings.shipColumn()),
                Identifiers.quote(settings.timeColumn()), channels.stream().map(ch -> Identifiers.quote(mapping.columnFor(ch))).toList());
        List<Object[]> windows = windows(new ControlSchema(settings.controlSchema()).table("chunk"), settings);
        int mismatches = 0;
        for (Object[] w : windows) {
            WindowCheck check = verifier.check((String) w[0], (Instant) w[1], (Instant) w[2]);
            if (!check.matches()) {
                if (mismatches++ == 0) {
                    out.printf("%-20s %-30s %-30s %12s %12s %14s %12s%n", "ship", "window start", "window end",
                            "source times", "wide rows", "source values", "wide cells");
                }
                out.printf("%-20s %-30s %-30s %12d %12d %14d %12d%n", check.ship(), check.start(), check.end(),
                        check.sourceTimestamps(), check.wideRows(), check.sourceValues(), check.wideCells());
            }
        }
        out.printf("%d windows checked, %d differ%n", windows.size(), mismatches);
        return mismatches == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private List<Object[]> windows(String chunkTable, Settings settings) throws SQLException {
        List<Object[]> windows = new ArrayList<>();
        try (Connection c = env.pools().control().getConnection()) {
            try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                exists.setString(1, chunkTable);
                try (ResultSet rs = exists.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        throw InvalidSettingException.of(Settings.CONTROL_SCHEMA, settings.controlSchema(), "a schema with a chunk ledger (run first)");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT ship_id, window_start, window_end FROM " + chunkTable
                    + " WHERE job = ? AND status <> 'SPLIT' ORDER BY ship_id, window_start")) {
                ps.setString(1, settings.targetTable());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        windows.add(new Object[] {rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()});
                    }
                }
            }
        }
        return windows;
    }
}
