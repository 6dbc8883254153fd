package io.tsmigrator.run;

import io.tsmigrator.capture.CaptureState;
import io.tsmigrator.capture.ChangeCapture;
import io.tsmigrator.config.Settings;
import io.tsmigrator.source.SourceTable;

import java.io.PrintStream;
import java.sql.SQLException;

/**
 * {@code doctor --drop-capture}: removes this control schema's change capture from the source
 * database (its triggers, wherever they are, the trigger function, the mark table and its
 * sequence), for a user who stops following. Marks not yet migrated again are dropped with it.
 */
public final class DropCaptureCommand {

    private final Environment env;
    private final PrintStream out;

    public DropCaptureCommand(Environment env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    public int execute() throws SQLException {
        Settings settings = env.settings();
        ChangeCapture capture = ChangeCapture.of(env.pools().read(), SourceTable.inspect(env.pools().read(), settings), settings);
        String what = "change capture of control schema " + settings.controlSchema();
        CaptureState state = capture.state();
        if (state.absent()) {
            out.println(what + ": nothing installed in the source");
            return ExitCodes.OK;
        }
        long marked = capture.pending();
        capture.uninstall();
        out.println(what + " removed from the source: its triggers, function, mark table and sequence"
                + (marked > 0 ? "; " + marked + " windows marked changed were not migrated again (verify --requeue finds them)" : ""));
        if (settings.capturesChanges()) {
            out.println("the next run installs it again unless " + Settings.FOLLOW_CAPTURE + "=none");
        }
        return ExitCodes.OK;
    }
}
