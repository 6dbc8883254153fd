package io.tsmigrator;

import io.tsmigrator.support.Cli;
import io.tsmigrator.support.Fleet;
import io.tsmigrator.support.OwnServer;
import io.tsmigrator.support.SqlPivot;
import io.tsmigrator.support.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server like a managed one: TLS only ({@code hostssl} lines alone in pg_hba.conf), scram-sha-256
 * passwords, and a migrator role that is no superuser and holds exactly the privileges the README
 * lists. A run over {@code sslmode=require} migrates; a connection without TLS is refused.
 */
class TlsMigrationTest {

    private static final String SOURCE = "tenant.tbl_data_timeseries";
    private static final String WIDE = "tenant.tbl_data_timeseries_wide";
    private static final String PASSWORD = "s3cret-Migrator";

    @Test
    void aNonSuperuserRunMigratesOverTlsWithScram(@TempDir Path dir) throws Exception {
        Path hba = Files.writeString(dir.resolve("pg_hba.conf"), """
                local   all  all                 trust
                hostssl all  migrator 127.0.0.1/32 scram-sha-256
                hostssl all  migrator ::1/128      scram-sha-256
                hostssl all  all      127.0.0.1/32 trust
                hostssl all  all      ::1/128      trust
                """);
        Path[] certificate = selfSignedCertificate(dir);
        try (OwnServer server = OwnServer.start(Map.of("ssl", "on", "ssl_cert_file", certificate[0].toString(),
                "ssl_key_file", certificate[1].toString(), "hba_file", hba.toString(), "password_encryption", "scram-sha-256"))) {
            String url = server.newDatabase("fleet", "?sslmode=require");
            TestDb admin = new TestDb(url);
            List<Integer> channels = List.of(1, 2, 3);
            Fleet.create(admin, SOURCE, List.of(1, 2), channels, 2);
            // the README's role and grants (section "Managed PostgreSQL")
            admin.execute("CREATE ROLE migrator LOGIN PASSWORD '" + PASSWORD + "'",
                    "GRANT CONNECT, CREATE ON DATABASE fleet TO migrator",
                    "GRANT USAGE, CREATE ON SCHEMA tenant TO migrator",
                    "GRANT SELECT, TRIGGER ON " + SOURCE + " TO migrator");

            SQLException plain = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(server.url("fleet", "?sslmode=disable"), "migrator", PASSWORD).close());
            assertTrue(plain.getMessage().contains("no encryption"), plain.getMessage());

            Cli run = Cli.run(List.of("run", "--migrator.source.url=" + url, "--migrator.source.username=migrator",
                    "--migrator.source.password=" + PASSWORD, "--migrator.chunk-size=PT30M"));

            assertEquals(0, run.exitCode(), run.toString());
            SqlPivot.assertWideEqualsPivot(admin, SOURCE, WIDE, SqlPivot.ids(channels), SqlPivot.prefixed(channels));
            assertEquals(List.of(List.of("migrator", false)), admin.rows("SELECT tableowner, (SELECT rolsuper FROM pg_roles"
                    + " WHERE rolname = tableowner) FROM pg_tables WHERE schemaname = 'tenant' AND tablename = 'tbl_data_timeseries_wide'"));
            assertEquals(3L, admin.count("SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + SOURCE + "'::regclass AND tgname LIKE 'tsmigrator_%'"),
                    "change capture installed with the README's grants");
            assertEquals(List.of(List.of(true)), admin.rows("SELECT bool_and(ssl) FROM pg_stat_ssl"
                    + " JOIN pg_stat_activity USING (pid) WHERE usename IS NOT NULL"), "every session of the server uses TLS");
        }
    }

    /** A self-signed certificate and its key as PEM files for the server, made with the JDK's keytool. */
    private static Path[] selfSignedCertificate(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        char[] secret = "changeit".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool: " + output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, secret);
        }
        Path certificate = pem(dir.resolve("server.crt"), "CERTIFICATE", keys.getCertificate("server").getEncoded());
        Path key = pem(dir.resolve("server.key"), "PRIVATE KEY", ((PrivateKey) keys.getKey("server", secret)).getEncoded());
        // the server refuses a key file others can read
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return new Path[] {certificate, key};
    }

    private static Path pem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
