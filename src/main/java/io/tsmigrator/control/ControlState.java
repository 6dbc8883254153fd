package io.tsmigrator.control;

/**
 * A job's row of the control table.
 *
 * @param maxRowsPerSecond narrow rows per second across all processes of the job, or null for no limit
 * @param maxLanes chunks in progress at once across all processes of the job, or null for no limit
 */
public record ControlState(boolean paused, Long maxRowsPerSecond, Integer maxLanes) {

    public static final ControlState NONE = new ControlState(false, null, null);

    public boolean throttled() {
        return maxRowsPerSecond != null || maxLanes != null;
    }
}
