package dev.mnemo.learner.strategy;

import java.util.Arrays;
import java.util.Optional;

/**
 * Fine-tuning: keep training the same network on the new data, regularised only by a smaller
 * learning rate and, optionally, frozen lower layers.
 *
 * <h2>Method</h2>
 * Layers {@code 0..frozenLayers-1} are frozen (learning rate 0, so Adam leaves their parameters
 * exactly as they are); the others train at {@code rateScale} times the model's base rate, usually
 * 1, 1/10 or 1/100. {@link #featureExtraction(double)} freezes every shared (hidden) layer and
 * trains only the output layer. Which to pick follows the four quadrants of transfer learning: a
 * small new data set similar to the old one favours feature extraction, a large and different one
 * favours fine-tuning everything.
 *
 * <pre>{@code
 * new FineTuning(0.1, 1);                       // first layer frozen, the rest at lr / 10
 * FineTuning.featureExtraction(1.0);            // head only
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>J. Yosinski, J. Clune, Y. Bengio and H. Lipson, "How transferable are features in deep
 *       neural networks?", NIPS 2014.</li>
 *   <li>Z. Li and D. Hoiem, "Learning without Forgetting", ECCV 2016 (fine-tuning and feature
 *       extraction as baselines).</li>
 * </ul>
 */
public final class FineTuning implements ContinualStrategy {

    /** The {@link #id()}. Fine-tuning keeps no state: its freezing and rate are configuration. */
    public static final String ID = "fine-tune";

    /** Frozen-layer count meaning "every layer but the output layer". */
    private static final int ALL_SHARED = -1;

    private final double rateScale;
    private final int frozenLayers;

    /**
     * @param rateScale factor on the base learning rate of the trained layers, in (0, 1]
     * @param frozenLayers number of lower layers to freeze, at least 0 and less than the model's
     *     layer count (checked at the first step)
     * @throws IllegalArgumentException if a value is out of range
     */
    public FineTuning(double rateScale, int frozenLayers) {
        this(rateScale, frozenLayers, true);
    }

    private FineTuning(double rateScale, int frozenLayers, boolean check) {
        if (!(rateScale > 0 && rateScale <= 1)) {
            throw new IllegalArgumentException("rateScale must be in (0, 1] (e.g. 1, 0.1, 0.01), got " + rateScale);
        }
        if (check && frozenLayers < 0) {
            throw new IllegalArgumentException("frozenLayers must be >= 0, got " + frozenLayers);
        }
        this.rateScale = rateScale;
        this.frozenLayers = frozenLayers;
    }

    /** {@value #ID}. */
    @Override
    public String id() {
        return ID;
    }

    /** Every layer at {@code rateScale} times the base rate. */
    public static FineTuning allLayers(double rateScale) {
        return new FineTuning(rateScale, 0);
    }

    /** Feature extraction: every hidden layer frozen, the output layer at {@code rateScale}. */
    public static FineTuning featureExtraction(double rateScale) {
        return new FineTuning(rateScale, ALL_SHARED, false);
    }

    /** The factor on the base learning rate of the trained layers. */
    public double rateScale() {
        return rateScale;
    }

    /**
     * @throws IllegalStateException if the model does not have more layers than are to be frozen
     */
    @Override
    public Optional<double[]> learningRateScales(int layers) {
        int frozen = frozenLayers == ALL_SHARED ? layers - 1 : frozenLayers;
        if (frozen >= layers) {
            throw new IllegalStateException(
                    "cannot freeze " + frozen + " layers of a model with " + layers + "; at most " + (layers - 1));
        }
        double[] scales = new double[layers];
        Arrays.fill(scales, rateScale);
        Arrays.fill(scales, 0, frozen, 0.0);
        return Optional.of(scales);
    }

    @Override
    public String toString() {
        return "FineTuning[rateScale=" + rateScale + ", frozen="
                + (frozenLayers == ALL_SHARED ? "all shared" : Integer.toString(frozenLayers)) + "]";
    }
}
