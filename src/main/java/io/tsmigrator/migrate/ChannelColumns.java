package io.tsmigrator.migrate;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.Settings;
import io.tsmigrator.config.UnmappedChannels;
import io.tsmigrator.failure.PermanentFault;
import io.tsmigrator.source.ColumnType;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.wide.ChannelMapping;
import io.tsmigrator.wide.ColumnLimitException;
import io.tsmigrator.wide.WideTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channel to wide column lookup every consumer of the run shares: the wide table's columns as
 * last seen, and per ship which channel id goes to which of them (through the mapping). It is an
 * immutable {@link Snapshot} behind a volatile reference: a chunk reads and writes with the
 * snapshot it started with (the COPY's column list and the pivot's columns are that snapshot's),
 * and a chunk that met channels without a column adds them ({@link #addFor}) and publishes the next
 * snapshot for everyone.
 */
public final class ChannelColumns {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelColumns.class);

    private final WideTable wide;
    private final SourceTable source;
    private final ChannelMapping mapping;
    private final DataSource target;
    private volatile Snapshot current;

    /** Ready once {@link #start} has the prepared table's shape (the target is prepared while Camel starts). */
    public ChannelColumns(WideTable wide, SourceTable source, ChannelMapping mapping, DataSource target) {
        this.wide = wide;
        this.source = source;
        this.mapping = mapping;
        this.target = target;
    }

    /** The first snapshot: the wide table as the run prepared it. */
    public ChannelColumns start(WideTable.Shape shape) {
        this.current = new Snapshot(claimed(shape));
        return this;
    }

    /**
     * The columns a run starts with, besides those the table has: the mapping's (of the listed
     * channels, when {@code migrator.channels} lists them) and the prefixed ones of listed channels
     * the mapping does not name.
     */
    public static List<String> startColumns(Settings settings, ChannelMapping mapping, List<String> listed) {
        Set<String> columns = new LinkedHashSet<>();
        if (listed.isEmpty()) {
            columns.addAll(mapping.mappedColumns());
            return List.copyOf(columns);
        }
        for (String channel : listed) {
            Set<String> named = mapping.mappedColumnsOf(channel);
            columns.addAll(named);
            if (named.isEmpty() && settings.channelsUnmapped() == UnmappedChannels.COLUMN) {
                columns.add(mapping.prefixed(channel));
            }
        }
        return List.copyOf(columns);
    }

    public Snapshot current() {
        return current;
    }

    /** The columns the run writes: those the mapping names and the prefixed ones, in the table's order. */
    private List<String> claimed(WideTable.Shape shape) {
        Set<String> named = mapping.mappedColumns();
        List<String> columns = new ArrayList<>();
        for (String column : shape.valueColumns(wide)) {
            if (named.contains(column) || mapping.channelOfPrefixed(column) != null) {
                columns.add(column);
            }
        }
        return columns;
    }

    /**
     * Gives the channels a ship's chunk met without a column in {@code seen} their columns: those
     * another consumer or process added meanwhile are taken as they are, the others are added to
     * the table (one short transaction under the wide table's advisory lock). Returns the snapshot
     * to redo the chunk with.
     *
     * @throws PermanentFault when a channel cannot have a column: refused by {@code unmapped=fail},
     *         a column its ship already gives another channel, or the column limit
     */
    Snapshot addFor(String ship, Collection<String> channels, Snapshot seen) throws SQLException {
        Snapshot now = current;
        Set<String> adding = new LinkedHashSet<>();
        Map<String, String> columnOf = new HashMap<>();
        for (String channel : new TreeSet<>(channels)) {
            String column;
            try {
                column = mapping.columnFor(ship, channel);
            } catch (ChannelMapping.UnmappedChannelException e) {
                throw new PermanentFault(e.getMessage());
            }
            if (column == null) {
                continue;
            }
            columnOf.put(channel, column);
            if (!now.has(column)) {
                adding.add(column);
            } else if (now.forShip(ship).columnOf(channel) < 0) {
                throw new PermanentFault("channel " + channel + " of ship " + ship + " would take column " + column
                        + ", which another channel of that ship has; name its column in " + Settings.CHANNELS_MAPPING);
            }
        }
        if (adding.isEmpty() && now == seen) {
            throw new PermanentFault("channels " + columnOf.keySet() + " of ship " + ship + " found no column in the wide table");
        }
        if (!adding.isEmpty()) {
            WideTable.Shape shape;
            try {
                shape = wide.ensure(target, source, adding);
            } catch (ColumnLimitException e) {
                throw new PermanentFault(e.getMessage());
            }
            publish(shape);
            LOG.info("ship {}: added {} for channels {} met without a column", ship, adding.size() == 1 ? "column " + adding.iterator().next()
                    : adding.size() + " columns " + adding, columnOf.keySet());
        }
        return current;
    }

    private synchronized void publish(WideTable.Shape shape) {
        Snapshot next = new Snapshot(claimed(shape));
        if (next.columns.size() >= current.columns.size()) {
            current = next;
        }
    }

    /** One state of the lookup; never changes. */
    public final class Snapshot {

        private final List<String> columns;
        private final Map<String, Integer> position = new HashMap<>();
        private final String copyColumns;
        private final Map<String, ChannelIndex> byShip = new ConcurrentHashMap<>();

        private Snapshot(List<String> columns) {
            this.columns = List.copyOf(columns);
            for (int i = 0; i < columns.size(); i++) {
                position.put(columns.get(i), i);
            }
            StringBuilder list = new StringBuilder(wide.ship()).append(", ").append(wide.time());
            columns.forEach(c -> list.append(", ").append(Identifiers.quote(c)));
            this.copyColumns = list.toString();
        }

        /** Column names in the order of the pivot's cells and the COPY's fields. */
        public List<String> columns() {
            return columns;
        }

        /** The quoted column list of the COPY: ship, time, then {@link #columns()}. */
        String copyColumns() {
            return copyColumns;
        }

        boolean has(String column) {
            return position.containsKey(column);
        }

        /** Which of this snapshot's columns each channel id of a ship goes to. */
        ChannelIndex forShip(String ship) {
            return byShip.computeIfAbsent(ship, this::index);
        }

        private ChannelIndex index(String ship) {
            ColumnType type = source.channelType();
            List<String> ids = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (Map.Entry<String, String> e : mapping.channelsOf(ship, columns).entrySet()) {
                if (isId(e.getKey(), type)) {
                    ids.add(e.getKey());
                    at.add(position.get(e.getValue()));
                }
            }
            return new ChannelIndex(ids, at.stream().mapToInt(Integer::intValue).toArray(), type);
        }
    }

    /** Whether a channel id of the file or a column name is one the source can hold, in its canonical text form. */
    private static boolean isId(String channel, ColumnType type) {
        if (!type.isInteger()) {
            return true;
        }
        try {
            return String.valueOf(Long.parseLong(channel)).equals(channel);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
