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

    @Test
    void theShippedConfigurationDocumentsEveryKeyWithItsDefault() throws IOException {
        Properties file = new Properties();
        file.load(Files.newBufferedReader(Path.of("config/application.properties"), StandardCharsets.UTF_8));
        assertEquals(Settings.DEFAULTS.keySet(), file.stringPropertyNames(), "keys of config/application.properties");
        for (Map.Entry<String, String> e : Settings.DEFAULTS.entrySet()) {
            assertEquals(e.getValue(), file.getProperty(e.getKey()).trim(), "default of " + e.getKey());
        }
        String text = Files.readString(Path.of("config/application.properties"));
        // the README, or the manual's pages under docs/ for a feature's own settings
        StringBuilder manual = new StringBuilder(Files.readString(Path.of("README.md")));
        if (Files.isDirectory(Path.of("docs"))) {
            try (java.util.stream.Stream<Path> pages = Files.list(Path.of("docs"))) {
                for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                    manual.append(Files.readString(page));
                }
            }
        }
        String readme = manual.toString();
        for (String key : Settings.DEFAULTS.keySet()) {
            assertTrue(text.contains("\n# ") && text.indexOf(key + "=") > 0, key);
            assertTrue(readme.contains(key.substring(key.lastIndexOf('.') + 1)), "README or docs/ mentions " + key);
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
