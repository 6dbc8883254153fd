/**
 * The wide target table: creation, new channel columns, column names from the prefix or a mapping file.
 */
package io.tsmigrator.wide;
