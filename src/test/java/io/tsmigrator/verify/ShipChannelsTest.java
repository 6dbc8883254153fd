package io.tsmigrator.verify;

import io.tsmigrator.config.Settings;
import io.tsmigrator.config.SettingsLoader;
import io.tsmigrator.wide.ChannelMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each wide column gives its cells back the ship's channel id, as the mapping and its policy for unnamed channels say. */
class ShipChannelsTest {

    private static final String PER_SHIP = "ship_id,data_channel_id,column_name\n1,1017,me1_speed\n2,2017,me1_speed\n2,2018,me2_fuel\n,5,heading\n";
    private static final List<String> WIDE = List.of("ship_id", "created_time", "me1_speed", "me2_fuel", "heading", "ch_9", "ch_5", "note");

    @Test
    void perShipColumnsWithUnnamedChannelsInColumnsOfTheirOwn(@TempDir Path dir) throws IOException {
        ShipChannels channels = new ShipChannels(mapping(dir, PER_SHIP, "column"), WIDE, List.of(), true);

        assertEquals(List.of("\"ch_5\"", "\"ch_9\"", "\"heading\"", "\"me1_speed\"", "\"me2_fuel\""), channels.columns());
        assertFalse(channels.filtered());
        // ch_5 is not channel 5's column: the file names heading for it
        assertEquals(Arrays.asList("#ch_5", "9", "5", "1017", "#me2_fuel"), channels.keys("1"));
        assertEquals(Arrays.asList("#ch_5", "9", "5", "2017", "2018"), channels.keys("2"));
        assertEquals(Arrays.asList("#ch_5", "9", "5", "#me1_speed", "#me2_fuel"), channels.keys("3"));
    }

    @Test
    void skippedChannelsAreNeitherReadNorCompared(@TempDir Path dir) throws IOException {
        ShipChannels channels = new ShipChannels(mapping(dir, PER_SHIP, "skip"), WIDE, List.of(), true);

        assertTrue(channels.filtered());
        assertEquals(Arrays.asList("#ch_5", "#ch_9", "5", "2017", "2018"), channels.keys("2"));
        assertEquals(java.util.Set.of("5", "2017", "2018"), java.util.Set.copyOf(channels.read("2")));
        assertEquals(List.of("5"), channels.read("3"));
    }

    @Test
    void aListLeavesTheOtherColumnsOutOfTheComparison(@TempDir Path dir) throws IOException {
        ShipChannels channels = new ShipChannels(mapping(dir, PER_SHIP, "column"), WIDE, List.of("09", "2017"), true);

        assertTrue(channels.filtered());
        assertEquals(Arrays.asList(null, "9", null, null, null), channels.keys("1"));
        assertEquals(Arrays.asList(null, "9", null, "2017", null), channels.keys("2"));
        assertEquals(List.of("9", "2017"), channels.read("1"));
    }

    private static ChannelMapping mapping(Path dir, String csv, String unmapped) throws IOException {
        Path file = Files.writeString(dir.resolve("mapping.csv"), csv);
        Settings settings = SettingsLoader.load(Map.of(Settings.CHANNELS_MAPPING, file.toString(), "migrator.channels.unmapped", unmapped),
                Map.of(), new Properties());
        return ChannelMapping.from(settings);
    }
}
