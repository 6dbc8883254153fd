package io.tsmigrator.replay;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.IsoTime;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a list of windows to replay, such as the old tool's failed-chunk list: a CSV file whose
 * header names the columns {@code ship_id}, {@code start} and {@code end} (in any order; other
 * columns are ignored), one window per line, ISO-8601 times. The whole file is checked before
 * anything is queued, so a bad line — reported with its line number — queues nothing.
 */
public final class WindowFile {

    private static final List<String> COLUMNS = List.of("ship_id", "start", "end");
    /** Lines are parsed one at a time, so that an error names its line; spaces around a field are not part of it. */
    private static final CSVFormat LINE = CSVFormat.RFC4180.builder().setIgnoreSurroundingSpaces(true).setTrim(true).get();

    private WindowFile() {
    }

    public static List<ImportedWindow> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw InvalidSettingException.of("--csv", file.toString(), "a readable UTF-8 CSV file with the header ship_id,start,end");
        }
        int[] column = null;
        int width = 0;
        List<ImportedWindow> windows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = i == 0 ? lines.get(0).replace("\uFEFF", "") : lines.get(i);
            int number = i + 1;
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = fields(file, number, line);
            if (column == null) {
                column = header(file, number, fields);
                width = fields.size();
                continue;
            }
            if (fields.size() != width) {
                throw error(file, number, "expected " + width + " fields like the header, found " + fields.size() + " in '" + line.strip() + "'");
            }
            String ship = fields.get(column[0]);
            if (ship.isEmpty()) {
                throw error(file, number, "ship_id is empty");
            }
            Instant start = time(file, number, "start", fields.get(column[1]));
            Instant end = time(file, number, "end", fields.get(column[2]));
            if (!end.isAfter(start)) {
                throw error(file, number, "end '" + fields.get(column[2]) + "' is not after start '" + fields.get(column[1]) + "'");
            }
            windows.add(new ImportedWindow(ship, start, end, number));
        }
        if (column == null) {
            throw error(file, 1, "the file is empty; expected the header ship_id,start,end");
        }
        if (windows.isEmpty()) {
            throw error(file, lines.size(), "no window after the header");
        }
        return windows;
    }

    public static InvalidSettingException error(Path file, int line, String problem) {
        return new InvalidSettingException("--csv=" + file + " line " + line + ": " + problem);
    }

    private static int[] header(Path file, int number, List<String> fields) {
        int[] column = new int[COLUMNS.size()];
        for (int c = 0; c < COLUMNS.size(); c++) {
            column[c] = fields.stream().map(f -> f.toLowerCase(Locale.ROOT)).toList().indexOf(COLUMNS.get(c));
            if (column[c] < 0) {
                throw error(file, number, "the header must name the columns ship_id,start,end; found '" + String.join(",", fields) + "'");
            }
        }
        return column;
    }

    private static Instant time(Path file, int number, String name, String value) {
        try {
            return IsoTime.parse(value);
        } catch (DateTimeParseException e) {
            throw error(file, number, name + " '" + value + "' is not " + IsoTime.EXPECTED);
        }
    }

    /** One line's fields by RFC 4180 (Commons CSV): each optionally in double quotes, a doubled quote inside is one quote. */
    private static List<String> fields(Path file, int number, String line) {
        try (CSVParser parser = CSVParser.parse(line, LINE)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw error(file, number, "expected one line of fields, found '" + line.strip() + "'");
            }
            return records.get(0).toList();
        } catch (IOException | UncheckedIOException e) {
            throw error(file, number, "a quoted field is not closed");
        }
    }
}
