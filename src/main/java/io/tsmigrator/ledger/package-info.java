/**
 * The chunk ledger and the control schema: chunk states, claims, leases, splits and dead-letter bookkeeping.
 */
package io.tsmigrator.ledger;
