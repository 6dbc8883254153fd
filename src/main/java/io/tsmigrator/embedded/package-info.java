/**
 * The embedded PostgreSQL and the demo fleet used when no source database is configured.
 */
package io.tsmigrator.embedded;
