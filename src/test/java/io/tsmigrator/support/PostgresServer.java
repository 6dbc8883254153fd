package io.tsmigrator.support;

import io.tsmigrator.embedded.EmbeddedDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for the whole test JVM (started once, stopped at exit); each test gets
 * a database of its own, so tests never see each other's tables.
 */
public final class PostgresServer {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedDatabase server;

    private PostgresServer() {
    }

    public static synchronized EmbeddedDatabase get() {
        if (server == null) {
            try {
                server = EmbeddedDatabase.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedDatabase started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return server;
    }

    /** Creates an empty database on the shared server and returns its JDBC URL (without credentials). */
    public static String newDatabase() {
        return newDatabase("jdbc:postgresql://localhost:" + get().port() + "/postgres");
    }

    /** Creates an empty database on the server of {@code serverUrl} (a URL of its postgres database). */
    public static String newDatabase(String serverUrl) {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(serverUrl, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return serverUrl.substring(0, serverUrl.lastIndexOf('/') + 1) + name;
    }
}
