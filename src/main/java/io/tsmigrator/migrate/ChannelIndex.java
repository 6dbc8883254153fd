package io.tsmigrator.migrate;

import io.tsmigrator.source.ColumnType;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a narrow row's wide column from its channel id, without boxing for integer ids.
 * Returns -1 for a channel the wide table has no column for.
 */
final class ChannelIndex {

    private final boolean integer;
    private final LongIntMap byNumber;
    private final Map<String, Integer> byText;

    ChannelIndex(List<String> channels, ColumnType type) {
        this.integer = type.isInteger();
        this.byNumber = integer ? new LongIntMap(channels.size()) : null;
        this.byText = integer ? null : new HashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            if (integer) {
                byNumber.getOrPut(Long.parseLong(channels.get(i)), i);
            } else {
                byText.put(channels.get(i), i);
            }
        }
    }

    /** The column of a channel id in its binary form ({@code length} -1 for NULL), as binary COPY sends it. */
    int columnOf(byte[] buffer, int offset, int length) {
        if (length < 0) {
            return -1;
        }
        if (integer) {
            return byNumber.get(number(buffer, offset, length));
        }
        Integer index = byText.get(text(buffer, offset, length));
        return index == null ? -1 : index;
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
            return id == null ? -1 : byNumber.get(number(id, 0, id.length));
        }
        if (integer) {
            long id = rs.getLong(column);
            return rs.wasNull() ? -1 : byNumber.get(id);
        }
        String id = rs.getString(column);
        Integer index = id == null ? null : byText.get(id);
        return index == null ? -1 : index;
    }
}
