/**
 * Window-by-window reconciliation of source and wide table for {@code verify}.
 */
package io.tsmigrator.verify;
