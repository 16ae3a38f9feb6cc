package dev.mnemo.learner.history;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;

import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.schemas.Topics;

/**
 * {@code ./mnemo replay}: evaluates strategies on a range of retained topics and writes an HTML
 * and a JSON report. Reads with plain partition assignment, commits nothing and produces nothing,
 * so the production learner and its consumer group are untouched.
 *
 * <pre>
 * java -cp LEARNER_CP dev.mnemo.learner.history.ReplayMain --bootstrap localhost:9092 \
 *     --topic mnemo.samples.labelled --from-time 2026-11-21T10:00:00Z --to-time 2026-11-21T11:00:00Z \
 *     --strategies fine-tune,lwf+replay --seed 7 --holdout 0.1 --out replay-report
 * </pre>
 *
 * Exit status: 0 on success, 2 on a usage error (the message names the option), 1 when the replay
 * failed.
 */
public final class ReplayMain {

    static final String USAGE = """
            Usage: ./mnemo replay [options]
              --bootstrap HOST:PORT     Kafka bootstrap servers (default $KAFKA_BOOTSTRAP_SERVERS or localhost:9092)
              --topic NAME[,NAME]       topics to read (default mnemo.samples.labelled); repeatable
              --partitions 0,1          only these partitions (default all)
              --from-time T, --to-time T
                                        record time range, [from, to): ISO-8601 (2026-11-21T10:00:00Z) or epoch ms
              --from-offset O, --to-offset O
                                        offset range, [from, to): one number, or per partition 0:120,1:98
              --strategies A,B          lanes run side by side: fine-tune, lwf, replay, lwf+replay (default fine-tune)
              --from MODEL              fresh (default) | checkpoint:<dir or model file> | version:<n> (models topic)
              --model-name NAME         with version:<n>, the model name (default any)
              --models-topic NAME       topic of model versions (default mnemo.models)
              --seed N                  seed of a fresh model and of the replay buffers (default 7)
              --holdout F               share of labelled samples kept out of training by a hash of the id (default 0.1)
              --holdout-time T1..T2     or: keep the samples of this time window out instead
              --holdout-max N           most held-out samples kept per task (default 2000)
              --classes N               classes of a fresh model (default 10)
              --batch N                 labelled samples per training step (default 64)
              --block N                 samples predicted before training on them, as in one poll of the
                                        learner (default 256; at most the learner's max.poll.records, 512)
              --window N                prequential sliding window (default 1000)
              --sample-every N          a point of the accuracy curve every N scored samples (default 100)
              --buffer N                replay buffer capacity (default 1000, class-balanced)
              --replay-size N           replayed samples per step (default 64)
              --adwin-delta D           ADWIN confidence on the error stream (default 0.002)
              --sequential              run the lanes one after the other on one thread (same numbers)
              --out DIR                 report directory (default replay-<date>-<time>)
              --bench                   also time each strategy's raw training steps on the same samples
                                        and print replay throughput against the slowest
              --bench-repeats N         interleaved repeats of replay and raw training; the best of each
                                        is kept (default 3)
              --quiet                   no progress bar
            """;

    private ReplayMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("mnemo replay: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (o.help) {
            out.println(USAGE);
            return 0;
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        try {
            Map<String, Object> kafka = new HashMap<>();
            kafka.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap);
            StartingModel start = StartingModel.parse(o.from, o.modelName, kafka, o.modelsTopic);
            Files.createDirectories(o.out);
            List<ReplaySample> benchSamples = o.bench ? warmUp(o, kafka, start, err) : null;
            ReplayResult result = replay(o, kafka, start, o.quiet ? null : ProgressBar.stderr(), err);
            Path json = o.out.resolve("replay.json");
            Path html = o.out.resolve("replay.html");
            ReplayJson.write(result, json);
            HtmlReport.write(result, html);
            printSummary(result, out);
            if (o.bench) {
                bench(o, kafka, benchSamples, start, result, out, err);
            }
            out.println("Report: " + html.toAbsolutePath());
            out.println("JSON:   " + json.toAbsolutePath());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("mnemo replay: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("mnemo replay failed: " + e);
            return 1;
        }
    }

    /** One pass over the range, with a progress bar unless {@code bar} is null. */
    private static ReplayResult replay(Options o, Map<String, Object> kafka, StartingModel start, ProgressBar bar,
                                       PrintStream err) {
        try (RangeReader reader = RangeReader.open(kafka, o.range)) {
            err.printf(Locale.ROOT, "Replaying %d offsets of %s with %s (start: %s)%n", reader.span(),
                    String.join(",", o.range.topics()), String.join(", ", o.config.laneNames()), start.kind());
            int inputs = start.model().map(m -> m.spec().inputs()).orElse(-1);
            return HistoricalReplay.run(new KafkaSamples(reader, inputs, o.config.classes()), o.range, o.config,
                    start, bar == null ? HistoricalReplay.Progress.NONE : bar);
        } finally {
            if (bar != null) {
                bar.finish();
            }
        }
    }

    static void printSummary(ReplayResult r, PrintStream out) {
        out.printf(Locale.ROOT, "%d records (%d trained on, %d held out) in %.2f s: %.0f records/s%n", r.counts().read(),
                r.counts().trained(), r.counts().heldOut(), r.seconds(), r.recordsPerSecond());
        out.printf(Locale.ROOT, "%-14s %11s %8s %8s %8s %8s %8s %10s %6s %6s%n", "strategy", "prequential", "holdout",
                "ACC", "BWT", "FWT", "forget", "drift", "alerts", "steps");
        for (ReplayResult.LaneResult l : r.lanes()) {
            ReplayResult.Matrix m = l.matrix();
            out.printf(Locale.ROOT, "%-14s %11s %8s %8s %8s %8s %8s %10d %6d %6d%n", l.name(), f(l.accuracy()),
                    f(l.holdout() == null ? Double.NaN : l.holdout().accuracy()), f(m == null ? Double.NaN : m.acc()),
                    f(m == null ? Double.NaN : m.bwt()), f(m == null ? Double.NaN : m.fwt()),
                    f(m == null ? Double.NaN : m.forgetting()), l.drifts().size(), l.alerts().size(), l.steps());
        }
    }

    private static String f(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    /**
     * For the benchmark: reads the range into memory (the baseline's samples) and trains every
     * strategy on the first of them once, so that neither the replay nor the baseline pays for
     * loading the native libraries or for the JIT.
     */
    private static List<ReplaySample> warmUp(Options o, Map<String, Object> kafka, StartingModel start,
                                             PrintStream err) {
        List<ReplaySample> all = new ArrayList<>();
        try (RangeReader reader = RangeReader.open(kafka, o.range)) {
            KafkaSamples samples = new KafkaSamples(reader, start.model().map(m -> m.spec().inputs()).orElse(-1),
                    o.config.classes());
            for (ReplaySample s = samples.next(); s != null; s = samples.next()) {
                all.add(s);
            }
        }
        err.printf(Locale.ROOT, "bench: warming up on %d samples...%n", Math.min(2000, all.size()));
        List<ReplaySample> head = all.subList(0, Math.min(2000, all.size()));
        for (StrategySpec s : o.config.strategies()) {
            ReplayBench.trainingSamplesPerSecond(head, o.config, start, s);
        }
        return all;
    }

    /**
     * Times each strategy's raw training steps on the samples the lanes trained on (read before the
     * replay, by {@link #warmUp}) and the replay itself, {@code benchRepeats} times interleaved, and
     * keeps the best of each (the machine may be shared); prints both throughputs, the ratio to the
     * slowest strategy, and whether every repeat gave the same numbers.
     */
    private static void bench(Options o, Map<String, Object> kafka, List<ReplaySample> all, StartingModel start,
                              ReplayResult first, PrintStream out, PrintStream err) throws Exception {
        List<ReplaySample> training = ReplayBench.trainingSamples(all, o.config.holdout());
        long labelledTrained = training.stream().filter(ReplaySample::labelled).count();
        List<String> names = o.config.laneNames();
        int lanes = o.config.strategies().size();
        double[] raw = new double[lanes];
        double[] rawCpu = new double[lanes];
        double[] sideBySide = new double[lanes];
        double bestReplaySeconds = first.seconds();
        double bestReplayCpuSeconds = criticalCpuSeconds(first);
        boolean same = true;
        com.fasterxml.jackson.databind.node.ObjectNode reference = withoutTimings(first);
        for (int rep = 0; rep < o.benchRepeats; rep++) {
            if (rep > 0) {
                ReplayResult again = replay(o, kafka, start, null, err);
                bestReplaySeconds = Math.min(bestReplaySeconds, again.seconds());
                bestReplayCpuSeconds = Math.min(bestReplayCpuSeconds, criticalCpuSeconds(again));
                same &= withoutTimings(again).equals(reference);
            }
            for (int i = 0; i < lanes; i++) {
                ReplayBench.Rate rate = ReplayBench.trainingRate(training, o.config, start, o.config.strategies().get(i));
                raw[i] = Math.max(raw[i], rate.wall());
                rawCpu[i] = Math.max(rawCpu[i], rate.cpu());
            }
            if (lanes > 1 && o.config.parallel()) {
                List<ReplayBench.Rate> together = ReplayBench.sideBySideRates(training, o.config, start,
                        o.config.strategies());
                for (int i = 0; i < lanes; i++) {
                    sideBySide[i] = Math.max(sideBySide[i], together.get(i).wall());
                }
            }
        }
        double slowest = Double.POSITIVE_INFINITY;
        String slowestName = "";
        double secondsPerSampleAllLanes = 0;
        for (int i = 0; i < lanes; i++) {
            out.printf(Locale.ROOT, "bench: raw training steps, %-12s %8.0f samples/s%n", names.get(i), raw[i]);
            secondsPerSampleAllLanes += 1 / raw[i];
            if (raw[i] < slowest) {
                slowest = raw[i];
                slowestName = names.get(i);
            }
        }
        double replayRecords = first.counts().read() / bestReplaySeconds;
        double replayTrained = labelledTrained / bestReplaySeconds;
        double allLanes = 1 / secondsPerSampleAllLanes;
        out.printf(Locale.ROOT, "bench: replay (Kafka read, decode, %d lanes test-then-train, holdout evaluation) "
                + "%.0f records/s, %.0f trained samples/s%n", lanes, replayRecords, replayTrained);
        out.printf(Locale.ROOT, "bench: replay / raw training of the slowest strategy (%s) = %.2f (trained samples/s;"
                + " %.2f in records/s)%n", slowestName, replayTrained / slowest, replayRecords / slowest);
        out.printf(Locale.ROOT, "bench: replay / raw training of every strategy one after the other (%.0f samples/s)"
                + " = %.2f%n", allLanes, replayTrained / allLanes);
        double slowestSideBySide = lanes > 1 && o.config.parallel()
                ? java.util.Arrays.stream(sideBySide).min().orElse(Double.NaN) : slowest;
        out.printf(Locale.ROOT, "bench: raw training of the strategies side by side, a thread each as the lanes run:"
                + " slowest %.0f samples/s; replay / that = %.2f (what reading from Kafka and evaluating cost)%n",
                slowestSideBySide, replayTrained / slowestSideBySide);
        double slowestCpu = java.util.Arrays.stream(rawCpu).min().orElse(Double.NaN);
        double replayCpuRate = labelledTrained / bestReplayCpuSeconds;
        out.printf(Locale.ROOT, "bench: by CPU time (load-independent; a core per lane and one for reading): raw slowest"
                + " %.0f samples/s, replay %.0f trained samples/s (its busiest thread), ratio %.2f%n", slowestCpu,
                replayCpuRate, replayCpuRate / slowestCpu);
        out.printf(Locale.ROOT, "bench: best of %d interleaved runs each; %d cores; lanes on their own threads: %s;"
                + " the same numbers in every replay: %s%n", o.benchRepeats, Runtime.getRuntime().availableProcessors(),
                o.config.parallel(), same);
        String line = String.format(Locale.ROOT, "{\"replayRecordsPerSecond\": %.1f, \"replayTrainedSamplesPerSecond\": "
                        + "%.1f, \"slowestStrategy\": \"%s\", \"slowestRawSamplesPerSecond\": %.1f, \"ratio\": %.4f, "
                        + "\"allStrategiesRawSamplesPerSecond\": %.1f, \"ratioToAllStrategies\": %.4f, \"cores\": %d, "
                        + "\"parallelLanes\": %s, \"repeats\": %d, \"reproducible\": %s, "
                        + "\"cpuSlowestRawSamplesPerSecond\": %.1f, \"cpuReplayTrainedSamplesPerSecond\": %.1f, "
                        + "\"cpuRatio\": %.4f, \"sideBySideSlowestRawSamplesPerSecond\": %.1f, "
                        + "\"ratioToSideBySide\": %.4f}%n",
                replayRecords, replayTrained, slowestName, slowest, replayTrained / slowest, allLanes,
                replayTrained / allLanes, Runtime.getRuntime().availableProcessors(), o.config.parallel(),
                o.benchRepeats, same, slowestCpu, replayCpuRate, replayCpuRate / slowestCpu, slowestSideBySide,
                replayTrained / slowestSideBySide);
        Files.writeString(o.out.resolve("bench.json"), line);
    }

    /**
     * CPU seconds of the busiest thread of a replay: with a core per lane and one for reading, the
     * wall time the replay would take.
     */
    private static double criticalCpuSeconds(ReplayResult r) {
        double max = r.readerCpuSeconds();
        for (ReplayResult.LaneResult l : r.lanes()) {
            max = Math.max(max, l.cpuSeconds());
        }
        return max;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode withoutTimings(ReplayResult r) {
        com.fasterxml.jackson.databind.node.ObjectNode json = ReplayJson.tree(r);
        json.remove("throughput");
        json.withArray("lanes").forEach(l -> ((com.fasterxml.jackson.databind.node.ObjectNode) l).remove("throughput"));
        return json;
    }

    /** Parsed command line. */
    static final class Options {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        ReplayRange range;
        ReplayConfig config;
        String from = "fresh";
        String modelName;
        String modelsTopic = Topics.defaults().models();
        Path out = Path.of("replay-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        boolean bench;
        int benchRepeats = 3;
        boolean quiet;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            List<String> topics = new ArrayList<>();
            List<Integer> partitions = List.of();
            Long fromTime = null;
            Long toTime = null;
            Map<Integer, Long> fromOffsets = Map.of();
            Map<Integer, Long> toOffsets = Map.of();
            List<String> strategies = List.of("fine-tune");
            long seed = 7;
            Holdout holdout = Holdout.byIdHash(0.1);
            int holdoutMax = 2000;
            int classes = 10;
            int batch = 64;
            int block = 256;
            int window = 1000;
            int sampleEvery = 100;
            Integer buffer = null;
            Integer replaySize = null;
            double delta = 0.002;
            boolean sequential = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> o.help = true;
                    case "--bench" -> o.bench = true;
                    case "--quiet" -> o.quiet = true;
                    case "--sequential" -> sequential = true;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value"
                                    : "unexpected argument '" + a + "'");
                        }
                        String v = args[++i];
                        switch (a) {
                            case "--bootstrap" -> o.bootstrap = v;
                            case "--topic" -> topics.addAll(Arrays.asList(v.split(",")));
                            case "--partitions" -> partitions = ReplayRange.parsePartitions(v);
                            case "--from-time" -> fromTime = ReplayRange.parseTime(v);
                            case "--to-time" -> toTime = ReplayRange.parseTime(v);
                            case "--from-offset" -> fromOffsets = ReplayRange.parseOffsets(v);
                            case "--to-offset" -> toOffsets = ReplayRange.parseOffsets(v);
                            case "--strategies", "--strategy" -> strategies = Arrays.stream(v.split(","))
                                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
                            case "--from" -> o.from = v;
                            case "--model-name" -> o.modelName = v;
                            case "--models-topic" -> o.modelsTopic = v;
                            case "--seed" -> seed = number(a, v);
                            case "--holdout" -> holdout = Holdout.byIdHash(decimal(a, v));
                            case "--holdout-time" -> {
                                String[] ends = v.split("\\.\\.");
                                if (ends.length != 2) {
                                    throw new IllegalArgumentException("--holdout-time takes FROM..TO, got '" + v + "'");
                                }
                                holdout = Holdout.byTime(ReplayRange.parseTime(ends[0]), ReplayRange.parseTime(ends[1]));
                            }
                            case "--holdout-max" -> holdoutMax = (int) number(a, v);
                            case "--classes" -> classes = (int) number(a, v);
                            case "--batch" -> batch = (int) number(a, v);
                            case "--block" -> block = (int) number(a, v);
                            case "--window" -> window = (int) number(a, v);
                            case "--sample-every" -> sampleEvery = (int) number(a, v);
                            case "--buffer" -> buffer = (int) number(a, v);
                            case "--replay-size" -> replaySize = (int) number(a, v);
                            case "--adwin-delta" -> delta = decimal(a, v);
                            case "--out" -> o.out = Path.of(v);
                            case "--bench-repeats" -> o.benchRepeats = (int) number(a, v);
                            default -> throw new IllegalArgumentException("unknown option " + a);
                        }
                    }
                }
            }
            if (o.help) {
                return o;
            }
            if (topics.isEmpty()) {
                topics.add(Topics.defaults().samplesLabelled());
            }
            o.range = new ReplayRange(topics, partitions, fromTime, toTime, fromOffsets, toOffsets);
            ReplayConfig base = ReplayConfig.of(strategies, seed);
            List<StrategySpec> specs = new ArrayList<>();
            for (StrategySpec s : base.strategies()) {
                StrategySpec t = buffer == null ? s : s.withBuffer(buffer, s.bufferPolicy());
                specs.add(replaySize == null ? t : t.withReplaySize(replaySize));
            }
            o.config = new ReplayConfig(specs, seed, classes, base.hidden(), batch, block, window, sampleEvery, holdout,
                    holdoutMax, delta, !sequential);
            return o;
        }

        private static long number(String option, String v) {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a whole number, got '" + v + "'");
            }
        }

        private static double decimal(String option, String v) {
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a number, got '" + v + "'");
            }
        }
    }
}
