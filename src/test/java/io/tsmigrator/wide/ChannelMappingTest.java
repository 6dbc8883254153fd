package io.tsmigrator.wide;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.UnmappedChannels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mapping file's two forms, the per-ship lookup and the one-line refusals. */
class ChannelMappingTest {

    @TempDir
    Path dir;

    private ChannelMapping read(String text, UnmappedChannels unmapped) throws IOException {
        return ChannelMapping.read(Files.writeString(dir.resolve("m.csv"), text), "ch_", unmapped);
    }

    @Test
    void theTwoColumnFormWithAndWithoutHeaderNamesColumnsForEveryShip() throws IOException {
        for (String text : new String[] {"data_channel_id,column_name\n1,engine_rpm\n3,fuel\n", "# comment\n1, engine_rpm\n\n3,\"fuel\"\n"}) {
            ChannelMapping m = read(text, UnmappedChannels.COLUMN);
            assertEquals("engine_rpm", m.columnFor("7", "1"));
            assertEquals("fuel", m.columnFor("8", "3"));
            assertEquals("ch_2", m.columnFor("7", "2"));
            assertEquals(false, m.perShip());
        }
    }

    @Test
    void perShipLinesShareColumnsAcrossShipsAndOverrideEveryShipLines() throws IOException {
        ChannelMapping m = read("ship_id,data_channel_id,column_name\n1,1017,me1_speed\n2,2017,me1_speed\n,5,heading\n2,5,heading_gyro\n",
                UnmappedChannels.SKIP);
        assertEquals("me1_speed", m.columnFor("1", "1017"));
        assertEquals("me1_speed", m.columnFor("2", "2017"));
        assertNull(m.columnFor("1", "2017"), "ship 1 does not name 2017: skipped");
        assertEquals("heading", m.columnFor("1", "5"));
        assertEquals("heading_gyro", m.columnFor("2", "5"));
        assertEquals("heading", m.columnFor("3", "5"));
        assertEquals(Map.of("5", "heading", "1017", "me1_speed"), m.forShip("1"));
        assertTrue(m.perShip());
    }

    @Test
    void aColumnTakenByTwoChannelsOfOneShipIsRefusedNamingFileLineShipAndBothChannels() throws IOException {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> read(
                "ship_id,data_channel_id,column_name\n# ship 1\n1,1017,me1_speed\n2,2017,me1_speed\n1,1018,me1_speed\n", UnmappedChannels.COLUMN));
        assertEquals("migrator.channels.mapping " + dir.resolve("m.csv") + " line 5: ship 1 maps channels 1017 (line 3) and 1018"
                + " to column me1_speed; within one ship a column takes one channel", e.getMessage());

        e = assertThrows(InvalidSettingException.class, () -> read(
                "ship_id,data_channel_id,column_name\n,5,heading\n3,6,heading\n", UnmappedChannels.COLUMN));
        assertTrue(e.getMessage().contains("line 3: ship 3 maps channels 5 (line 2) and 6 to column heading"), e.getMessage());

        e = assertThrows(InvalidSettingException.class, () -> read("1,a\n2,a\n", UnmappedChannels.COLUMN));
        assertTrue(e.getMessage().contains("line 2: every ship maps channels 1 (line 1) and 2 to column a"), e.getMessage());
    }

    @Test
    void aShipOverridingItsEveryShipChannelFreesThatColumn() throws IOException {
        ChannelMapping m = read("ship_id,data_channel_id,column_name\n,5,heading\n3,5,heading_gyro\n3,6,heading\n", UnmappedChannels.COLUMN);
        assertEquals("heading", m.columnFor("3", "6"));
        assertEquals("heading_gyro", m.columnFor("3", "5"));
    }

    @Test
    void malformedLinesAndTheFailPolicy() throws IOException {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> read("1,2,x\n", UnmappedChannels.COLUMN));
        assertTrue(e.getMessage().contains("line 1: '1,2,x' is not 'data_channel_id,column_name' (a per-ship file starts with the header"), e.getMessage());
        e = assertThrows(InvalidSettingException.class, () -> read("ship_id,data_channel_id,column_name\n1,2,bad name\n", UnmappedChannels.COLUMN));
        assertTrue(e.getMessage().contains("line 2: column name 'bad name' is not a valid SQL identifier"), e.getMessage());
        ChannelMapping m = read("data_channel_id,column_name\n1,rpm\n", UnmappedChannels.FAIL);
        ChannelMapping.UnmappedChannelException u = assertThrows(ChannelMapping.UnmappedChannelException.class, () -> m.columnFor("4", "9"));
        assertEquals("channel 9 of ship 4 is not named in migrator.channels.mapping and migrator.channels.unmapped=fail", u.getMessage());
    }
}
