package io.tsmigrator.run;

import io.tsmigrator.config.Settings;
import io.tsmigrator.ledger.ChunkLedger;
import io.tsmigrator.ledger.ControlSchema;
import io.tsmigrator.plan.ChangeMarks;
import io.tsmigrator.plan.RunScope;
import io.tsmigrator.replay.ReplayQueue;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.apache.camel.Route;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The YAML files under {@code routes/}, loaded by Camel Main (camel-test-main-junit5) with the
 * beans a run binds, against a real PostgreSQL: every route has an id and a description, and the
 * routes migrate a small fleet. A route file Camel cannot read, or that names a bean or endpoint
 * wrongly, fails here.
 */
class RoutesTest extends CamelMainTestSupport {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final List<Integer> CHANNELS = List.of(1, 2, 3);

    private static TestDb db;
    private static Settings settings;
    private static Environment env;
    private static RunBeans beans;

    @BeforeAll
    static void prepare() throws Exception {
        db = new TestDb();
        Fleet.create(db, SOURCE, List.of(1, 2), CHANNELS, 2);
        settings = db.settings(Map.of(Settings.CHUNK_SIZE, "PT30M"));
        env = Environment.open(settings);
        ControlSchema schema = new ControlSchema(settings.controlSchema());
        schema.createInBackground(env.pools().control()).await();
        SourceSide source = SourceSide.read(settings, env.pools());
        source.prepareTarget(env.pools().control());
        ChunkLedger ledger = new ChunkLedger(env.pools().control(), schema, settings.targetTable());
        RunScope scope = RunScope.of(RunScope.ships(settings, source.discovery()), null, null);
        beans = new RunWiring(settings, env.pools(), schema, source, ledger, scope, ReplayQueue.empty(), "routes-test", false, ChangeMarks.NONE)
                .beans(() -> {
                    // the test ends the context itself
                });
    }

    @AfterAll
    static void close() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        // the routes start once the test watches them (below), so no chunk finishes unseen
        configuration.withRoutesIncludePattern("file:routes/*.yaml").withAutoStartup(false);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = settings.camelProperties();
        properties.setProperty(CamelLifecycle.PLAN_STEP, "plan-chunks");
        return properties;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        beans.all().forEach(registry::bind);
    }

    @Test
    void everyRouteFileLoadsWithItsIdsAndDescriptionsAndTheRoutesMigrate() throws Exception {
        Set<String> ids = new TreeSet<>();
        for (Route route : context.getRoutes()) {
            ids.add(route.getRouteId());
            String description = route.getDescription();
            assertFalse(description == null || description.isBlank(), "route " + route.getRouteId() + " has a description");
        }
        assertTrue(ids.containsAll(Set.of("plan", "dispatch", "plan-chunks", "migrate-chunk", "record-completion", "tally-ship",
                "dead-letter", "split-chunk", "replay-dead-letters", "renew-leases")), ids.toString());

        // one chunk per ship and 30-minute window holding readings
        int chunks = (int) db.count("SELECT count(DISTINCT (ship_id, date_bin('30 min', created_time, timestamptz '2000-01-01Z'))) FROM " + SOURCE);
        NotifyBuilder migrated = new NotifyBuilder(context).fromRoute("migrate-chunk").whenCompleted(chunks).create();
        context.getRouteController().startAllRoutes();
        assertTrue(migrated.matches(60, TimeUnit.SECONDS), chunks + " chunks through migrate-chunk");
        assertEquals(chunks, db.count("SELECT count(*) FROM migrator.chunk WHERE status = 'DONE'"));
        SqlPivot.assertWideEqualsPivot(db, SOURCE, WIDE, SqlPivot.ids(CHANNELS), SqlPivot.prefixed(CHANNELS));
    }
}
