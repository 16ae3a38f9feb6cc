package dev.mnemo.learner.drift;

import java.util.Arrays;

/**
 * KSWIN on a feature vector: a {@link RandomProjection} to {@code k} components and one
 * {@link Kswin} per component; a drift is signalled when any component's test rejects. Each test
 * runs at {@code alpha / k} (Bonferroni), so the whole monitor keeps about the false-alarm rate of
 * one KSWIN at {@code alpha}.
 *
 * <p>Typical inputs are a model's penultimate features ({@code Classifier.activations}) for
 * covariate shift, beside a plain {@link Kswin} on the model's confidence (the maximum softmax
 * probability) for a change of how sure the model is.
 *
 * <pre>{@code
 * ProjectedKswin monitor = ProjectedKswin.create(128, 42L);    // 4 components
 * monitor.update(penultimate[i]);
 * if (monitor.driftDetected()) { ... }
 * }</pre>
 *
 * <p><b>Mutable and not thread-safe.</b> {@link #snapshot()} returns the states of the
 * component detectors.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>C. Raab, M. Heusinger and F.-M. Schleif, "Reactive soft prototype computing for concept
 *       drift streams", Neurocomputing 416, 340-351, 2020.</li>
 *   <li>S. Rabanser, S. Gunnemann and Z. C. Lipton, "Failing Loudly: An Empirical Study of Methods
 *       for Detecting Dataset Shift", NeurIPS 2019.</li>
 * </ul>
 */
public final class ProjectedKswin {

    /** Default number of projected components. */
    public static final int DEFAULT_COMPONENTS = 4;

    private final RandomProjection projection;
    private final double alpha;
    private final int windowSize;
    private final int statSize;
    private final Kswin[] detectors;
    private boolean drift;
    private int firing = -1;

    /**
     * @param projection the projection (its output count is the number of detectors)
     * @param alpha the family-wise significance level, in (0, 1); each test runs at
     *     {@code alpha / k}
     * @param windowSize KSWIN window per component
     * @param statSize KSWIN sample size per component
     * @throws IllegalArgumentException if a value is outside the range {@link Kswin} accepts
     */
    public ProjectedKswin(RandomProjection projection, double alpha, int windowSize, int statSize) {
        if (projection == null) {
            throw new IllegalArgumentException("projection must be non-null");
        }
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        this.projection = projection;
        this.alpha = alpha;
        this.windowSize = windowSize;
        this.statSize = statSize;
        this.detectors = new Kswin[projection.outputs()];
        for (int k = 0; k < detectors.length; k++) {
            detectors[k] = new Kswin(alpha / detectors.length, windowSize, statSize, projection.seed() + 1 + k);
        }
    }

    /**
     * @param inputs the feature dimension
     * @param seed seed of the projection and of the detectors' sampling
     * @return 4 components, KSWIN's default alpha, window and sample size
     */
    public static ProjectedKswin create(int inputs, long seed) {
        return new ProjectedKswin(new RandomProjection(inputs, Math.min(DEFAULT_COMPONENTS, inputs), seed),
                Kswin.DEFAULT_ALPHA, Kswin.DEFAULT_WINDOW_SIZE, Kswin.DEFAULT_STAT_SIZE);
    }

    /**
     * Projects one feature vector and feeds every component to its detector.
     *
     * @param features the vector, {@code projection.inputs()} finite values
     * @throws IllegalArgumentException if the length is wrong or a value is not finite; nothing
     *     is updated then
     */
    public void update(float[] features) {
        double[] z = projection.project(features);
        for (double v : z) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("features must be finite; projected value " + v);
            }
        }
        drift = false;
        firing = -1;
        for (int k = 0; k < detectors.length; k++) {
            detectors[k].update(z[k]);
            if (detectors[k].driftDetected() && !drift) {
                drift = true;
                firing = k;
            }
        }
    }

    /** @return whether the last update made any component's test reject */
    public boolean driftDetected() {
        return drift;
    }

    /** @return the first component that fired on the last update, or -1 */
    public int firingComponent() {
        return firing;
    }

    /** @return vectors consumed */
    public long seen() {
        return detectors[0].seen();
    }

    /** @return a monitor with the same projection and hyper-parameters and no history */
    public ProjectedKswin fresh() {
        return new ProjectedKswin(projection, alpha, windowSize, statSize);
    }

    /** @return the states of the component detectors, in order */
    public DetectorState[] snapshot() {
        return Arrays.stream(detectors).map(Kswin::snapshot).toArray(DetectorState[]::new);
    }

    /**
     * @param states states from {@link #snapshot()} of a monitor with the same settings
     * @throws IllegalArgumentException if the count or a state does not match
     */
    public void restore(DetectorState[] states) {
        if (states.length != detectors.length) {
            throw new IllegalArgumentException("expected " + detectors.length + " component states, got "
                    + states.length);
        }
        for (int k = 0; k < detectors.length; k++) {
            detectors[k].restore(states[k]);
        }
        drift = false;
        firing = -1;
    }

    @Override
    public String toString() {
        return "ProjectedKswin[" + projection + ", alpha=" + alpha + ", window=" + windowSize + ", stat=" + statSize
                + "]";
    }
}
