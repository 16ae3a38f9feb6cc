package dev.mnemo.learner.ood;

import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.uncertainty.McDropout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The OOD and uncertainty part of the drift benchmark, on real data: train the default MLP on one
 * data set, then score its test set (in distribution) against the other's test set (out of
 * distribution) with every scorer, and run MC dropout on both.
 *
 * <p>Training: the default {@link MlpSpec} (784-256-128-10, Adam 1e-3, seed 42), minibatches of 64
 * in a seeded random order, 2 epochs over the 60,000 training images (quick: 1 epoch over 20,000).
 * The Mahalanobis scorer is fitted on the penultimate features of 10,000 training images (quick:
 * 5,000), and every threshold is the 95% quantile of the scores of 5,000 other training images.
 * AUROC and FPR at 95% TPR use all 10,000 + 10,000 test images.
 *
 * <p>Test scope, because the data sets are read through the ingest module's loaders.
 */
public final class OodBench {

    private OodBench() {
    }

    /**
     * One direction's figures.
     *
     * @param in the in-distribution data set
     * @param out the out-of-distribution data set
     * @param testAccuracy the model's accuracy on the in-distribution test set
     * @param rows one row per scorer
     * @param flaggedIn fraction of in-distribution test images above each scorer's threshold
     * @param flaggedOut fraction of OOD test images above each scorer's threshold
     * @param mc the MC-dropout figures
     */
    public record Direction(String in, String out, double testAccuracy, List<OodEvaluation.Result> rows,
            double[] flaggedIn, double[] flaggedOut, McFigures mc) {
    }

    /**
     * MC-dropout figures on 1,000 in- and 1,000 out-of-distribution test images.
     *
     * @param passes T
     * @param keep keep probability
     * @param entropyIn mean predictive entropy in distribution, nats
     * @param entropyOut mean predictive entropy out of distribution
     * @param miIn mean mutual information in distribution, nats
     * @param miOut mean mutual information out of distribution
     * @param stdIn mean standard deviation of the predicted class's probability, in distribution
     * @param stdOut the same out of distribution
     * @param entropyAuroc AUROC of the predictive entropy as an OOD score
     * @param miAuroc AUROC of the mutual information as an OOD score
     * @param tiledMillis best time of one tiled pass over the 1,000 images
     * @param loopMillis best time of T separate passes
     */
    public record McFigures(int passes, double keep, double entropyIn, double entropyOut, double miIn, double miOut,
            double stdIn, double stdOut, double entropyAuroc, double miAuroc, double tiledMillis, double loopMillis) {
    }

    /**
     * @param in in-distribution data (train and test)
     * @param out out-of-distribution data (test used)
     * @param inName its name
     * @param outName the other's name
     * @param quick the reduced run
     * @return the figures
     */
    public static Direction run(dev.mnemo.ingest.dataset.DatasetSplit in, dev.mnemo.ingest.dataset.DatasetSplit out,
            String inName, String outName, boolean quick) {
        LabelledData train = in.train();
        int trainSize = quick ? 20_000 : train.size();
        int epochs = quick ? 1 : 2;
        SplittableRandom random = new SplittableRandom(7);
        int[] order = shuffled(train.size(), random);
        Classifier model = Classifier.create(MlpSpec.defaults(train.dimension(), 10));
        int batch = 64;
        for (int e = 0; e < epochs; e++) {
            int[] epochOrder = shuffled(trainSize, random);
            for (int from = 0; from + batch <= trainSize; from += batch) {
                float[][] x = new float[batch][];
                int[] y = new int[batch];
                for (int i = 0; i < batch; i++) {
                    int k = order[epochOrder[from + i]];
                    x[i] = train.feature(k);
                    y[i] = train.label(k);
                }
                model.train(x, y);
            }
        }
        int fitSize = quick ? 5_000 : 10_000;
        float[][] fitX = rows(train, order, 0, fitSize);
        int[] fitY = labels(train, order, 0, fitSize);
        Mahalanobis maha = Mahalanobis.fit(model, fitX, fitY);
        float[][] calibration = rows(train, order, fitSize, fitSize + 5_000);
        List<OodScorer> scorers = List.of(new MaxSoftmax(), new Energy(), maha,
                Mahalanobis.fit(model, 0, fitX, fitY), Mahalanobis.fit(model, Mahalanobis.ALL_HIDDEN_LAYERS, fitX, fitY));

        float[][] inTest = in.test().features();
        float[][] outTest = out.test().features();
        List<OodEvaluation.Result> rows = OodEvaluation.evaluate(model, scorers, inTest, outTest);
        double[] flaggedIn = new double[scorers.size()];
        double[] flaggedOut = new double[scorers.size()];
        for (int s = 0; s < scorers.size(); s++) {
            OodScorer scorer = scorers.get(s);
            QuantileThreshold t = QuantileThreshold.calibrate(OodEvaluation.scores(model, scorer, calibration),
                    QuantileThreshold.DEFAULT_QUANTILE);
            flaggedIn[s] = t.fractionNovel(OodEvaluation.scores(model, scorer, inTest));
            flaggedOut[s] = t.fractionNovel(OodEvaluation.scores(model, scorer, outTest));
        }
        int correct = 0;
        int[] predicted = new int[inTest.length];
        for (int from = 0; from < inTest.length; from += 1024) {
            float[][] part = Arrays.copyOfRange(inTest, from, Math.min(inTest.length, from + 1024));
            System.arraycopy(model.predict(part).predictedClass(), 0, predicted, from, part.length);
        }
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == in.test().label(i) ? 1 : 0;
        }
        McFigures mc = mcDropout(model, Arrays.copyOf(inTest, 1_000), Arrays.copyOf(outTest, 1_000));
        return new Direction(inName, outName, (double) correct / predicted.length, rows, flaggedIn, flaggedOut, mc);
    }

    static McFigures mcDropout(Classifier model, float[][] in, float[][] out) {
        McDropout mc = McDropout.forModel(model);
        McDropout.Result a = mc.estimate(model, in);
        McDropout.Result b = mc.estimate(model, out);
        double tiled = Double.POSITIVE_INFINITY;
        double loop = Double.POSITIVE_INFINITY;
        for (int round = 0; round < 7; round++) {
            long t0 = System.nanoTime();
            model.dropoutLogits(in, mc.passes(), mc.keep(), round);
            long t1 = System.nanoTime();
            for (int t = 0; t < mc.passes(); t++) {
                model.dropoutLogits(in, 1, mc.keep(), round * 1000L + t);
            }
            long t2 = System.nanoTime();
            tiled = Math.min(tiled, (t1 - t0) / 1e6);
            loop = Math.min(loop, (t2 - t1) / 1e6);
        }
        return new McFigures(mc.passes(), mc.keep(), a.meanPredictiveEntropy(), b.meanPredictiveEntropy(),
                a.meanMutualInformation(), b.meanMutualInformation(), meanPredictedStd(a), meanPredictedStd(b),
                OodMetrics.auroc(a.predictiveEntropy(), b.predictiveEntropy()),
                OodMetrics.auroc(a.mutualInformation(), b.mutualInformation()), tiled, loop);
    }

    private static double meanPredictedStd(McDropout.Result r) {
        double s = 0;
        for (int i = 0; i < r.size(); i++) {
            s += r.predictedClassStd(i);
        }
        return s / r.size();
    }

    /**
     * @param directions the figures of both directions
     * @param quick whether the reduced run produced them
     * @return the Markdown section
     */
    public static String markdown(List<Direction> directions, boolean quick) {
        StringBuilder b = new StringBuilder();
        b.append("\n## Out-of-distribution scores\n\n");
        b.append(quick ? "Quick run: the default MLP trained for 1 epoch on 20,000 training images; Mahalanobis fitted "
                + "on 5,000.\n\n"
                : "The default MLP (784-256-128-10, Adam 1e-3, seed 42) trained for 2 epochs on the 60,000 "
                        + "training images, minibatches of 64; Mahalanobis (class means and a shared covariance of "
                        + "the 128 penultimate features; also on the 256 features of the first hidden layer, and on both hidden "
                        + "layers concatenated) fitted on 10,000 training images.\n\n");
        b.append("AUROC and FPR at 95% TPR on the 10,000 + 10,000 test images (OOD = positive, higher score = "
                + "more novel). Threshold: the 95% quantile of the scores of 5,000 other training images; "
                + "`flagged` is the fraction of test images above it.\n\n");
        b.append("| in | out | in test accuracy | scorer | AUROC | FPR@95TPR | flagged in | flagged out |\n");
        b.append("|---|---|---:|---|---:|---:|---:|---:|\n");
        for (Direction d : directions) {
            for (int s = 0; s < d.rows().size(); s++) {
                OodEvaluation.Result r = d.rows().get(s);
                b.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %s | %.4f | %.4f | %.4f | %.4f |%n", d.in(),
                        d.out(), d.testAccuracy(), r.scorer(), r.auroc(), r.fprAt95Tpr(), d.flaggedIn()[s],
                        d.flaggedOut()[s]));
            }
        }
        b.append("\n## MC dropout\n\n");
        b.append("The same models, 1,000 in- and 1,000 out-of-distribution test images, dropout on the output of "
                + "both hidden layers (the default MLP is trained without dropout, so the keep probability is "
                + "McDropout's default). Entropy and mutual information in nats; `std` is the mean standard "
                + "deviation of the predicted class's probability over the passes. Timing: one pass over the "
                + "batch tiled T times against T separate passes, best of 7, same run.\n\n");
        b.append("| in | out | T | keep | entropy in | entropy out | MI in | MI out | std in | std out "
                + "| AUROC entropy | AUROC MI | tiled ms | T passes ms | speed-up |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Direction d : directions) {
            McFigures m = d.mc();
            b.append(String.format(Locale.ROOT,
                    "| %s | %s | %d | %.2f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.1f | %.1f | "
                            + "%.2fx |%n",
                    d.in(), d.out(), m.passes(), m.keep(), m.entropyIn(), m.entropyOut(), m.miIn(), m.miOut(),
                    m.stdIn(), m.stdOut(), m.entropyAuroc(), m.miAuroc(), m.tiledMillis(), m.loopMillis(),
                    m.loopMillis() / m.tiledMillis()));
        }
        return b.toString();
    }

    private static float[][] rows(LabelledData d, int[] order, int from, int to) {
        float[][] x = new float[to - from][];
        for (int i = from; i < to; i++) {
            x[i - from] = d.feature(order[i]);
        }
        return x;
    }

    private static int[] labels(LabelledData d, int[] order, int from, int to) {
        int[] y = new int[to - from];
        for (int i = from; i < to; i++) {
            y[i - from] = d.label(order[i]);
        }
        return y;
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

    /**
     * Runs both directions and prints the Markdown.
     *
     * @param args {@code --quick} for the reduced run
     */
    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        var mnist = dev.mnemo.ingest.dataset.Datasets.mnist();
        var fashion = dev.mnemo.ingest.dataset.Datasets.fashionMnist();
        List<Direction> d = new ArrayList<>();
        d.add(run(mnist, fashion, "MNIST", "Fashion-MNIST", quick));
        d.add(run(fashion, mnist, "Fashion-MNIST", "MNIST", quick));
        System.out.println(markdown(d, quick));
    }
}
