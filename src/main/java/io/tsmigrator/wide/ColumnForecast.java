package io.tsmigrator.wide;

import io.tsmigrator.config.UnmappedChannels;
import io.tsmigrator.source.Discovery;

import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The channel columns a run would come to take, as far as the source can tell without reading its
 * table: each ship's channel ids by index probes over (ship, channel), or every id by probes over
 * an index leading with the channel, each taken through the mapping; without either index, the
 * planner's estimate of distinct ids (only where no mapping file could change the count). With none
 * of these, the columns are known only as chunks meet them, and the limit is checked there.
 *
 * @param columns column names the channels found take
 * @param unnamed further columns estimated but not named (from statistics)
 * @param how how the channels were counted, for messages; null when they could not be
 */
public record ColumnForecast(Set<String> columns, long unnamed, String how) {

    public static ColumnForecast of(Discovery discovery, List<String> ships, ChannelMapping mapping, List<String> listed,
                                    boolean mappingFile) throws SQLException {
        Set<String> columns = new LinkedHashSet<>();
        if (!listed.isEmpty()) {
            return new ColumnForecast(columns, 0, "the listed channels");
        }
        boolean perShip = discovery.canListChannelsPerShip();
        boolean global = discovery.canListChannels();
        if (perShip && (mapping.perShip() || !global)) {
            for (String ship : ships) {
                for (String channel : discovery.channelsOf(ship)) {
                    add(columns, mapping, ship, channel);
                }
            }
            return new ColumnForecast(columns, 0, "each ship's channel ids by index probes");
        }
        if (global) {
            // an id the file names for some ship is taken to be named wherever it is read: a lower
            // bound, which the chunks' own check completes
            for (String channel : discovery.channels()) {
                Set<String> named = mapping.mappedColumnsOf(channel);
                if (named.isEmpty()) {
                    add(columns, mapping, null, channel);
                }
                columns.addAll(named);
            }
            return new ColumnForecast(columns, 0, "the channel ids by index probes");
        }
        if (!mappingFile && mapping.unmapped() == UnmappedChannels.COLUMN) {
            long estimate = discovery.estimatedChannels();
            if (estimate > 0) {
                return new ColumnForecast(columns, estimate, "about, by the planner's statistics of the channel column");
            }
        }
        return new ColumnForecast(columns, 0, null);
    }

    private static void add(Set<String> columns, ChannelMapping mapping, String ship, String channel) {
        try {
            String column = mapping.columnFor(ship, channel);
            if (column != null) {
                columns.add(column);
            }
        } catch (ChannelMapping.UnmappedChannelException e) {
            // unmapped=fail: such a channel fails its chunks, it takes no column
        }
    }

    /**
     * Refuses, before anything is written, what would take the table past the limit: the start's
     * columns and the forecast's together.
     */
    public void check(WideTable wide, WideTable.Shape shape, List<String> startColumns) {
        Set<String> all = new LinkedHashSet<>(startColumns);
        all.addAll(columns);
        long estimatedNew = 0;
        if (unnamed > 0) {
            // the estimate counts ids; those the table already has a prefixed column for are no new column
            long existing = shape.columns().size() - (shape.exists() ? 2 : 0);
            estimatedNew = Math.max(0, unnamed - existing);
        }
        Set<String> adding = new LinkedHashSet<>(all);
        adding.removeAll(shape.columns());
        ColumnLimitException.check(wide.qualified(), shape.attributes(), (int) Math.min(Integer.MAX_VALUE, adding.size() + estimatedNew)
                + (shape.exists() ? 0 : 2), how == null ? "" : " (" + how + ")");
    }
}
