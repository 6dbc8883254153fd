package io.tsmigrator.capture;

import io.tsmigrator.config.Settings;
import io.tsmigrator.source.SourceTable;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Change capture on the source table ({@code migrator.follow.capture=trigger}): which (ship, chunk
 * window) received inserts, updates or deletes, known without reading the source.
 * <p>
 * What it installs in the SOURCE database, in {@code migrator.control-schema}: the table
 * {@code dirty_window} (one mark per ship and window), the sequence {@code dirty_window_version},
 * the function {@code capture_dirty_window()} and, on the source table, the statement-level
 * triggers {@code tsmigrator_<control-schema>_insert}, {@code _update} and {@code _delete}. Each writing
 * statement inserts the distinct (ship, window) of its rows (old and new rows of an UPDATE, so a
 * row moved to another window or ship marks both), or gives an existing mark a new, higher version.
 * <p>
 * How the planner uses it:
 * <ol>
 * <li>{@link #install()} before the first planning pass (idempotent; several processes may call it
 * at once). It throws {@link CaptureUnavailableException} with a one-line message when the source
 * refuses triggers (TimescaleDB hypertables, managed services, missing TRIGGER privilege).</li>
 * <li>Each pass: {@link #marks(int)}, oldest first; turn each into ledger work for
 * [windowStart, windowEnd) of its ship. Read the marks before the window's re-migration reads the
 * source, so that every change the mark stands for is in what the chunk reads.</li>
 * <li>After the chunk's DONE has committed: {@link #clear(Collection)} with the marks as read. A
 * mark whose window changed again meanwhile has a new version and stays, so the window is migrated
 * once more; clearing it too late (after a crash) only costs a redundant re-migration.</li>
 * </ol>
 * All methods take connections from the given source pool; they switch a connection to read-write
 * and autocommit, whatever the pool's defaults. {@link #marks}, {@link #clear} and {@link #pending}
 * see no marks when capture is not installed.
 * <p>
 * Limits: one source table per control schema (installing on a second table is refused);
 * {@code TRUNCATE} is not captured; a writer that changes several windows in several statements of
 * one transaction may still deadlock with another such writer (rows within one statement are
 * marked in a fixed order).
 */
public final class ChangeCapture {

    private final CaptureInstaller installer;
    private final DirtyWindows marks;

    public ChangeCapture(DataSource source, SourceTable table, String controlSchema, Duration chunkSize) {
        CaptureObjects objects = new CaptureObjects(controlSchema, table.table());
        this.installer = new CaptureInstaller(source, objects, table, chunkSize);
        this.marks = new DirtyWindows(source, objects);
    }

    public static ChangeCapture of(DataSource source, SourceTable table, Settings settings) {
        return new ChangeCapture(source, table, settings.controlSchema(), settings.chunkSize());
    }

    /** Creates what is missing and replaces a function that marks another chunk size; returns the state after. */
    public CaptureState install() throws SQLException {
        return installer.install();
    }

    /** Drops the triggers, the function, the mark table and its sequence (pending marks are lost); the schema stays. */
    public void uninstall() throws SQLException {
        installer.uninstall();
    }

    /** What is installed: {@link CaptureState#installed()}, the chunk size it marks, stray parts. */
    public CaptureState state() throws SQLException {
        return installer.state();
    }

    /** Up to {@code limit} marks, oldest version first. */
    public List<DirtyWindow> marks(int limit) throws SQLException {
        return marks.marks(limit);
    }

    /** Deletes each given mark only where its version is still the one given; returns how many went. */
    public int clear(Collection<DirtyWindow> done) throws SQLException {
        return marks.clear(done);
    }

    /** How many windows are marked (the changed windows waiting). */
    public long pending() throws SQLException {
        return marks.pending();
    }
}
