package io.tsmigrator.migrate;

import io.tsmigrator.source.ColumnType;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a narrow row's wide column from its channel id, without boxing for integer ids.
 * Returns -1 for a channel the wide table has no column for.
 */
final class ChannelIndex {

    /** A table indexed by id is used when it is at most this many times longer than the list of ids (or 1024 long). */
    private static final int DENSE_SPREAD = 8;

    private final boolean integer;
    /** Integer ids spread too far for {@link #dense}; null otherwise. */
    private final LongIntMap byNumber;
    private final Map<String, Integer> byText;
    /** Column by {@code id - lowest}, -1 where no channel; null when the ids are spread too far for a table. */
    private final int[] dense;
    private final long lowest;

    /** Channel {@code i} of the list has column {@code i}. */
    ChannelIndex(List<String> channels, ColumnType type) {
        this(channels, java.util.stream.IntStream.range(0, channels.size()).toArray(), type);
    }

    /**
     * @param columns the column of each channel, parallel to {@code channels}: with a mapping,
     *                channels of one ship need not take the columns in their order
     */
    ChannelIndex(List<String> channels, int[] columns, ColumnType type) {
        this.integer = type.isInteger();
        long[] ids = integer ? channels.stream().mapToLong(Long::parseLong).toArray() : new long[0];
        this.lowest = Arrays.stream(ids).min().orElse(0);
        this.dense = denseTable(ids, columns, lowest);
        this.byNumber = integer && dense == null ? numberMap(ids, columns) : null;
        this.byText = integer ? null : textMap(channels, columns);
    }

    private static LongIntMap numberMap(long[] ids, int[] columns) {
        LongIntMap map = new LongIntMap(ids.length);
        for (int i = 0; i < ids.length; i++) {
            map.getOrPut(ids[i], columns[i]);
        }
        return map;
    }

    private static Map<String, Integer> textMap(List<String> channels, int[] columns) {
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            map.putIfAbsent(channels.get(i), columns[i]);
        }
        return map;
    }

    /**
     * Channel ids are usually a compact range, and a narrow row's column is looked up once per row:
     * an array indexed by id beats the hash map there (a seventh of the COPY read loop's samples).
     */
    private static int[] denseTable(long[] ids, int[] columns, long lowest) {
        long highest = Arrays.stream(ids).max().orElse(0);
        long span = highest - lowest; // negative when it overflows
        if (ids.length == 0 || span < 0 || span >= Math.max(1024L, (long) ids.length * DENSE_SPREAD)) {
            return null;
        }
        int[] table = new int[(int) span + 1];
        Arrays.fill(table, -1);
        for (int i = 0; i < ids.length; i++) {
            int at = (int) (ids[i] - lowest);
            if (table[at] < 0) { // the first of a repeated id, as the map keeps it
                table[at] = columns[i];
            }
        }
        return table;
    }

    private int columnOfNumber(long id) {
        if (dense != null) {
            long at = id - lowest;
            return at >= 0 && at < dense.length ? dense[(int) at] : -1;
        }
        return byNumber.get(id);
    }

    private int columnOfText(String id) {
        Integer index = id == null ? null : byText.get(id);
        return index == null ? -1 : index;
    }

    /** The column of a channel id in its binary form ({@code length} -1 for NULL), as binary COPY sends it. */
    int columnOf(byte[] buffer, int offset, int length) {
        if (length < 0) {
            return -1;
        }
        if (integer) {
            return columnOfNumber(number(buffer, offset, length));
        }
        return columnOfText(text(buffer, offset, length));
    }

    /** The column of a channel id given as text, -1 when none (or not an id of this type). */
    int columnOf(String id) {
        if (!integer) {
            return columnOfText(id);
        }
        try {
            return columnOfNumber(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A binary channel id as text, for messages. */
    String describe(byte[] buffer, int offset, int length) {
        return integer ? String.valueOf(number(buffer, offset, length)) : text(buffer, offset, length);
    }

    /** smallint, integer and bigint ids in their binary form, by their length. */
    private static long number(byte[] buffer, int offset, int length) {
        return switch (length) {
            case 2 -> ValueOrder.readShort(buffer, offset);
            case 4 -> ValueOrder.readInt(buffer, offset);
            default -> ValueOrder.readLong(buffer, offset);
        };
    }

    /** text, varchar and char send their characters in the client encoding, UTF-8 for the driver. */
    private static String text(byte[] buffer, int offset, int length) {
        return new String(buffer, offset, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @param binary whether the driver received the column in binary (then its bytes are decoded here) */
    int columnOf(ResultSet rs, int column, boolean binary) throws SQLException {
        if (integer && binary) {
            // getLong costs a logger check, a type switch and a range check per row, a fifth of the read loop
            byte[] id = rs.getBytes(column);
            return id == null ? -1 : columnOfNumber(number(id, 0, id.length));
        }
        if (integer) {
            long id = rs.getLong(column);
            return rs.wasNull() ? -1 : columnOfNumber(id);
        }
        return columnOfText(rs.getString(column));
    }
}
