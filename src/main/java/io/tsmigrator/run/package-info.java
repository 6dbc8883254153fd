/**
 * Running a command: environment, Camel Main for {@code run}, run control, leases, graceful shutdown, the read-only commands.
 */
package io.tsmigrator.run;
