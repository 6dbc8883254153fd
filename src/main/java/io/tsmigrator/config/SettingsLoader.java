package io.tsmigrator.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Merges the places a setting can come from. Precedence, highest first: {@code --key=value}
 * arguments, {@code -Dkey=value} system properties, environment variables ({@code MIGRATOR_SOURCE_URL}
 * for {@code migrator.source.url}), the configuration file, the built-in defaults.
 * <p>
 * The configuration file is {@code config/application.properties} below the working directory, or
 * the one named by {@code migrator.config}; without either the copy packaged in the jar is used.
 */
public final class SettingsLoader {

    public static final String CONFIG_KEY = "migrator.config";
    static final String DEFAULT_CONFIG = "config/application.properties";

    private SettingsLoader() {
    }

    /**
     * @param options the {@code --key=value} options of the command line, already split
     * @param env the process environment
     * @param system the system properties
     */
    public static Settings load(Map<String, String> options, Map<String, String> env, Properties system) {
        Map<String, String> merged = new LinkedHashMap<>(Settings.DEFAULTS);
        String configPath = firstNonEmpty(options.get(CONFIG_KEY), system.getProperty(CONFIG_KEY), env.get(envName(CONFIG_KEY)));
        merged.putAll(readConfig(configPath));
        for (String key : List.copyOf(merged.keySet())) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
            }
        }
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("migrator.") || name.startsWith("camel.")) {
                merged.put(name, system.getProperty(name));
            }
        }
        merged.putAll(options);
        return new Settings(merged);
    }

    /** The environment variable that overrides a key: upper case, dots and dashes become underscores. */
    public static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readConfig(String explicitPath) {
        Properties properties = new Properties();
        try {
            if (explicitPath != null) {
                Path path = Path.of(explicitPath);
                if (!Files.isRegularFile(path)) {
                    throw InvalidSettingException.of(CONFIG_KEY, explicitPath, "an existing properties file");
                }
                try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
            } else if (Files.isRegularFile(Path.of(DEFAULT_CONFIG))) {
                try (Reader reader = Files.newBufferedReader(Path.of(DEFAULT_CONFIG), StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
            } else {
                try (InputStream in = SettingsLoader.class.getResourceAsStream("/" + DEFAULT_CONFIG)) {
                    if (in != null) {
                        properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new InvalidSettingException(CONFIG_KEY + ": cannot read the configuration file: " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name, properties.getProperty(name).trim());
        }
        return values;
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
