package dev.mnemo.learner.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a new {@link Classifier}'s parameters are drawn (see {@link Classifier#create(MlpSpec, OutputHead,
 * Initialisation)}). Both are seeded by {@link MlpSpec#seed()}, so the same spec gives the same network.
 *
 * <ul>
 *   <li>{@link #HE}, the default: hidden weights normal with variance {@code 2 / fanIn} (He et al.,
 *       suited to ReLU), output weights Xavier, biases zero.</li>
 *   <li>{@link #UNIFORM_FAN_IN}: every weight <em>and</em> bias uniform in
 *       {@code [-1/sqrt(fanIn), 1/sqrt(fanIn)]}, the usual default for fully connected layers in
 *       the reference code of the published continual-learning baselines. Its hidden weights are
 *       about 2.4 times smaller in spread than He's ({@code sd 1/sqrt(3 fanIn)} against
 *       {@code sqrt(2/fanIn)}), so the first steps move the network relatively further. The
 *       continual-learning benchmark offers it ({@code --init uniform}) to compare with those
 *       baselines on their own terms.</li>
 * </ul>
 */
public enum Initialisation {
    /** He normal hidden weights, Xavier output weights, zero biases. */
    HE("he"),
    /** Weights and biases uniform in {@code [-1/sqrt(fanIn), 1/sqrt(fanIn)]}. */
    UNIFORM_FAN_IN("uniform");

    private final String id;

    Initialisation(String id) {
        this.id = id;
    }

    /** The name used on the command line and in reports: {@code he} or {@code uniform}. */
    public String id() {
        return id;
    }

    /**
     * The initialisation named {@code id} ({@link #id()}, case-insensitive).
     *
     * @throws IllegalArgumentException naming the allowed values if {@code id} is null or unknown
     */
    public static Initialisation parse(String id) {
        String key = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(init -> init.id.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("initialisation must be one of "
                        + Arrays.stream(values()).map(Initialisation::id).toList() + ", got '" + id + "'"));
    }

    /**
     * Fills {@code values} (one layer's weights or biases) uniformly in {@code [-1/sqrt(fanIn),
     * 1/sqrt(fanIn)]} from {@code random}.
     */
    static void fillUniform(float[] values, int fanIn, SplittableRandom random) {
        double bound = 1.0 / Math.sqrt(fanIn);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble(-bound, bound));
        }
    }
}
