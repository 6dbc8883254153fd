package io.tsmigrator.target;

import io.tsmigrator.config.Identifiers;
import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names of wide columns. By default a channel's column is {@code migrator.target.column-prefix}
 * followed by its id ({@code ch_17}); a mapping file ({@code migrator.channels.mapping}, CSV lines
 * {@code data_channel_id,column_name}, an optional header) names columns instead.
 */
public final class ChannelMapping {

    private final String prefix;
    private final Map<String, String> named;

    ChannelMapping(String prefix, Map<String, String> named) {
        this.prefix = prefix;
        this.named = named;
    }

    public static ChannelMapping from(Settings settings) {
        Path file = settings.channelsMapping();
        return new ChannelMapping(settings.columnPrefix(), file == null ? Map.of() : read(file));
    }

    /** Channels the mapping file names, in file order. */
    public Set<String> mappedChannels() {
        return named.keySet();
    }

    public String columnFor(String channel) {
        String column = named.get(channel);
        if (column != null) {
            return column;
        }
        column = prefix + channel;
        if (!Identifiers.isValidName(column)) {
            throw new InvalidSettingException("channel '" + channel + "' gives the column name '" + column
                    + "', which is not a valid SQL identifier; name its column in " + Settings.CHANNELS_MAPPING);
        }
        return column;
    }

    static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InvalidSettingException.of(Settings.CHANNELS_MAPPING, file.toString(), "a readable CSV file (" + e.getMessage() + ")");
        }
        Map<String, String> named = new LinkedHashMap<>();
        Set<String> columns = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.toLowerCase(java.util.Locale.ROOT).startsWith("data_channel_id"))) {
                continue;
            }
            String[] parts = line.split(",", -1);
            String where = Settings.CHANNELS_MAPPING + " " + file + " line " + (i + 1);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new InvalidSettingException(where + ": '" + line + "' is not 'data_channel_id,column_name'");
            }
            String channel = parts[0].strip();
            String column = parts[1].strip();
            if (!Identifiers.isValidName(column)) {
                throw new InvalidSettingException(where + ": column name '" + column + "' is not a valid SQL identifier");
            }
            if (named.put(channel, column) != null) {
                throw new InvalidSettingException(where + ": channel " + channel + " is mapped twice");
            }
            if (!columns.add(column)) {
                throw new InvalidSettingException(where + ": column " + column + " is used for two channels");
            }
        }
        return named;
    }
}
