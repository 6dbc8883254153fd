package io.tsmigrator.doctor;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.wide.ChannelMapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The run's channels against the wide table's columns and the mapping file that names them. */
final class ChannelChecks {

    /** Each channel's column name in channel order, or the finding that says why they cannot all be named. */
    record Names(Map<String, String> columnOf, Finding failure) {
    }

    private final Settings settings;
    private final SourceTable source;

    ChannelChecks(Settings settings, SourceTable source) {
        this.settings = settings;
        this.source = source;
    }

    /**
     * Each channel's column through the mapping (per ship when the channels are known per ship),
     * keyed by channel, or by "ship/channel" for a ship's own; channels whose readings are skipped
     * take none.
     *
     * @param byShip channel ids per ship, or under the key "" those of every ship
     */
    Names names(Map<String, List<String>> byShip, ChannelMapping mapping) {
        Map<String, String> columnOf = new LinkedHashMap<>();
        Set<String> reserved = Set.of(settings.shipColumn(), settings.timeColumn());
        for (Map.Entry<String, List<String>> ship : byShip.entrySet()) {
            String shipId = ship.getKey().isEmpty() ? null : ship.getKey();
            for (String channel : ship.getValue()) {
                String label = shipId == null ? "channel " + channel : "ship " + shipId + " channel " + channel;
                String column;
                try {
                    column = mapping.columnFor(shipId, channel);
                } catch (ChannelMapping.UnmappedChannelException e) {
                    return new Names(columnOf, Finding.fail("channel columns", label, e.getMessage() + "; chunks of this channel would fail"));
                } catch (InvalidSettingException e) {
                    return new Names(columnOf, Finding.fail("channel columns", label, e.getMessage()));
                }
                if (column == null) {
                    continue;
                }
                if (reserved.contains(column)) {
                    return new Names(columnOf, Finding.fail("channel columns", label + " -> column " + column,
                            "the ship or time column already uses that name; name it differently in " + Settings.CHANNELS_MAPPING));
                }
                columnOf.put(shipId == null ? channel : shipId + "/" + channel, column);
            }
        }
        return new Names(columnOf, null);
    }

    /**
     * Whether channel ids differ by ship, e.g. "20 ships, 1,860 channel ids, no id shared by two
     * ships": then one column per id cannot be what the analysts want, and a per-ship mapping is.
     */
    static Finding fleet(Map<String, List<String>> byShip, ChannelMapping mapping) {
        Map<String, Integer> shipsOf = new HashMap<>();
        byShip.values().forEach(ids -> ids.forEach(id -> shipsOf.merge(id, 1, Integer::sum)));
        long shared = shipsOf.values().stream().filter(n -> n > 1).count();
        long everywhere = shipsOf.values().stream().filter(n -> n == byShip.size()).count();
        String sharing = byShip.size() < 2 ? "" : shared == 0 ? ", no id shared by two ships"
                : everywhere == shipsOf.size() ? ", every ship has the same ids"
                : String.format(Locale.ROOT, ", %,d shared by two ships or more", shared);
        String value = String.format(Locale.ROOT, "%,d ships, %,d channel ids%s", byShip.size(), shipsOf.size(), sharing);
        if (byShip.size() > 1 && shared < shipsOf.size() / 2 && !mapping.perShip()) {
            return Finding.warn("channel ids", value, "channel ids differ by ship: name shared columns per ship in " + Settings.CHANNELS_MAPPING
                    + " (doctor --mapping-template prints each ship's channels to start from; see docs/channels.md)");
        }
        return Finding.ok("channel ids", value, "");
    }

    /** @param origin how the channels were found, for the report */
    Finding columns(Names names, String origin, WideColumns wide) {
        if (names.failure() != null) {
            return names.failure();
        }
        List<String> toAdd = new ArrayList<>();
        List<String> wrongType = new ArrayList<>();
        List<String> narrower = new ArrayList<>();
        for (String column : new java.util.LinkedHashSet<>(names.columnOf().values())) {
            WideColumns.Column c = wide.get(column);
            if (c == null) {
                toAdd.add(column);
            } else if (BinaryFit.of(source.valueType(), c.type()) == BinaryFit.NONE) {
                wrongType.add(column + " " + c.type().name());
            } else if (BinaryFit.of(source.valueType(), c.type()) == BinaryFit.NARROWER) {
                narrower.add(column + " " + c.type().name());
            }
        }
        int channels = new java.util.HashSet<>(names.columnOf().values()).size();
        int have = channels - toAdd.size();
        String value = Text.count(channels, "channel column", "channel columns") + " (" + origin + ")" + (!wide.exists() ? ""
                : ": " + have + (have == 1 ? " has a column" : " have a column") + (toAdd.isEmpty() ? "" : ", " + toAdd.size() + " to add: " + Text.first(toAdd)));
        if (channels == 0) {
            return Finding.warn("channel columns", value, "no channel to migrate: list them in " + Settings.CHANNELS);
        }
        if (!wrongType.isEmpty()) {
            return Finding.fail("channel columns", value, "binary COPY sends " + source.valueType().name() + " values, which these columns"
                    + " cannot read (SQLState 22P03): " + Text.first(wrongType) + "; alter them to " + source.valueType().name());
        }
        if (!narrower.isEmpty()) {
            return Finding.warn("channel columns", value, "narrower than the source's " + source.valueType().name() + ", values may be"
                    + " rounded or overflow: " + Text.first(narrower));
        }
        return Finding.ok("channel columns", value, toAdd.isEmpty() || !wide.exists() ? "" : "the run adds the missing columns");
    }

    /** A mapping file that names channels the run does not migrate, or renames channels whose old columns remain. */
    Finding mapping(ChannelMapping mapping, List<String> channels, WideColumns wide) {
        String value = Settings.CHANNELS_MAPPING + "=" + settings.channelsMapping() + " names "
                + Text.count(mapping.mappedChannels().size(), "channel", "channels");
        List<String> unused = mapping.mappedChannels().stream().filter(ch -> !channels.contains(ch)).toList();
        List<String> stale = new ArrayList<>();
        for (String channel : mapping.mappedChannels()) {
            String prefixed = Settings.COLUMN_PREFIX + channel;
            if (channels.contains(channel) && mapping.names(null, channel) && !prefixed.equals(mapping.columnFor(channel)) && wide.has(prefixed)) {
                stale.add(prefixed + " (now " + mapping.columnFor(channel) + ")");
            }
        }
        if (!stale.isEmpty()) {
            return Finding.warn("channel mapping", value, "the table still has the prefixed columns of renamed channels, which the run"
                    + " no longer writes: " + Text.first(stale));
        }
        if (!unused.isEmpty()) {
            return Finding.warn("channel mapping", value, "it names channels the run does not migrate (a typo?): " + Text.first(unused));
        }
        return Finding.ok("channel mapping", value, "");
    }
}
