package io.tsmigrator.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the defaults from the copy of {@code config/application.properties} packaged in the jar, in
 * the file's order: the file is the one place a default is written.
 */
final class Defaults {

    static final String RESOURCE = "/" + SettingsLoader.DEFAULT_CONFIG;

    private Defaults() {
    }

    static Map<String, String> load() {
        Map<String, String> ordered = new LinkedHashMap<>();
        // Properties parses the format (continuations, escapes); this subclass keeps the keys' order
        Properties properties = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                ordered.put((String) key, ((String) value).trim());
                return super.put(key, value);
            }
        };
        try (InputStream in = Defaults.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path: the jar is incomplete");
            }
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return Collections.unmodifiableMap(ordered);
    }
}
