package io.tsmigrator.run;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.ledger.Requeue;
import io.tsmigrator.source.ColumnType;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.wide.ChannelMapping;
import io.tsmigrator.verify.ChunkVerifier;
import io.tsmigrator.verify.LedgerPages;
import io.tsmigrator.verify.LedgerWindow;
import io.tsmigrator.verify.ShipChannels;
import io.tsmigrator.verify.WindowCheck;
import io.tsmigrator.verify.WindowDigests;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code verify}: compares source and wide table over the ledger's DONE leaf chunks in scope, each
 * window by a digest of its rows, cells and values computed in SQL on each side, and lists the
 * windows that differ. Reads only, unless {@code --requeue} puts the differing windows back to
 * PENDING for the next run. Exit 0 when every window checked is equal, 1 when any differs.
 */
public final class VerifyCommand {

    /** Command options: {@code --requeue} (or {@code --requeue=true}). */
    public static final Set<String> OPTIONS = Set.of("requeue");

    private static final String LINE = "%-20s %-30s %-30s %11s %11s %12s %12s %s%n";

    private final Environment env;
    private final PrintStream out;
    private final boolean requeue;
    private long checked;
    private long differ;
    private long unplanned;
    private long requeued;
    private long planned;

    public VerifyCommand(Environment env, PrintStream out, boolean requeue) {
        this.env = env;
        this.out = out;
        this.requeue = requeue;
    }

    /** Whether the command options ask for a requeue; anything but true/false (or no value) is refused. */
    public static boolean requeue(Map<String, String> options) {
        String value = options.get("requeue");
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        throw InvalidSettingException.of("--requeue", value, "no value, true or false");
    }

    public int execute() throws SQLException {
        Settings settings = env.settings();
        ControlSchema schema = new ControlSchema(settings.controlSchema());
        String chunkTable = schema.table("chunk");
        requireLedger(chunkTable, settings);
        SourceTable source = SourceTable.inspect(env.pools().read(), settings);
        ChannelMapping mapping = ChannelMapping.from(settings);
        Map<String, ColumnType> wideColumns = SourceTable.columnsOf(env.pools().control(), Identifiers.quoteQualified(settings.targetTable()));
        ShipChannels channels = new ShipChannels(mapping, wideColumns == null ? List.of() : wideColumns.keySet(), settings.channels(),
                source.channelType().isInteger());
        if (channels.columns().isEmpty()) {
            throw InvalidSettingException.of(Settings.TARGET_TABLE, settings.targetTable(), "a wide table with channel columns to verify");
        }
        WindowDigests digests = new WindowDigests(source, Identifiers.quoteQualified(settings.targetTable()), Identifiers.quote(settings.shipColumn()),
                Identifiers.quote(settings.timeColumn()), channels.columns(), channels.filtered());
        Requeue requeues = new Requeue(env.pools().control(), new ChunkLedger(env.pools().control(), schema, settings.targetTable()), schema);
        LedgerPages pages = new LedgerPages(env.pools().control(), chunkTable, settings.targetTable(), settings.ships(), settings.from(), settings.to());
        long notDone;
        try (ChunkVerifier verifier = new ChunkVerifier(env.pools().read(), env.pools().control(), digests, channels)) {
            notDone = verifier.verify(pages, new ChunkVerifier.Results() {
                @Override
                public void checked(List<WindowCheck> batch) throws SQLException {
                    report(batch, requeues);
                }

                @Override
                public void unplanned(List<LedgerWindow> gaps) throws SQLException {
                    report(gaps, requeues, settings.chunkSize());
                }
            });
        }
        out.printf("%d windows checked, %d differ%s%s%n", checked, differ,
                unplanned == 0 ? "" : "; " + unplanned + " gaps between windows hold readings no window covers",
                notDone == 0 ? "" : "; " + notDone + " not migrated yet (pending, running or failed), not checked");
        if (requeue && differ + unplanned > 0) {
            out.printf("%d windows requeued as PENDING%s: the next run, or a running run --follow, migrates them again%n", requeued,
                    planned == 0 ? "" : ", " + planned + " planned in the gaps");
        }
        return differ + unplanned == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Prints the gaps that hold readings and, with --requeue, plans windows over them. */
    private void report(List<LedgerWindow> gaps, Requeue requeues, Duration chunkSize) throws SQLException {
        for (LedgerWindow gap : gaps) {
            header();
            unplanned++;
            out.printf(LINE, gap.ship(), gap.start(), gap.end(), "-", "-", "-", "-", "no window");
            if (requeue) {
                int[] counts = requeues.window(gap.ship(), gap.start(), gap.end(), chunkSize, null);
                requeued += counts[0];
                planned += counts[1];
            }
        }
    }

    private void header() {
        if (differ + unplanned == 0) {
            out.printf(LINE, "ship", "window start", "window end", "source rows", "wide rows", "source cells", "wide cells", "differ");
        }
    }

    /** Prints a batch's differing windows and, with --requeue, puts them back to PENDING. */
    private void report(List<WindowCheck> batch, Requeue requeues) throws SQLException {
        List<Long> different = new ArrayList<>();
        for (WindowCheck check : batch) {
            checked++;
            if (check.matches()) {
                continue;
            }
            header();
            differ++;
            out.printf(LINE, check.window().ship(), check.window().start(), check.window().end(),
                    check.source().rows(), check.wide().rows(), check.source().cells(), check.wide().cells(), check.differs());
            different.add(check.window().chunkId());
        }
        if (requeue) {
            requeued += requeues.done(different);
        }
    }

    private void requireLedger(String chunkTable, Settings settings) throws SQLException {
        try (Connection c = env.pools().control().getConnection(); PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, chunkTable);
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw InvalidSettingException.of(Settings.CONTROL_SCHEMA, settings.controlSchema(), "a schema with a chunk ledger (run first)");
                }
            }
        }
    }
}
