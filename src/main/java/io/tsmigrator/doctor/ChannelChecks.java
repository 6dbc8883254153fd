package io.tsmigrator.doctor;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.source.SourceTable;
import io.tsmigrator.target.ChannelMapping;

import java.util.ArrayList;
import java.util.HashSet;
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

    Names names(List<String> channels, ChannelMapping mapping) {
        Map<String, String> columnOf = new LinkedHashMap<>();
        Set<String> used = new HashSet<>(List.of(settings.shipColumn(), settings.timeColumn()));
        for (String channel : channels) {
            String column;
            try {
                column = mapping.columnFor(channel);
            } catch (InvalidSettingException e) {
                return new Names(columnOf, Finding.fail("channel columns", "channel " + channel, e.getMessage()));
            }
            if (!used.add(column)) {
                return new Names(columnOf, Finding.fail("channel columns", "channel " + channel + " -> column " + column,
                        "another column already uses that name; name it differently in " + Settings.CHANNELS_MAPPING));
            }
            columnOf.put(channel, column);
        }
        return new Names(columnOf, null);
    }

    /** @param origin how the channels were found, for the report */
    Finding columns(Names names, String origin, WideColumns wide) {
        if (names.failure() != null) {
            return names.failure();
        }
        List<String> toAdd = new ArrayList<>();
        List<String> wrongType = new ArrayList<>();
        List<String> narrower = new ArrayList<>();
        for (String column : names.columnOf().values()) {
            WideColumns.Column c = wide.get(column);
            if (c == null) {
                toAdd.add(column);
            } else if (BinaryFit.of(source.valueType(), c.type()) == BinaryFit.NONE) {
                wrongType.add(column + " " + c.type().name());
            } else if (BinaryFit.of(source.valueType(), c.type()) == BinaryFit.NARROWER) {
                narrower.add(column + " " + c.type().name());
            }
        }
        int channels = names.columnOf().size();
        int have = channels - toAdd.size();
        String value = Text.count(channels, "channel", "channels") + " (" + origin + ")" + (!wide.exists() ? ""
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
            String prefixed = settings.columnPrefix() + channel;
            if (channels.contains(channel) && !prefixed.equals(mapping.columnFor(channel)) && wide.has(prefixed)) {
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
