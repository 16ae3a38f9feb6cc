package dev.mnemo.learner.strategy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.TrainingStepBench;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Step throughput of {@link ContinualTrainer} configurations on a 784-400-400-10 network, with the
 * {@code Nd4j.gemm} reference of {@link TrainingStepBench} measured in the same run. It is Mnemo's
 * side of {@code ./mnemo bench step}; {@code bench/torch_step.py} is the PyTorch reference that
 * performs the same steps.
 *
 * <h2>Configurations</h2>
 * Built by {@link StrategySpec}, as the service builds them, for each stream batch size {@code B}:
 * <ul>
 *   <li>{@code fine-tune}: the stream batch only, softmax cross-entropy;</li>
 *   <li>{@code lwf}: the stream batch with LwF's distillation ({@code T = 2}, {@code lambda = 0.5}),
 *       the teacher's forward pass on the B rows;</li>
 *   <li>{@code replay}: the stream batch plus {@code B} rows replayed from a 4096-sample float32
 *       reservoir buffer, one step over {@code 2B} rows;</li>
 *   <li>{@code lwf+replay}: both, the teacher's forward pass on all {@code 2B} rows.</li>
 * </ul>
 * Each trainer first takes 40 steps (which fill the buffer), then a {@link ContinualTrainer#taskBoundary()}
 * (where LwF takes its teacher, so that every measured lwf step distils), then the warm-up. The
 * bench checks on the first measured step that each configuration trains on the rows it claims
 * and distils when it should. Random values: the timing depends only on the shapes.
 *
 * <h2>Figures</h2>
 * FLOPs per step: {@code 6 * rows * MACs} for the training step plus {@code 2 * rows * MACs} for the
 * teacher's forward pass, where rows = stream + replay samples and MACs is
 * {@link MlpSpec#multiplyAddsPerSample()}. On a shared machine the gemm reference and the
 * configurations are measured in interleaved rounds and the best round of each is reported (the
 * least disturbed one); the share of sgemm is the best step's FLOP/s over the best gemm's.
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -cp <test classpath> dev.mnemo.learner.strategy.ContinualStepBench \
 *     --seconds 5 --batches 32,128,512 --configs fine-tune,lwf,replay,lwf+replay --rounds 3 --json step.json
 * OMP_NUM_THREADS=1 java -cp <test classpath> dev.mnemo.learner.strategy.ContinualStepBench 5 128 128 3
 * }</pre>
 * The positional form {@code [seconds] [stream] [replay] [rounds] [hidden]} is the older one and
 * still works; {@code --help} lists the options.
 */
public final class ContinualStepBench {

    /** The configurations, by their {@link ContinualTrainer#name()}. */
    public static final List<String> CONFIGS = List.of("fine-tune", "lwf", "replay", "lwf+replay");
    /** Samples the replay buffer holds. */
    public static final int BUFFER_CAPACITY = 4096;

    private static final int WARMUP_STEPS = 40;
    private static final int POOL_BATCHES = 16;

    private static final String USAGE = """
            usage: ContinualStepBench [--seconds S] [--warmup S] [--batches B,B] [--replay N]
                                      [--configs C,C] [--rounds N] [--hidden W,W] [--json FILE]
                   ContinualStepBench [seconds] [stream] [replay] [rounds] [hidden]   (older form)
              --seconds S     measured seconds per configuration and round (default 10)
              --warmup S      warm-up seconds per configuration, after 40 warm-up steps (default 2)
              --batches B,B   stream batch sizes (default 32,128,512)
              --replay N      replayed rows per step (default: the stream batch size)
              --configs C,C   fine-tune, lwf, replay, lwf+replay (default all four)
              --rounds N      interleaved rounds, best of each kept (default 3)
              --hidden W,W    hidden widths (default 400,400)
              --json FILE     also write the figures as JSON
            Run with OMP_NUM_THREADS=1 (set before the JVM starts).""";

    private ContinualStepBench() {}

    /**
     * Benchmark settings.
     *
     * @param seconds measured seconds per configuration and round, positive
     * @param warmupSeconds warm-up seconds per configuration, not negative
     * @param batches stream batch sizes, each at least 1
     * @param replay replayed rows per step, at least 1, or 0 for the stream batch size
     * @param configs configurations among {@link #CONFIGS}
     * @param rounds interleaved rounds, at least 1
     * @param hidden hidden widths
     * @param json where to write the JSON report, or null
     */
    public record Options(
            double seconds,
            double warmupSeconds,
            List<Integer> batches,
            int replay,
            List<String> configs,
            int rounds,
            List<Integer> hidden,
            Path json) {

        /** Checks the values. */
        public Options {
            if (!(seconds > 0) || !(warmupSeconds >= 0)) {
                throw new IllegalArgumentException(
                        "--seconds must be > 0 and --warmup >= 0, got " + seconds + " and " + warmupSeconds);
            }
            batches = List.copyOf(batches);
            if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("--batches must be sizes >= 1, got " + batches);
            }
            if (replay < 0) {
                throw new IllegalArgumentException("--replay must be >= 1, got " + replay);
            }
            configs = List.copyOf(configs);
            if (configs.isEmpty() || !CONFIGS.containsAll(configs)) {
                throw new IllegalArgumentException("--configs must be among " + CONFIGS + ", got " + configs);
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
            }
            hidden = List.copyOf(hidden);
        }

        /** The defaults: 10 s, 2 s warm-up, 32,128,512, replay = stream, all configurations, 3 rounds, 400,400. */
        public static Options defaults() {
            return new Options(10, 2, List.of(32, 128, 512), 0, CONFIGS, 3, List.of(400, 400), null);
        }

        /**
         * Parses named options, or the older positional form {@code [seconds] [stream] [replay]
         * [rounds] [hidden]} when the first argument is not an option.
         *
         * @throws IllegalArgumentException naming the option when one is unknown, lacks its value
         *     or is out of range
         */
        public static Options parse(String... args) {
            Options d = defaults();
            if (args.length > 0 && !args[0].startsWith("--")) {
                return new Options(
                        Double.parseDouble(args[0]),
                        d.warmupSeconds(),
                        args.length > 1 ? List.of(Integer.parseInt(args[1])) : d.batches(),
                        args.length > 2 ? Integer.parseInt(args[2]) : d.replay(),
                        d.configs(),
                        args.length > 3 ? Integer.parseInt(args[3]) : d.rounds(),
                        args.length > 4 ? TrainingStepBench.Options.parseInts(args[4]) : d.hidden(),
                        null);
            }
            double seconds = d.seconds();
            double warmup = d.warmupSeconds();
            List<Integer> batches = d.batches();
            int replay = d.replay();
            List<String> configs = d.configs();
            int rounds = d.rounds();
            List<Integer> hidden = d.hidden();
            Path json = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                try {
                    switch (flag) {
                        case "--seconds" -> seconds = Double.parseDouble(value);
                        case "--warmup" -> warmup = Double.parseDouble(value);
                        case "--batches", "--batch" -> batches = TrainingStepBench.Options.parseInts(value);
                        case "--replay" -> {
                            replay = Integer.parseInt(value.trim());
                            if (replay < 1) {
                                throw new IllegalArgumentException("--replay must be >= 1, got " + replay);
                            }
                        }
                        case "--configs" -> configs = Arrays.stream(value.split(","))
                                .map(String::trim).filter(s -> !s.isEmpty()).toList();
                        case "--rounds" -> rounds = Integer.parseInt(value.trim());
                        case "--hidden" -> hidden = value.isBlank() ? List.of() : TrainingStepBench.Options.parseInts(value);
                        case "--json" -> json = Path.of(value);
                        default -> throw new IllegalArgumentException("unknown option " + flag
                                + "; known: --seconds --warmup --batches --replay --configs --rounds --hidden --json");
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(flag + " takes a number, got '" + value + "'");
                }
            }
            return new Options(seconds, warmup, batches, replay, configs, rounds, hidden, json);
        }

        /** Replayed rows per step at stream batch size {@code batch}. */
        public int replayAt(int batch) {
            return replay == 0 ? batch : replay;
        }
    }

    /**
     * The best round of one configuration at one batch size.
     *
     * @param config the configuration ({@link ContinualTrainer#name()})
     * @param batch stream rows per step
     * @param replay replayed rows per step
     * @param rows rows trained on per step
     * @param teacher whether the step includes the teacher's forward pass
     * @param samplesPerSecond stream samples per second
     * @param stepMillis milliseconds per step
     * @param gflops step FLOP/s in GFLOP/s (see the class documentation)
     * @param sgemmFraction {@code gflops} over the best sgemm GFLOP/s of the run
     */
    public record Result(
            String config,
            int batch,
            int replay,
            int rows,
            boolean teacher,
            double samplesPerSecond,
            double stepMillis,
            double gflops,
            double sgemmFraction) {}

    /**
     * The whole report, in the JSON shape that {@code bench/torch_step.py} writes too.
     *
     * @param implementation {@code mnemo}
     * @param version the Java version
     * @param blas the BLAS behind {@code Nd4j.gemm}
     * @param ompThreads the {@code OMP_NUM_THREADS} environment value, or "unset"
     * @param network layer widths, inputs to classes
     * @param macsPerSample multiply-adds of one forward pass of one sample
     * @param bufferCapacity replay buffer capacity
     * @param seconds measured seconds per configuration and round
     * @param rounds rounds
     * @param sgemmGflops the best {@code Nd4j.gemm} float {@code 1024^2} GFLOP/s of the rounds
     * @param results one per configuration and batch size
     */
    public record Report(
            String implementation,
            String version,
            String blas,
            String ompThreads,
            List<Integer> network,
            long macsPerSample,
            int bufferCapacity,
            double seconds,
            int rounds,
            double sgemmGflops,
            List<Result> results) {

        /** The report as indented JSON. */
        public String toJson() {
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this) + "\n";
            } catch (IOException e) {
                throw new IllegalStateException("a report of numbers and strings always serialises", e);
            }
        }
    }

    /** Runs the benchmark; see {@link #USAGE} ({@code --help}). */
    public static void main(String[] args) throws IOException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ContinualStepBench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Report report = run(options, System.out);
        if (options.json() != null) {
            Path parent = options.json().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(options.json(), report.toJson());
            System.out.println("wrote " + options.json());
        }
    }

    /** Measures every configuration of {@code options}, prints one line each to {@code log}, and returns the report. */
    public static Report run(Options options, PrintStream log) {
        String omp = System.getenv().getOrDefault("OMP_NUM_THREADS", "unset");
        if (!"1".equals(omp)) {
            log.println("warning: OMP_NUM_THREADS=" + omp + "; on a shared 2-core machine set it to 1 before the JVM starts");
        }
        MlpSpec spec = new MlpSpec(784, options.hidden(), 10, 1e-3, 1.0, 42L);
        long macs = spec.multiplyAddsPerSample();

        List<Measured> all = new ArrayList<>();
        for (String config : options.configs()) {
            for (int batch : options.batches()) {
                all.add(Measured.prepare(spec, config, batch, options.replayAt(batch), options.warmupSeconds()));
            }
        }
        double gemm = 0;
        for (int r = 0; r < options.rounds(); r++) {
            gemm = Math.max(gemm, TrainingStepBench.sgemmFlopsPerSecond(0.5, 2));
            for (Measured m : all) {
                m.round(options.seconds());
            }
        }
        List<Integer> network = new ArrayList<>();
        network.add(spec.inputs());
        network.addAll(spec.hidden());
        network.add(spec.classes());
        log.printf(Locale.ROOT,
                "OMP_NUM_THREADS=%s; network %s, %d parameters; sgemm %.1f GFLOP/s (best of %d)%n",
                omp, network.stream().map(String::valueOf).collect(Collectors.joining("-")),
                spec.parameterCount(), gemm / 1e9, options.rounds());
        List<Result> results = new ArrayList<>();
        for (Measured m : all) {
            double step = m.bestStepSeconds;
            double flops = (6.0 + (m.teacher ? 2.0 : 0.0)) * m.rows() * macs / step;
            Result result = new Result(m.config, m.batch, m.replay, m.rows(), m.teacher, m.batch / step, 1e3 * step,
                    flops / 1e9, flops / gemm);
            results.add(result);
            log.printf(Locale.ROOT,
                    "%-10s stream %3d + replay %3d: %8.0f stream samples/s, %7.2f ms/step, %6.1f GFLOP/s, %5.1f%% of sgemm%n",
                    result.config(), result.batch(), result.replay(), result.samplesPerSecond(), result.stepMillis(),
                    result.gflops(), 100 * result.sgemmFraction());
        }
        return new Report("mnemo", "Java " + Runtime.version(), blas(), omp,
                network, macs, BUFFER_CAPACITY, options.seconds(), options.rounds(), gemm / 1e9, results);
    }

    /** The BLAS vendor behind {@code Nd4j.gemm} and the ND4J version, as far as they can be read. */
    private static String blas() {
        String vendor;
        try {
            vendor = String.valueOf(org.nd4j.linalg.factory.Nd4j.factory().blas().getBlasVendor());
        } catch (RuntimeException | LinkageError e) {
            vendor = "unknown BLAS";
        }
        String version = "unknown";
        try (var in = ContinualStepBench.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                version = p.getProperty("version", version);
            }
        } catch (IOException e) {
            // the version is for the report only
        }
        return vendor + " (ND4J " + version + ")";
    }

    /** One trainer being measured: its configuration, pool of stream batches and best round. */
    private static final class Measured {
        final String config;
        final int batch;
        final int replay;
        final boolean teacher;
        final ContinualTrainer trainer;
        final Batch[] pool;
        double bestStepSeconds = Double.POSITIVE_INFINITY;
        long steps;
        boolean checked;

        private Measured(String config, int batch, int replay, ContinualTrainer trainer, Batch[] pool) {
            this.config = config;
            this.batch = batch;
            this.replay = replay;
            this.teacher = config.startsWith("lwf");
            this.trainer = trainer;
            this.pool = pool;
        }

        int rows() {
            return batch + replay;
        }

        static Measured prepare(MlpSpec spec, String config, int batch, int replaySize, double warmupSeconds) {
            StrategySpec strategy =
                    StrategySpec.parse(config).withReplaySize(replaySize).withBuffer(BUFFER_CAPACITY, "reservoir");
            ContinualTrainer trainer = strategy.trainer(spec);
            if (!trainer.name().equals(config)) {
                throw new IllegalStateException("asked for " + config + ", the trainer runs " + trainer.name());
            }
            SplittableRandom random = new SplittableRandom(1L + batch);
            Batch[] pool = new Batch[POOL_BATCHES];
            for (int k = 0; k < pool.length; k++) {
                float[][] x = new float[batch][spec.inputs()];
                int[] y = new int[batch];
                for (int i = 0; i < batch; i++) {
                    for (int j = 0; j < spec.inputs(); j++) {
                        x[i][j] = (float) random.nextDouble();
                    }
                    y[i] = random.nextInt(spec.classes());
                }
                pool[k] = Batch.labelled(x, y, 0);
            }
            Measured m = new Measured(config, batch, strategy.usesReplay() ? replaySize : 0, trainer, pool);
            // Fill the buffer, take the teacher (LwF), warm up.
            for (int k = 0; k < WARMUP_STEPS; k++) {
                m.step();
            }
            trainer.taskBoundary();
            if (m.teacher && trainer.strategy(Lwf.class).flatMap(Lwf::teacher).isEmpty()) {
                throw new IllegalStateException(config + " has no teacher after the task boundary");
            }
            m.run(warmupSeconds);
            return m;
        }

        StepResult step() {
            StepResult result = trainer.step(pool[(int) (steps % pool.length)]);
            steps++;
            return result;
        }

        void round(double seconds) {
            long[] counted = run(seconds);
            bestStepSeconds = Math.min(bestStepSeconds, counted[1] / 1e9 / counted[0]);
        }

        /** Returns {steps, nanoseconds}; the first measured step is checked against the configuration. */
        long[] run(double seconds) {
            if (!checked) {
                StepResult first = step();
                if (!first.trained() || first.trainedSize() != rows() || first.distilled() != teacher) {
                    throw new IllegalStateException(config + " at batch " + batch + " should train on " + rows()
                            + " rows" + (teacher ? " with" : " without") + " distillation; the step gave " + first);
                }
                checked = true;
            }
            long count = 0;
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            long now;
            do {
                step();
                count++;
                now = System.nanoTime();
            } while (now < deadline);
            return new long[] {count, now - start};
        }
    }
}
