/**
 * Change capture on the source table: a statement-level trigger that records which (ship, chunk
 * window) received inserts, updates or deletes, so that changed windows are re-migrated at a cost
 * proportional to the changes, never to the history. {@link io.tsmigrator.capture.ChangeCapture} is
 * the entry point.
 */
package io.tsmigrator.capture;
