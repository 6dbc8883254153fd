package io.tsmigrator.support;

import io.tsmigrator.config.Settings;
import io.tsmigrator.config.SettingsLoader;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A fresh database on the shared test server, with small helpers to run SQL from tests. */
public final class TestDb {

    public static final String USER = "postgres";

    private final String url;
    private final PGSimpleDataSource dataSource = new PGSimpleDataSource();

    public TestDb() {
        this(PostgresServer.newDatabase());
    }

    /** A database at a given URL, e.g. one made with {@link PostgresServer#newDatabase(String)}. */
    public TestDb(String url) {
        this.url = url;
        dataSource.setUrl(url);
        dataSource.setUser(USER);
    }

    public String url() {
        return url;
    }

    /** The migrator's settings with this database as its source (and so its target), {@code more} on top. */
    public Settings settings(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(more);
        all.put(Settings.SOURCE_URL, url);
        all.put(Settings.SOURCE_USERNAME, USER);
        return SettingsLoader.load(all, Map.of(), new Properties());
    }

    public PGSimpleDataSource dataSource() {
        return dataSource;
    }

    public void execute(String... statements) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public long count(String sql, Object... args) {
        return ((Number) scalar(sql, args)).longValue();
    }

    public Object scalar(String sql, Object... args) {
        List<List<Object>> rows = rows(sql, args);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    public List<List<Object>> rows(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            if (!ps.execute()) {
                return rows;
            }
            try (ResultSet rs = ps.getResultSet()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The usual arguments with another command than {@code run}, e.g. {@code plan} or {@code report}. */
    public List<String> commandArgs(String command, String... more) {
        List<String> args = runArgs(more);
        args.set(0, command);
        return args;
    }

    /**
     * The usual arguments of a run against this database: a short lease, so that a chunk whose claim
     * was lost (its reply cut off, or dropped inside Camel's splitter) is taken over within seconds
     * rather than the production default of two minutes, and retries back off from 42 ms to 2.5 s.
     */
    public List<String> runArgs(String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--migrator.source.url=" + url, "--migrator.source.username=" + USER,
                "--migrator.lease=PT5S"));
        args.addAll(List.of(more));
        return args;
    }
}
