package dev.mnemo.learner.model;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ops.random.impl.DropOutInverted;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A multi-layer perceptron classifier that learns one minibatch at a time from a stream.
 *
 * <p>It wraps a Deeplearning4j {@code MultiLayerNetwork} built from an {@link MlpSpec} (ReLU hidden
 * layers, softmax output, cross-entropy loss, Adam, float32) and exposes it through plain Java
 * arrays, so that callers never touch ND4J types. {@link #train(float[][], int[])} takes exactly
 * one Adam step on the given minibatch; {@link #version()} counts those steps. This is what a
 * prequential (test-then-train) learner needs: predict a batch, then train once on it.
 *
 * <h2>Output head</h2>
 * {@link #create(MlpSpec)} builds the {@link OutputHead#SOFTMAX} head (softmax with
 * cross-entropy). {@link #create(MlpSpec, OutputHead)} with {@link OutputHead#LOGITS} builds an
 * identity output layer trained with {@link DistillationLoss}: {@link #predict} applies the softmax
 * itself, {@link #train(float[][], int[])} is still plain cross-entropy (distillation weight 0),
 * and {@link #train(TrainingBatch)} adds a teacher's soft targets, unlabelled samples and class
 * masks, which continual-learning strategies need. {@link #logits} gives the raw outputs.
 * {@link #setLearningRateScales} scales the learning rate per layer (0 freezes a layer).
 *
 * <h2>Inside the network</h2>
 * For the drift checks, {@link #activations} gives the penultimate features and the pre-softmax
 * logits of a batch (both heads), {@link #hiddenActivations} the output of every hidden layer, and
 * {@link #dropoutLogits} the logits of T Monte Carlo dropout passes in one pass over the tiled
 * batch (the {@code ood} and {@code uncertainty} packages build on them). They compute the layers
 * from the network's parameters and never change them.
 *
 * <h2>Threads</h2>
 * Not built for concurrent use, but safe under it: every method that touches the network holds
 * the instance's lock (as Deeplearning4j's own {@code MultiLayerNetwork.output} does), so
 * concurrent calls run one at a time and never see each other's staging buffers. The intended use
 * is one thread that trains, plus a {@link #copy()} (a deep copy: a few milliseconds for the
 * default network) that serves predictions to other threads while training goes on; copies share
 * nothing. For parallel prediction throughput, give each thread its own copy.
 *
 * <p>Batches are staged into network arrays that are reused while the batch size stays the same,
 * and results are read back, with bulk copies to and from native memory on the CPU backend. The
 * per-element ND4J paths are much slower here: reading a 256 x 10 output with
 * {@code INDArray.toFloatMatrix()} takes milliseconds, longer than the forward pass itself, so
 * {@link #predict} is about four times faster this way; staging a 128 x 784 batch takes about
 * 10 microseconds instead of 40-80 with {@code Nd4j.create(float[][])}.
 *
 * <h2>The training step</h2>
 * For the networks this class builds without dropout, on the CPU backend, a step is
 * {@link DenseStep}: the forward and backward products on ND4J's gemm into arrays allocated once
 * per batch size, the loss and its gradient in Java over the logits, and Adam in one vectorised
 * loop, with Deeplearning4j's parameters, updater state and configuration (so copies and model
 * files are unchanged). It takes about half the time of Deeplearning4j's {@code fit} for the
 * learner's batch sizes and gives the same numbers to float tolerance ({@code DenseStepTest}
 * checks gradients, scores, parameters and Adam state against {@code fit}). Networks with dropout
 * in training, and any other architecture, train through {@code fit}; so does every network with
 * {@code -Dmnemo.model.dense-step=false}. Inference uses the same hand-written forward pass, and a
 * training step whose batch starts with the rows of the last prediction, on the same parameters
 * (test, then train), takes those rows' layer outputs from it instead of computing them again.
 *
 * <h2>Non-finite input</h2>
 * {@link #train} rejects NaN and infinite features with {@link IllegalArgumentException}: one such
 * value would turn every parameter into NaN, and a stream learner cannot retrain from scratch.
 * {@link #predict} rejects them too, so a caller learns about bad input at the first call.
 *
 * <h2>File format</h2>
 * {@link #save(Path)} writes a Deeplearning4j model zip (configuration, parameters and the Adam
 * state, as {@code ModelSerializer} writes them) with one extra entry, {@value #METADATA_ENTRY}, a
 * properties file holding the {@link MlpSpec}, the {@link #version()} and the {@link OutputHead} (key
 * {@code head}; files without it are read as {@link OutputHead#SOFTMAX}). Deeplearning4j tools can
 * still open the file; they ignore the extra entry. The file is written to a temporary file in the
 * same folder, forced to disk and then moved over the target atomically, so a crash leaves either
 * the old or the new checkpoint, never half of one.
 *
 * <pre>{@code
 * Classifier model = Classifier.create(MlpSpec.defaults(784, 10));
 * Predictions p = model.predict(batch);           // test ...
 * double loss = model.train(batch, labels);       // ... then train: one Adam step
 * Classifier snapshot = model.copy();             // hand to a serving thread
 * model.save(Path.of("checkpoints/model.zip"));
 * Classifier restored = Classifier.load(Path.of("checkpoints/model.zip"));
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.</li>
 *   <li>J. Gama, R. Sebastiao and P. P. Rodrigues, "On evaluating stream learning algorithms",
 *       Machine Learning 90(3), 317-346, 2013 (test-then-train).</li>
 * </ul>
 */
public final class Classifier {

    /**
     * System property that, set to {@code false}, sends every training step through
     * Deeplearning4j's {@code fit} instead of {@link DenseStep} (see "The training step"); read when
     * a classifier is created. The service sets it from {@code mnemo.model.dense-step}.
     */
    public static final String DENSE_STEP_PROPERTY = "mnemo.model.dense-step";

    /** Name of the zip entry that {@link #save(Path)} adds to the model file. */
    public static final String METADATA_ENTRY = "mnemo-classifier.properties";

    private static final String FORMAT = "1";

    private final MlpSpec spec;
    private final OutputHead head;
    private final MultiLayerNetwork net;
    private final boolean hostMemory;
    private volatile long version;

    // Staging arrays, reused while the batch size repeats (the steady state of a stream).
    private INDArray trainInput;
    private INDArray trainLabels;
    private float[] oneHot;
    private INDArray predictInput;
    // The rows of the last inference pass through inferencePass, staged, and the version they were
    // computed at: a training step whose batch starts with the same rows reuses their layer outputs.
    private INDArray forwardInput;
    private long forwardVersion = -1;
    private float[] targetStage;
    // Layers whose learning rate is 0; their parameters are restored after each step (see fit()).
    private boolean[] frozen;
    // The hand-written training step and inference pass for dense networks (null: Deeplearning4j's).
    private final DenseStep trainStep;
    private final DenseStep inferencePass;

    private Classifier(MlpSpec spec, OutputHead head, MultiLayerNetwork net, long version) {
        this.spec = spec;
        this.head = head;
        this.net = net;
        this.version = version;
        // On the CPU backend an array's host buffer is its only copy, so it can be written directly.
        this.hostMemory = Nd4j.getEnvironment().isCPU();
        this.frozen = new boolean[net.getnLayers()];
        for (int i = 0; i < frozen.length; i++) {
            Double lr = net.getLearningRate(i);
            frozen[i] = lr != null && lr == 0.0;
        }
        boolean dense = DenseStep.enabled() && DenseStep.supports(net);
        this.trainStep = dense ? DenseStep.of(net) : null;
        this.inferencePass = dense ? DenseStep.of(net) : null;
    }

    /**
     * A new, randomly initialised classifier (seeded by {@link MlpSpec#seed()}) at version 0.
     *
     * @throws IllegalArgumentException if {@code spec} is null
     */
    public static Classifier create(MlpSpec spec) {
        return create(spec, OutputHead.SOFTMAX);
    }

    /**
     * A new, randomly initialised classifier with the given output head (see the class
     * documentation), seeded by {@link MlpSpec#seed()}, at version 0. Both heads start from the same
     * parameters for the same spec.
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public static Classifier create(MlpSpec spec, OutputHead head) {
        return create(spec, head, Initialisation.HE);
    }

    /**
     * A new classifier with the given output head and parameter initialisation, seeded by
     * {@link MlpSpec#seed()}, at version 0.
     *
     * @throws IllegalArgumentException if an argument is null
     */
    public static Classifier create(MlpSpec spec, OutputHead head, Initialisation init) {
        if (spec == null || head == null || init == null) {
            throw new IllegalArgumentException("spec, head and initialisation must be non-null");
        }
        NeuralNetConfiguration.ListBuilder layers =
                new NeuralNetConfiguration.Builder()
                        .seed(spec.seed())
                        .dataType(DataType.FLOAT)
                        .updater(new Adam(spec.learningRate()))
                        .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                        .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                        .list();
        boolean dropout = spec.dropoutKeep() < 1.0;
        int fanIn = spec.inputs();
        for (int i = 0; i < spec.hidden().size(); i++) {
            int width = spec.hidden().get(i);
            DenseLayer.Builder dense =
                    new DenseLayer.Builder()
                            .nIn(fanIn)
                            .nOut(width)
                            .activation(Activation.RELU)
                            .weightInit(WeightInit.RELU);
            // DL4J applies a layer's dropout to its input: from the second layer on, that input is the
            // previous hidden layer's output, which is where dropout belongs (not on raw features).
            if (dropout && i > 0) {
                dense.dropOut(spec.dropoutKeep());
            }
            layers.layer(dense.build());
            fanIn = width;
        }
        OutputLayer.Builder output =
                head == OutputHead.SOFTMAX
                        ? new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        : new OutputLayer.Builder(new DistillationLoss(DistillationLoss.DEFAULT_TEMPERATURE, 0.0))
                                .activation(Activation.IDENTITY);
        output.nIn(fanIn).nOut(spec.classes()).weightInit(WeightInit.XAVIER);
        if (dropout && !spec.hidden().isEmpty()) {
            output.dropOut(spec.dropoutKeep());
        }
        layers.layer(output.build());
        MultiLayerNetwork net = new MultiLayerNetwork(layers.build());
        net.init();
        if (init == Initialisation.UNIFORM_FAN_IN) {
            drawUniform(net, spec);
        }
        return new Classifier(spec, head, net, 0L);
    }

    /** Redraws every layer's weights and biases uniformly in +-1/sqrt(fanIn), seeded by the spec. */
    private static void drawUniform(MultiLayerNetwork net, MlpSpec spec) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        for (int i = 0; i < net.getnLayers(); i++) {
            INDArray weights = net.getLayer(i).getParam("W");
            int fanIn = (int) weights.size(0);
            for (INDArray param : List.of(weights, net.getLayer(i).getParam("b"))) {
                float[] values = new float[(int) param.length()];
                Initialisation.fillUniform(values, fanIn, random);
                param.assign(Nd4j.createFromArray(values).reshape(param.ordering(), param.shape()));
            }
        }
    }

    /** The specification this classifier was built from. */
    public MlpSpec spec() {
        return spec;
    }

    /** The output head this classifier was built with. */
    public OutputHead head() {
        return head;
    }

    /** Number of layers with parameters: the hidden layers plus the output layer. */
    public int layerCount() {
        return net.getnLayers();
    }

    /** Number of training steps (minibatch updates) taken since {@link #create}, kept by copies and files. */
    public long version() {
        return version;
    }

    /** Number of trainable parameters (weights and biases). */
    public long parameterCount() {
        return net.numParams();
    }

    /**
     * Class probabilities and predicted classes for a batch, in inference mode (no dropout). Does not
     * change the classifier's parameters or version.
     *
     * @param features {@code [samples][inputs]}, at least one sample, all values finite
     * @throws IllegalArgumentException if {@code features} is null, empty, ragged, has a row whose
     *     length is not {@code spec().inputs()}, or holds a non-finite value
     */
    public synchronized Predictions predict(float[][] features) {
        checkFeatures(features);
        int n = features.length;
        int classes = spec.classes();
        float[][] probabilities = inferenceLogits(features);
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            float[] row = probabilities[i];
            softmaxInPlace(row);
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            predicted[i] = best;
        }
        return new Predictions(probabilities, predicted);
    }

    /**
     * Takes exactly one Adam step on this minibatch and returns its loss: the mean cross-entropy of
     * the batch, computed in the forward pass before the step. Increments {@link #version()}.
     *
     * @param features {@code [samples][inputs]}, at least one sample, all values finite
     * @param labels class index per sample, each in {@code [0, spec().classes())}
     * @return the minibatch loss (mean cross-entropy, in nats)
     * @throws IllegalArgumentException if the arrays are null, empty or of different lengths, a
     *     feature row does not have {@code spec().inputs()} values or holds a non-finite value, or a
     *     label is out of range; the classifier is unchanged in that case
     */
    public synchronized double train(float[][] features, int[] labels) {
        checkFeatures(features);
        if (labels == null) {
            throw new IllegalArgumentException("labels must be non-null");
        }
        if (labels.length != features.length) {
            throw new IllegalArgumentException(
                    "labels has " + labels.length + " entries but features has " + features.length
                            + " rows; they must be equal");
        }
        int classes = spec.classes();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "labels[" + i + "] = " + labels[i] + " is out of range; labels must be in [0, "
                                + classes + ")");
            }
        }
        if (head == OutputHead.LOGITS) {
            return train(TrainingBatch.labelled(features, labels));
        }
        trainInput = stage(features, trainInput);
        if (trainStep != null) {
            double loss = trainStep.step(trainInput, labels, null, null, DistillationLoss.DEFAULT_TEMPERATURE, 0.0, frozen,
                    inferencePass, reusableRows(features));
            version++;
            return loss;
        }
        trainLabels = stageOneHot(labels, trainLabels);
        fit(trainInput, trainLabels);
        version++;
        return net.score();
    }

    /**
     * Raw outputs of the output layer for a batch, in inference mode: the logits for the
     * {@link OutputHead#LOGITS} head, and the log-probabilities for the {@link OutputHead#SOFTMAX}
     * head (the logits up to a constant per row, which no softmax can tell apart).
     *
     * @param features as for {@link #predict}
     * @return {@code [samples][classes]}, owned by the caller
     * @throws IllegalArgumentException as for {@link #predict}
     */
    public synchronized float[][] logits(float[][] features) {
        checkFeatures(features);
        float[][] rows = inferenceLogits(features);
        if (head == OutputHead.SOFTMAX) {
            for (float[] row : rows) {
                softmaxInPlace(row);
                for (int c = 0; c < row.length; c++) {
                    row[c] = (float) Math.log(Math.max(row[c], Float.MIN_NORMAL));
                }
            }
        }
        return rows;
    }

    /**
     * The output layer's pre-activation for a batch in inference mode, by hand from the parameters:
     * ReLU(x W + b) per hidden layer, then x W + b, in one scratch workspace. The same numbers as the
     * network's own inference pass (dropout is off in inference, and the softmax head's activation
     * comes after), without its per-call layer machinery, which costs more than the matrix products
     * at the learner's batch sizes.
     */
    private float[][] inferenceLogits(float[][] features) {
        float[][] rows = new float[features.length][];
        if (inferencePass != null) {
            forwardInput = stage(features, forwardInput);
            forwardVersion = version;
            readRows(inferencePass.logits(forwardInput), rows, spec.classes());
            return rows;
        }
        predictInput = stage(features, predictInput);
        try (MemoryWorkspace ignored = Scratch.forward()) {
            readRows(outputForward(hiddenForward(predictInput)), rows, spec.classes());
        }
        return rows;
    }

    /**
     * The penultimate features and the pre-softmax logits of a batch, in inference mode (no
     * dropout), for both heads. Does not change the classifier.
     *
     * @param features as for {@link #predict}
     * @return the activations, owned by the caller
     * @throws IllegalArgumentException as for {@link #predict}
     */
    public synchronized Activations activations(float[][] features) {
        checkFeatures(features);
        predictInput = stage(features, predictInput);
        int n = features.length;
        float[][] h = new float[n][];
        float[][] z = new float[n][];
        try (MemoryWorkspace ignored = Scratch.forward()) {
            INDArray hidden = hiddenForward(predictInput);
            INDArray logits = outputForward(hidden);
            readRows(hidden, h, (int) hidden.columns());
            readRows(logits, z, spec.classes());
        }
        return new Activations(h, z);
    }

    /**
     * The outputs of every hidden layer for a batch, in inference mode; the last one is
     * {@link Activations#penultimate()}. Does not change the classifier.
     *
     * @param features as for {@link #predict}
     * @return {@code [layer][samples][width of that layer]}; empty for a network without hidden layers
     * @throws IllegalArgumentException as for {@link #predict}
     */
    public synchronized float[][][] hiddenActivations(float[][] features) {
        checkFeatures(features);
        predictInput = stage(features, predictInput);
        float[][][] out = new float[spec.hidden().size()][][];
        try (MemoryWorkspace ignored = Scratch.forward()) {
            INDArray a = predictInput;
            for (int i = 0; i < out.length; i++) {
                a = layerForward(i, a);
                out[i] = new float[features.length][];
                readRows(a, out[i], spec.hidden().get(i));
            }
        }
        return out;
    }

    /**
     * Pre-softmax logits of {@code passes} stochastic forward passes with dropout on the output of
     * every hidden layer (Monte Carlo dropout), computed in one pass over the batch tiled
     * {@code passes} times. The first hidden layer's pre-dropout output is the same in every pass,
     * so it is computed once and tiled; for the default network that removes most of the work. Dropout is inverted (kept units are scaled by {@code 1 / keep}), as in
     * training; the masks come from a native generator seeded with {@code seed}, so the result is reproducible. The parameters
     * are not changed.
     *
     * <p>Use {@code keep = spec().dropoutKeep()} for a network trained with dropout. For a network
     * trained without it ({@link MlpSpec#DEFAULT_DROPOUT_KEEP}), a keep probability such as 0.9
     * still gives a useful spread, though the approximation of Gal and Ghahramani assumes dropout
     * in training as well.
     *
     * @param features as for {@link #predict}
     * @param passes number of stochastic passes, at least 1
     * @param keep probability of keeping a hidden unit, in (0, 1]
     * @param seed seed of the dropout masks
     * @return {@code [passes * samples][classes]}: row {@code p * samples + i} is pass {@code p} on
     *     sample {@code i}
     * @throws IllegalArgumentException as for {@link #predict}, or if {@code passes < 1}, {@code keep}
     *     is outside (0, 1], or the network has no hidden layer
     */
    public synchronized float[][] dropoutLogits(float[][] features, int passes, double keep, long seed) {
        checkFeatures(features);
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        }
        if (!(keep > 0.0 && keep <= 1.0)) {
            throw new IllegalArgumentException("keep (probability of keeping a unit) must be in (0, 1], got " + keep);
        }
        if (spec.hidden().isEmpty()) {
            throw new IllegalArgumentException("Monte Carlo dropout needs at least one hidden layer; the spec has none");
        }
        predictInput = stage(features, predictInput);
        float[][] rows = new float[features.length * passes][];
        try (MemoryWorkspace ignored = Scratch.forward();
             org.nd4j.linalg.api.rng.Random random = Nd4j.getRandomFactory().getNewRandomInstance(seed)) {
            // Dropout acts on hidden outputs only, so the first layer is the same in every pass: compute
            // it once for the batch, then tile its output and run the rest of the network once.
            INDArray first = layerForward(0, predictInput);
            INDArray a = first;
            if (passes > 1) {
                // Concatenating T references is about ten times faster than Nd4j.tile here.
                INDArray[] copies = new INDArray[passes];
                Arrays.fill(copies, first);
                a = Nd4j.concat(0, copies);
            }
            dropOutInPlace(a, keep, random);
            for (int i = 1; i < spec.hidden().size(); i++) {
                a = layerForward(i, a);
                dropOutInPlace(a, keep, random);
            }
            readRows(outputForward(a), rows, spec.classes());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not release the dropout random generator", e);
        }
        return rows;
    }

    /** The hidden layers by hand from the network's parameters, in inference mode. */
    private INDArray hiddenForward(INDArray x) {
        INDArray a = x;
        for (int i = 0; i < spec.hidden().size(); i++) {
            a = layerForward(i, a);
        }
        return a;
    }

    /** ReLU(x W + b) of hidden layer {@code i}. */
    private INDArray layerForward(int i, INDArray x) {
        return Transforms.relu(affine(i, x), false);
    }

    private INDArray outputForward(INDArray hidden) {
        return affine(net.getnLayers() - 1, hidden);
    }

    /**
     * x W + b of layer {@code i}, by gemm into a new array of the active scratch workspace (an
     * allocating {@code mmul} took about 1.45 times as long for the Monte Carlo dropout pass).
     */
    private INDArray affine(int i, INDArray x) {
        INDArray w = net.getLayer(i).getParam("W");
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.rows(), w.columns());
        Nd4j.gemm(x, w, out, false, false, 1.0, 0.0);
        return out.addiRowVector(net.getLayer(i).getParam("b"));
    }

    /**
     * Inverted dropout in place: each value kept (and scaled by 1 / keep) with probability keep,
     * else 0, in one native pass (a separate Bernoulli mask and two multiplies cost about five
     * times as much).
     */
    private static void dropOutInPlace(INDArray a, double keep, org.nd4j.linalg.api.rng.Random random) {
        if (keep < 1.0) {
            Nd4j.getExecutioner().exec(new DropOutInverted(a, a, keep), random);
        }
    }


    /**
     * Takes exactly one Adam step on {@code batch} with {@link DistillationLoss} and returns the
     * minibatch loss computed before the step. Increments {@link #version()}. A batch with hard
     * labels only is accepted by both heads; soft targets, unlabelled samples ({@code -1}) and
     * class masks need the {@link OutputHead#LOGITS} head.
     *
     * @throws IllegalArgumentException if a shape or value is invalid (see {@link #train(float[][],
     *     int[])} and {@link TrainingBatch}), or a class mask allows no class, or a label is masked
     *     out, or no sample is labelled and there are no soft targets; the classifier is unchanged in
     *     that case
     * @throws IllegalStateException if the batch needs the {@link OutputHead#LOGITS} head and this
     *     classifier has the {@link OutputHead#SOFTMAX} head
     */
    public synchronized double train(TrainingBatch batch) {
        if (batch == null) {
            throw new IllegalArgumentException("batch must be non-null");
        }
        boolean plain = batch.softTargets() == null && batch.classMask() == null;
        for (int label : batch.labels()) {
            plain &= label >= 0;
        }
        if (head == OutputHead.SOFTMAX) {
            if (!plain) {
                throw new IllegalStateException(
                        "soft targets, unlabelled samples and class masks need the LOGITS head; this"
                                + " classifier has the SOFTMAX head");
            }
            return train(batch.features(), batch.labels());
        }
        float[][] features = batch.features();
        checkFeatures(features);
        int n = features.length;
        int classes = spec.classes();
        int[] labels = batch.labels();
        float[][] soft = batch.softTargets();
        float[][] mask = batch.classMask();
        for (int i = 0; i < n; i++) {
            if (labels[i] < -1 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "labels[" + i + "] = " + labels[i] + " is out of range; labels must be in [0, " + classes
                                + ") or -1 (unlabelled)");
            }
            if (soft != null) {
                if (soft[i] == null || soft[i].length != classes) {
                    throw new IllegalArgumentException("softTargets[" + i + "] must have " + classes + " values");
                }
                for (int c = 0; c < classes; c++) {
                    if (!(soft[i][c] >= 0f && soft[i][c] <= 1f)) {
                        throw new IllegalArgumentException(
                                "softTargets[" + i + "][" + c + "] = " + soft[i][c] + "; probabilities must be in [0, 1]");
                    }
                }
            }
            if (mask != null) {
                float[] m = mask[i];
                if (m == null || m.length != classes) {
                    throw new IllegalArgumentException("classMask[" + i + "] must have " + classes + " values");
                }
                boolean any = false;
                for (float v : m) {
                    any |= v != 0f;
                }
                if (!any || (labels[i] >= 0 && m[labels[i]] == 0f)) {
                    throw new IllegalArgumentException(
                            "classMask[" + i + "] must allow at least one class, including the label " + labels[i]);
                }
            }
        }
        if (soft == null) {
            boolean anyLabel = false;
            for (int label : labels) {
                anyLabel |= label >= 0;
            }
            if (!anyLabel) {
                throw new IllegalArgumentException(
                        "a batch with no labelled sample and no soft targets has no loss to train on");
            }
        }
        DistillationLoss loss =
                (DistillationLoss) ((BaseOutputLayer) net.getLayer(net.getnLayers() - 1).conf().getLayer())
                        .getLossFn();
        loss.setTemperature(batch.temperature());
        loss.setLambda(batch.lambda());
        trainInput = stage(features, trainInput);
        if (trainStep != null) {
            double value = trainStep.step(trainInput, labels, soft, mask, batch.temperature(), batch.lambda(), frozen,
                    inferencePass, reusableRows(features));
            version++;
            return value;
        }
        trainLabels = stageTargets(labels, soft, mask, trainLabels);
        fit(trainInput, trainLabels);
        version++;
        return net.score();
    }

    /**
     * Sets the learning rate of each layer to {@code scales[layer] * spec().learningRate()}. A scale of
     * 0 freezes the layer: its parameters stay exactly as they are (the gradients are still
     * computed). Kept by {@link #copy()} and {@link #save(Path)}.
     *
     * @param scales one value per layer (see {@link #layerCount()}), each finite and in [0, 1]
     * @throws IllegalArgumentException if the length or a value is out of range
     */
    public synchronized void setLearningRateScales(double... scales) {
        if (scales == null || scales.length != net.getnLayers()) {
            throw new IllegalArgumentException(
                    "need one scale per layer (" + net.getnLayers() + "), got "
                            + (scales == null ? "null" : Integer.toString(scales.length)));
        }
        for (int i = 0; i < scales.length; i++) {
            if (!(scales[i] >= 0 && scales[i] <= 1)) {
                throw new IllegalArgumentException("scales[" + i + "] must be in [0, 1], got " + scales[i]);
            }
        }
        for (int i = 0; i < scales.length; i++) {
            net.setLearningRate(i, scales[i] * spec.learningRate());
            frozen[i] = scales[i] == 0.0;
        }
    }

    /**
     * One optimiser step. A learning rate of 0 does not leave Deeplearning4j's Adam step exactly 0
     * (measured: parameters drift by about 1e-7 per step), so frozen layers are copied before the
     * step and written back after it: frozen means bit-for-bit unchanged. Their gradients are still
     * computed; a {@code FrozenLayer} network would skip them, but could not be unfrozen for a
     * warm-up that ends.
     */
    private void fit(INDArray input, INDArray labels) {
        INDArray[] saved = null;
        for (int i = 0; i < frozen.length; i++) {
            if (frozen[i]) {
                if (saved == null) {
                    saved = new INDArray[frozen.length];
                }
                saved[i] = net.getLayer(i).params().dup();
            }
        }
        net.fit(input, labels);
        if (saved != null) {
            for (int i = 0; i < saved.length; i++) {
                if (saved[i] != null) {
                    net.getLayer(i).params().assign(saved[i]);
                }
            }
        }
    }

    /** The current learning rate of each layer divided by {@code spec().learningRate()}. */
    public synchronized double[] learningRateScales() {
        double[] out = new double[net.getnLayers()];
        for (int i = 0; i < out.length; i++) {
            out[i] = net.getLearningRate(i) / spec.learningRate();
        }
        return out;
    }

    /**
     * A copy of the parameters of one layer: the weights ({@code [fanIn x fanOut]}, column-major),
     * then the {@code fanOut} biases. For tests and diagnostics; it copies.
     *
     * @param layer in {@code [0, layerCount())}
     * @throws IllegalArgumentException if {@code layer} is out of range
     */
    public synchronized float[] layerParameters(int layer) {
        if (layer < 0 || layer >= net.getnLayers()) {
            throw new IllegalArgumentException(
                    "layer must be in [0, " + net.getnLayers() + "), got " + layer);
        }
        return net.getLayer(layer).params().dup().data().asFloat();
    }

    /**
     * A deep copy: parameters, Adam state and version. Training either one afterwards does not affect
     * the other. Use it to serve predictions from another thread, or as a frozen teacher.
     */
    public synchronized Classifier copy() {
        return new Classifier(spec, head, net.clone(), version);
    }

    /**
     * A deep copy, as {@link #copy()}, that carries {@code newVersion} instead of this version. A
     * rollback to an older model uses it so that version numbers keep increasing: the old
     * parameters come back under a new version.
     *
     * @throws IllegalArgumentException if {@code newVersion < 0}
     */
    public synchronized Classifier copyAsVersion(long newVersion) {
        if (newVersion < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + newVersion);
        }
        return new Classifier(spec, head, net.clone(), newVersion);
    }

    /**
     * Writes this classifier (configuration, parameters, Adam state, spec and version) to
     * {@code file}, atomically replacing any existing file. See the class documentation for the
     * format.
     *
     * @throws IOException if the file cannot be written; an existing file is then left unchanged
     */
    public synchronized void save(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // Parameters plus two Adam moments, four bytes each, before compression.
        ByteArrayOutputStream model =
                new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8L, 12L * net.numParams() + 65536));
        ModelSerializer.writeModel(net, model, true);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ZipOutputStream zip =
                        new ZipOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
                copyEntries(new ByteArrayInputStream(model.toByteArray()), zip);
                zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
                zip.write(metadata().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.finish();
                zip.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a classifier written by {@link #save(Path)}, with its Adam state and version: training
     * the loaded classifier continues exactly as training the saved one would have.
     *
     * @throws IOException if the file cannot be read, or was not written by {@link #save(Path)}
     */
    public static Classifier load(Path file) throws IOException {
        Properties meta = new Properties();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(METADATA_ENTRY);
            if (entry == null) {
                throw new IOException(
                        file + " is not a classifier file written by Classifier.save: entry " + METADATA_ENTRY
                                + " is missing");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                meta.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        MlpSpec spec;
        long version;
        OutputHead head;
        try {
            if (!FORMAT.equals(meta.getProperty("format"))) {
                throw new IOException(
                        file + ": unsupported classifier file format " + meta.getProperty("format")
                                + "; this version reads format " + FORMAT);
            }
            List<Integer> hidden = new ArrayList<>();
            String widths = meta.getProperty("hidden", "").trim();
            if (!widths.isEmpty()) {
                for (String w : widths.split(",")) {
                    hidden.add(Integer.parseInt(w.trim()));
                }
            }
            spec =
                    new MlpSpec(
                            Integer.parseInt(meta.getProperty("inputs")),
                            hidden,
                            Integer.parseInt(meta.getProperty("classes")),
                            Double.parseDouble(meta.getProperty("learningRate")),
                            Double.parseDouble(meta.getProperty("dropoutKeep")),
                            Long.parseLong(meta.getProperty("seed")));
            version = Long.parseLong(meta.getProperty("version"));
            head = OutputHead.valueOf(meta.getProperty("head", OutputHead.SOFTMAX.name()));
        } catch (RuntimeException e) {
            throw new IOException(file + ": malformed " + METADATA_ENTRY + ": " + e.getMessage(), e);
        }
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        if (net.numParams() != spec.parameterCount()) {
            throw new IOException(
                    file + ": network has " + net.numParams() + " parameters but its spec " + spec
                            + " implies " + spec.parameterCount());
        }
        return new Classifier(spec, head, net, version);
    }

    @Override
    public String toString() {
        return "Classifier[" + spec + ", head=" + head + ", version=" + version + ", parameters=" + parameterCount() + "]";
    }

    /** The wrapped network, for tests and benchmarks in this package. */
    MultiLayerNetwork network() {
        return net;
    }

    private String metadata() throws IOException {
        Properties meta = new Properties();
        meta.setProperty("format", FORMAT);
        meta.setProperty("version", Long.toString(version));
        meta.setProperty("inputs", Integer.toString(spec.inputs()));
        StringBuilder hidden = new StringBuilder();
        for (int width : spec.hidden()) {
            if (hidden.length() > 0) {
                hidden.append(',');
            }
            hidden.append(width);
        }
        meta.setProperty("hidden", hidden.toString());
        meta.setProperty("classes", Integer.toString(spec.classes()));
        meta.setProperty("learningRate", Double.toString(spec.learningRate()));
        meta.setProperty("dropoutKeep", Double.toString(spec.dropoutKeep()));
        meta.setProperty("seed", Long.toString(spec.seed()));
        meta.setProperty("head", head.name());
        StringWriter out = new StringWriter();
        meta.store(out, "Mnemo classifier: spec and version (training steps taken)");
        return out.toString();
    }

    private static void copyEntries(InputStream source, ZipOutputStream target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(source)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                target.putNextEntry(new ZipEntry(entry.getName()));
                in.transferTo(target);
                target.closeEntry();
            }
        }
    }

    private void checkFeatures(float[][] features) {
        if (features == null) {
            throw new IllegalArgumentException("features must be non-null");
        }
        if (features.length == 0) {
            throw new IllegalArgumentException("features must hold at least one sample, got 0");
        }
        int inputs = spec.inputs();
        for (int i = 0; i < features.length; i++) {
            float[] row = features[i];
            if (row == null || row.length != inputs) {
                throw new IllegalArgumentException(
                        "features[" + i + "] has " + (row == null ? "no" : Integer.toString(row.length))
                                + " values; every row must have exactly " + inputs + " (the spec's inputs)");
            }
            if (nonFinite(row)) {
                for (int j = 0; j < inputs; j++) {
                    if (!Float.isFinite(row[j])) {
                        throw new IllegalArgumentException(
                                "features[" + i + "][" + j + "] = " + row[j] + "; features must be finite");
                    }
                }
            }
        }
    }

    /**
     * Whether a row holds NaN or an infinity (exponent bits all ones), without a branch per value so
     * that the loop vectorises: every training and prediction call checks every feature, and the
     * plain loop cost about a fifth of a step's Java time.
     */
    private static boolean nonFinite(float[] row) {
        int flags = 0;
        for (float value : row) {
            // 0x7f800000 + 0x00800000 carries into the sign bit exactly when the exponent is all ones.
            flags |= (Float.floatToRawIntBits(value) & 0x7f800000) + 0x00800000;
        }
        return flags < 0;
    }

    /**
     * How many leading rows of a training batch the last inference pass computed on these same
     * parameters, value for value (a prequential learner predicts a chunk, then trains on it), so
     * that the step can take their layer outputs instead of computing them again. Comparing the
     * values costs a few microseconds a row; the forward pass it saves, about a third of a step.
     */
    int reusableRows(float[][] features) {
        if (forwardInput == null || forwardVersion != version) {
            return 0;
        }
        int width = spec.inputs();
        int max = Math.min(features.length, (int) forwardInput.rows());
        FloatBuffer staged = forwardInput.data().asNioFloat();
        int base = (int) forwardInput.offset();
        int k = 0;
        while (k < max && FloatBuffer.wrap(features[k]).equals(staged.slice(base + k * width, width))) {
            k++;
        }
        return k;
    }

    /** Copies checked rows into {@code reuse} when its shape fits, else into a new array. */
    private INDArray stage(float[][] rows, INDArray reuse) {
        if (!hostMemory) {
            return Nd4j.create(rows);
        }
        int n = rows.length;
        int width = rows[0].length;
        INDArray target = reuse;
        if (target == null || target.rows() != n) {
            target = Nd4j.createUninitialized(DataType.FLOAT, n, width);
        }
        FloatBuffer buffer = target.data().asNioFloat();
        for (int i = 0; i < n; i++) {
            buffer.put(i * width, rows[i], 0, width);
        }
        return target;
    }

    private INDArray stageOneHot(int[] labels, INDArray reuse) {
        int n = labels.length;
        int classes = spec.classes();
        if (oneHot == null || oneHot.length != n * classes) {
            oneHot = new float[n * classes];
        } else {
            Arrays.fill(oneHot, 0f);
        }
        for (int i = 0; i < n; i++) {
            oneHot[i * classes + labels[i]] = 1f;
        }
        if (!hostMemory) {
            return Nd4j.create(oneHot, new long[] {n, classes}, DataType.FLOAT);
        }
        INDArray target = reuse;
        if (target == null || target.rows() != n) {
            target = Nd4j.createUninitialized(DataType.FLOAT, n, classes);
        }
        target.data().asNioFloat().put(0, oneHot, 0, oneHot.length);
        return target;
    }

    /**
     * Stages {@code [one-hot | soft targets]} rows, {@code 2C} wide; label -1 gives a zero hard part,
     * and a class the mask excludes is written as -1 in the hard part (see {@link DistillationLoss}).
     */
    private INDArray stageTargets(int[] labels, float[][] soft, float[][] mask, INDArray reuse) {
        int n = labels.length;
        int classes = spec.classes();
        int width = 2 * classes;
        if (targetStage == null || targetStage.length != n * width) {
            targetStage = new float[n * width];
        } else {
            Arrays.fill(targetStage, 0f);
        }
        for (int i = 0; i < n; i++) {
            if (mask != null) {
                for (int c = 0; c < classes; c++) {
                    if (mask[i][c] == 0f) {
                        targetStage[i * width + c] = -1f;
                    }
                }
            }
            if (labels[i] >= 0) {
                targetStage[i * width + labels[i]] = 1f;
            }
            if (soft != null) {
                System.arraycopy(soft[i], 0, targetStage, i * width + classes, classes);
            }
        }
        if (!hostMemory) {
            return Nd4j.create(targetStage, new long[] {n, width}, DataType.FLOAT);
        }
        INDArray target = reuse;
        if (target == null || target.rows() != n || target.columns() != width) {
            target = Nd4j.createUninitialized(DataType.FLOAT, n, width);
        }
        target.data().asNioFloat().put(0, targetStage, 0, targetStage.length);
        return target;
    }

    private static void softmaxInPlace(float[] row) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[row.length];
        for (int c = 0; c < row.length; c++) {
            e[c] = Math.exp(row[c] - max);
            sum += e[c];
        }
        for (int c = 0; c < row.length; c++) {
            row[c] = (float) (e[c] / sum);
        }
    }

    /** Reads a {@code [n][width]} float matrix into Java rows; bulk reads where the layout allows. */
    private static void readRows(INDArray matrix, float[][] rows, int width) {
        INDArray source = matrix;
        if (source.dataType() != DataType.FLOAT || source.ordering() != 'c' || source.isView()) {
            source = matrix.castTo(DataType.FLOAT).dup('c');
        }
        FloatBuffer buffer = source.data().asNioFloat();
        int offset = (int) source.offset();
        for (int i = 0; i < rows.length; i++) {
            float[] row = new float[width];
            buffer.get(offset + i * width, row, 0, width);
            rows[i] = row;
        }
    }
}
