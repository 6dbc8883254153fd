/**
 * The {@code doctor} preflight: checks of server settings, pools, the chunk query's plan, a measured
 * sample chunk, the target table and the channel mapping, each a {@link io.tsmigrator.doctor.Finding}
 * with a verdict and advice, and the chunk size that keeps chunks well under the smallest time limit.
 */
package io.tsmigrator.doctor;
