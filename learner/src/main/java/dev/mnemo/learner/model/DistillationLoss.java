package dev.mnemo.learner.model;

import java.util.Objects;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Knowledge-distillation loss for a logits output layer: hard-label cross-entropy plus a softened
 * cross-entropy towards a teacher's probabilities, as used by Learning without Forgetting.
 *
 * <h2>Method</h2>
 * With logits {@code z} (the output layer's activation, which must be {@code IDENTITY}), hard
 * one-hot labels {@code y}, teacher probabilities {@code q = softmax(z_teacher / T)}, temperature
 * {@code T} and weight {@code lambda}, the loss of one sample is
 * <pre>
 *   L = (1 - lambda) * CE(y, softmax(z)) + lambda * T^2 * CE(q, softmax(z / T)),
 *   CE(a, b) = - sum_c a_c log b_c
 * </pre>
 * and its gradient with respect to the logits is
 * {@code (1 - lambda) * (softmax(z) * sum(y) - y) + lambda * T * (softmax(z / T) * sum(q) - q)}.
 * The {@code T^2} factor keeps the soft term's gradient on the scale of the hard term's as
 * {@code T} changes (Hinton et al. 2015, section 2).
 *
 * <p><b>Labels</b> have {@code 2C} columns for {@code C} classes: {@code [y | q]}. A row of
 * {@code y} that is all zero marks an unlabelled sample, which then carries only the distillation
 * term; a row of {@code q} that is all zero carries only the hard term. With {@code lambda = 0}
 * the loss is exactly the multi-class cross-entropy of a softmax output, so one network
 * configuration serves plain training and distillation.
 *
 * <p><b>Which classes each softmax runs over.</b> The distillation softmax {@code softmax(z / T)}
 * runs over the classes where {@code q > 0}: a teacher that knew only some classes (the old tasks'
 * outputs, in Learning without Forgetting) constrains only those, and leaves the new classes to the
 * hard term; a class given {@link #IN_SUPPORT_ZERO} takes part with a target of 0. When {@code q} has full support, as {@code softmax(z_teacher / T)} of a teacher over
 * all classes has, this is exactly the formula above. The hard part of a row may mark classes the
 * sample cannot be with {@code -1} instead of {@code 0} (a <em>class mask</em>): those classes are
 * removed from {@code softmax(z)} of that sample (their logits are treated as minus infinity),
 * which is how a task-incremental scenario restricts a sample to its task's classes. The mask
 * travels in the labels rather than in Deeplearning4j's per-output label mask because the network
 * also multiplies the back-propagated error by that mask, which would cut the distillation
 * gradient on classes outside it (a gradient check shows it). A mask of shape {@code [n, 1]}
 * weights whole samples (the usual Deeplearning4j meaning); other mask shapes are rejected.
 *
 * <p>Scores are averaged over the minibatch when asked to (Deeplearning4j's convention: divided by
 * the number of rows). The class is serialised into the network configuration by its class name,
 * with {@link #getTemperature()} and {@link #getLambda()}; do not move or rename it, or saved
 * models stop loading.
 *
 * <pre>{@code
 * new OutputLayer.Builder(new DistillationLoss(2.0, 0.5)).activation(Activation.IDENTITY)
 *         .nIn(256).nOut(10).build();
 * // labels: Nd4j.hstack(oneHot, DistillationLoss.softTargets(teacherLogits, 2.0))
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. Hinton, O. Vinyals and J. Dean, "Distilling the Knowledge in a Neural Network", NIPS
 *       Deep Learning Workshop 2014, arXiv:1503.02531, 2015.</li>
 *   <li>Z. Li and D. Hoiem, "Learning without Forgetting", ECCV 2016; IEEE TPAMI 40(12),
 *       2935-2947, 2018.</li>
 * </ul>
 */
public class DistillationLoss implements ILossFunction {

    /** Default temperature {@code T}. */
    public static final double DEFAULT_TEMPERATURE = 2.0;
    /** Default weight {@code lambda} of the distillation term. */
    public static final double DEFAULT_LAMBDA = 0.5;

    /**
     * A teacher probability that puts a class in the distillation softmax's support with a target of
     * (practically) 0: the smallest normal float, whose share of the loss and gradient is below
     * float precision.
     */
    public static final float IN_SUPPORT_ZERO = Float.MIN_NORMAL;

    private static final long serialVersionUID = 1L;
    /** Added to masked logits: exp underflows to exactly 0 in float and double. */
    private static final double MASKED = -1e9;

    private double temperature = DEFAULT_TEMPERATURE;
    private double lambda = DEFAULT_LAMBDA;

    /** {@code T = 2}, {@code lambda = 0.5}. Also used by deserialisation. */
    public DistillationLoss() {}

    /**
     * @param temperature softmax temperature of the distillation term, finite and {@code > 0}
     * @param lambda weight of the distillation term, in {@code [0, 1]}
     * @throws IllegalArgumentException if a value is out of range
     */
    public DistillationLoss(double temperature, double lambda) {
        setTemperature(temperature);
        setLambda(lambda);
    }

    /** The temperature {@code T}. */
    public double getTemperature() {
        return temperature;
    }

    /** @throws IllegalArgumentException unless {@code temperature} is finite and {@code > 0} */
    public void setTemperature(double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        this.temperature = temperature;
    }

    /** The weight {@code lambda} of the distillation term. */
    public double getLambda() {
        return lambda;
    }

    /** @throws IllegalArgumentException unless {@code lambda} is in {@code [0, 1]} */
    public void setLambda(double lambda) {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
        }
        this.lambda = lambda;
    }

    /**
     * Soft targets {@code softmax(logits / T)} per row, with classes whose {@code classMask} entry is
     * 0 excluded (probability 0). Computed in double, returned as float.
     *
     * @param logits {@code [n][C]} teacher logits
     * @param temperature {@code T > 0}
     * @param classMask {@code [n][C]} of 0/1, or null for all classes; a null row means all classes
     */
    public static float[][] softTargets(float[][] logits, double temperature, float[][] classMask) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            float[] z = logits[i];
            float[] mask = classMask == null ? null : classMask[i];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < z.length; c++) {
                if (mask == null || mask[c] != 0f) {
                    max = Math.max(max, z[c] / temperature);
                }
            }
            double[] e = new double[z.length];
            double sum = 0;
            for (int c = 0; c < z.length; c++) {
                if (mask == null || mask[c] != 0f) {
                    e[c] = Math.exp(z[c] / temperature - max);
                    sum += e[c];
                }
            }
            float[] row = new float[z.length];
            for (int c = 0; c < z.length; c++) {
                row[c] = (float) (e[c] / sum);
            }
            out[i] = row;
        }
        return out;
    }

    @Override
    public double computeScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double score = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? score / preOutput.size(0) : score;
    }

    @Override
    public INDArray computeScoreArray(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return terms(labels, preOutput, activationFn, mask, false).getFirst();
    }

    @Override
    public INDArray computeGradient(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return terms(labels, preOutput, activationFn, mask, true).getSecond();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        Pair<INDArray, INDArray> t = terms(labels, preOutput, activationFn, mask, true);
        double score = t.getFirst().sumNumber().doubleValue();
        return new Pair<>(average ? score / preOutput.size(0) : score, t.getSecond());
    }

    /** Per-sample scores {@code [n, 1]} and, when asked, the gradient with respect to preOutput. */
    private Pair<INDArray, INDArray> terms(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean gradient) {
        long classes = preOutput.size(1);
        if (labels.size(1) != 2 * classes) {
            throw new IllegalArgumentException(
                    "labels must have 2C = " + 2 * classes + " columns [hard one-hot | teacher probabilities],"
                            + " got " + labels.size(1));
        }
        INDArray rowWeight = null;
        if (mask != null) {
            if (mask.size(1) != 1) {
                throw new IllegalArgumentException(
                        "mask must have 1 column (a weight per sample), got " + mask.size(1)
                                + "; put class masks in the labels as -1");
            }
            rowWeight = mask.castTo(preOutput.dataType());
        }
        INDArray y = labels.get(NDArrayIndex.all(), NDArrayIndex.interval(0, classes)).castTo(preOutput.dataType());
        INDArray classMask = null;
        if (y.minNumber().doubleValue() < 0) {
            classMask = y.gte(0.0).castTo(preOutput.dataType());
            y = y.mul(classMask);
        }
        INDArray q = labels.get(NDArrayIndex.all(), NDArrayIndex.interval(classes, 2 * classes))
                .castTo(preOutput.dataType());
        INDArray z = activationFn.getActivation(preOutput.dup(), true);
        INDArray zSoft = z.div(temperature);
        if (classMask != null) {
            z.addi(classMask.rsub(1.0).muli(MASKED));
        }
        INDArray logP = logSoftmax(z);
        INDArray logPt = null;
        if (lambda > 0) {
            // Outside the teacher's support: minus "infinity" (1 - [q > 0]) * 1e9.
            zSoft.addi(q.gt(0.0).castTo(z.dataType()).rsubi(1.0).muli(MASKED));
            logPt = logSoftmax(zSoft);
        }
        double hard = 1.0 - lambda;
        double soft = lambda * temperature * temperature;
        INDArray score = y.mul(logP).sum(true, 1).muli(-hard);
        if (lambda > 0) {
            score.subi(q.mul(logPt).sum(true, 1).muli(soft));
        }
        if (rowWeight != null) {
            score.muli(rowWeight);
        }
        if (!gradient) {
            return new Pair<>(score, null);
        }
        INDArray dz = Transforms.exp(logP, false).muliColumnVector(y.sum(true, 1)).subi(y).muli(hard);
        if (lambda > 0) {
            dz.addi(Transforms.exp(logPt, false).muliColumnVector(q.sum(true, 1)).subi(q).muli(lambda * temperature));
        }
        if (rowWeight != null) {
            dz.muliColumnVector(rowWeight);
        }
        INDArray grad = activationFn.backprop(preOutput.dup(), dz).getFirst();
        return new Pair<>(score, grad);
    }

    private static INDArray logSoftmax(INDArray z) {
        INDArray shifted = z.subColumnVector(z.max(true, 1));
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(logSum);
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistillationLoss other
                && Double.compare(temperature, other.temperature) == 0
                && Double.compare(lambda, other.lambda) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(temperature, lambda);
    }

    @Override
    public String toString() {
        return "DistillationLoss(T=" + temperature + ", lambda=" + lambda + ")";
    }
}
