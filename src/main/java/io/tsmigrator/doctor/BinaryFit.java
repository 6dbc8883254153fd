package io.tsmigrator.doctor;

import io.tsmigrator.source.ColumnType;

/**
 * Whether a wide column reads what a run's binary COPY sends it: the source column's own binary
 * form. Types differ in binary form even where SQL casts between them silently (integer into
 * bigint, double precision into real), and a mismatch fails the COPY (SQLState 22P03).
 */
enum BinaryFit {
    SAME, NARROWER, NONE;

    static BinaryFit of(ColumnType sent, ColumnType column) {
        if (sent.oid() == column.oid()) {
            // same type, another modifier: numeric(12,3) into numeric(10,2), varchar(20) into varchar(10)
            return sent.name().equals(column.name()) ? SAME : NARROWER;
        }
        // text, varchar and char share one binary form: the characters
        if (sent.isText() && column.isText()) {
            return column.oid() == ColumnType.TEXT ? SAME : NARROWER;
        }
        return NONE;
    }
}
