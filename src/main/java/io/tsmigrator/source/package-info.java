/**
 * The narrow source table: column types from the catalog, discovery of ships, channels and time bounds without full scans.
 */
package io.tsmigrator.source;
