package io.tsmigrator.migrate;

import io.tsmigrator.source.ColumnType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compact id ranges are looked up in a table, spread ones in the map: both must give every
 * channel's column, -1 for any other id (below, between, above, at the extremes of the type) and for
 * NULL, and the first column of an id listed twice.
 */
class ChannelIndexTest {

    private static final ColumnType INT8 = new ColumnType(ColumnType.INT8, "bigint", "int8send");

    @ParameterizedTest
    @ValueSource(longs = {1, 100, 1_000, 5_000_000_000L}) // a table up to a span of 1024 here, the map beyond
    void everyChannelFindsItsColumnAndNoOtherIdDoes(long step) {
        List<String> ids = List.of("-7", String.valueOf(-7 + step), String.valueOf(-7 + 3 * step), String.valueOf(-7 + 10 * step), "-7");
        ChannelIndex index = new ChannelIndex(ids, INT8);

        assertEquals(0, columnOf(index, -7));
        assertEquals(1, columnOf(index, -7 + step));
        assertEquals(2, columnOf(index, -7 + 3 * step));
        assertEquals(3, columnOf(index, -7 + 10 * step));
        for (long other : new long[] {-8, -7 + 2 * step, -7 + 10 * step + 1, Long.MIN_VALUE, Long.MAX_VALUE, 0}) {
            assertEquals(-1, columnOf(index, other), "id " + other);
        }
        assertEquals(-1, index.columnOf(new byte[0], 0, -1));
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, Long.MAX_VALUE})
    void idsAtTheTypesEndsStillWork(long extreme) {
        ChannelIndex index = new ChannelIndex(List.of(String.valueOf(extreme), "0"), INT8);

        assertEquals(0, columnOf(index, extreme));
        assertEquals(1, columnOf(index, 0));
        assertEquals(-1, columnOf(index, 1));
        assertEquals(-1, columnOf(index, extreme == Long.MIN_VALUE ? Long.MAX_VALUE : Long.MIN_VALUE));
    }

    /** The id in its binary form, as COPY sends a bigint, at an offset inside a larger buffer. */
    private static int columnOf(ChannelIndex index, long id) {
        byte[] row = ByteBuffer.allocate(13).put((byte) 9).putLong(id).putInt(0).array();
        return index.columnOf(row, 1, 8);
    }
}
