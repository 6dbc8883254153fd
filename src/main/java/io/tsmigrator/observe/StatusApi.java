package io.tsmigrator.observe;

import io.tsmigrator.control.ControlState;
import io.tsmigrator.control.Controls;
import io.tsmigrator.control.WorkerRegistry;
import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.deadletter.DeadLetterSelection;
import io.tsmigrator.config.Secrets;

import java.sql.SQLException;
import java.time.Duration;

import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Answers {@code GET /api/status} and {@code GET /api/chunk-map}. The ledger is aggregated at most
 * once every {@link #MAX_AGE} however many pages poll, and the chunk map at most once every
 * {@link #MAP_MAX_AGE}; both less often when the ledger is so large that reading it takes long ({@link ReadBudget}).
 */
public final class StatusApi {

    static final Duration MAX_AGE = Duration.ofSeconds(1);
    static final Duration MAP_MAX_AGE = Duration.ofSeconds(3);
    static final int DEAD_LETTERS_LISTED = 50;

    private final ProgressCache progress;
    private final Controls controls;
    private final WorkerRegistry workers;
    private final DeadLetterSelection letters;
    private final Throughput throughput;
    private final ChunkMap map;
    private final boolean controlsEnabled;
    private final String job;
    private volatile boolean finished;
    private ChunkMap.View lastMap;
    private int lastMapColumns;
    private final ReadBudget mapBudget = new ReadBudget();

    public StatusApi(String job, ProgressCache progress, Controls controls, WorkerRegistry workers, DeadLetterSelection letters,
                     Throughput throughput, ChunkMap map, boolean controlsEnabled) {
        this.job = job;
        this.progress = progress;
        this.controls = controls;
        this.workers = workers;
        this.letters = letters;
        this.throughput = throughput;
        this.map = map;
        this.controlsEnabled = controlsEnabled;
    }

    /** Called once the run has nothing left to do. */
    public void finished() {
        finished = true;
    }

    public StatusView status() throws SQLException {
        Progress p = progress.get(MAX_AGE);
        ControlState c = controls.state();
        String reason = controls.closedBecause();
        String state = finished ? "finished" : c.paused() ? "paused" : reason != null && reason.startsWith("replica") ? "held"
                : reason != null ? "throttled" : "running";
        List<StatusView.Ship> ships = p.ships().stream().map(s -> new StatusView.Ship(s.ship(), s.done(), s.chunks(), s.running(), s.failed(),
                s.narrowRows(), s.wideRows(), s.newestDone() == null ? null : seconds(Duration.between(s.newestDone(), p.at())),
                p.changedWindowsWaiting(s.ship()))).toList();
        List<StatusView.DeadLetter> open = letters.latestOpen(DEAD_LETTERS_LISTED).stream().map(StatusApi::letter).toList();
        List<StatusView.Worker> known = workers.list().stream().map(w -> new StatusView.Worker(w.id(), w.host(), w.pid(), w.alive(),
                w.lastSeen().truncatedTo(ChronoUnit.SECONDS).toString(), w.chunksInHand(), w.rowsPerSecond(), w.id().equals(workers.id()))).toList();
        Duration lag = controls.replicaLag();
        Duration maxLag = controls.maxReplicaLag();
        return new StatusView(state, reason, job, p.at().truncatedTo(ChronoUnit.MILLIS).toString(),
                new StatusView.Chunks(p.done(), p.chunks(), p.pending(), p.running(), p.failed(), p.splits()),
                p.narrowRows(), p.wideRows(), p.rowsPerSecondLastMinute(), p.rowsPerSecondSinceStart(),
                p.eta() == null ? null : p.eta().toSeconds(), p.lag() == null ? null : seconds(p.lag()), p.changedWindowsWaiting(),
                p.retries(), p.splits(),
                new StatusView.DeadLetters(p.openDeadLetters(), open),
                new StatusView.Controls(controlsEnabled, c.paused(), c.maxRowsPerSecond(), c.maxLanes()),
                new StatusView.ReplicaLag(maxLag != null, lag == null ? null : seconds(lag), maxLag == null ? null : seconds(maxLag)),
                ships, known, throughput.recent());
    }

    public synchronized ChunkMap.View chunkMap(Integer columns) throws SQLException {
        int n = columns == null ? 600 : columns;
        long now = System.nanoTime();
        // another width is read at once, but within the budget too: two pages of different widths do not read it per request
        if (lastMap == null || mapBudget.due(now, MAP_MAX_AGE) || n != lastMapColumns && mapBudget.due(now, Duration.ZERO)) {
            try {
                lastMap = map.read(n);
                lastMapColumns = n;
            } finally {
                mapBudget.reading(now, System.nanoTime());
            }
        }
        return lastMap;
    }

    private static StatusView.DeadLetter letter(DeadLetter l) {
        String error = Secrets.scrub(l.error());
        if (error != null && error.length() > 300) {
            error = error.substring(0, 300) + "…";
        }
        return new StatusView.DeadLetter(l.id(), l.ship(), l.window(), l.attempts(), l.sqlState(), error,
                l.failedAt() == null ? null : l.failedAt().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

}
