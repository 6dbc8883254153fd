/**
 * Settings: where they come from, their names and defaults, validation with one-line errors, identifier quoting and secret scrubbing.
 */
package io.tsmigrator.config;
