package io.tsmigrator.wide;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.config.UnmappedChannels;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Names of wide columns, per ship. By default a channel's column is
 * {@code ch_} followed by its id ({@code ch_17}). A mapping file
 * ({@code migrator.channels.mapping}) names columns instead, in one of two CSV forms told apart by
 * the header: {@code data_channel_id,column_name} (header optional; every ship) or
 * {@code ship_id,data_channel_id,column_name} (header required; an empty ship id means every ship),
 * so that ship A's channel 1017 and ship B's 2017 can both be {@code me1_speed}. A ship's own line
 * wins over an every-ship line for the same channel. Within one ship a column takes one channel.
 * Channels the file does not name follow {@code migrator.channels.unmapped}.
 */
public final class ChannelMapping {

    private static final String SHIP = "ship_id";
    private static final String CHANNEL = "data_channel_id";
    private static final String COLUMN = "column_name";

    private final String prefix;
    private final UnmappedChannels unmapped;
    /** Channel to column for every ship. */
    private final Map<String, String> everyShip;
    /** Ship to (channel to column) from the ship's own lines, every-ship lines not included. */
    private final Map<String, Map<String, String>> byShip;

    ChannelMapping(String prefix, UnmappedChannels unmapped, Map<String, String> everyShip, Map<String, Map<String, String>> byShip) {
        this.prefix = prefix;
        this.unmapped = unmapped;
        this.everyShip = everyShip;
        this.byShip = byShip;
    }

    public static ChannelMapping from(Settings settings) {
        Path file = settings.channelsMapping();
        ChannelMapping mapping = new ChannelMapping(Settings.COLUMN_PREFIX, settings.channelsUnmapped(), Map.of(), Map.of());
        if (file != null) {
            mapping = read(file, Settings.COLUMN_PREFIX, settings.channelsUnmapped());
            mapping.refuseReserved(file, settings.shipColumn(), settings.timeColumn());
        }
        return mapping;
    }

    /** A mapping without a file: prefix + id for every channel. */
    public static ChannelMapping prefixOnly(String prefix) {
        return new ChannelMapping(prefix, UnmappedChannels.COLUMN, Map.of(), Map.of());
    }

    public UnmappedChannels unmapped() {
        return unmapped;
    }

    /** Whether the file has lines for single ships (channel ids may then differ by ship). */
    public boolean perShip() {
        return !byShip.isEmpty();
    }

    /** The ships the file names on lines of their own. */
    public Set<String> ships() {
        return Collections.unmodifiableSet(byShip.keySet());
    }

    /** Every channel id the file names, for any ship, in file order. */
    public Set<String> mappedChannels() {
        Set<String> channels = new LinkedHashSet<>(everyShip.keySet());
        byShip.values().forEach(m -> channels.addAll(m.keySet()));
        return channels;
    }

    /** Every column the file names, in file order. */
    public Set<String> mappedColumns() {
        Set<String> columns = new LinkedHashSet<>(everyShip.values());
        byShip.values().forEach(m -> columns.addAll(m.values()));
        return columns;
    }

    /** The columns the file names for {@code channel} (on any ship's line). */
    public Set<String> mappedColumnsOf(String channel) {
        Set<String> columns = new LinkedHashSet<>();
        if (everyShip.containsKey(channel)) {
            columns.add(everyShip.get(channel));
        }
        byShip.values().forEach(m -> {
            if (m.containsKey(channel)) {
                columns.add(m.get(channel));
            }
        });
        return columns;
    }

    /** The channels the file names for one ship (its own lines over the every-ship lines) and their columns. */
    public Map<String, String> forShip(String ship) {
        Map<String, String> own = ship == null ? null : byShip.get(ship);
        if (own == null) {
            return Collections.unmodifiableMap(everyShip);
        }
        Map<String, String> merged = new LinkedHashMap<>(everyShip);
        merged.putAll(own);
        return merged;
    }

    /**
     * Which channel of a ship goes to which of the wide table's columns: the columns the file names
     * for the ship, and under {@code unmapped=column} the prefixed columns of the channels the file
     * does not name for it. Channels whose column the table lacks are not listed. This is the
     * lookup every reader of the wide table takes a ship's channels through (run, verify, tests).
     *
     * @param tableColumns the wide table's column names
     * @return channel id to column name, named channels first
     */
    public Map<String, String> channelsOf(String ship, java.util.Collection<String> tableColumns) {
        Set<String> present = tableColumns instanceof Set<String> set ? set : new java.util.HashSet<>(tableColumns);
        Map<String, String> channels = new LinkedHashMap<>();
        Set<String> taken = new java.util.HashSet<>();
        for (Map.Entry<String, String> e : forShip(ship).entrySet()) {
            if (present.contains(e.getValue())) {
                channels.put(e.getKey(), e.getValue());
                taken.add(e.getValue());
            }
        }
        if (unmapped == UnmappedChannels.COLUMN) {
            for (String column : tableColumns) {
                String channel = channelOfPrefixed(column);
                if (channel != null && !taken.contains(column) && !names(ship, channel)) {
                    channels.put(channel, column);
                }
            }
        }
        return channels;
    }

    /** Whether the file names {@code channel} for {@code ship}. */
    public boolean names(String ship, String channel) {
        Map<String, String> own = ship == null ? null : byShip.get(ship);
        return (own != null && own.containsKey(channel)) || everyShip.containsKey(channel);
    }

    /**
     * The wide column of a ship's channel: the file's name for it, else by
     * {@code migrator.channels.unmapped} the prefixed id ({@code column}) or null ({@code skip}: its
     * readings are left out).
     *
     * @throws UnmappedChannelException for a channel the file does not name under {@code unmapped=fail}
     */
    public String columnFor(String ship, String channel) {
        Map<String, String> own = ship == null ? null : byShip.get(ship);
        String column = own == null ? null : own.get(channel);
        if (column == null) {
            column = everyShip.get(channel);
        }
        if (column != null) {
            return column;
        }
        return switch (unmapped) {
            case COLUMN -> prefixed(channel);
            case SKIP -> null;
            case FAIL -> throw new UnmappedChannelException("channel " + channel + " of ship " + ship + " is not named in "
                    + Settings.CHANNELS_MAPPING + " and " + Settings.CHANNELS_UNMAPPED + "=fail");
        };
    }

    /** The column of a channel on a ship the file has no lines for (the two-column form's only view). */
    public String columnFor(String channel) {
        return columnFor(null, channel);
    }

    /** The prefixed column of a channel ({@code ch_17}), whatever the file says. */
    public String prefixed(String channel) {
        String column = prefix + channel;
        if (!Identifiers.isValidName(column)) {
            throw new InvalidSettingException("channel '" + channel + "' gives the column name '" + column
                    + "', which is not a valid SQL identifier; name its column in " + Settings.CHANNELS_MAPPING);
        }
        return column;
    }

    /** The channel a prefixed column name stands for, or null when the name is not one. */
    public String channelOfPrefixed(String column) {
        return !prefix.isEmpty() && column.startsWith(prefix) && column.length() > prefix.length() ? column.substring(prefix.length()) : null;
    }

    /** A channel whose readings the mapping's policy refuses ({@code migrator.channels.unmapped=fail}). */
    public static final class UnmappedChannelException extends RuntimeException {
        UnmappedChannelException(String message) {
            super(message);
        }
    }

    // ---- reading the file ------------------------------------------------------------------------

    static ChannelMapping read(Path file, String prefix, UnmappedChannels unmapped) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InvalidSettingException.of(Settings.CHANNELS_MAPPING, file.toString(), "a readable CSV file (" + e.getMessage() + ")");
        }
        Reader reader = new Reader(file, text);
        CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setIgnoreEmptyLines(true).setTrim(true)
                .setIgnoreSurroundingSpaces(true).get();
        try (CSVParser parser = CSVParser.parse(text, format)) {
            for (CSVRecord record : parser) {
                reader.accept(record);
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new InvalidSettingException(Settings.CHANNELS_MAPPING + " " + file + ": not readable as CSV (" + e.getMessage() + ")");
        }
        reader.refuseSharedColumns();
        return new ChannelMapping(prefix, unmapped, reader.everyShip, reader.byShip);
    }

    /** Reads records one by one, remembering each line's number for the one-line refusals. */
    private static final class Reader {

        private final Path file;
        private final String text;
        private final Map<String, String> everyShip = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> byShip = new LinkedHashMap<>();
        /** The line of each (ship, channel); the ship "" stands for every ship. */
        private final Map<String, Map<String, Long>> lines = new LinkedHashMap<>();
        /** Positions of ship, channel and column in a record; null until the first record. */
        private int[] layout;
        private int scanned;
        private long scannedLine = 1;

        Reader(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        void accept(CSVRecord record) {
            long line = lineOf(record);
            String where = where(line);
            if (layout == null) {
                layout = header(record);
                if (layout != null) {
                    return;
                }
                layout = new int[] {-1, 0, 1};
            }
            int fields = layout[0] < 0 ? 2 : 3;
            if (record.size() != fields) {
                throw new InvalidSettingException(where + ": '" + String.join(",", record.toList()) + "' is not '"
                        + (fields == 2 ? CHANNEL + "," + COLUMN + "' (a per-ship file starts with the header " + SHIP + "," + CHANNEL + "," + COLUMN + ")"
                        : SHIP + "," + CHANNEL + "," + COLUMN + "'"));
            }
            String ship = layout[0] < 0 ? "" : record.get(layout[0]).strip();
            String channel = record.get(layout[1]).strip();
            String column = record.get(layout[2]).strip();
            if (channel.isEmpty()) {
                throw new InvalidSettingException(where + ": the " + CHANNEL + " is empty");
            }
            if (!Identifiers.isValidName(column)) {
                throw new InvalidSettingException(where + ": column name '" + column + "' is not a valid SQL identifier");
            }
            Map<String, String> names = ship.isEmpty() ? everyShip : byShip.computeIfAbsent(ship, s -> new LinkedHashMap<>());
            if (names.put(channel, column) != null) {
                throw new InvalidSettingException(where + ": channel " + channel + (ship.isEmpty() ? "" : " of ship " + ship) + " is mapped twice");
            }
            lines.computeIfAbsent(ship, s -> new LinkedHashMap<>()).put(channel, line);
        }

        private String where(long line) {
            return Settings.CHANNELS_MAPPING + " " + file + " line " + line;
        }

        /** Within one ship (its own lines over the every-ship lines) a column takes one channel. */
        void refuseSharedColumns() {
            refuseSharedColumns("", everyShip);
            for (Map.Entry<String, Map<String, String>> ship : byShip.entrySet()) {
                Map<String, String> merged = new LinkedHashMap<>(everyShip);
                merged.putAll(ship.getValue());
                refuseSharedColumns(ship.getKey(), merged);
            }
        }

        private void refuseSharedColumns(String ship, Map<String, String> channelToColumn) {
            Map<String, String> channelOf = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : channelToColumn.entrySet()) {
                String other = channelOf.putIfAbsent(e.getValue(), e.getKey());
                if (other != null) {
                    long a = line(ship, other);
                    long b = line(ship, e.getKey());
                    String first = a <= b ? other : e.getKey();
                    String second = a <= b ? e.getKey() : other;
                    throw new InvalidSettingException(where(Math.max(a, b)) + ": " + (ship.isEmpty() ? "every ship" : "ship " + ship)
                            + " maps channels " + first + " (line " + Math.min(a, b) + ") and " + second + " to column " + e.getValue()
                            + "; within one ship a column takes one channel");
                }
            }
        }

        private long line(String ship, String channel) {
            Long own = lines.getOrDefault(ship, Map.of()).get(channel);
            return own != null ? own : lines.get("").get(channel);
        }

        /** The positions the header names, or null when the first record is not a header. */
        private static int[] header(CSVRecord record) {
            List<String> names = record.toList().stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
            if (!names.contains(CHANNEL)) {
                return null;
            }
            if (names.size() == 2 && names.contains(COLUMN)) {
                return new int[] {-1, names.indexOf(CHANNEL), names.indexOf(COLUMN)};
            }
            if (names.size() == 3 && names.contains(COLUMN) && names.contains(SHIP)) {
                return new int[] {names.indexOf(SHIP), names.indexOf(CHANNEL), names.indexOf(COLUMN)};
            }
            throw new InvalidSettingException(Settings.CHANNELS_MAPPING + " header '" + String.join(",", record.toList())
                    + "' is neither " + CHANNEL + "," + COLUMN + " nor " + SHIP + "," + CHANNEL + "," + COLUMN);
        }

        /** The file line a record starts on; records come in order, so the count goes on from the last one. */
        private long lineOf(CSVRecord record) {
            int position = (int) Math.min(record.getCharacterPosition(), text.length());
            // the position may point at comments, empty lines or the line break before the record
            while (position < text.length() && (text.charAt(position) == '\n' || text.charAt(position) == '\r' || text.charAt(position) == '#')) {
                if (text.charAt(position) == '#') {
                    int end = text.indexOf('\n', position);
                    position = end < 0 ? text.length() : end;
                } else {
                    position++;
                }
            }
            for (; scanned < position; scanned++) {
                if (text.charAt(scanned) == '\n') {
                    scannedLine++;
                }
            }
            return scannedLine;
        }
    }

    /** A mapped column must not be the wide table's ship or time column. */
    private void refuseReserved(Path file, String shipColumn, String timeColumn) {
        for (String column : mappedColumns()) {
            if (column.equals(shipColumn) || column.equals(timeColumn)) {
                throw new InvalidSettingException(Settings.CHANNELS_MAPPING + " " + file + ": column " + column
                        + " is the wide table's " + (column.equals(shipColumn) ? "ship" : "time") + " column; name the channel's column differently");
            }
        }
    }
}
