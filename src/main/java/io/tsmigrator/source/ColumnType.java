package io.tsmigrator.source;

/**
 * A column's PostgreSQL type as the catalog states it.
 *
 * @param oid the type's oid
 * @param name the type as {@code format_type} prints it (used verbatim in DDL; it comes from the
 *             catalog, never from configuration)
 * @param sendFunction the type's binary output function ({@code pg_type.typsend}), to encode a
 *                     value for binary COPY without knowing the type in Java
 */
public record ColumnType(int oid, String name, String sendFunction) {

    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int INT8 = 20;
    public static final int TEXT = 25;
    public static final int VARCHAR = 1043;
    public static final int BPCHAR = 1042;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int NUMERIC = 1700;
    public static final int TIMESTAMP = 1114;
    public static final int TIMESTAMPTZ = 1184;

    public boolean isInteger() {
        return oid == INT2 || oid == INT4 || oid == INT8;
    }

    public boolean isText() {
        return oid == TEXT || oid == VARCHAR || oid == BPCHAR;
    }

    public boolean isTimestamp() {
        return oid == TIMESTAMP || oid == TIMESTAMPTZ;
    }

    public boolean isNumber() {
        return isInteger() || oid == FLOAT4 || oid == FLOAT8 || oid == NUMERIC;
    }

    /** Bytes of the binary form when it has a fixed width, else -1. */
    public int fixedWidth() {
        return switch (oid) {
            case INT2 -> 2;
            case INT4, FLOAT4 -> 4;
            case INT8, FLOAT8, TIMESTAMP, TIMESTAMPTZ -> 8;
            default -> -1;
        };
    }
}
