package io.tsmigrator.doctor;

import java.util.List;

/**
 * What the doctor found: its findings in report order and, when a sample chunk could be read, the
 * chunk size it recommends.
 */
public record Diagnosis(List<Finding> findings, Advice advice) {

    /** The recommended chunk size and what it rests on; see {@code ChunkSizeAdvisor} for the rule. */
    public record Advice(String chunkSize, double estimatedSeconds, double targetSeconds, String target, String limit,
                         double limitSeconds, String configuredChunkSize, double configuredEstimatedSeconds, long rowsPerChunk,
                         String sampleShip, String sampleFrom, String sampleTo, long sampleRows, double sampleSeconds, long rowsPerSecond) {
    }

    public Verdict verdict() {
        Verdict worst = Verdict.OK;
        for (Finding f : findings) {
            if (f.verdict().compareTo(worst) > 0) {
                worst = f.verdict();
            }
        }
        return worst;
    }

    public long count(Verdict verdict) {
        return findings.stream().filter(f -> f.verdict() == verdict).count();
    }
}
