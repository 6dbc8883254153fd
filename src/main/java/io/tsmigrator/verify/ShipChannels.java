package io.tsmigrator.verify;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.target.ChannelMapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * Each ship's channels through its own mapping ({@link ChannelMapping#channelsOf}): the columns
     * the run writes (those the mapping names and the prefixed ones), and for each the ship's
     * channel id, or {@link WindowDigests#NO_CHANNEL} where the column is no channel of this ship.
     *
     * @param tableColumns the wide table's columns other than ship and time
     * @param listed the ids of {@code migrator.channels}, normalized; empty for every channel
     * @param filtered whether the source is read for the ship's own channels only ({@link #listed}): with a
     *                 channel list, or when the mapping skips the channels it does not name
     */
    public static ShipChannels throughMapping(ChannelMapping mapping, List<String> tableColumns, List<String> listed, boolean filtered) {
        List<String> written = tableColumns.stream().filter(c -> mapping.mappedColumns().contains(c) || mapping.channelOfPrefixed(c) != null).toList();
        List<String> quoted = written.stream().map(Identifiers::quote).toList();
        Set<String> allowed = new HashSet<>(listed);
        Map<String, List<String>> keysOf = new ConcurrentHashMap<>();
        Map<String, List<String>> listedOf = new ConcurrentHashMap<>();
        return new ShipChannels() {
            @Override
            public List<String> columns() {
                return quoted;
            }

            @Override
            public List<String> keys(String ship) {
                return keysOf.computeIfAbsent(ship, s -> {
                    Map<String, String> channelOf = new HashMap<>();
                    mapping.channelsOf(s, written).forEach((channel, column) -> {
                        if (allowed.isEmpty() || allowed.contains(channel)) {
                            channelOf.put(column, channel);
                        }
                    });
                    List<String> keys = new ArrayList<>();
                    for (String column : written) {
                        String channel = channelOf.get(column);
                        keys.add(channel != null ? channel : WindowDigests.NO_CHANNEL + column);
                    }
                    return List.copyOf(keys);
                });
            }

            @Override
            public List<String> listed(String ship) {
                if (!filtered) {
                    return List.of();
                }
                return listedOf.computeIfAbsent(ship, s -> keys(s).stream().filter(k -> !k.startsWith(WindowDigests.NO_CHANNEL)).toList());
            }
        };
    }

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
