/**
 * The {@code replay} command's parts: which dead letters and imported windows to run again, and the
 * bean behind the dead-letter consumer route that queues them for the ordinary chunk pipeline.
 */
package io.tsmigrator.replay;
