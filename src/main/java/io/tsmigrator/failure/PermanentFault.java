package io.tsmigrator.failure;

/** A fault the migrator itself detects and that no retry can fix, such as a channel with no wide column. */
public class PermanentFault extends RuntimeException {

    public PermanentFault(String message) {
        super(message);
    }
}
