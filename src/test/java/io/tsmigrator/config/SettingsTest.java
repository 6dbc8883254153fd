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
     * The defaults are the shipped file's (read from its copy on the class path), every key the code
     * names is in it with a comment above, and the file holds no key the code does not know.
     */
    @Test
    void everySettingTheCodeNamesIsDocumentedInTheShippedFileWhichGivesItsDefault() throws IOException, IllegalAccessException {
        Properties file = new Properties();
        file.load(Files.newBufferedReader(Path.of("config/application.properties"), StandardCharsets.UTF_8));
        assertEquals(file.stringPropertyNames(), Settings.DEFAULTS.keySet(), "keys of config/application.properties");
        for (String key : file.stringPropertyNames()) {
            assertEquals(file.getProperty(key).trim(), Settings.DEFAULTS.get(key), "default of " + key);
        }
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (java.lang.reflect.Field f : Settings.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                    && f.get(null) instanceof String key && key.startsWith("migrator.")) {
                named.add(key);
            }
        }
        assertEquals(new java.util.TreeSet<>(Settings.DEFAULTS.keySet()), named, "the key constants of Settings");
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
    void theRetryBackoffMustBeShorterThanTheLease() {
        Settings s = new Settings(new java.util.HashMap<>(Settings.DEFAULTS) {{
            put(Settings.RETRY_MAX_DELAY, "PT5M");
        }});
        InvalidSettingException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class, s::validate);
        assertEquals("migrator.retry.max-delay='PT5M' is invalid: expected a duration shorter than migrator.lease (PT2M)", e.getMessage());
    }
}
