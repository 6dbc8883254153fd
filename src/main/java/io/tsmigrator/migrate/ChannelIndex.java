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

    int columnOf(ResultSet rs, int column) throws SQLException {
        if (integer) {
            long id = rs.getLong(column);
            return rs.wasNull() ? -1 : byNumber.get(id);
        }
        String id = rs.getString(column);
        Integer index = id == null ? null : byText.get(id);
        return index == null ? -1 : index;
    }
}
