package io.tsmigrator.migrate;

import java.sql.Connection;
import java.sql.SQLException;

/** Ends transactions on connections that may already be broken, without hiding the first error. */
final class Transactions {

    private Transactions() {
    }

    static void endQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection rolls back on its own; the caller reports the original failure
        }
    }
}
