package dev.mnemo.learner.model;

import java.util.List;

/**
 * The shape and training hyper-parameters of a multi-layer perceptron {@link Classifier}.
 *
 * <p>The network is {@code inputs -> hidden[0] -> ... -> hidden[k-1] -> classes}: fully connected
 * ReLU hidden layers with He initialisation, a softmax output layer with Xavier initialisation
 * (the default {@link Initialisation}; {@link Classifier#create(MlpSpec, OutputHead, Initialisation)}
 * offers another),
 * multi-class cross-entropy loss, the Adam optimiser at {@code learningRate}, float32 parameters and
 * activations. All values are checked at construction; an invalid value throws
 * {@link IllegalArgumentException} naming the allowed range.
 *
 * <p>Dropout follows the Deeplearning4j convention: {@code dropoutKeep} is the probability of
 * <em>keeping</em> a unit, and {@code 1.0} switches dropout off. When on, it is applied to the
 * output of every hidden layer (never to the raw inputs), during training only; inference is
 * deterministic.
 *
 * <pre>{@code
 * MlpSpec spec = MlpSpec.defaults(784, 10);          // 784-256-128-10, Adam 1e-3, no dropout, seed 42
 * MlpSpec wide = new MlpSpec(784, List.of(512), 10, 3e-4, 0.8, 7L);
 * Classifier model = Classifier.create(spec);
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.</li>
 *   <li>K. He, X. Zhang, S. Ren and J. Sun, "Delving Deep into Rectifiers: Surpassing Human-Level
 *       Performance on ImageNet Classification", ICCV 2015.</li>
 *   <li>X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural
 *       networks", AISTATS 2010.</li>
 *   <li>N. Srivastava, G. Hinton, A. Krizhevsky, I. Sutskever and R. Salakhutdinov, "Dropout: A
 *       Simple Way to Prevent Neural Networks from Overfitting", JMLR 15, 2014.</li>
 * </ul>
 *
 * @param inputs number of input features, at least 1
 * @param hidden widths of the hidden layers, in order; may be empty (softmax regression), each at
 *     least 1; copied, so later changes to the caller's list have no effect
 * @param classes number of output classes, at least 2
 * @param learningRate Adam learning rate, finite and in (0, 1]
 * @param dropoutKeep probability of keeping a hidden unit during training, in (0, 1]; 1 = no dropout
 * @param seed seed of the parameter initialisation
 */
public record MlpSpec(
        int inputs, List<Integer> hidden, int classes, double learningRate, double dropoutKeep, long seed) {

    /** Hidden layer widths used by {@link #defaults(int, int)}. */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(256, 128);
    /** Adam learning rate used by {@link #defaults(int, int)}. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    /**
     * Keep probability used by {@link #defaults(int, int)}: dropout is off, because the learner sees
     * each sample of the stream once and dropout slows single-pass learning.
     */
    public static final double DEFAULT_DROPOUT_KEEP = 1.0;
    /** Initialisation seed used by {@link #defaults(int, int)}. */
    public static final long DEFAULT_SEED = 42L;

    /** Checks every value and copies {@code hidden}. */
    public MlpSpec {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be >= 1, got " + inputs);
        }
        if (hidden == null) {
            throw new IllegalArgumentException("hidden must be a list (possibly empty) of widths >= 1, got null");
        }
        for (int i = 0; i < hidden.size(); i++) {
            Integer width = hidden.get(i);
            if (width == null || width < 1) {
                throw new IllegalArgumentException(
                        "hidden[" + i + "] must be >= 1, got " + width + " in " + hidden);
            }
        }
        hidden = List.copyOf(hidden);
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (!(learningRate > 0.0 && learningRate <= 1.0)) {
            throw new IllegalArgumentException("learningRate must be in (0, 1], got " + learningRate);
        }
        if (!(dropoutKeep > 0.0 && dropoutKeep <= 1.0)) {
            throw new IllegalArgumentException(
                    "dropoutKeep (probability of keeping a unit) must be in (0, 1], got " + dropoutKeep);
        }
    }

    /**
     * The default network for {@code inputs} features and {@code classes} classes: hidden layers
     * [256, 128], Adam learning rate 1e-3, no dropout, seed 42.
     *
     * @throws IllegalArgumentException if {@code inputs < 1} or {@code classes < 2}
     */
    public static MlpSpec defaults(int inputs, int classes) {
        return new MlpSpec(
                inputs, DEFAULT_HIDDEN, classes, DEFAULT_LEARNING_RATE, DEFAULT_DROPOUT_KEEP, DEFAULT_SEED);
    }

    /** A copy with another learning rate. */
    public MlpSpec withLearningRate(double rate) {
        return new MlpSpec(inputs, hidden, classes, rate, dropoutKeep, seed);
    }

    /** A copy with another dropout keep probability (1.0 = no dropout). */
    public MlpSpec withDropoutKeep(double keep) {
        return new MlpSpec(inputs, hidden, classes, learningRate, keep, seed);
    }

    /** A copy with another initialisation seed. */
    public MlpSpec withSeed(long newSeed) {
        return new MlpSpec(inputs, hidden, classes, learningRate, dropoutKeep, newSeed);
    }

    /** A copy with other hidden layer widths. */
    public MlpSpec withHidden(List<Integer> widths) {
        return new MlpSpec(inputs, widths, classes, learningRate, dropoutKeep, seed);
    }

    /**
     * Number of trainable parameters (weights and biases) of this network:
     * {@code sum over layers of (fanIn + 1) * fanOut}.
     */
    public long parameterCount() {
        long total = 0;
        int fanIn = inputs;
        for (int width : hidden) {
            total += (fanIn + 1L) * width;
            fanIn = width;
        }
        return total + (fanIn + 1L) * classes;
    }

    /**
     * Multiply-accumulate operations of one forward pass for one sample:
     * {@code sum over layers of fanIn * fanOut}. One forward pass costs about twice this many
     * floating-point operations, one training step (forward and backward) about six times.
     */
    public long multiplyAddsPerSample() {
        long total = 0;
        int fanIn = inputs;
        for (int width : hidden) {
            total += (long) fanIn * width;
            fanIn = width;
        }
        return total + (long) fanIn * classes;
    }
}
