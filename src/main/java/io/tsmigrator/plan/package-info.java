/**
 * Planning windows into the ledger, claiming ready chunks for the splitter, and the {@code plan} dry run.
 */
package io.tsmigrator.plan;
