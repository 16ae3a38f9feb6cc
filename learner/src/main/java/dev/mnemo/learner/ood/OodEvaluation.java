package dev.mnemo.learner.ood;

import dev.mnemo.learner.model.Classifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures OOD scorers on one in-distribution / out-of-distribution pair: every scorer scores both
 * sets, and the result holds the AUROC and the FPR at 95% TPR ({@link OodMetrics}) and the mean
 * scores.
 *
 * <pre>{@code
 * List<OodEvaluation.Result> rows = OodEvaluation.evaluate(model,
 *         List.of(new MaxSoftmax(), new Energy(), maha), mnistTest, fashionTest);
 * }</pre>
 */
public final class OodEvaluation {

    /** The TPR at which {@link Result#fprAt95Tpr()} is read. */
    public static final double TPR = 0.95;

    private OodEvaluation() {
    }

    /**
     * One scorer's figures.
     *
     * @param scorer the scorer's name
     * @param auroc area under the ROC curve, OOD positive
     * @param fprAt95Tpr in-distribution fraction flagged when 95% of OOD samples are flagged
     * @param meanIn mean score of the in-distribution samples
     * @param meanOut mean score of the OOD samples
     */
    public record Result(String scorer, double auroc, double fprAt95Tpr, double meanIn, double meanOut) {
    }

    /**
     * @param model the classifier, trained on the in-distribution data
     * @param scorers the scorers (a {@link Mahalanobis} must be fitted on this model)
     * @param in in-distribution inputs, at least one
     * @param out out-of-distribution inputs, at least one
     * @return one result per scorer, in order
     */
    public static List<Result> evaluate(Classifier model, List<? extends OodScorer> scorers, float[][] in,
            float[][] out) {
        List<Result> results = new ArrayList<>();
        for (OodScorer s : scorers) {
            double[] si = scores(model, s, in);
            double[] so = scores(model, s, out);
            results.add(new Result(s.name(), OodMetrics.auroc(si, so), OodMetrics.fprAtTpr(si, so, TPR), mean(si),
                    mean(so)));
        }
        return results;
    }

    /**
     * Scores a large set in chunks of 1,024, so that it never needs one huge staging array.
     *
     * @param model the classifier
     * @param scorer the scorer
     * @param inputs the inputs, at least one
     * @return one score per input
     */
    public static double[] scores(Classifier model, OodScorer scorer, float[][] inputs) {
        int chunk = 1024;
        double[] out = new double[inputs.length];
        for (int from = 0; from < inputs.length; from += chunk) {
            int to = Math.min(inputs.length, from + chunk);
            float[][] part = new float[to - from][];
            System.arraycopy(inputs, from, part, 0, part.length);
            System.arraycopy(scorer.score(model, part), 0, out, from, part.length);
        }
        return out;
    }

    private static double mean(double[] x) {
        double s = 0.0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }
}
