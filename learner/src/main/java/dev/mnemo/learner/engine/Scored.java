package dev.mnemo.learner.engine;

/**
 * One sample as the engine predicted it, before training on it.
 *
 * @param sample        the sample
 * @param block         the block it came in
 * @param predicted     the predicted class; for a late label, the class predicted when the sample
 *                      first arrived when that prediction is still remembered, else the one now
 * @param probabilities the class probabilities predicted now (not copied; never written)
 * @param modelVersion  the version of the model that predicted it
 * @param matched       for a late label, whether the prediction made at arrival was remembered;
 *                      true otherwise
 */
public record Scored(StreamSample sample, Block block, int predicted, float[] probabilities, long modelVersion, boolean matched) {

    /** Whether this sample's prediction is published (a late label was published at arrival). */
    public boolean published() {
        return !sample.lateLabel();
    }

    /** Whether the prediction was right; false for an unlabelled sample. */
    public boolean correct() {
        return sample.labelled() && sample.label() == predicted;
    }
}
