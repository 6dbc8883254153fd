/**
 * The persistent dead-letter channel's end: failed chunks filed with their cause.
 */
package io.tsmigrator.deadletter;
