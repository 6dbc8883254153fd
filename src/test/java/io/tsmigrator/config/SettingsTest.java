package io.tsmigrator.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

    @Test
    void commandLineBeatsSystemPropertyBeatsEnvironmentBeatsFile() {
        Properties system = new Properties();
        system.setProperty("migrator.parallelism", "4");
        system.setProperty("migrator.lease", "PT5M");
        Map<String, String> env = Map.of("MIGRATOR_PARALLELISM", "3", "MIGRATOR_CHUNK_SIZE", "PT30M", "MIGRATOR_LEASE", "PT7M");

        Settings s = SettingsLoader.load(Map.of("migrator.parallelism", "5"), env, system);

        assertEquals(5, s.parallelism());
        assertEquals("PT5M", s.lease().toString());
        assertEquals("PT30M", s.chunkSize().toString());
        assertEquals("tenant.tbl_data_timeseries", s.sourceTable());
    }

    /**
     * Every key the code names is in the shipped file (whose copy on the class path gives the
     * defaults) with a comment above, the file holds no key the code does not know, and no removed
     * key is back.
     */
    @Test
    void everySettingTheCodeNamesIsDocumentedInTheShippedFileWhichGivesItsDefault() throws IOException, IllegalAccessException {
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (java.lang.reflect.Field f : Settings.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                    && f.get(null) instanceof String key && key.startsWith("migrator.")) {
                named.add(key);
            }
        }
        assertEquals(new java.util.TreeSet<>(Settings.DEFAULTS.keySet()), named, "the key constants of Settings");
        assertTrue(Settings.REMOVED.keySet().stream().noneMatch(Settings.DEFAULTS::containsKey), "a removed key is documented again");
        java.util.List<String> lines = Files.readAllLines(Path.of("config/application.properties"), StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("#") && line.contains("=")) {
                assertTrue(lines.get(i - 1).startsWith("#"), "a comment above " + line);
            }
        }
    }

    @Test
    void secretsAreScrubbedFromTextAndUrls() {
        Secrets.register(java.util.List.of("hunter2-secret"));
        assertEquals("login failed for hunter2 with *****", Secrets.scrub("login failed for hunter2 with hunter2-secret"));
        assertEquals("jdbc:postgresql://h/db?user=u&password=*****&ssl=true", Secrets.redactUrl("jdbc:postgresql://h/db?user=u&password=abc&ssl=true"));
        Map<String, String> withPassword = new java.util.HashMap<>(Settings.DEFAULTS);
        withPassword.put(Settings.SOURCE_PASSWORD, "pw");
        assertFalse(new Settings(withPassword).camelProperties().containsKey(Settings.SOURCE_PASSWORD));
        Secrets.register(java.util.List.of());
    }

    @Test
    void theRetryWaitsStayWithinTheLease() {
        Settings production = SettingsLoader.load(Map.of(), Map.of(), new Properties());
        Settings quick = SettingsLoader.load(Map.of(Settings.LEASE, "PT5S"), Map.of(), new Properties());

        assertEquals(java.time.Duration.ofSeconds(1), production.retryInitialDelay());
        assertEquals(java.time.Duration.ofMinutes(1), production.retryMaxDelay());
        assertEquals(java.time.Duration.ofNanos(41_666_666), quick.retryInitialDelay());
        assertEquals(java.time.Duration.ofMillis(2500), quick.retryMaxDelay());
    }

    /** A key that was removed is named with the value the migrator now uses, from the command line or from a file. */
    @Test
    void aRemovedKeyIsRefusedInOneLineNamingIt(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Settings fromCommandLine = SettingsLoader.load(Map.of("migrator.plan-interval", "PT5S"), Map.of(), new Properties());
        Path file = dir.resolve("old.properties");
        Files.writeString(file, "migrator.chunk-size=PT20M\nmigrator.routes=my-routes\n");
        Settings fromFile = SettingsLoader.load(Map.of(SettingsLoader.CONFIG_KEY, file.toString()), Map.of(), new Properties());

        InvalidSettingException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class, fromCommandLine::rejectUnknownKeys);
        assertEquals("migrator.plan-interval is no longer a setting (the migrator uses PT1S); remove it from the command line or"
                + " configuration file", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class, fromFile::rejectUnknownKeys);
        assertTrue(e.getMessage().startsWith("migrator.routes is no longer a setting"), e.getMessage());
    }
}
