package io.tsmigrator.observe;

import io.tsmigrator.support.BlackholeProxy;
import io.tsmigrator.support.PostgresServer;
import io.tsmigrator.support.TestDb;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run's health check against real databases: UP while both answer, DOWN when one refuses or goes silent. */
class RunHealthTest {

    @Test
    void upWhileBothDatabasesAnswerDownWhenOneRefusesOrGoesSilent() throws Exception {
        TestDb db = new TestDb();
        assertEquals(HealthCheck.State.UP, new RunHealth(db.dataSource(), db.dataSource()).call().getState());

        PGSimpleDataSource refusing = new PGSimpleDataSource();
        refusing.setUrl("jdbc:postgresql://127.0.0.1:1/none");
        HealthCheck.Result refused = new RunHealth(refusing, db.dataSource()).call();
        assertEquals(HealthCheck.State.DOWN, refused.getState());
        assertTrue(refused.getMessage().orElse("").startsWith("the source database does not answer"), refused.getMessage().orElse(""));

        try (BlackholeProxy proxy = new BlackholeProxy(PostgresServer.get().port())) {
            PGSimpleDataSource viaProxy = new PGSimpleDataSource();
            viaProxy.setUrl(db.url().replaceFirst(":[0-9]+/", ":" + proxy.port() + "/"));
            viaProxy.setUser(TestDb.USER);
            Connection pooled = viaProxy.getConnection();
            DataSource target = onlyConnection(pooled);
            assertEquals(HealthCheck.State.UP, new RunHealth(db.dataSource(), target).call().getState());

            proxy.blackholeExisting();
            long start = System.nanoTime();
            HealthCheck.Result silent = new RunHealth(db.dataSource(), target).call();
            assertEquals(HealthCheck.State.DOWN, silent.getState());
            assertTrue(silent.getMessage().orElse("").startsWith("the target database does not answer"), silent.getMessage().orElse(""));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0, "the check gives up, it does not hang");
        }
    }

    /** A data source that hands out one connection (as a pool whose only connection went silent would). */
    private static DataSource onlyConnection(Connection connection) {
        Connection unclosable = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> method.getName().equals("close") ? null : method.invoke(connection, args));
        return new DataSource() {
            @Override
            public Connection getConnection() {
                return unclosable;
            }

            @Override
            public Connection getConnection(String user, String password) {
                return unclosable;
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
