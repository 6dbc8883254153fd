package io.tsmigrator.verify;

import java.math.BigDecimal;

/**
 * One side's digest of a window: its wide rows (distinct timestamps), its non-NULL cells, and the
 * sum of a 64-bit hash per row over the row's time and every (channel, value) of it. The sum is
 * exact (numeric), so equal digests mean equal rows but for a hash collision.
 */
public record Checksum(long rows, long cells, BigDecimal hash) {

    public static final Checksum EMPTY = new Checksum(0, 0, BigDecimal.ZERO);

    public boolean sameAs(Checksum other) {
        return rows == other.rows && cells == other.cells && hash.compareTo(other.hash) == 0;
    }
}
