package io.tsmigrator.run;

import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.deadletter.DeadLetterSelection;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.ledger.Requeue;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.replay.ReplayRequest;
import io.tsmigrator.report.RunSummary;
import io.tsmigrator.report.ShipCompletions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;

/**
 * After Camel stopped: hands this process's unfinished chunks back to the ledger, prints the
 * summary (and a replay's outcome) and turns the ledger's state into the exit code.
 */
final class RunOutcome {

    private static final Logger LOG = LoggerFactory.getLogger(RunOutcome.class);

    private final ChunkLedger ledger;
    private final Requeue requeue;
    private final ControlSchema schema;
    private final PrintStream out;

    RunOutcome(ChunkLedger ledger, Requeue requeue, ControlSchema schema, PrintStream out) {
        this.ledger = ledger;
        this.requeue = requeue;
        this.schema = schema;
        this.out = out;
    }

    /**
     * @param replay the replay, or null for a plain run
     * @param replayed the dead letters a replay queued
     */
    int settle(String owner, RunScope scope, ShipCompletions completions, ReplayRequest replay, boolean json,
               DeadLetterSelection letters, List<DeadLetter> replayed) throws SQLException {
        int released = ledger.releaseOwned(owner);
        if (released > 0) {
            LOG.info("handed {} unfinished chunks back to the ledger; the next run resumes them", released);
        }
        requeue.settleOutcomes();
        long unfinished = ledger.unfinished(scope.ships(), scope.from(), scope.to(), scope.batch());
        long failed = ledger.failed(scope.ships(), scope.from(), scope.to(), scope.batch());
        if (replay == null || !json) {
            new RunSummary(out).print(completions.completions(scope.ships()), unfinished, failed, schema.table("dead_letter"));
        }
        if (replay != null) {
            new ReplaySummary(out, json).print(letters.byIds(replayed.stream().map(DeadLetter::id).toList()), replay.windows(), unfinished, failed);
        }
        return exitCode(unfinished, failed);
    }

    static int exitCode(long unfinished, long failed) {
        if (unfinished > 0) {
            return ExitCodes.FAILED;
        }
        return failed > 0 ? ExitCodes.DEAD_LETTERS : ExitCodes.OK;
    }
}
