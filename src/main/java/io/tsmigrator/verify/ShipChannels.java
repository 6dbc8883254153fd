package io.tsmigrator.verify;

import java.util.List;

/**
 * Which channel each wide column holds for a ship, so that the wide side's unpivot gives every
 * cell back its channel id.
 */
public interface ShipChannels {

    /** The wide table's channel columns, quoted, in a fixed order. */
    List<String> columns();

    /**
     * Per column of {@link #columns()}, in that order, the ship's channel id (integer ids in their
     * canonical decimal form), or {@link WindowDigests#NO_CHANNEL} and the column's name when the
     * column is no channel of this ship.
     */
    List<String> keys(String ship);

    /** The channels read from the source when it is filtered to a list, else empty. */
    List<String> listed(String ship);

    /** The same channel in each column for every ship: the channel list and its columns. */
    static ShipChannels sameForEveryShip(List<String> channels, List<String> quotedColumns, boolean listed) {
        List<String> keys = List.copyOf(channels);
        List<String> columns = List.copyOf(quotedColumns);
        List<String> filter = listed ? keys : List.of();
        return new ShipChannels() {
            @Override
            public List<String> columns() {
                return columns;
            }

            @Override
            public List<String> keys(String ship) {
                return keys;
            }

            @Override
            public List<String> listed(String ship) {
                return filter;
            }
        };
    }
}
