package io.tsmigrator.verify;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compares source and wide table over the ledger's DONE leaf chunks, batch by batch: a batch is
 * consecutive windows of one ship, digested with one query on each side, the source's on a thread
 * of its own while the target's runs, since the two are often different servers. Only a batch's
 * digests are held at a time, so memory stays flat however long the history.
 */
public final class ChunkVerifier implements AutoCloseable {

    /** A batch ends when its windows' narrow rows (as the ledger counted them when migrating) reach this. */
    static final long ROWS_PER_BATCH = 2_000_000;
    /** ... or when it has this many windows. */
    static final int WINDOWS_PER_BATCH = 200;

    /** Receives each batch's comparisons, in ledger order, and the gaps between windows that hold readings. */
    public interface Results {
        void checked(List<WindowCheck> batch) throws SQLException;

        /** Ranges between two of a ship's windows where the source has readings that no window covers. */
        void unplanned(List<LedgerWindow> gaps) throws SQLException;
    }

    private final DataSource source;
    private final DataSource target;
    private final WindowDigests digests;
    private final ShipChannels channels;
    private final ExecutorService sourceSide = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "verify-source");
        t.setDaemon(true);
        return t;
    });

    public ChunkVerifier(DataSource source, DataSource target, WindowDigests digests, ShipChannels channels) {
        this.source = source;
        this.target = target;
        this.digests = digests;
        this.channels = channels;
    }

    /** Checks every DONE leaf the pages give; returns how many leaves were not DONE (not checked). */
    public long verify(LedgerPages pages, Results results) throws SQLException {
        List<LedgerWindow> page;
        while ((page = pages.next()) != null) {
            for (List<LedgerWindow> batch : batches(page)) {
                results.checked(check(batch));
            }
            if (!pages.gaps().isEmpty()) {
                List<LedgerWindow> unplanned = digests.holdingReadings(source, pages.gaps(), channels.listed());
                if (!unplanned.isEmpty()) {
                    results.unplanned(unplanned);
                }
            }
        }
        return pages.notDone();
    }

    /** Cuts a page into runs of one ship, each within the batch limits. */
    static List<List<LedgerWindow>> batches(List<LedgerWindow> page) {
        List<List<LedgerWindow>> batches = new ArrayList<>();
        List<LedgerWindow> current = new ArrayList<>();
        long rows = 0;
        for (LedgerWindow w : page) {
            if (!current.isEmpty() && (!current.get(0).ship().equals(w.ship()) || current.size() >= WINDOWS_PER_BATCH
                    || rows + w.rowsRead() > ROWS_PER_BATCH)) {
                batches.add(current);
                current = new ArrayList<>();
                rows = 0;
            }
            current.add(w);
            rows += w.rowsRead();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** Digests one ship's windows on both sides and pairs them up. */
    List<WindowCheck> check(List<LedgerWindow> batch) throws SQLException {
        String ship = batch.get(0).ship();
        Future<List<Checksum>> fromSource = sourceSide.submit(() -> digests.source(source, ship, batch, channels.read(ship)));
        List<Checksum> wide;
        try {
            wide = digests.wide(target, ship, batch, channels.keys(ship));
        } catch (SQLException | RuntimeException e) {
            fromSource.cancel(true);
            throw e;
        }
        List<Checksum> narrow = await(fromSource);
        List<WindowCheck> checks = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            checks.add(new WindowCheck(batch.get(i), narrow.get(i), wide.get(i)));
        }
        return checks;
    }

    private static List<Checksum> await(Future<List<Checksum>> side) throws SQLException {
        try {
            return side.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the source's digests were computed", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new SQLException(e.getCause());
        }
    }

    @Override
    public void close() {
        sourceSide.shutdownNow();
    }
}
