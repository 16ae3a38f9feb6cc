package dev.mnemo.learner.history;

/**
 * A change that ADWIN found on a lane's error stream (1 = the prediction was wrong) during a replay.
 *
 * @param position      the number of prequentially scored samples when it fired
 * @param topic         topic of the sample at which it fired
 * @param partition     partition of that sample
 * @param offset        offset of that sample
 * @param timestamp     record timestamp of that sample (epoch ms)
 * @param rising        whether the error estimate went up: an alert the live learner would raise
 *                      ({@link dev.mnemo.learner.drift.RisingAdwin}); a fall is a recovery
 * @param errorEstimate ADWIN's error estimate just after the cut
 * @param modelVersion  the lane's model version when it fired
 */
public record DriftMark(long position, String topic, int partition, long offset, long timestamp, boolean rising,
                        double errorEstimate, long modelVersion) {
}
