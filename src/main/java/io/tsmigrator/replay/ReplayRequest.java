package io.tsmigrator.replay;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.IsoTime;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a {@code replay} command line asks for: dead letters filtered by ship, SQLState, time of
 * failure and id (all of them when no filter is given), and windows imported from a CSV file.
 * Without {@code --csv} it replays dead letters; with {@code --csv} and no filter, only the file.
 * The file is read and checked here, before anything touches a database.
 */
public record ReplayRequest(List<String> ships, String sqlState, Instant since, List<Long> ids, Path csv, List<ImportedWindow> windows) {

    public static final Set<String> OPTIONS = Set.of("ship", "sql-state", "since", "id", "csv");

    private static final Pattern SQL_STATE = Pattern.compile("[0-9A-Z]{5}");

    public static ReplayRequest parse(Map<String, String> options) {
        List<String> ships = list(options.get("ship"));
        String sqlState = options.get("sql-state");
        if (sqlState != null && !SQL_STATE.matcher(sqlState).matches()) {
            throw InvalidSettingException.of("--sql-state", sqlState, "a five-character SQLState such as 57014");
        }
        Instant since = null;
        if (options.get("since") != null) {
            try {
                since = IsoTime.parse(options.get("since"));
            } catch (DateTimeParseException e) {
                throw InvalidSettingException.of("--since", options.get("since"), IsoTime.EXPECTED);
            }
        }
        List<Long> ids = new ArrayList<>();
        for (String id : list(options.get("id"))) {
            try {
                ids.add(Long.parseLong(id));
            } catch (NumberFormatException e) {
                throw InvalidSettingException.of("--id", options.get("id"), "dead letter ids (whole numbers, comma-separated), as report lists them");
            }
        }
        String csv = options.get("csv");
        if (csv != null && csv.isBlank()) {
            throw InvalidSettingException.of("--csv", csv, "the path of a CSV file with the header ship_id,start,end");
        }
        Path file = csv == null ? null : Path.of(csv);
        return new ReplayRequest(ships, sqlState, since, List.copyOf(ids), file, file == null ? List.of() : WindowFile.read(file));
    }

    /** Whether dead letters are part of this replay: always, unless only a CSV file was given. */
    public boolean replaysDeadLetters() {
        return csv == null || !ships.isEmpty() || sqlState != null || since != null || !ids.isEmpty();
    }

    /** The filters as the user wrote them, for messages. */
    public String describeFilters() {
        List<String> parts = new ArrayList<>();
        if (!ships.isEmpty()) {
            parts.add("--ship=" + String.join(",", ships));
        }
        if (sqlState != null) {
            parts.add("--sql-state=" + sqlState);
        }
        if (since != null) {
            parts.add("--since=" + since);
        }
        if (!ids.isEmpty()) {
            parts.add("--id=" + ids.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        return parts.isEmpty() ? "any open dead letter" : String.join(" ", parts);
    }

    private static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.trim());
                }
            }
        }
        return List.copyOf(items);
    }
}
