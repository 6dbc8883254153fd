package io.tsmigrator.failure;

/** What to do about a failed chunk attempt. */
public enum FailureKind {
    /** The connection or the server had a passing problem: run the whole chunk again after a backoff. */
    TRANSIENT,
    /** The chunk outgrew a server or network limit: replace it by its two halves. */
    TOO_BIG,
    /** Retrying cannot help (bad data, missing table, no permission): dead-letter it at once. */
    PERMANENT,
    /** Not recognised: retried like a transient fault, dead-lettered when the attempts are spent. */
    UNKNOWN
}
