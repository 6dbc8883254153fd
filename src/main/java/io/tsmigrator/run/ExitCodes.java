package io.tsmigrator.run;

/** Exit codes of every command; scripts rely on them, the README lists them. */
public final class ExitCodes {

    /** All work done ({@code verify}: every window checked is equal). */
    public static final int OK = 0;
    /**
     * Anything unexpected, or a run stopped before its work was done (run it again to resume). For
     * {@code verify}: some window differs between source and wide table (listed on stdout).
     */
    public static final int FAILED = 1;
    /**
     * Invalid configuration or command line, or a database that cannot be reached: one line on stderr
     * names the key or value. For {@code doctor} also: one of its checks failed.
     */
    public static final int INVALID_CONFIGURATION = 2;
    /** The run finished but some chunks are in the dead letters. */
    public static final int DEAD_LETTERS = 3;

    private ExitCodes() {
    }
}
