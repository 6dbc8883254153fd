package io.tsmigrator.verify;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.UnmappedChannels;
import io.tsmigrator.wide.ChannelMapping;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which channel each wide column holds for a ship, through the mapping (its per-ship lines, its
 * every-ship lines, then {@code migrator.channels.unmapped}), so that the wide side's unpivot gives
 * every cell back the ship's channel id; and which of the ship's channels a run reads, so that the
 * source side reads the same ones.
 * <ul>
 * <li>A column that holds no channel of the ship is keyed {@link WindowDigests#NO_CHANNEL} and its
 * name: a value there is a difference.</li>
 * <li>With {@code migrator.channels}, only the listed channels are read and compared; the other
 * columns are left out of the comparison.</li>
 * <li>With {@code unmapped=skip}, only the channels the file names for the ship are read (a
 * timestamp with skipped readings only makes no wide row, as in a run).</li>
 * </ul>
 */
public final class ShipChannels {

    private final ChannelMapping mapping;
    private final List<String> columns;
    private final Set<String> listed;
    private final boolean integerIds;
    private final Map<String, Shape> byShip = new HashMap<>();
    private Shape everyShip;

    /** A ship's view: per column its key (or null when left out), and the channels read (when filtered). */
    private record Shape(List<String> keys, List<String> read) {
    }

    /**
     * @param existing the wide table's column names; those the mapping names and the prefixed ones are its channel columns
     * @param listed {@code migrator.channels}, empty for every channel
     * @param integerIds whether channel ids are integers (then compared in their canonical decimal form)
     */
    public ShipChannels(ChannelMapping mapping, Collection<String> existing, List<String> listed, boolean integerIds) {
        this.mapping = mapping;
        this.integerIds = integerIds;
        this.listed = new LinkedHashSet<>();
        listed.forEach(ch -> this.listed.add(canonical(ch)));
        List<String> channelColumns = new ArrayList<>();
        for (String column : existing) {
            if (mapping.mappedColumns().contains(column) || mapping.channelOfPrefixed(column) != null) {
                channelColumns.add(column);
            }
        }
        channelColumns.sort(null);
        this.columns = List.copyOf(channelColumns);
    }

    /** The wide table's channel columns, quoted, in a fixed order. */
    public List<String> columns() {
        return columns.stream().map(Identifiers::quote).toList();
    }

    /** Whether the source is read for some channels only (a list, or only the mapped ones): then {@link #read} says which. */
    public boolean filtered() {
        return !listed.isEmpty() || mapping.unmapped() == UnmappedChannels.SKIP;
    }

    /**
     * Per column of {@link #columns()}, in that order: the ship's channel id, {@link WindowDigests#NO_CHANNEL}
     * and the column when it holds no channel of the ship, or null when it is left out of the comparison.
     */
    public List<String> keys(String ship) {
        return shape(ship).keys();
    }

    /** {@code migrator.channels}, canonical; empty for every channel. */
    public List<String> listed() {
        return List.copyOf(listed);
    }

    /** The channels read from the source for the ship when {@link #filtered()}. */
    public List<String> read(String ship) {
        return shape(ship).read();
    }

    // the source side and the wide side of a batch ask from two threads at once
    private synchronized Shape shape(String ship) {
        if (ship == null || !mapping.ships().contains(ship)) {
            if (everyShip == null) {
                everyShip = shapeOf(null);
            }
            return everyShip;
        }
        return byShip.computeIfAbsent(ship, this::shapeOf);
    }

    private Shape shapeOf(String ship) {
        Map<String, String> channelOfColumn = new HashMap<>();
        Set<String> named = new LinkedHashSet<>();
        mapping.forShip(ship).forEach((channel, column) -> {
            channelOfColumn.put(column, canonical(channel));
            named.add(canonical(channel));
        });
        List<String> keys = new ArrayList<>();
        for (String column : columns) {
            String channel = channelOfColumn.get(column);
            if (channel == null && mapping.unmapped() == UnmappedChannels.COLUMN) {
                String prefixed = mapping.channelOfPrefixed(column);
                // ch_17 holds channel 17 unless the file gives channel 17 of this ship another column
                if (prefixed != null && canonical(prefixed).equals(prefixed) && !named.contains(prefixed)) {
                    channel = prefixed;
                }
            }
            if (!listed.isEmpty() && (channel == null || !listed.contains(channel))) {
                keys.add(null);
            } else {
                keys.add(channel != null ? channel : WindowDigests.NO_CHANNEL + column);
            }
        }
        List<String> read;
        if (mapping.unmapped() == UnmappedChannels.SKIP) {
            read = named.stream().filter(ch -> listed.isEmpty() || listed.contains(ch)).toList();
        } else {
            read = List.copyOf(listed);
        }
        return new Shape(java.util.Collections.unmodifiableList(keys), read);
    }

    /** Integer ids in canonical decimal form (the text the source's {@code CAST(id AS text)} gives); text ids as they are. */
    private String canonical(String channel) {
        if (!integerIds) {
            return channel;
        }
        try {
            return String.valueOf(Long.parseLong(channel.strip()));
        } catch (NumberFormatException e) {
            return channel; // no integer id can equal it: such a column then holds no channel
        }
    }
}
