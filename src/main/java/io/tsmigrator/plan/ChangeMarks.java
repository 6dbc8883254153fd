package io.tsmigrator.plan;

import io.tsmigrator.ledger.Remigrations;

import java.sql.SQLException;
import java.util.List;

/**
 * The source's record of windows whose rows changed (inserted, updated or deleted) since they were
 * marked: what change capture keeps, read and cleared by the planner.
 */
public interface ChangeMarks {

    /** Up to {@code limit} marks of the scope's ships and time range, oldest first. */
    List<Remigrations.Mark> waiting(RunScope scope, int limit) throws SQLException;

    /** Clears marks whose version is still the given one; a mark changed since stays. */
    void clear(List<Remigrations.Mark> marks) throws SQLException;

    /** No change capture: nothing is ever marked. */
    ChangeMarks NONE = new ChangeMarks() {
        @Override
        public List<Remigrations.Mark> waiting(RunScope scope, int limit) {
            return List.of();
        }

        @Override
        public void clear(List<Remigrations.Mark> marks) {
        }
    };
}
