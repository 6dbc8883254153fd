package io.tsmigrator.observe;

import io.tsmigrator.control.Controls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;

/** Logs the progress line every {@code migrator.progress-interval} (called by the progress route's timer). */
public final class ProgressLog {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private final ProgressCache progress;
    private final Controls controls;

    public ProgressLog(ProgressCache progress, Controls controls) {
        this.progress = progress;
        this.controls = controls;
    }

    public void log() {
        try {
            // as fresh as the ledger's size allows: a huge ledger's figures may be a few read times old
            LOG.info("progress: {}", ProgressLine.of(progress.get(Duration.ZERO), controls.closedBecause()));
        } catch (SQLException e) {
            LOG.warn("cannot read the progress from the ledger now: {}", e.getMessage());
        }
    }
}
