/**
 * Per-ship tallies and completions, the run summary, and the {@code report} command's ledger analysis.
 */
package io.tsmigrator.report;
