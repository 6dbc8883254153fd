package io.tsmigrator.plan;

/**
 * Asked before each claim: whether this process may take one more chunk now. Closed while an
 * operator has paused the job, while a throttle's budget is spent, or while replicas lag. A closed
 * gate ends the current claiming pass (it never waits, see {@link ChunkClaims}); chunks in hand
 * finish, and the next planning pass asks again.
 */
@FunctionalInterface
public interface ClaimGate {

    ClaimGate OPEN = () -> true;

    boolean mayClaim();

    /** Whether claims should come one chunk at a time (a throttle weighs each), not in batches. */
    default boolean oneAtATime() {
        return false;
    }
}
