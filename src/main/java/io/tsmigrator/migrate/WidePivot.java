package io.tsmigrator.migrate;

import java.util.Arrays;

/**
 * One chunk's wide rows being built from its narrow rows, in flat primitive arrays: a row per
 * distinct timestamp (in order of first appearance), a cell per (row, channel) holding the value's
 * binary form exactly as PostgreSQL sent it, so it goes back out through binary COPY unchanged.
 * <p>
 * Several narrow rows for one (time, channel) keep the largest value, as {@code max()} in the SQL
 * pivot does (NULLs never win), and are counted as duplicates.
 * <p>
 * A pivot is reused chunk after chunk by its consumer ({@link #reset()}): its arrays grow to the
 * largest chunk seen and then stay, so a chunk costs no large allocation (at an hour of 93 channels
 * the cells alone are 2.7 MB, which G1 would place in old-generation humongous regions every time).
 */
final class WidePivot {

    private final int channels;
    private final int width;
    private final ValueOrder order;
    private final LongIntMap rowOfTime;

    private long[] times;
    private int rows;
    private byte[] fixedCells;
    private byte[][] varCells;
    private long[] seen;
    private long[] present;
    private long narrowRows;
    private long duplicates;
    // Narrow rows of one timestamp mostly arrive together: the last one found skips the hash lookup.
    private long lastTime;
    private int lastRow = -1;

    /**
     * @param width bytes of the value's binary form when fixed (2, 4 or 8), or -1 for numeric
     */
    WidePivot(int channels, int width, ValueOrder order, int expectedRows) {
        this.channels = channels;
        this.width = width;
        this.order = order;
        int capacity = Math.max(64, expectedRows);
        this.rowOfTime = new LongIntMap(capacity);
        allocate(capacity);
    }

    /** @param value the value's binary form, which the pivot may keep (the driver's own array), or null */
    void add(long time, int channel, byte[] value) {
        add(time, channel, value, 0, value == null ? -1 : value.length, true);
    }

    /**
     * A value in a part of a buffer that is reused after the call (a COPY row): the pivot copies
     * what it keeps.
     *
     * @param length the value's length in bytes, -1 for NULL
     */
    void add(long time, int channel, byte[] buffer, int offset, int length) {
        add(time, channel, buffer, offset, length, false);
    }

    private void add(long time, int channel, byte[] buffer, int offset, int length, boolean owned) {
        int cell = rowOf(time) * channels + channel;
        if (isSet(seen, cell)) {
            duplicates++;
            if (length < 0 || (isSet(present, cell) && !largerThanCell(buffer, offset, cell))) {
                return;
            }
        }
        set(seen, cell);
        if (length < 0) {
            return;
        }
        set(present, cell);
        if (width > 0) {
            System.arraycopy(buffer, offset, fixedCells, cell * width, width);
        } else {
            varCells[cell] = owned ? buffer : Arrays.copyOfRange(buffer, offset, offset + length);
        }
    }

    /** Empties the pivot for the next chunk, keeping its arrays. */
    void reset() {
        int usedWords = (rows * channels + 63) >>> 6;
        Arrays.fill(seen, 0, usedWords, 0L);
        Arrays.fill(present, 0, usedWords, 0L);
        if (varCells != null) {
            Arrays.fill(varCells, 0, rows * channels, null);
        }
        if (rows > 0) {
            rowOfTime.clear();
        }
        rows = 0;
        narrowRows = 0;
        duplicates = 0;
        lastRow = -1;
    }

    /** A reading without a channel still makes its timestamp a wide row, as GROUP BY time does. */
    void addTimeOnly(long time) {
        rowOf(time);
    }

    private int rowOf(long time) {
        narrowRows++;
        if (time == lastTime && lastRow >= 0) {
            return lastRow;
        }
        int row = rowOfTime.getOrPut(time, rows);
        lastTime = time;
        lastRow = row;
        if (row == rows) {
            if (rows == times.length) {
                grow();
            }
            times[rows++] = time;
        }
        return row;
    }

    private boolean largerThanCell(byte[] buffer, int offset, int cell) {
        return width > 0 ? order.larger(buffer, offset, fixedCells, cell * width) : order.larger(buffer, offset, varCells[cell], 0);
    }

    int rows() {
        return rows;
    }

    int channels() {
        return channels;
    }

    long narrowRows() {
        return narrowRows;
    }

    long duplicates() {
        return duplicates;
    }

    long time(int row) {
        return times[row];
    }

    boolean has(int row, int channel) {
        return isSet(present, row * channels + channel);
    }

    /** Writes a present cell's length and bytes into the COPY stream. */
    void writeCell(int row, int channel, CopyStream out) throws java.sql.SQLException {
        int cell = row * channels + channel;
        if (width > 0) {
            out.field(fixedCells, cell * width, width);
        } else {
            byte[] v = varCells[cell];
            out.field(v, 0, v.length);
        }
    }

    private void allocate(int capacity) {
        times = new long[capacity];
        int cells = capacity * channels;
        if (width > 0) {
            fixedCells = new byte[cells * width];
        } else {
            varCells = new byte[cells][];
        }
        seen = new long[(cells + 63) >>> 6];
        present = new long[(cells + 63) >>> 6];
    }

    private void grow() {
        int capacity = times.length * 2;
        int cells = capacity * channels;
        times = Arrays.copyOf(times, capacity);
        if (width > 0) {
            fixedCells = Arrays.copyOf(fixedCells, cells * width);
        } else {
            varCells = Arrays.copyOf(varCells, cells);
        }
        seen = Arrays.copyOf(seen, (cells + 63) >>> 6);
        present = Arrays.copyOf(present, (cells + 63) >>> 6);
    }

    private static boolean isSet(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    private static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << i;
    }
}
