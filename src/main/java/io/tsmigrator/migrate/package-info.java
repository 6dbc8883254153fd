/**
 * The chunk consumer's hot path: binary cursor read, pivot in flat arrays, binary COPY write in one transaction with the ledger.
 */
package io.tsmigrator.migrate;
