package io.tsmigrator.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.zip.ZipFile;

/** A PostgreSQL server of a test's own: other binaries (an older major version) or other server settings (TLS). */
public final class OwnServer implements AutoCloseable {

    private final EmbeddedPostgres server;

    private OwnServer(EmbeddedPostgres server) {
        this.server = server;
    }

    /** A server with extra settings (e.g. ssl), from the binaries on the class path. */
    public static OwnServer start(Map<String, String> config) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("fsync", "off");
        config.forEach(builder::setServerConfig);
        return new OwnServer(builder.start());
    }

    /** A server from the binaries in a zonky binaries jar, e.g. an older major version. */
    public static OwnServer fromBinaries(Path jar) throws IOException {
        byte[] archive;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            archive = zip.getInputStream(zip.getEntry("postgres-linux-x86_64.txz")).readAllBytes();
        }
        return new OwnServer(EmbeddedPostgres.builder().setServerConfig("fsync", "off")
                .setPgBinaryResolver((system, hardware) -> new ByteArrayInputStream(archive)).start());
    }

    public int port() {
        return server.getPort();
    }

    /** Creates a database and returns its URL (with {@code parameters}, e.g. {@code ?sslmode=require}). */
    public String newDatabase(String name, String parameters) throws SQLException {
        try (Connection c = DriverManager.getConnection(url("postgres", parameters), TestDb.USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name, parameters);
    }

    public String url(String database, String parameters) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database + parameters;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** For a test that needs a file of the server's data directory to exist before it starts. */
    static Path tempDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }
}
