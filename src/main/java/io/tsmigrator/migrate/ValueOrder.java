package io.tsmigrator.migrate;

import io.tsmigrator.source.ColumnType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * Orders two binary-encoded values of the source value type the way PostgreSQL's {@code max()}
 * does, so that "keep the largest of duplicate readings" agrees with the SQL pivot: NaN is larger
 * than every number, and -0.0 equals 0.0.
 */
final class ValueOrder {

    private static final int NUMERIC_NEG = 0x4000;
    private static final int NUMERIC_NAN = 0xC000;
    private static final int NUMERIC_PINF = 0xD000;
    private static final int NUMERIC_NINF = 0xF000;

    private final int oid;

    ValueOrder(ColumnType type) {
        this.oid = type.oid();
    }

    /** True when {@code candidate} is larger than {@code current}. */
    boolean larger(byte[] candidate, int cOffset, byte[] current, int kOffset) {
        return switch (oid) {
            case ColumnType.FLOAT8 -> compareFloat(Double.longBitsToDouble(readLong(candidate, cOffset)),
                    Double.longBitsToDouble(readLong(current, kOffset))) > 0;
            case ColumnType.FLOAT4 -> compareFloat(Float.intBitsToFloat(readInt(candidate, cOffset)),
                    Float.intBitsToFloat(readInt(current, kOffset))) > 0;
            case ColumnType.INT8 -> readLong(candidate, cOffset) > readLong(current, kOffset);
            case ColumnType.INT4 -> readInt(candidate, cOffset) > readInt(current, kOffset);
            case ColumnType.INT2 -> readShort(candidate, cOffset) > readShort(current, kOffset);
            case ColumnType.NUMERIC -> compareNumeric(candidate, cOffset, current, kOffset) > 0;
            default -> throw new IllegalStateException("no order for type oid " + oid);
        };
    }

    private static int compareFloat(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) ? (Double.isNaN(b) ? 0 : 1) : -1;
        }
        return a < b ? -1 : (a > b ? 1 : 0);
    }

    static int compareNumeric(byte[] a, int aOffset, byte[] b, int bOffset) {
        int rankA = specialRank(a, aOffset);
        int rankB = specialRank(b, bOffset);
        if (rankA != 0 || rankB != 0) {
            return Integer.compare(rankA, rankB);
        }
        return decodeNumeric(a, aOffset).compareTo(decodeNumeric(b, bOffset));
    }

    /** -1 for -Infinity, 2 for +Infinity, 3 for NaN, 0 for a finite number. */
    private static int specialRank(byte[] v, int offset) {
        int sign = readShort(v, offset + 4) & 0xFFFF;
        return switch (sign) {
            case NUMERIC_NINF -> -1;
            case NUMERIC_PINF -> 2;
            case NUMERIC_NAN -> 3;
            default -> 0;
        };
    }

    /** Decodes PostgreSQL's binary numeric: ndigits, weight, sign, dscale, then base-10000 digits. */
    static BigDecimal decodeNumeric(byte[] v, int offset) {
        ByteBuffer buf = ByteBuffer.wrap(v);
        buf.position(offset);
        int ndigits = buf.getShort();
        int weight = buf.getShort();
        int sign = buf.getShort() & 0xFFFF;
        buf.getShort();
        BigInteger unscaled = BigInteger.ZERO;
        BigInteger base = BigInteger.valueOf(10000);
        for (int i = 0; i < ndigits; i++) {
            unscaled = unscaled.multiply(base).add(BigInteger.valueOf(buf.getShort()));
        }
        BigDecimal value = new BigDecimal(unscaled, -4 * (weight - ndigits + 1));
        return sign == NUMERIC_NEG ? value.negate() : value;
    }

    static long readLong(byte[] b, int o) {
        return ((long) readInt(b, o) << 32) | (readInt(b, o + 4) & 0xFFFFFFFFL);
    }

    static int readInt(byte[] b, int o) {
        return (b[o] << 24) | ((b[o + 1] & 0xFF) << 16) | ((b[o + 2] & 0xFF) << 8) | (b[o + 3] & 0xFF);
    }

    static short readShort(byte[] b, int o) {
        return (short) ((b[o] << 8) | (b[o + 1] & 0xFF));
    }
}
