package dev.mnemo.learner.drift;

/**
 * A concept-drift detector over a stream of real values: feed it one value at a time and read
 * whether the distribution of the stream has changed.
 *
 * <p>The contract is deliberately tiny. {@link #update(double)} consumes one value; {@link
 * #driftDetected()} and {@link #warningDetected()} describe the state after that update only (a
 * detection is reported once, at the update that caused it). {@link #fresh()} gives a new detector
 * with the same hyper-parameters and no history, for example to start over after a task boundary.
 * {@link #snapshot()} and {@link #restore(DetectorState)} checkpoint a detector; a restored
 * detector continues exactly as the original would have.
 *
 * <p>Detectors for binary error streams (1 = the model was wrong) implement {@link
 * BinaryDriftDetector}.
 *
 * <p><b>Implementations are mutable and not thread-safe.</b> Take a {@link #snapshot()} on the
 * updating thread to hand state to another thread.
 *
 * <h2>Non-finite values</h2>
 * {@code NaN} and infinite inputs are rejected by {@link #update(double)} with an
 * {@link IllegalArgumentException}, and the detector is left unchanged: one bad value would
 * otherwise poison every running sum for the rest of the stream.
 *
 * <pre>{@code
 * DriftDetector detector = Adwin.create();
 * for (int i = 0; i < values.length; i++) {
 *     detector.update(values[i]);
 *     if (detector.driftDetected()) {
 *         System.out.println("change detected at index " + i);
 *     }
 * }
 * }</pre>
 */
public interface DriftDetector {

    /**
     * Consumes the next value of the stream.
     *
     * @param x the value, finite
     * @throws IllegalArgumentException if {@code x} is NaN or infinite, or outside the domain the
     *     detector documents
     */
    void update(double x);

    /** @return whether the last update signalled a drift */
    boolean driftDetected();

    /** @return whether the last update signalled a warning; {@code false} for detectors without one */
    default boolean warningDetected() {
        return false;
    }

    /** @return a new detector with the same hyper-parameters (and seed) and no history */
    DriftDetector fresh();

    /**
     * @return the number of values consumed since construction; a restored detector continues the
     *     count of the detector its state was taken from
     */
    long seen();

    /** @return an immutable copy of the hyper-parameters and the running state */
    DetectorState snapshot();

    /**
     * Replaces this detector's state with {@code state}.
     *
     * @param state a snapshot of a detector of the same class and hyper-parameters
     * @throws IllegalArgumentException if the state belongs to another algorithm or other
     *     hyper-parameters, or is malformed
     */
    void restore(DetectorState state);
}
