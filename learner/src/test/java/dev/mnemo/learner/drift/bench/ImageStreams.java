package dev.mnemo.learner.drift.bench;

import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.drift.bench.DriftBench.Config;
import dev.mnemo.learner.drift.bench.DriftBench.ErrorStream;
import dev.mnemo.learner.drift.bench.DriftBench.Scenario;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.Predictions;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Real image streams spliced at a known index, for the drift benchmark: the default MLP learns
 * prequentially (predict a minibatch of 16, then take one Adam step on it), and its 0/1 errors form
 * the stream the detectors watch.
 *
 * <ul>
 *   <li><b>Fashion→MNIST</b> (novel inputs): Fashion-MNIST training images, then MNIST training
 *       images from index {@code k} on.</li>
 *   <li><b>MNIST-permuted</b> (concept change): MNIST training images throughout; from index
 *       {@code k} on, every label {@code y} is replaced by {@code pi(y)} for a random permutation
 *       {@code pi} without fixed points.</li>
 *   <li><b>Fashion→MNIST-gradual</b> (a blend): the probability that a sample is an MNIST image
 *       rises linearly from 0 to 1 over {@code width} samples centred on {@code k}.</li>
 * </ul>
 * Each seed shuffles the images, draws the permutation and seeds the network; {@code k} is 8,000
 * of 12,000 samples in the standard run and 4,000 of 6,000 in the quick one.
 *
 * <p>Test scope: the data sets are read through the ingest module's loaders.
 */
public final class ImageStreams {

    /** Minibatch of the prequential learner. */
    public static final int BATCH = 16;

    private ImageStreams() {
    }

    /**
     * The two data sets.
     *
     * @param mnist MNIST
     * @param fashion Fashion-MNIST
     */
    public record Data(DatasetSplit mnist, DatasetSplit fashion) {
    }

    /** @return both data sets, or empty (with the reason on standard error) when one is missing */
    public static Optional<Data> load() {
        if (Datasets.firstAvailable(Datasets.MNIST).isEmpty() || Datasets.firstAvailable(Datasets.FASHION_MNIST).isEmpty()) {
            System.err.println("MNIST or Fashion-MNIST not found (./mnemo data fetches them): "
                    + "the image streams and the OOD tables are left out");
            return Optional.empty();
        }
        return Optional.of(new Data(Datasets.mnist(), Datasets.fashionMnist()));
    }

    /**
     * @param data the data sets
     * @param quick whether to use the short streams
     * @param width the width of the gradual blend
     * @return the three image scenarios
     */
    public static List<Scenario> scenarios(Data data, boolean quick, int width) {
        int before = quick ? 4_000 : 8_000;
        int after = quick ? 2_000 : 4_000;
        LabelledData fashion = data.fashion().train();
        LabelledData mnist = data.mnist().train();
        String layout = String.format("%,d samples, drift at %,d; learner: the default MLP (784-256-128-10, Adam 1e-3), "
                + "prequential in minibatches of %d", before + after, before, BATCH);
        return List.of(
                new Scenario("Fashion→MNIST", 0, (config, seed) -> splice(fashion, mnist, before, after, 0, false, seed),
                        "Fashion-MNIST, then MNIST (novel inputs); " + layout),
                new Scenario("MNIST-permuted", 0, (config, seed) -> splice(mnist, mnist, before, after, 0, true, seed),
                        "MNIST, labels permuted from the drift on (concept change); " + layout),
                new Scenario("Fashion→MNIST-gradual", width,
                        (config, seed) -> splice(fashion, mnist, before, after, width, false, seed),
                        "Fashion-MNIST blending into MNIST over " + width + " samples; " + layout));
    }

    /**
     * One spliced stream and the learner's errors on it.
     *
     * @param first the data before the drift
     * @param second the data after it
     * @param before samples before the drift point
     * @param after samples after it
     * @param width 0 for an abrupt splice, else the width of the linear blend centred on the drift
     * @param permute whether labels after the drift are permuted
     * @param seed the seed of the order, the permutation, the blend and the network
     * @return the error stream with its single drift point
     */
    static ErrorStream splice(LabelledData first, LabelledData second, int before, int after, int width,
            boolean permute, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = before + after;
        int[] orderA = shuffled(first.size(), random);
        int[] orderB = shuffled(second.size(), random);
        int[] permutation = derangement(10, random);
        float[][] x = new float[n][];
        int[] y = new int[n];
        int a = 0;
        int b = 0;
        for (int t = 0; t < n; t++) {
            double pSecond = width == 0 ? (t < before ? 0.0 : 1.0)
                    : Math.min(1.0, Math.max(0.0, (t - (before - width / 2.0)) / width));
            boolean fromSecond = pSecond >= 1.0 || (pSecond > 0.0 && random.nextDouble() < pSecond);
            if (permute) {
                int i = orderA[a++ % orderA.length];
                x[t] = first.feature(i);
                y[t] = t < before ? first.label(i) : permutation[first.label(i)];
            } else if (fromSecond) {
                int i = orderB[b++ % orderB.length];
                x[t] = second.feature(i);
                y[t] = second.label(i);
            } else {
                int i = orderA[a++ % orderA.length];
                x[t] = first.feature(i);
                y[t] = first.label(i);
            }
        }
        return new ErrorStream(prequentialErrors(x, y, seed), new long[] {before});
    }

    /**
     * @param x the stream's inputs
     * @param y its labels
     * @param seed the network's seed
     * @return 1 where the default MLP, trained so far on the earlier minibatches, was wrong
     */
    static double[] prequentialErrors(float[][] x, int[] y, long seed) {
        Classifier model = Classifier.create(MlpSpec.defaults(x[0].length, 10).withSeed(seed));
        double[] errors = new double[x.length];
        for (int from = 0; from < x.length; from += BATCH) {
            int to = Math.min(x.length, from + BATCH);
            float[][] bx = new float[to - from][];
            int[] by = new int[to - from];
            System.arraycopy(x, from, bx, 0, bx.length);
            System.arraycopy(y, from, by, 0, by.length);
            Predictions p = model.predict(bx);
            for (int i = 0; i < bx.length; i++) {
                errors[from + i] = p.predictedClass()[i] == by[i] ? 0.0 : 1.0;
            }
            model.train(bx, by);
        }
        return errors;
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A uniformly drawn permutation of {@code 0..n-1} with no fixed point (rejection sampling). */
    static int[] derangement(int n, SplittableRandom random) {
        while (true) {
            int[] p = shuffled(n, random);
            boolean fixed = false;
            for (int i = 0; i < n; i++) {
                fixed |= p[i] == i;
            }
            if (!fixed) {
                return p;
            }
        }
    }
}
