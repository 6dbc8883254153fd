package io.tsmigrator.plan;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Settings;
import io.tsmigrator.source.Discovery;
import io.tsmigrator.source.SourceTable;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What this run migrates: the ships (configured or discovered) and the time range [from, to); an
 * open end is represented by far-away instants so that ledger queries stay uniform. A replay
 * narrows the scope further to the chunks it queued, which carry its batch name in the ledger.
 *
 * @param ships the ships in scope; a live list, since follow mode adds ships that appear in the source
 * @param batch the replay batch whose chunks this run works on, or null for every chunk in scope
 */
public record RunScope(List<String> ships, Instant from, Instant to, boolean toIsOpen, boolean fromIsOpen, String batch) {

    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    public RunScope {
        ships = ships instanceof CopyOnWriteArrayList<String> live ? live : new CopyOnWriteArrayList<>(ships);
    }

    public static RunScope of(List<String> ships, Instant from, Instant to) {
        return new RunScope(ships, from == null ? EARLIEST : from, to == null ? LATEST : to, to == null, from == null, null);
    }

    /** A replay's scope: the chunks of its batch, whatever their windows. */
    public static RunScope replay(List<String> ships, String batch) {
        return new RunScope(ships, EARLIEST, LATEST, true, true, batch);
    }

    /** Adds ships found since the start (follow mode); returns those that were new. */
    public List<String> addShips(List<String> found) {
        List<String> added = new ArrayList<>();
        for (String ship : found) {
            if (((CopyOnWriteArrayList<String>) ships).addIfAbsent(ship)) {
                added.add(ship);
            }
        }
        return added;
    }

    /** The configured ships, each required to have readings, or every ship discovered in the source. */
    public static List<String> ships(Settings settings, Discovery discovery) throws SQLException {
        List<String> configured = settings.ships();
        if (configured.isEmpty()) {
            return discovery.ships();
        }
        Map<String, Instant[]> bounds = discovery.bounds(configured);
        for (String ship : configured) {
            if (!bounds.containsKey(ship)) {
                throw InvalidSettingException.of(Settings.SHIPS, ship, "ships that have readings in " + settings.sourceTable());
            }
        }
        return configured;
    }

    /**
     * The part of [from, to) a ship's readings span: from its first reading to just after its last
     * (timestamps have microsecond precision). Null when the ship has no reading in the scope.
     */
    public Instant[] range(Instant[] readings) {
        if (readings == null) {
            return null;
        }
        Instant start = readings[0].isAfter(from) ? readings[0] : from;
        Instant afterLast = readings[1].plusNanos(1000);
        Instant end = afterLast.isBefore(to) ? afterLast : to;
        return start.isBefore(end) ? new Instant[] {start, end} : null;
    }

    /**
     * The channel ids of {@code migrator.channels} in id order, normalized to the source's channel
     * type (integer ids as the server prints them); empty when every channel is migrated.
     */
    public static List<String> listedChannels(Settings settings, SourceTable source) {
        List<String> configured = settings.channels();
        List<String> sorted = new ArrayList<>();
        for (String channel : configured) {
            if (source.channelType().isInteger()) {
                try {
                    sorted.add(String.valueOf(Long.parseLong(channel.trim())));
                } catch (NumberFormatException e) {
                    throw InvalidSettingException.of(Settings.CHANNELS, channel, "integer channel ids, because " + Settings.CHANNEL_COLUMN
                            + " is " + source.channelType().name());
                }
            } else {
                sorted.add(channel);
            }
        }
        if (source.channelType().isInteger()) {
            sorted.sort(Comparator.comparingLong(Long::parseLong));
        } else {
            sorted.sort(Comparator.naturalOrder());
        }
        return List.copyOf(new LinkedHashSet<>(sorted));
    }
}
