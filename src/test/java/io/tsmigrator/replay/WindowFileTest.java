package io.tsmigrator.replay;

import io.tsmigrator.config.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The replay CSV: quoted fields, a byte-order mark, blank lines, other columns, and one-line errors naming the line. */
class WindowFileTest {

    @Test
    void quotedFieldsAndExtraColumnsInAnyOrder(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("w.csv"), "\uFEFFend,note,SHIP_ID,start\n\n"
                + "2024-03-01T01:00:00Z,\"retry, later\",\"A \"\"7\"\"\", 2024-03-01T00:00:00Z\n");

        List<ImportedWindow> windows = WindowFile.read(csv);

        assertEquals(List.of(new ImportedWindow("A \"7\"", Instant.parse("2024-03-01T00:00:00Z"), Instant.parse("2024-03-01T01:00:00Z"), 3)), windows);
    }

    @Test
    void anUnclosedQuoteOrAShortLineIsOneLineNamingIt(@TempDir Path dir) throws IOException {
        Path unclosed = Files.writeString(dir.resolve("u.csv"), "ship_id,start,end\n\"1,2024-03-01T00:00:00Z,2024-03-01T01:00:00Z\n");
        Path shortLine = Files.writeString(dir.resolve("s.csv"), "ship_id,start,end\n1,2024-03-01T00:00:00Z\n");

        assertEquals("--csv=" + unclosed + " line 2: a quoted field is not closed",
                assertThrows(InvalidSettingException.class, () -> WindowFile.read(unclosed)).getMessage());
        assertEquals("--csv=" + shortLine + " line 2: expected 3 fields like the header, found 2 in '1,2024-03-01T00:00:00Z'",
                assertThrows(InvalidSettingException.class, () -> WindowFile.read(shortLine)).getMessage());
    }
}
