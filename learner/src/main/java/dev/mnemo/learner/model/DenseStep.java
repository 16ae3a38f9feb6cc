package dev.mnemo.learner.model;

import java.nio.FloatBuffer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The training step of a dense ReLU network, computed by hand on ND4J's gemm into preallocated
 * arrays, with Deeplearning4j's own parameters, gradient views and Adam updater.
 *
 * <h2>Why</h2>
 * For the learner's small batches, Deeplearning4j's layer machinery costs as much as the matrix
 * products themselves: per-layer workspaces, allocating products, the loss function as some forty
 * array operations, a minibatch division over every gradient, and the input gradient of the first
 * layer, which nothing uses (a third of the default network's backward products). This class does
 * the same mathematics with three products per layer (two for the first), a bias reduction as a
 * product, one ReLU mask, the loss and its gradient in Java over the {@code [rows x classes]}
 * logits ({@link DenseLoss}), and Adam in one vectorised Java loop, over arrays that are reused
 * from step to step (views of the largest batch's arrays when the batch size changes).
 *
 * <h2>Same numbers</h2>
 * It writes the gradients into the network's flattened gradient view, applies Adam per updater
 * block of the network, with each block's settings and its moments in the network's updater state
 * (so per-layer learning rates, the Adam state layout, {@code copy()} and the model files are
 * unchanged), subtracts the update from the flattened parameters, as Deeplearning4j's step does,
 * and advances the iteration count. The loss is
 * {@link DistillationLoss} (or, for the softmax head, multi-class cross-entropy, the same thing
 * with {@code lambda = 0}) averaged over the rows; its gradient is divided by the rows, as
 * Deeplearning4j's updater does. {@code DenseStepTest} checks the gradients, the scores and the
 * parameters after several steps against Deeplearning4j's own path to float tolerance.
 *
 * <h2>Where it applies</h2>
 * {@link #supports} is true for the networks {@link Classifier} builds without dropout: ReLU dense
 * layers and a dense output layer (identity with {@link DistillationLoss}, or softmax with
 * cross-entropy), Adam, no regularisation, on the CPU backend (the loss runs on host memory).
 * Anything else, such as dropout in training or a convolutional network, trains through
 * Deeplearning4j's {@code fit}, as every network does with {@code -Dmnemo.model.dense-step=false}.
 *
 * <p>Not thread-safe: {@link Classifier} calls it under its lock.
 */
final class DenseStep {

    /** System property that turns this step off: {@code -Dmnemo.model.dense-step=false}. */
    static final String SWITCH = Classifier.DENSE_STEP_PROPERTY;

    private final MultiLayerNetwork net;
    private final int layers;
    private final int[] widths;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private final INDArray[] weightGradients;
    private final INDArray[] biasGradients;
    private final INDArray flatParams;
    private final INDArray flatGradients;
    // End (exclusive) of each layer's parameters in the flattened array.
    private final int[] layerEnd;
    // Tiles of the Adam loop, copied out of and back into native memory.
    private static final int TILE = 2048;
    // Steps between two passes that flush subnormal moments (see flushSubnormals).
    private static final int FLUSH_EVERY = 8;
    private final float[] g = new float[TILE];
    private final float[] m = new float[TILE];
    private final float[] v = new float[TILE];
    private final float[] p = new float[TILE];

    // For the current batch of `rows` rows, index i the output of layer i - 1 (activations[0] is
    // the input): the activations, the back-propagated error (training only), the ReLU masks, and
    // host copies of the logits and their gradient; views of arrays `capacity` rows high.
    private int rows = -1;
    private int capacity;
    private INDArray[] activationRows;
    private INDArray[] errorRows;
    private INDArray[] maskRows;
    private INDArray onesRow;
    private INDArray[] activations;
    private INDArray[] errors;
    private INDArray ones;
    // masks[i]: 1 where activations[i] > 0 (the derivative of the ReLU that gave it).
    private INDArray[] masks;
    private float[] logitsHost;
    private float[] errorHost;

    private DenseStep(MultiLayerNetwork net) {
        this.net = net;
        this.layers = net.getnLayers();
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView();
        }
        this.flatParams = net.params().reshape(net.params().length());
        this.flatGradients = net.getFlattenedGradients().reshape(net.getFlattenedGradients().length());
        this.widths = new int[layers + 1];
        this.weights = new INDArray[layers];
        this.biases = new INDArray[layers];
        this.weightGradients = new INDArray[layers];
        this.biasGradients = new INDArray[layers];
        this.layerEnd = new int[layers];
        long offset = 0;
        for (int i = 0; i < layers; i++) {
            Layer layer = net.getLayer(i);
            INDArray w = layer.getParam("W");
            INDArray b = layer.getParam("b");
            widths[i] = (int) w.size(0);
            widths[i + 1] = (int) w.size(1);
            weights[i] = w;
            biases[i] = b;
            long wLength = w.length();
            weightGradients[i] = flatGradients.get(
                            NDArrayIndex.interval(offset, offset + wLength))
                    .reshape('f', widths[i], widths[i + 1]);
            offset += wLength;
            biasGradients[i] = flatGradients.get(
                            NDArrayIndex.interval(offset, offset + b.length()))
                    .reshape(1, b.length());
            offset += b.length();
            layerEnd[i] = (int) offset;
        }
        if (offset != flatGradients.length()) {
            throw new IllegalStateException("gradient layout of " + net.numParams() + " parameters not understood");
        }
    }

    /**
     * Whether {@code net} is a network this step computes exactly: float, ReLU dense layers without
     * dropout, a dense identity ({@link DistillationLoss}) or softmax (cross-entropy) output layer,
     * Adam without regularisation, on the CPU backend.
     */
    static boolean supports(MultiLayerNetwork net) {
        if (!Nd4j.getEnvironment().isCPU() || net.params().dataType() != DataType.FLOAT) {
            return false;
        }
        int n = net.getnLayers();
        for (int i = 0; i < n; i++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayer(i).conf().getLayer();
            if (conf.getIDropout() != null || !(conf instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base)) {
                return false;
            }
            if (!(base.getIUpdater() instanceof Adam)
                    || !base.getRegularization().isEmpty()
                    || !base.getRegularizationBias().isEmpty()
                    || base.getWeightNoise() != null
                    || base.getGradientNormalization() != org.deeplearning4j.nn.conf.GradientNormalization.None) {
                return false;
            }
            if (i < n - 1) {
                if (!(conf instanceof DenseLayer dense) || !(dense.getActivationFn() instanceof ActivationReLU relu)
                        || relu.getMax() != null || relu.getThreshold() != null || relu.getNegativeSlope() != null
                        || !dense.hasBias() || dense.hasLayerNorm()) {
                    return false;
                }
            } else {
                if (!(conf instanceof OutputLayer output) || !output.hasBias()) {
                    return false;
                }
                boolean logits = output.getActivationFn() instanceof ActivationIdentity
                        && output.getLossFn() instanceof DistillationLoss;
                boolean softmax = output.getActivationFn() instanceof ActivationSoftmax
                        && output.getLossFn() instanceof LossMCXENT mcxent
                        && mcxent.getWeights() == null;
                if (!logits && !softmax) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether classifiers created from now on use this step where it applies: true unless the
     * system property {@value #SWITCH} is {@code false}, which sends every step through
     * Deeplearning4j's {@code fit} (for comparisons, or as a way out should this path misbehave).
     */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(SWITCH, "true").trim());
    }

    /** The step for {@code net}; call only when {@link #supports} is true. */
    static DenseStep of(MultiLayerNetwork net) {
        return new DenseStep(net);
    }

    /**
     * One Adam step on the staged batch, as Deeplearning4j's {@code fit} would take it, and the
     * minibatch loss before the step.
     *
     * @param input {@code [rows x inputs]}, C order, not changed
     * @param labels class per row, or -1 for an unlabelled row
     * @param soft teacher probabilities per row ({@code [rows][classes]}), or null
     * @param mask per row 0/1 over the classes (0: the class is excluded from the row's hard
     *     softmax), or null; a null row allows every class
     * @param temperature the distillation temperature
     * @param lambda the weight of the distillation term (0 without soft targets)
     * @param frozen per layer: parameters kept exactly as they are
     */
    double step(INDArray input, int[] labels, float[][] soft, float[][] mask, double temperature, double lambda,
            boolean[] frozen) {
        return step(input, labels, soft, mask, temperature, lambda, frozen, null, 0);
    }

    /**
     * {@link #step}, with the layer outputs of the first {@code reuse} rows taken from
     * {@code source}'s last {@link #logits} pass instead of computed again: the caller guarantees
     * that those rows are the ones {@code source} last ran, on the same parameters (a prequential
     * learner predicts a chunk, then trains on it). Without dropout, inference and training compute
     * the same forward pass.
     */
    double step(INDArray input, int[] labels, float[][] soft, float[][] mask, double temperature, double lambda,
            boolean[] frozen, DenseStep source, int reuse) {
        double loss = gradient(input, labels, soft, mask, temperature, lambda, source, reuse);
        update(frozen);
        return loss;
    }

    /**
     * The minibatch loss, with its gradient (divided by the rows) left in the network's flattened
     * gradient view; the parameters are not changed. Arguments as for {@link #step}.
     */
    double gradient(INDArray input, int[] labels, float[][] soft, float[][] mask, double temperature, double lambda) {
        return gradient(input, labels, soft, mask, temperature, lambda, null, 0);
    }

    /** {@link #gradient}, reusing {@code source}'s outputs for the first {@code reuse} rows (see {@link #step}). */
    double gradient(INDArray input, int[] labels, float[][] soft, float[][] mask, double temperature, double lambda,
            DenseStep source, int reuse) {
        int n = (int) input.rows();
        if (reuse < 0 || reuse > n || (reuse > 0 && (source == null || reuse > source.rows))) {
            throw new IllegalArgumentException("cannot reuse " + reuse + " rows of a pass over "
                    + (source == null ? 0 : source.rows) + " for a batch of " + n);
        }
        prepare(n, true);
        INDArray logits = reuse == 0 ? forward(input, activations) : forwardReusing(input, source, reuse);
        int classes = widths[layers];
        logits.data().asNioFloat().get((int) logits.offset(), logitsHost, 0, n * classes);
        double loss = DenseLoss.lossAndGradient(logitsHost, n, classes, labels, soft, mask, temperature, lambda,
                errorHost);
        errors[layers].data().asNioFloat().put(0, errorHost, 0, n * classes);
        backward(input);
        return loss;
    }

    /**
     * The logits of a batch in inference mode into this step's arrays for {@code input.rows()}
     * rows: valid until the next call.
     */
    INDArray logits(INDArray input) {
        prepare((int) input.rows(), false);
        return forward(input, activations);
    }

    /**
     * Makes {@code activations} (and, for training, {@code errors}, {@code masks}, {@code ones})
     * {@code n} rows high: views of the first {@code n} rows of arrays allocated for the largest
     * batch so far, so that batches of changing size (a chunk cut short, a serving request) do not
     * allocate.
     */
    private void prepare(int n, boolean training) {
        boolean grow = n > capacity;
        if (grow) {
            capacity = n;
            activationRows = allocate(capacity);
            errorRows = null;
        }
        if (training && errorRows == null) {
            errorRows = allocate(capacity);
            maskRows = allocate(capacity);
            onesRow = Nd4j.ones(DataType.FLOAT, 1, capacity);
            logitsHost = new float[capacity * widths[layers]];
            errorHost = new float[capacity * widths[layers]];
            rows = -1;
        }
        if (grow || n != rows) {
            activations = rowsOf(activationRows, n);
            rows = n;
            if (errorRows != null) {
                errors = rowsOf(errorRows, n);
                masks = rowsOf(maskRows, n);
                ones = n == capacity ? onesRow : onesRow.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n));
            } else {
                errors = null;
            }
        }
    }

    /** One array per layer output, {@code n x width}: index i holds layer i's output. */
    private INDArray[] allocate(int n) {
        INDArray[] out = new INDArray[layers];
        for (int i = 0; i < layers; i++) {
            out[i] = Nd4j.createUninitialized(DataType.FLOAT, n, widths[i + 1]);
        }
        return out;
    }

    /** The first {@code n} rows of each array; index shifted so that {@code [i + 1]} is layer i's output. */
    private INDArray[] rowsOf(INDArray[] backing, int n) {
        INDArray[] out = new INDArray[layers + 1];
        for (int i = 0; i < layers; i++) {
            INDArray full = backing[i];
            out[i + 1] = n == capacity ? full : full.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        }
        return out;
    }

    /** ReLU(a W + b) per hidden layer, then a W + b, into {@code acts[1..layers]}. */
    private INDArray forward(INDArray input, INDArray[] acts) {
        acts[0] = input;
        for (int i = 0; i < layers; i++) {
            INDArray z = acts[i + 1];
            Nd4j.gemm(acts[i], weights[i], z, false, false, 1.0, 0.0);
            z.addiRowVector(biases[i]);
            if (i < layers - 1) {
                Transforms.relu(z, false);
            }
        }
        return acts[layers];
    }

    /** {@link #forward} into the training arrays, with rows {@code [0, reuse)} copied from {@code source}. */
    private INDArray forwardReusing(INDArray input, DenseStep source, int reuse) {
        int n = rows;
        activations[0] = input;
        for (int i = 0; i < layers; i++) {
            INDArray z = activations[i + 1];
            INDArray from = source.activations[i + 1];
            (reuse == n ? z : rowRange(z, 0, reuse)).assign(reuse == source.rows ? from : rowRange(from, 0, reuse));
            if (reuse < n) {
                INDArray part = rowRange(z, reuse, n);
                Nd4j.gemm(rowRange(activations[i], reuse, n), weights[i], part, false, false, 1.0, 0.0);
                part.addiRowVector(biases[i]);
                if (i < layers - 1) {
                    Transforms.relu(part, false);
                }
            }
        }
        return activations[layers];
    }

    private static INDArray rowRange(INDArray matrix, int from, int to) {
        return matrix.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /**
     * Back-propagates {@code errors[layers]} (the loss gradient of the logits, already divided
     * by the rows) into the network's gradient view; the first layer's input gradient is not
     * computed.
     */
    private void backward(INDArray input) {
        for (int i = layers - 1; i >= 0; i--) {
            INDArray delta = errors[i + 1];
            INDArray in = i == 0 ? input : activations[i];
            Nd4j.gemm(in, delta, weightGradients[i], true, false, 1.0, 0.0);
            // Column sums as a product with a row of ones: a tenth of the time of a sum reduction here.
            Nd4j.gemm(ones, delta, biasGradients[i], false, false, 1.0, 0.0);
            if (i > 0) {
                INDArray previous = errors[i];
                Nd4j.gemm(delta, weights[i], previous, false, true, 1.0, 0.0);
                // ReLU's derivative from its output: a > 0 exactly where its input was > 0. A step
                // and a product cost a fifth of the fused relu_bp custom op here.
                Nd4j.getExecutioner().exec(new Step(activations[i], masks[i], 0.0));
                previous.muli(masks[i]);
            }
        }
    }

    /**
     * Adam per updater block, as Deeplearning4j's op computes it, then parameters -= update; the
     * moments live in the network's updater state (first half m, second half v of each block), so
     * copies and model files carry them. Frozen layers' moments advance as Deeplearning4j's do, but
     * their parameters are not written.
     *
     * <p>It runs in Java over tiles copied out of and back into native memory: the native Adam op
     * took about 2.4 ms for the default network's 478k parameters on one core here, this loop about
     * 0.4 ms (it vectorises, and the op does not).
     */
    private void update(boolean[] frozen) {
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        boolean flush = iteration % FLUSH_EVERY == 0;
        FloatBuffer params = flatParams.data().asNioFloat();
        int paramBase = (int) flatParams.offset();
        FloatBuffer grads = flatGradients.data().asNioFloat();
        int gradBase = (int) flatGradients.offset();
        for (UpdaterBlock block : ((MultiLayerUpdater) net.getUpdater()).getUpdaterBlocks()) {
            GradientUpdater<?> updater = block.getGradientUpdater();
            Adam adam = (Adam) updater.getConfig();
            INDArray state = block.getUpdaterView();
            int start = block.getParamOffsetStart();
            int end = block.getParamOffsetEnd();
            int length = end - start;
            FloatBuffer moments = state.data().asNioFloat();
            int mBase = (int) state.offset();
            int vBase = mBase + length;
            double t = iteration + 1;
            float beta1 = (float) adam.getBeta1();
            float beta2 = (float) adam.getBeta2();
            float epsilon = (float) adam.getEpsilon();
            double lr = adam.getLearningRate(iteration, epoch);
            float alpha = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
            if (!Float.isFinite(alpha) || alpha == 0f) {
                alpha = epsilon; // the op's own guard
            }
            for (int from = start; from < end; ) {
                int layer = layerOf(from);
                int to = Math.min(end, layerEnd[layer]);
                boolean write = frozen == null || !frozen[layer];
                for (int tile = from; tile < to; tile += TILE) {
                    int len = Math.min(TILE, to - tile);
                    int k = tile - start;
                    grads.get(gradBase + tile, g, 0, len);
                    moments.get(mBase + k, m, 0, len);
                    moments.get(vBase + k, v, 0, len);
                    params.get(paramBase + tile, p, 0, len);
                    adam(len, beta1, beta2, epsilon, alpha, write);
                    if (flush) {
                        flushSubnormals(len);
                    }
                    moments.put(mBase + k, m, 0, len);
                    moments.put(vBase + k, v, 0, len);
                    if (write) {
                        params.put(paramBase + tile, p, 0, len);
                    }
                }
                from = to;
            }
        }
        net.setIterationCount(iteration + 1);
    }

    private void adam(int len, float beta1, float beta2, float epsilon, float alpha, boolean write) {
        float[] g = this.g;
        float[] m = this.m;
        float[] v = this.v;
        float[] p = this.p;
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + oneMinusBeta1 * gi;
            float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= alpha * mi / ((float) Math.sqrt(vi) + epsilon);
        }
    }

    /**
     * Sets moments below the smallest normal float to 0. A moment whose gradient stays 0 (a dead
     * unit, an input pixel that is always 0) decays geometrically into the subnormal range and
     * stays there for about 150 steps; arithmetic on subnormals is some 25 times slower on x86, which
     * made the Adam loop take 7 ms instead of 0.3 for the default network. Hardware flush-to-zero
     * would do the same; Java cannot turn it on. The values flushed are below 1.2e-38, so no
     * parameter update changes by a representable amount. A branch per value would stop the main
     * loop from vectorising, hence a separate pass every {@value #FLUSH_EVERY} steps.
     */
    private void flushSubnormals(int len) {
        for (int i = 0; i < len; i++) {
            if (Math.abs(m[i]) < Float.MIN_NORMAL) {
                m[i] = 0f;
            }
            if (v[i] < Float.MIN_NORMAL) {
                v[i] = 0f;
            }
        }
    }

    private int layerOf(int param) {
        int layer = 0;
        while (param >= layerEnd[layer]) {
            layer++;
        }
        return layer;
    }
}
