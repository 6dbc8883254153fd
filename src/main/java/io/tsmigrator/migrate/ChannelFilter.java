package io.tsmigrator.migrate;

import io.tsmigrator.config.Settings;

import java.util.List;

/**
 * The channels a chunk query reads ({@code channel = ANY (?)}): those of {@code migrator.channels},
 * or every channel when that list is empty.
 */
public record ChannelFilter(List<String> channels) {

    public static ChannelFilter none() {
        return new ChannelFilter(List.of());
    }

    /** Every channel when {@code migrator.channels} is empty; else the run's channels (that list, normalized). */
    public static ChannelFilter listed(Settings settings, List<String> channels) {
        return settings.channels().isEmpty() ? none() : new ChannelFilter(List.copyOf(channels));
    }

    /** Whether the query leaves out the channels not listed. */
    public boolean any() {
        return !channels.isEmpty();
    }
}
