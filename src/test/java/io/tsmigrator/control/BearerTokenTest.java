package io.tsmigrator.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class BearerTokenTest {

    @Test
    void onlyTheConfiguredTokenIsAllowed() {
        BearerToken token = new BearerToken("s3cret");
        assertEquals(BearerToken.Verdict.ALLOWED, token.check("Bearer s3cret"));
        assertEquals(BearerToken.Verdict.ALLOWED, token.check("bearer s3cret"), "the scheme is case-insensitive");
        assertEquals(BearerToken.Verdict.UNAUTHORIZED, token.check("Bearer s3cre"));
        assertEquals(BearerToken.Verdict.UNAUTHORIZED, token.check("Bearer s3cret2"));
        assertEquals(BearerToken.Verdict.UNAUTHORIZED, token.check("Basic czNjcmV0"));
        assertEquals(BearerToken.Verdict.UNAUTHORIZED, token.check(null));
        assertEquals(BearerToken.Verdict.UNAUTHORIZED, token.check("Bearer"));
    }

    @Test
    void withoutATokenTheControlsAreDisabled() {
        BearerToken none = new BearerToken("");
        assertFalse(none.configured());
        assertEquals(BearerToken.Verdict.DISABLED, none.check("Bearer "));
        assertEquals(BearerToken.Verdict.DISABLED, none.check(null));
    }
}
