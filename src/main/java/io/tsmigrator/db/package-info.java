/**
 * Connection pools and their hardening, the connection budget check, transaction helpers.
 */
package io.tsmigrator.db;
