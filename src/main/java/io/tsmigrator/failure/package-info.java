/**
 * What a failed attempt means (retry, split, dead letter) and the splitting of chunks that hit a time limit.
 */
package io.tsmigrator.failure;
