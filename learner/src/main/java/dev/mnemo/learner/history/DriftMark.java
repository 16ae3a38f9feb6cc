package dev.mnemo.learner.history;

/**
 * A change found on a lane during a replay: either an ADWIN detection on the lane's error stream
 * (1 = the prediction was wrong; {@code verdict} null), or an alert of the live learner's drift watch
 * run on the lane ({@code verdict} set: {@code NOVEL_INPUTS}, {@code CONCEPT_CHANGE},
 * {@code UNCERTAIN} or {@code FALSE_ALARM}).
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
 * @param verdict       the drift watch's verdict for an alert, null for a plain detection
 */
public record DriftMark(long position, String topic, int partition, long offset, long timestamp, boolean rising,
                        double errorEstimate, long modelVersion, String verdict) {

    /** A plain ADWIN detection. */
    public DriftMark(long position, String topic, int partition, long offset, long timestamp, boolean rising,
                     double errorEstimate, long modelVersion) {
        this(position, topic, partition, offset, timestamp, rising, errorEstimate, modelVersion, null);
    }
}
