package io.tsmigrator.deadletter;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.ledger.ControlSchema;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Finds dead letters of a job: the open ones a replay's filters select, given ones to show their outcome, or the latest for the report. */
public class DeadLetterSelection {

    private static final String COLUMNS = "id, chunk_id, ship_id, window_start, window_end, attempts, sql_state, error, failed_at, replayed_at, replay_outcome";

    private final DataSource dataSource;
    private final String table;
    private final String job;

    public DeadLetterSelection(DataSource dataSource, ControlSchema schema, String job) {
        this.dataSource = dataSource;
        this.table = schema.table("dead_letter");
        this.job = job;
    }

    /**
     * The open (not yet replayed) dead letters matching every given filter (an empty list or null
     * filters nothing), oldest first. An {@code --id} that names no dead letter of the job at all is
     * an input error; one that was replayed already is simply not selected, which makes replaying
     * twice harmless.
     */
    public List<DeadLetter> open(List<String> ships, String sqlState, Instant since, List<Long> ids) throws SQLException {
        if (!ids.isEmpty()) {
            List<Long> known = byIds(ids).stream().map(DeadLetter::id).toList();
            for (Long id : ids) {
                if (!known.contains(id)) {
                    throw InvalidSettingException.of("--id", String.valueOf(id), "the id of a dead letter of job " + job + " (report lists them)");
                }
            }
        }
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + table + " WHERE job = ? AND replayed_at IS NULL");
        List<Object> params = new ArrayList<>(List.of(job));
        if (!ships.isEmpty()) {
            sql.append(" AND ship_id = ANY (?)");
            params.add(ships.toArray(new String[0]));
        }
        if (sqlState != null) {
            sql.append(" AND sql_state = ?");
            params.add(sqlState);
        }
        if (since != null) {
            sql.append(" AND failed_at >= ?");
            params.add(OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        }
        if (!ids.isEmpty()) {
            sql.append(" AND id = ANY (?)");
            params.add(ids.toArray(new Long[0]));
        }
        return query(sql.append(" ORDER BY id").toString(), params);
    }

    public List<DeadLetter> byIds(List<Long> ids) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM " + table + " WHERE job = ? AND id = ANY (?) ORDER BY id", List.of(job, ids.toArray(new Long[0])));
    }

    /** The {@code limit} most recent open dead letters, newest first. */
    public List<DeadLetter> latestOpen(int limit) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM " + table + " WHERE job = ? AND replayed_at IS NULL ORDER BY id DESC LIMIT ?", List.of(job, limit));
    }

    /** The {@code limit} most recent dead letters, replayed or not, newest first. */
    public List<DeadLetter> latest(int limit) throws SQLException {
        return query("SELECT " + COLUMNS + " FROM " + table + " WHERE job = ? ORDER BY id DESC LIMIT ?", List.of(job, limit));
    }

    private List<DeadLetter> query(String sql, List<Object> params) throws SQLException {
        List<DeadLetter> letters = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof String[] texts) {
                    ps.setArray(i + 1, c.createArrayOf("text", texts));
                } else if (p instanceof Long[] numbers) {
                    ps.setArray(i + 1, c.createArrayOf("int8", numbers));
                } else {
                    ps.setObject(i + 1, p);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    letters.add(new DeadLetter(rs.getLong(1), rs.getLong(2), rs.getString(3), instant(rs.getTimestamp(4)), instant(rs.getTimestamp(5)),
                            rs.getInt(6), rs.getString(7), rs.getString(8), instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)), rs.getString(11)));
                }
            }
        }
        return letters;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
