package io.tsmigrator.run;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run's stop halts the planning timer before it waits for the last exchanges: a tick firing
 * after that wait would be in flight when Camel's shutdown looks, and Camel looks again only a
 * second later. Quartz's scheduler thread takes each next tick ahead of its time, so the halt has
 * to stop a tick it already holds.
 */
class PlanningTicksTest {

    private static final int INTERVAL_MS = 300;

    @Test
    void aTickTheSchedulerAlreadyHoldsDoesNotFireOnceHalted() throws Exception {
        QuartzComponent quartz = CamelLifecycle.quartz();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("quartz", quartz);
            AtomicInteger ticks = new AtomicInteger();
            CountDownLatch first = new CountDownLatch(1);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("quartz:test/tick?trigger.repeatInterval=" + INTERVAL_MS + "&trigger.repeatCount=-1&stateful=true")
                            .routeId("ticks")
                            .process(e -> {
                                ticks.incrementAndGet();
                                first.countDown();
                            });
                }
            });
            camel.start();
            assertTrue(first.await(10, TimeUnit.SECONDS), "the first tick");

            // the scheduler thread now holds the next tick, due one interval after the first
            CamelLifecycle.haltPlanningTicks(quartz, false);
            int halted = ticks.get();

            // no event to wait for: a tick that still fires does so within the next interval
            Thread.sleep(3L * INTERVAL_MS);
            assertEquals(halted, ticks.get(), "ticks after the halt");
        }
    }
}
