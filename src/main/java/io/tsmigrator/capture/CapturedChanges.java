package io.tsmigrator.capture;

import io.tsmigrator.ledger.Remigrations;
import io.tsmigrator.plan.ChangeMarks;
import io.tsmigrator.plan.RunScope;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The planner's view of change capture: the marks of the run's ships and time range, as
 * {@link Remigrations.Mark}s. Marks outside the scope are left for the run whose scope they are in.
 */
public final class CapturedChanges implements ChangeMarks {

    private final ChangeCapture capture;

    public CapturedChanges(ChangeCapture capture) {
        this.capture = capture;
    }

    @Override
    public List<Remigrations.Mark> waiting(RunScope scope, int limit) throws SQLException {
        List<Remigrations.Mark> marks = new ArrayList<>();
        for (DirtyWindow mark : capture.marks(limit)) {
            if (scope.ships().contains(mark.ship()) && mark.windowEnd().isAfter(scope.from()) && mark.windowStart().isBefore(scope.to())) {
                marks.add(new Remigrations.Mark(mark.ship(), mark.windowStart(), mark.windowEnd(), mark.version()));
            }
        }
        return marks;
    }

    @Override
    public void clear(List<Remigrations.Mark> marks) throws SQLException {
        capture.clear(marks.stream().map(m -> new DirtyWindow(m.ship(), m.start(), m.end(), m.version())).toList());
    }
}
