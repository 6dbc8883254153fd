package io.tsmigrator.replay;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.deadletter.DeadLetter;
import io.tsmigrator.source.Discovery;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Which ships a replay touches, and the check that every ship it names has readings in the source. */
public final class ReplayScope {

    private ReplayScope() {
    }

    /** Fails with one line naming the option or the CSV line when a ship has no readings in the source table. */
    public static void checkShips(ReplayRequest request, Discovery discovery, String sourceTable) throws SQLException {
        Map<String, Boolean> known = new HashMap<>();
        for (String ship : request.ships()) {
            if (!hasReadings(ship, discovery, known)) {
                throw InvalidSettingException.of("--ship", ship, "a ship that has readings in " + sourceTable);
            }
        }
        for (ImportedWindow w : request.windows()) {
            if (!hasReadings(w.ship(), discovery, known)) {
                throw WindowFile.error(request.csv(), w.line(), "ship '" + w.ship() + "' has no readings in " + sourceTable);
            }
        }
    }

    public static List<String> ships(List<DeadLetter> letters, List<ImportedWindow> windows) {
        TreeSet<String> ships = new TreeSet<>();
        letters.forEach(l -> ships.add(l.ship()));
        windows.forEach(w -> ships.add(w.ship()));
        return List.copyOf(ships);
    }

    private static boolean hasReadings(String ship, Discovery discovery, Map<String, Boolean> known) throws SQLException {
        Boolean has = known.get(ship);
        if (has == null) {
            has = discovery.bounds(ship) != null;
            known.put(ship, has);
        }
        return has;
    }
}
