package dev.mnemo.learner.drift;

/**
 * A drift detector for binary error streams: each value is 1 when the model was wrong on a sample
 * and 0 when it was right, so the detector watches the error rate.
 *
 * <p>{@link #update(double)} accepts only 0 and 1; {@link #update(boolean)} is the natural call
 * from a prequential loop.
 *
 * <pre>{@code
 * BinaryDriftDetector ddm = Ddm.create();
 * ddm.update(prediction != label);
 * if (ddm.warningDetected()) { ... start buffering ... }
 * if (ddm.driftDetected())   { ... task boundary ... }
 * }</pre>
 */
public interface BinaryDriftDetector extends DriftDetector {

    /**
     * Consumes the next outcome.
     *
     * @param error {@code true} if the model was wrong on this sample
     */
    default void update(boolean error) {
        update(error ? 1.0 : 0.0);
    }

    @Override
    BinaryDriftDetector fresh();
}
