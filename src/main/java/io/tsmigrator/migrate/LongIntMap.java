package io.tsmigrator.migrate;

import java.util.Arrays;

/**
 * An open-addressing map from long keys to non-negative int values, without boxing; the pivot's
 * index from timestamp (or integer channel id) to row (or column).
 */
final class LongIntMap {

    private static final int MISSING = -1;

    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, MISSING);
        mask = capacity - 1;
    }

    /** The value of a key, or -1. */
    int get(long key) {
        int slot = hash(key) & mask;
        while (true) {
            int v = values[slot];
            if (v == MISSING || keys[slot] == key) {
                return v;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The value of a key, inserting {@code valueIfAbsent} when it has none. */
    int getOrPut(long key, int valueIfAbsent) {
        int slot = hash(key) & mask;
        while (true) {
            int v = values[slot];
            if (v == MISSING) {
                keys[slot] = key;
                values[slot] = valueIfAbsent;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return valueIfAbsent;
            }
            if (keys[slot] == key) {
                return v;
            }
            slot = (slot + 1) & mask;
        }
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(values, MISSING);
            size = 0;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        Arrays.fill(values, MISSING);
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != MISSING) {
                int slot = hash(oldKeys[i]) & mask;
                while (values[slot] != MISSING) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
