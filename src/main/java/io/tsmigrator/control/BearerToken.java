package io.tsmigrator.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards the control endpoints with {@code Authorization: Bearer <migrator.http.token>}. Without a
 * token configured the controls are disabled. The comparison takes the same time whatever the
 * mismatch, and the token is never part of any answer.
 */
public final class BearerToken {

    public enum Verdict { ALLOWED, DISABLED, UNAUTHORIZED }

    private final byte[] token;

    public BearerToken(String token) {
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean configured() {
        return token != null;
    }

    public Verdict check(String authorization) {
        if (token == null) {
            return Verdict.DISABLED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.UNAUTHORIZED;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, given) ? Verdict.ALLOWED : Verdict.UNAUTHORIZED;
    }
}
