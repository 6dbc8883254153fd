package io.tsmigrator.run;

import org.apache.camel.main.Main;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The beans the YAML routes call, by the names the routes use: whatever a run adds goes through {@link #put}. */
public final class RunBeans {

    private final Map<String, Object> beans = new LinkedHashMap<>();

    /** Adds a bean; a name given twice is a wiring mistake. */
    public RunBeans put(String name, Object bean) {
        if (beans.putIfAbsent(name, bean) != null) {
            throw new IllegalStateException("bean " + name + " is bound twice");
        }
        return this;
    }

    public Map<String, Object> all() {
        return Collections.unmodifiableMap(beans);
    }

    void bindTo(Main main) {
        beans.forEach(main::bind);
    }
}
