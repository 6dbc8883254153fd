package io.tsmigrator.migrate;

import io.tsmigrator.source.ColumnType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pivot refilled after {@link WidePivot#reset()} must hold exactly what a fresh one would. */
class WidePivotTest {

    private static final ValueOrder FLOAT8 = new ValueOrder(new ColumnType(ColumnType.FLOAT8, "double precision", "float8send"));

    @Test
    void aReusedPivotForgetsTheLastChunk() {
        WidePivot pivot = new WidePivot(3, 8, FLOAT8, 2);
        for (long t = 0; t < 100; t++) { // grows past its first capacity
            for (int ch = 0; ch < 3; ch++) {
                pivot.add(t, ch, float8(t + ch));
            }
        }
        pivot.add(5, 1, float8(-1));
        assertEquals(1, pivot.duplicates());

        pivot.reset();
        pivot.add(1000, 2, float8(7));
        pivot.add(1001, 0, null);
        pivot.add(1000, 2, float8(9));
        pivot.addTimeOnly(1002);

        assertEquals(3, pivot.rows());
        assertEquals(4, pivot.narrowRows());
        assertEquals(1, pivot.duplicates());
        assertEquals(1000, pivot.time(0));
        assertEquals(1001, pivot.time(1));
        assertEquals(1002, pivot.time(2));
        assertFalse(pivot.has(0, 0));
        assertFalse(pivot.has(0, 1));
        assertTrue(pivot.has(0, 2));
        for (int row = 1; row < 3; row++) {
            for (int ch = 0; ch < 3; ch++) {
                assertFalse(pivot.has(row, ch), "row " + row + " channel " + ch);
            }
        }
    }

    @Test
    void interleavedTimestampsFindTheirRows() {
        WidePivot pivot = new WidePivot(2, 8, FLOAT8, 64);
        pivot.add(10, 0, float8(1));
        pivot.add(20, 0, float8(2));
        pivot.add(10, 1, float8(3));
        pivot.add(20, 1, float8(4));
        pivot.add(10, 1, float8(5));

        assertEquals(2, pivot.rows());
        assertEquals(1, pivot.duplicates());
        assertTrue(pivot.has(0, 0) && pivot.has(0, 1) && pivot.has(1, 0) && pivot.has(1, 1));
    }

    private static byte[] float8(double v) {
        return ByteBuffer.allocate(8).putDouble(v).array();
    }
}
