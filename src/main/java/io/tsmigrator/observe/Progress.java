package io.tsmigrator.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job's progress at one moment, all from the ledger: what a restart cannot forget.
 *
 * @param rowsPerSecondLastMinute narrow rows of the chunks finished in the last minute, per second
 * @param rowsPerSecondSinceStart narrow rows per second from the job's first chunk to its latest
 * @param eta the time left at the recent pace, or null while there is too little to go on
 * @param lag now minus the newest migrated window's end, the largest over the ships; null before any
 * @param changedWindows per ship, the windows change capture marked that wait to be migrated again
 *                       (ships without any are left out); null when the job does not capture changes
 */
public record Progress(Instant at, List<ShipProgress> ships, double rowsPerSecondLastMinute, double rowsPerSecondSinceStart,
                       Duration eta, long openDeadLetters, Duration lag, Map<String, Long> changedWindows) {

    /** The changed windows waiting, all ships; null when the job does not capture changes. */
    public Long changedWindowsWaiting() {
        return changedWindows == null ? null : changedWindows.values().stream().mapToLong(Long::longValue).sum();
    }

    /** One ship's changed windows waiting; null when the job does not capture changes. */
    public Long changedWindowsWaiting(String ship) {
        return changedWindows == null ? null : changedWindows.getOrDefault(ship, 0L);
    }

    public long chunks() {
        return ships.stream().mapToLong(ShipProgress::chunks).sum();
    }

    public long done() {
        return ships.stream().mapToLong(ShipProgress::done).sum();
    }

    public long failed() {
        return ships.stream().mapToLong(ShipProgress::failed).sum();
    }

    public long pending() {
        return ships.stream().mapToLong(ShipProgress::pending).sum();
    }

    public long running() {
        return ships.stream().mapToLong(ShipProgress::running).sum();
    }

    public long splits() {
        return ships.stream().mapToLong(ShipProgress::splits).sum();
    }

    public long retries() {
        return ships.stream().mapToLong(ShipProgress::retries).sum();
    }

    public long narrowRows() {
        return ships.stream().mapToLong(ShipProgress::narrowRows).sum();
    }

    public long wideRows() {
        return ships.stream().mapToLong(ShipProgress::wideRows).sum();
    }

    public double percent() {
        long chunks = chunks();
        return chunks == 0 ? 0 : 100.0 * done() / chunks;
    }

    /** Nothing left to claim or finish: every window is done or dead-lettered. */
    public boolean caughtUp() {
        return pending() == 0 && running() == 0;
    }
}
