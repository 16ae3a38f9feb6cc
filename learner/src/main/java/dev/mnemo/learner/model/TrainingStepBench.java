package dev.mnemo.learner.model;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Throughput benchmark of {@link Classifier#train} and {@link Classifier#predict}, with a dense
 * matrix-multiply reference measured in the same run.
 *
 * <p>For each batch size it builds a fresh classifier, warms it up, then runs back-to-back
 * training steps (and then predict calls) over a pool of samples for a fixed time and reports
 * samples per second. In the same process it times {@code Nd4j.gemm} on preallocated float
 * {@code 1024 x 1024} matrices ({@code 2 * 1024^3} floating-point operations per call) as the
 * attainable compute peak, and reports each throughput as a fraction of it (a roofline fraction).
 * A training step is counted as {@code 6 * batch * MACs} floating-point operations and a forward
 * pass as {@code 2 * batch * MACs}, where MACs is {@link MlpSpec#multiplyAddsPerSample()}: the
 * usual count of one multiply-add per weight in the forward pass and two in the backward pass.
 *
 * <h2>Data</h2>
 * The timing does not depend on the values, only on the shapes, so {@link #main} uses uniform
 * random features in {@code [0, 1)} and random labels with the shape of the named data set
 * ({@code mnist} and {@code fashion-mnist}: 784 features, 10 classes; {@code digits}: 64 features,
 * 10 classes; {@code synthetic-shape}: {@code --inputs} and {@code --classes}). To time real data,
 * call {@link #run(Options, Samples, PrintStream)} with {@link Samples} built from a loaded data
 * set.
 *
 * <h2>Usage</h2>
 * Run with {@code OMP_NUM_THREADS} set to the number of cores to use (1 on a shared 2-core
 * machine); it must be set before the JVM starts.
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -cp ... dev.mnemo.learner.model.TrainingStepBench \
 *     --dataset fashion-mnist --batch 128,256 --seconds 10 --hidden 256,128 --json bench.json
 * }</pre>
 * Options: {@code --dataset fashion-mnist|mnist|digits|synthetic-shape} (default
 * {@code fashion-mnist}), {@code --batch} one or more comma-separated batch sizes (default 128),
 * {@code --seconds} measured seconds per phase (default 10), {@code --warmup} warm-up seconds per
 * phase (default 3), {@code --hidden} comma-separated hidden widths (default 256,128),
 * {@code --inputs} and {@code --classes} (synthetic-shape only), {@code --samples} pool size
 * (default 8192), {@code --seed} (default 42), {@code --json FILE} to also write the results as
 * JSON.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>S. Williams, A. Waterman and D. Patterson, "Roofline: An Insightful Visual Performance
 *       Model for Multicore Architectures", Communications of the ACM 52(4), 2009.</li>
 * </ul>
 */
public final class TrainingStepBench {

    private static final int GEMM_SIZE = 1024;

    private TrainingStepBench() {}

    /**
     * The samples to run on: a pool that the benchmark cycles through in consecutive batches.
     *
     * @param name data set name, for the report
     * @param features {@code [samples][inputs]}, at least one row, all rows the same length
     * @param labels class per sample, in {@code [0, classes)}
     * @param classes number of classes, at least 2
     */
    public record Samples(String name, float[][] features, int[] labels, int classes) {

        /** Checks that the arrays are consistent. */
        public Samples {
            if (name == null || features == null || labels == null) {
                throw new IllegalArgumentException("name, features and labels must be non-null");
            }
            if (features.length == 0 || features.length != labels.length) {
                throw new IllegalArgumentException(
                        "features (" + features.length + " rows) and labels (" + labels.length
                                + ") must be non-empty and of equal length");
            }
            if (classes < 2) {
                throw new IllegalArgumentException("classes must be >= 2, got " + classes);
            }
        }

        /** Number of features per sample. */
        public int inputs() {
            return features[0].length;
        }

        /**
         * {@code count} samples with uniform random features in {@code [0, 1)} and uniform random
         * labels: enough to time a network of a given shape, useless to learn from.
         */
        public static Samples random(String name, int count, int inputs, int classes, long seed) {
            if (count < 1 || inputs < 1 || classes < 2) {
                throw new IllegalArgumentException(
                        "need count >= 1, inputs >= 1, classes >= 2; got " + count + ", " + inputs + ", "
                                + classes);
            }
            SplittableRandom random = new SplittableRandom(seed);
            float[][] features = new float[count][inputs];
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < inputs; j++) {
                    features[i][j] = (float) random.nextDouble();
                }
                labels[i] = random.nextInt(classes);
            }
            return new Samples(name, features, labels, classes);
        }
    }

    /**
     * Benchmark settings.
     *
     * @param dataset data set name ({@code fashion-mnist}, {@code mnist}, {@code digits} or
     *     {@code synthetic-shape})
     * @param batches batch sizes to measure, each at least 1
     * @param seconds measured seconds per phase, positive
     * @param warmupSeconds warm-up seconds per phase, not negative
     * @param hidden hidden layer widths
     * @param inputs features per sample for {@code synthetic-shape}
     * @param classes classes for {@code synthetic-shape}
     * @param samples size of the random sample pool
     * @param seed seed of the random samples and of the network
     * @param json where to write the JSON report, or null
     */
    public record Options(
            String dataset,
            List<Integer> batches,
            double seconds,
            double warmupSeconds,
            List<Integer> hidden,
            int inputs,
            int classes,
            int samples,
            long seed,
            Path json) {

        /** Checks the values. */
        public Options {
            if (!List.of("fashion-mnist", "mnist", "digits", "synthetic-shape").contains(dataset)) {
                throw new IllegalArgumentException(
                        "--dataset must be one of fashion-mnist, mnist, digits, synthetic-shape; got "
                                + dataset);
            }
            batches = List.copyOf(batches);
            if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("--batch sizes must be >= 1, got " + batches);
            }
            if (!(seconds > 0) || !(warmupSeconds >= 0)) {
                throw new IllegalArgumentException(
                        "--seconds must be > 0 and --warmup >= 0, got " + seconds + " and " + warmupSeconds);
            }
            hidden = List.copyOf(hidden);
            if (samples < 1) {
                throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
            }
        }

        /** Parses command-line arguments (see the class documentation). */
        public static Options parse(String... args) {
            String dataset = "fashion-mnist";
            List<Integer> batches = List.of(128);
            double seconds = 10;
            double warmup = 3;
            List<Integer> hidden = MlpSpec.DEFAULT_HIDDEN;
            int inputs = 784;
            int classes = 10;
            int samples = 8192;
            long seed = MlpSpec.DEFAULT_SEED;
            Path json = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--dataset" -> dataset = value;
                    case "--batch" -> batches = parseInts(value);
                    case "--seconds" -> seconds = Double.parseDouble(value);
                    case "--warmup" -> warmup = Double.parseDouble(value);
                    case "--hidden" -> hidden = value.isBlank() ? List.of() : parseInts(value);
                    case "--inputs" -> inputs = Integer.parseInt(value);
                    case "--classes" -> classes = Integer.parseInt(value);
                    case "--samples" -> samples = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--json" -> json = Path.of(value);
                    default -> throw new IllegalArgumentException(
                            "unknown option " + flag + "; known: --dataset --batch --seconds --warmup --hidden"
                                    + " --inputs --classes --samples --seed --json");
                }
            }
            return new Options(
                    dataset, batches, seconds, warmup, hidden, inputs, classes, samples, seed, json);
        }

        /** Random samples with the shape of {@link #dataset()}. */
        public Samples randomSamples() {
            return switch (dataset) {
                case "mnist", "fashion-mnist" ->
                        Samples.random(dataset + " (random values)", samples, 784, 10, seed);
                case "digits" -> Samples.random("digits (random values)", samples, 64, 10, seed);
                default -> Samples.random("synthetic-shape", samples, inputs, classes, seed);
            };
        }

        /** Comma-separated integers, such as {@code --batch 32,128} or {@code --hidden 400,400}; shared by the step benches. */
        public static List<Integer> parseInts(String csv) {
            List<Integer> out = new ArrayList<>();
            for (String part : csv.split(",")) {
                out.add(Integer.parseInt(part.trim()));
            }
            return out;
        }
    }

    /**
     * Throughput at one batch size.
     *
     * @param batch samples per call
     * @param trainSamplesPerSecond samples per second through {@link Classifier#train}
     * @param trainStepMillis mean milliseconds per training step
     * @param trainRooflineFraction training FLOP/s over gemm FLOP/s
     * @param predictSamplesPerSecond samples per second through {@link Classifier#predict}
     * @param predictRooflineFraction forward-pass FLOP/s over gemm FLOP/s
     * @param finalLoss loss of the last measured training step
     */
    public record BatchResult(
            int batch,
            double trainSamplesPerSecond,
            double trainStepMillis,
            double trainRooflineFraction,
            double predictSamplesPerSecond,
            double predictRooflineFraction,
            double finalLoss) {}

    /**
     * The whole report.
     *
     * @param dataset name of the samples used
     * @param spec network measured (the seed is the only varying part)
     * @param parameters trainable parameters
     * @param flopsPerSampleTrain floating-point operations per sample of a training step
     * @param gemmGflops {@code Nd4j.gemm} float {@code 1024^2} GFLOP/s
     * @param ompThreads the {@code OMP_NUM_THREADS} environment value, or "unset"
     * @param batches one result per batch size
     */
    public record Report(
            String dataset,
            MlpSpec spec,
            long parameters,
            long flopsPerSampleTrain,
            double gemmGflops,
            String ompThreads,
            List<BatchResult> batches) {

        /** The report as a JSON object. */
        public String toJson() {
            StringBuilder out = new StringBuilder(512);
            out.append("{\n");
            out.append("  \"dataset\": ").append(quote(dataset)).append(",\n");
            out.append("  \"inputs\": ").append(spec.inputs()).append(",\n");
            out.append("  \"hidden\": ").append(spec.hidden()).append(",\n");
            out.append("  \"classes\": ").append(spec.classes()).append(",\n");
            out.append("  \"parameters\": ").append(parameters).append(",\n");
            out.append("  \"flopsPerSampleTrain\": ").append(flopsPerSampleTrain).append(",\n");
            out.append("  \"gemmGflops\": ").append(number(gemmGflops)).append(",\n");
            out.append("  \"ompThreads\": ").append(quote(ompThreads)).append(",\n");
            out.append("  \"batches\": [");
            for (int i = 0; i < batches.size(); i++) {
                BatchResult b = batches.get(i);
                out.append(i == 0 ? "\n" : ",\n");
                out.append("    {\"batch\": ").append(b.batch())
                        .append(", \"trainSamplesPerSecond\": ").append(number(b.trainSamplesPerSecond()))
                        .append(", \"trainStepMillis\": ").append(number(b.trainStepMillis()))
                        .append(", \"trainRooflineFraction\": ").append(number(b.trainRooflineFraction()))
                        .append(", \"predictSamplesPerSecond\": ").append(number(b.predictSamplesPerSecond()))
                        .append(", \"predictRooflineFraction\": ").append(number(b.predictRooflineFraction()))
                        .append(", \"finalLoss\": ").append(number(b.finalLoss()))
                        .append('}');
            }
            out.append("\n  ]\n}\n");
            return out.toString();
        }

        private static String number(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
        }

        private static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /** Runs the benchmark on random samples shaped like {@code --dataset}; see the class javadoc. */
    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(options, options.randomSamples(), System.out);
    }

    /**
     * Measures {@code samples} with {@code options}, prints a summary to {@code log}, writes the
     * JSON report when {@link Options#json()} is set, and returns the report.
     */
    public static Report run(Options options, Samples samples, PrintStream log) throws IOException {
        String omp = System.getenv().getOrDefault("OMP_NUM_THREADS", "unset");
        if ("unset".equals(omp)) {
            log.println("warning: OMP_NUM_THREADS is unset; on a busy 2-core machine set it to 1");
        }
        MlpSpec spec =
                new MlpSpec(
                        samples.inputs(),
                        options.hidden(),
                        samples.classes(),
                        MlpSpec.DEFAULT_LEARNING_RATE,
                        MlpSpec.DEFAULT_DROPOUT_KEEP,
                        options.seed());
        long macs = spec.multiplyAddsPerSample();
        log.printf(
                Locale.ROOT,
                "data %s: %d samples x %d features, %d classes; network %d-%s-%d, %d parameters;"
                        + " OMP_NUM_THREADS=%s%n",
                samples.name(), samples.features().length, samples.inputs(), samples.classes(),
                spec.inputs(), spec.hidden(), spec.classes(), spec.parameterCount(), omp);

        double gemmFlops = gemmFlopsPerSecond(options.warmupSeconds(), Math.min(options.seconds(), 5));
        log.printf(Locale.ROOT, "sgemm %dx%d (preallocated output): %.1f GFLOP/s%n",
                GEMM_SIZE, GEMM_SIZE, gemmFlops / 1e9);

        List<BatchResult> results = new ArrayList<>();
        for (int batch : options.batches()) {
            float[][][] xs = batchesOf(samples.features(), batch);
            int[][] ys = labelBatchesOf(samples.labels(), batch);
            Classifier classifier = Classifier.create(spec);

            timeTrain(classifier, xs, ys, options.warmupSeconds());
            double[] train = timeTrain(classifier, xs, ys, options.seconds());
            double trainRate = train[0];
            double stepMillis = 1e3 * batch / trainRate;
            timePredict(classifier, xs, options.warmupSeconds());
            double predictRate = timePredict(classifier, xs, options.seconds());

            BatchResult result =
                    new BatchResult(
                            batch,
                            trainRate,
                            stepMillis,
                            trainRate * 6.0 * macs / gemmFlops,
                            predictRate,
                            predictRate * 2.0 * macs / gemmFlops,
                            train[1]);
            results.add(result);
            log.printf(
                    Locale.ROOT,
                    "batch %4d: train %9.0f samples/s (%.2f ms/step, %.1f GFLOP/s, %.0f%% of sgemm)"
                            + "  predict %9.0f samples/s (%.1f GFLOP/s, %.0f%% of sgemm)  loss %.3f%n",
                    batch, trainRate, stepMillis, trainRate * 6.0 * macs / 1e9,
                    100 * result.trainRooflineFraction(), predictRate, predictRate * 2.0 * macs / 1e9,
                    100 * result.predictRooflineFraction(), result.finalLoss());
        }
        Report report =
                new Report(samples.name(), spec, spec.parameterCount(), 6L * macs, gemmFlops / 1e9, omp,
                        results);
        if (options.json() != null) {
            Path parent = options.json().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(options.json(), report.toJson(), StandardCharsets.UTF_8);
            log.println("wrote " + options.json());
        }
        return report;
    }

    /** Returns {samples per second, last loss}. */
    private static double[] timeTrain(Classifier c, float[][][] xs, int[][] ys, double seconds) {
        long samples = 0;
        double loss = Double.NaN;
        int i = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now;
        do {
            loss = c.train(xs[i], ys[i]);
            samples += xs[i].length;
            i = i + 1 == xs.length ? 0 : i + 1;
            now = System.nanoTime();
        } while (now < deadline);
        return new double[] {samples / ((now - start) / 1e9), loss};
    }

    private static double timePredict(Classifier c, float[][][] xs, double seconds) {
        long samples = 0;
        long checksum = 0;
        int i = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now;
        do {
            checksum += c.predict(xs[i]).predictedClass()[0];
            samples += xs[i].length;
            i = i + 1 == xs.length ? 0 : i + 1;
            now = System.nanoTime();
        } while (now < deadline);
        if (checksum < 0) {
            throw new AssertionError("unreachable; keeps the predictions alive");
        }
        return samples / ((now - start) / 1e9);
    }

    /**
     * The reference compute peak of this machine: {@code Nd4j.gemm} on preallocated float
     * {@code 1024 x 1024} matrices, in floating-point operations per second, after a warm-up.
     *
     * @param warmupSeconds seconds of warm-up, not negative
     * @param seconds measured seconds, positive
     */
    public static double sgemmFlopsPerSecond(double warmupSeconds, double seconds) {
        if (!(seconds > 0) || !(warmupSeconds >= 0)) {
            throw new IllegalArgumentException(
                    "seconds must be > 0 and warmupSeconds >= 0, got " + seconds + " and " + warmupSeconds);
        }
        return gemmFlopsPerSecond(warmupSeconds, seconds);
    }

    private static double gemmFlopsPerSecond(double warmupSeconds, double seconds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
        INDArray b = Nd4j.rand(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
        double flopsPerCall = 2.0 * GEMM_SIZE * GEMM_SIZE * GEMM_SIZE;
        for (int phase = 0; phase < 2; phase++) {
            double budget = phase == 0 ? warmupSeconds : seconds;
            long calls = 0;
            long start = System.nanoTime();
            long deadline = start + (long) (budget * 1e9);
            long now;
            do {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                calls++;
                now = System.nanoTime();
            } while (now < deadline);
            if (phase == 1) {
                return calls * flopsPerCall / ((now - start) / 1e9);
            }
        }
        throw new AssertionError("unreachable");
    }

    private static float[][][] batchesOf(float[][] rows, int batch) {
        int count = Math.max(1, rows.length / batch);
        float[][][] out = new float[count][][];
        for (int k = 0; k < count; k++) {
            out[k] = new float[batch][];
            for (int i = 0; i < batch; i++) {
                out[k][i] = rows[(k * batch + i) % rows.length];
            }
        }
        return out;
    }

    private static int[][] labelBatchesOf(int[] labels, int batch) {
        int count = Math.max(1, labels.length / batch);
        int[][] out = new int[count][batch];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < batch; i++) {
                out[k][i] = labels[(k * batch + i) % labels.length];
            }
        }
        return out;
    }
}
