/**
 * The persistent dead-letter channel's end: failed chunks filed with their cause, and read back for
 * {@code replay} and {@code report}.
 */
package io.tsmigrator.deadletter;
