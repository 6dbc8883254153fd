package io.tsmigrator.control;

import io.tsmigrator.ledger.Requeue;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The control endpoints: {@code POST /api/pause}, {@code /api/resume}, {@code /api/throttle} and
 * {@code /api/dead-letters/{id}/replay}. Each needs the bearer token: without one configured they
 * answer 403 (disabled), with a missing or wrong one 401, and change nothing. What they change is
 * written to the control table or the ledger, where every process of the job reads it.
 */
public final class ControlApi {

    private static final Logger LOG = LoggerFactory.getLogger(ControlApi.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final BearerToken token;
    private final Controls controls;
    private final Requeue requeue;
    private final String batch;

    /** @param batch the replay batch a replayed dead letter's chunk joins (the run's own, so it claims it) */
    public ControlApi(BearerToken token, Controls controls, Requeue requeue, String batch) {
        this.token = token;
        this.controls = controls;
        this.requeue = requeue;
        this.batch = batch;
    }

    public Map<String, Object> pause(Exchange exchange) throws SQLException {
        return authorized(exchange, () -> paused(true, "paused by an operator: chunks in progress finish, no new chunk is claimed"));
    }

    public Map<String, Object> resume(Exchange exchange) throws SQLException {
        return authorized(exchange, () -> paused(false, "resumed by an operator"));
    }

    /**
     * Body: {@code {"maxRowsPerSecond": 5000, "maxLanes": 1}}; an absent or null limit is lifted,
     * so {@code {}} ends the throttle.
     */
    public Map<String, Object> throttle(Exchange exchange) throws SQLException {
        return authorized(exchange, () -> {
            Long rows;
            Integer lanes;
            try {
                String text = exchange.getMessage().getBody(String.class);
                Map<?, ?> body = text == null || text.isBlank() ? Map.of() : JSON.readValue(text, Map.class);
                rows = positive(body, "maxRowsPerSecond");
                Long l = positive(body, "maxLanes");
                lanes = l == null ? null : Math.toIntExact(l);
            } catch (IllegalArgumentException | ArithmeticException | com.fasterxml.jackson.core.JsonProcessingException e) {
                return failure(exchange, 400, e.getMessage());
            }
            controls.table().throttle(rows, lanes);
            controls.changed();
            LOG.info("throttle set by an operator: {} narrow rows/s, {} lanes", rows == null ? "no limit of" : rows, lanes == null ? "no limit of" : lanes);
            Map<String, Object> answer = answer("maxRowsPerSecond", rows);
            answer.put("maxLanes", lanes);
            return answer;
        });
    }

    public Map<String, Object> replay(Exchange exchange, String id) throws SQLException {
        return authorized(exchange, () -> {
            long letter;
            try {
                letter = Long.parseLong(id);
            } catch (NumberFormatException e) {
                return failure(exchange, 400, "not a dead letter id");
            }
            if (!requeue.deadLetter(letter, batch)) {
                return failure(exchange, 404, "no open dead letter " + letter + " in this job");
            }
            LOG.info("dead letter {} replayed by an operator: its chunk is pending again", letter);
            Map<String, Object> answer = answer("id", letter);
            answer.put("queued", true);
            return answer;
        });
    }

    /** What a control does once the caller is known to hold the token; returns the answer's body. */
    @FunctionalInterface
    private interface Change {
        Map<String, Object> apply() throws SQLException;
    }

    /** Every control: check the token, then change and answer; a refused request changes nothing. */
    private Map<String, Object> authorized(Exchange exchange, Change change) throws SQLException {
        BearerToken.Verdict verdict = verdict(exchange);
        return verdict == BearerToken.Verdict.ALLOWED ? change.apply() : refusal(exchange, verdict);
    }

    private Map<String, Object> paused(boolean paused, String log) throws SQLException {
        controls.table().pause(paused);
        controls.changed();
        LOG.info(log);
        return answer("paused", paused);
    }

    /** Checks the token and drops the header, so it can be neither echoed in the answer nor logged. */
    private BearerToken.Verdict verdict(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        exchange.getMessage().removeHeader("Authorization");
        return token.check(authorization);
    }

    private static Map<String, Object> refusal(Exchange exchange, BearerToken.Verdict verdict) {
        if (verdict == BearerToken.Verdict.DISABLED) {
            return failure(exchange, 403, "controls are disabled: set migrator.http.token to enable them");
        }
        exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        return failure(exchange, 401, "a valid Authorization: Bearer token is required");
    }

    private static Map<String, Object> failure(Exchange exchange, int status, String error) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        return answer("error", error);
    }

    private static Long positive(Map<?, ?> body, String key) {
        Object v = body == null ? null : body.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() >= 1 && n.doubleValue() == Math.floor(n.doubleValue())) {
            return n.longValue();
        }
        throw new IllegalArgumentException(key + " must be a whole number of at least 1, or null to lift it");
    }

    private static Map<String, Object> answer(String key, Object value) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put(key, value);
        return answer;
    }
}
