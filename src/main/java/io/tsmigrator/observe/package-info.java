/**
 * Seeing a long run: its progress computed from the ledger (so it survives restarts), the progress
 * line, the figures {@code report}, {@code /api/status} and the Prometheus metrics show, the chunk
 * map and throughput the status page draws, and the run's health.
 */
package io.tsmigrator.observe;
