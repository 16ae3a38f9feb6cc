package dev.mnemo.learner.bench.cl;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * {@code ./mnemo bench cl}: every requested benchmark x scenario x strategy x seed, with progress on
 * standard error, and {@code cl-benchmark.json} and {@code cl-benchmark.md} rewritten in the output
 * folder after every finished run, so an interrupted run keeps what it finished.
 *
 * <p>Options (defaults in brackets):
 * <ul>
 *   <li>{@code --benchmarks LIST} [split-mnist,perm-mnist,split-fashion,perm-fashion]</li>
 *   <li>{@code --scenarios LIST} [task-il,domain-il,class-il]</li>
 *   <li>{@code --strategies LIST} [fine-tune,lwf,replay,lwf+replay,joint]</li>
 *   <li>{@code --seeds N} [3]: seeds 1..N; {@code --first-seed S} [1]</li>
 *   <li>{@code --iterations N}: training steps per task instead of the protocol's</li>
 *   <li>{@code --hidden W,W}: hidden layer widths instead of the protocol's</li>
 *   <li>{@code --buffer-storage uint8|float32} [float32]: how the replay buffer stores samples</li>
 *   <li>{@code --replay-size N} [128], {@code --buffer N} [2000], {@code --buffer-policy P}
 *       [class-balanced], {@code --replay-loss plain|asymmetric} [plain], {@code --lwf-temperature T}
 *       [2], {@code --lwf-lambda L|tasks} [0.5] ({@code tasks}: {@code 1 - 1/t} on the t-th task,
 *       {@link dev.mnemo.learner.strategy.Lwf.Weighting#BY_TASKS}), {@code --lwf-scope old|seen} [old],
 *       {@code --active-classes all|seen} [all]: the hard loss over every output class, or over the
 *       classes seen so far ({@link dev.mnemo.learner.strategy.ActiveClasses})</li>
 *   <li>{@code --init he|uniform} [he]: the network's initialisation
 *       ({@link dev.mnemo.learner.model.Initialisation})</li>
 *   <li>{@code --pad N} [0]: pixels of zeros around each image, before the tasks are built
 *       ({@code --pad 2}: 32x32 MNIST, 1024 inputs, as the paper feeds Permuted-MNIST)</li>
 *   <li>{@code --test-samples N}: test samples per task, at most [all]</li>
 *   <li>{@code --jobs N} [1]: runs in parallel (one core each)</li>
 *   <li>{@code --out DIR} [bench-results/cl]</li>
 *   <li>{@code --quick}: a reduced run for CI: Split-MNIST, task-IL and class-IL, fine-tune, LwF
 *       and replay, 1 seed, 100 iterations per task (explicit options still apply)</li>
 * </ul>
 *
 * <pre>{@code
 * ./mnemo bench cl --benchmarks split-mnist --scenarios class-il --strategies replay --seeds 3
 * }</pre>
 */
public final class ClBench {

    /** Iterations per task of {@code --quick}. */
    public static final int QUICK_ITERATIONS = 100;

    /**
     * A parsed command line.
     *
     * @param benchmarks benchmarks, protocols already adjusted
     * @param scenarios  scenarios
     * @param strategies strategy names
     * @param seeds      seeds to run
     * @param options    strategy settings
     * @param jobs       runs in parallel
     * @param out        output folder
     * @param command    the command line, for the reports
     */
    public record Config(List<ClBenchmark> benchmarks, List<ClScenario> scenarios, List<String> strategies,
                         List<Long> seeds, ClOptions options, int jobs, Path out, String command) {}

    private ClBench() {}

    /**
     * Parses the options above.
     *
     * @throws IllegalArgumentException for an unknown option or a bad value, naming it
     */
    public static Config parse(String... args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> benchmarks = quick ? List.of("split-mnist") : ClBenchmark.NAMES;
        List<String> scenarios = quick ? List.of("task-il", "class-il") : List.of("task-il", "domain-il", "class-il");
        List<String> strategies = quick ? List.of("fine-tune", "lwf", "replay") : ClRunner.STRATEGIES;
        int seeds = quick ? 1 : 3;
        long firstSeed = 1;
        Integer iterations = quick ? QUICK_ITERATIONS : null;
        List<Integer> hidden = null;
        ClOptions d = ClOptions.defaults();
        int replaySize = d.replaySize();
        int buffer = d.bufferCapacity();
        String policy = d.bufferPolicy();
        boolean uint8 = false;
        double temperature = d.temperature();
        double lambda = d.lambda();
        String replayLoss = d.replayLoss();
        String lwfScope = d.lwfScope();
        String activeClasses = d.activeClasses();
        String lwfWeighting = d.lwfWeighting();
        String init = d.init();
        int pad = d.pad();
        int testSamples = d.testPerTask();
        int jobs = 1;
        Path out = Path.of("bench-results", "cl");
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--quick")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + flag + " needs a value");
            }
            String value = args[++i];
            try {
                switch (flag) {
                    case "--benchmarks" -> benchmarks = list(value);
                    case "--scenarios" -> scenarios = list(value);
                    case "--strategies" -> strategies = list(value);
                    case "--seeds" -> seeds = Integer.parseInt(value);
                    case "--first-seed" -> firstSeed = Long.parseLong(value);
                    case "--iterations" -> iterations = Integer.parseInt(value);
                    case "--hidden" -> hidden = list(value).stream().map(Integer::valueOf).toList();
                    case "--replay-size" -> replaySize = Integer.parseInt(value);
                    case "--buffer" -> buffer = Integer.parseInt(value);
                    case "--buffer-policy" -> policy = value;
                    case "--buffer-storage" -> {
                        if (!value.equals("uint8") && !value.equals("float32")) {
                            throw new IllegalArgumentException("--buffer-storage takes uint8 or float32, got '" + value + "'");
                        }
                        uint8 = value.equals("uint8");
                    }
                    case "--lwf-temperature" -> temperature = Double.parseDouble(value);
                    case "--lwf-lambda" -> {
                        if (value.equals("tasks")) {
                            lwfWeighting = "tasks";
                        } else {
                            lambda = Double.parseDouble(value);
                            lwfWeighting = "fixed";
                        }
                    }
                    case "--lwf-scope" -> lwfScope = value;
                    case "--active-classes" -> activeClasses = value;
                    case "--init" -> init = value;
                    case "--pad" -> pad = Integer.parseInt(value);
                    case "--replay-loss" -> replayLoss = value;
                    case "--test-samples" -> testSamples = Integer.parseInt(value);
                    case "--jobs" -> jobs = Integer.parseInt(value);
                    case "--out" -> out = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag + "; known: --quick"
                            + " --benchmarks --scenarios --strategies --seeds --first-seed --iterations --hidden"
                            + " --replay-size --buffer --buffer-policy --buffer-storage --replay-loss --lwf-temperature"
                            + " --lwf-lambda --lwf-scope --active-classes --init --pad --test-samples --jobs --out");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
            }
        }
        if (seeds < 1 || jobs < 1 || (iterations != null && iterations < 1)) {
            throw new IllegalArgumentException("--seeds, --jobs and --iterations must be >= 1, got " + seeds + ", "
                    + jobs + ", " + iterations);
        }
        List<ClBenchmark> bs = new ArrayList<>();
        for (String name : benchmarks) {
            ClBenchmark b = ClBenchmark.parse(name);
            if (iterations != null) {
                b = b.withIterations(iterations);
            }
            if (hidden != null) {
                b = b.withHidden(hidden);
            }
            bs.add(b);
        }
        List<ClScenario> ss = scenarios.stream().map(ClScenario::parse).toList();
        for (String s : strategies) {
            if (!ClRunner.STRATEGIES.contains(s)) {
                throw new IllegalArgumentException("strategy must be one of " + ClRunner.STRATEGIES + ", got '" + s + "'");
            }
        }
        List<Long> seedList = new ArrayList<>();
        for (int k = 0; k < seeds; k++) {
            seedList.add(firstSeed + k);
        }
        ClOptions options = new ClOptions(replaySize, buffer, policy, temperature, lambda, testSamples, uint8,
                replayLoss, lwfScope, activeClasses, lwfWeighting, init, pad);
        return new Config(bs, ss, List.copyOf(strategies), seedList, options, jobs, out,
                "./mnemo bench cl " + String.join(" ", args));
    }

    /**
     * Runs every configuration, seeds outermost (so an interrupted run has every configuration at
     * the first seeds), writing the reports after each run.
     *
     * @param loader data set by name (mnist, fashion-mnist); called once per data set
     * @param log    progress lines
     * @return the report
     */
    public static ClReport run(Config config, Function<String, ClSourceData> loader, PrintStream log) {
        ClReport report = new ClReport(config.command());
        Map<String, ClSourceData> data = new HashMap<>();
        for (ClBenchmark b : config.benchmarks()) {
            ClSourceData d = data.computeIfAbsent(b.dataset(), name -> {
                log.println("loading " + name + "...");
                return loader.apply(name).padded(config.options().pad());
            });
            report.protocol(b.name(), b.protocol(d.inputs()) + "; test samples per task: "
                    + (config.options().testPerTask() > 0 ? "at most " + config.options().testPerTask() : "all")
                    + "; replay buffer " + config.options().bufferCapacity() + " (" + config.options().bufferPolicy()
                    + "), " + config.options().replaySize() + " replayed per step; LwF T=" + config.options().temperature()
                    + ", lambda=" + ("tasks".equals(config.options().lwfWeighting()) ? "1-1/t"
                            : String.valueOf(config.options().lambda())));
        }
        List<Runnable> work = new ArrayList<>();
        int total = config.seeds().size() * config.benchmarks().size() * config.scenarios().size()
                * config.strategies().size();
        int[] done = {0};
        long start = System.nanoTime();
        for (long seed : config.seeds()) {
            for (ClBenchmark b : config.benchmarks()) {
                for (ClScenario s : config.scenarios()) {
                    for (String strategy : config.strategies()) {
                        work.add(() -> {
                            ClRunResult r = ClRunner.run(b, s, strategy, seed, data.get(b.dataset()), config.options(),
                                    line -> log.println(line));
                            report.add(r);
                            synchronized (done) {
                                done[0]++;
                                log.println(String.format(Locale.ROOT,
                                        "done %d/%d: %s %s %s seed %d: ACC %.4f BWT %.4f FWT %.4f forgetting %.4f,"
                                                + " %.0f samples/s, %.0f s (elapsed %.0f s)",
                                        done[0], total, b.name(), s.id(), strategy, seed, r.matrix().acc(),
                                        r.matrix().bwt(), r.matrix().fwt(), r.matrix().forgetting(),
                                        r.samplesPerSecond(), r.wallSeconds(), (System.nanoTime() - start) / 1e9));
                                write(config.out(), report);
                            }
                        });
                    }
                }
            }
        }
        if (config.jobs() == 1) {
            work.forEach(Runnable::run);
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(config.jobs());
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Runnable w : work) {
                    futures.add(pool.submit(w));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a benchmark run failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        write(config.out(), report);
        return report;
    }

    /** Writes {@code cl-benchmark.json} and {@code cl-benchmark.md} into {@code out}, each atomically. */
    public static void write(Path out, ClReport report) {
        try {
            Files.createDirectories(out);
            replace(out.resolve("cl-benchmark.json"), report.toJson());
            replace(out.resolve("cl-benchmark.md"), report.toMarkdown());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reports into " + out + ": " + e.getMessage(), e);
        }
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .toList();
    }
}
