/**
 * The command line, exit codes and the commands; the flow itself lives in the YAML routes under {@code routes/}.
 */
package io.tsmigrator;
