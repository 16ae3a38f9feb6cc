package dev.mnemo.learner.drift.bench;

import dev.mnemo.learner.drift.Adwin;
import dev.mnemo.learner.drift.RisingAdwin;
import dev.mnemo.learner.drift.Ddm;
import dev.mnemo.learner.drift.HddmA;
import dev.mnemo.learner.drift.HddmW;
import dev.mnemo.learner.drift.Kswin;
import dev.mnemo.learner.drift.PageHinkley;
import dev.mnemo.learner.drift.ScheduledDetector;
import dev.mnemo.learner.drift.streams.Agrawal;
import dev.mnemo.learner.drift.streams.RotatingHyperplane;
import dev.mnemo.learner.drift.streams.Sample;
import dev.mnemo.learner.drift.streams.Sea;
import dev.mnemo.learner.drift.streams.Stagger;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoublePredicate;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * The drift-detection benchmark: how soon each detector notices a known drift in the error stream
 * of a simple online learner, how often it raises an alarm when nothing changed, and what an update
 * costs.
 *
 * <h2>Method</h2>
 * For every scenario and every seed, the scenario's {@link ErrorSource} produces a prequential 0/1
 * error stream once: for the built-in scenarios ({@link #scenarios(Config)}: a
 * {@link RecurringDriftStream} over SEA, Agrawal, STAGGER or the rotating hyperplane with a drift
 * every {@code period} samples) a {@link WindowedNaiveBayes} learner predicts, then learns; other
 * scenarios (such as spliced real image streams learnt by an MLP, in test scope) bring their own
 * learner through {@link #run(Config, List, List, PrintStream)}. Every detector is then fed exactly
 * that error array, from a fresh instance.
 * For a drift at {@code d} of width {@code w} (0 when abrupt), the tolerance window is
 * {@code [d - w/2, d + w/2 + tolerance)}:
 * <ul>
 *   <li><b>delay</b>: index of the first detection in the window minus {@code d} (it can be
 *       negative for a gradual drift); mean and maximum over the detected drifts of all seeds;</li>
 *   <li><b>missed</b>: drifts with no detection in their window;</li>
 *   <li><b>false alarms / 10k</b>: detections outside every window, per 10,000 samples;</li>
 *   <li><b>ns/update</b>: wall time of a whole pass (update and read of the signal, through one
 *       interface call) per value, after two warm-up passes of every detector on the scenario; the
 *       fastest seed is reported, as the pass least disturbed by other processes.</li>
 * </ul>
 * Within a scenario, a source's <b>best</b> detector is the one with the fewest missed drifts,
 * then the lowest mean delay, then the fewest false alarms. {@link Contender#BASELINE} entries
 * (a schedule that ignores its input) are shown as a yardstick and never ranked.
 *
 * <h2>Running it</h2>
 * <pre>
 *   java -cp learner/target/classes dev.mnemo.learner.drift.bench.DriftBench \
 *       [--quick] [--out drift.md] [--json drift.json]
 * </pre>
 * prints progress, then a Markdown table (also written to {@code --out}) and JSON (to
 * {@code --json}). The side-by-side run with the MOA reference lives in test scope
 * ({@code MoaReference}), so that nothing here depends on it.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>J. Gama, R. Sebastiao and P. P. Rodrigues, "On evaluating stream learning algorithms",
 *       Machine Learning 90(3), 317-346, 2013 (prequential error, detection delay, false
 *       alarms).</li>
 *   <li>A. Bifet, J. Read, B. Pfahringer, G. Holmes and I. Zliobaite, "CD-MOA: change detection
 *       framework for massive online analysis", Advances in Intelligent Data Analysis XII (IDA),
 *       LNCS 8207, Springer, 92-103, 2013 (the delay / false-alarm / missed-detection protocol).</li>
 * </ul>
 */
public final class DriftBench {

    /**
     * Agrawal functions (zero-based) in the order the stream cycles through them: the base learner
     * reaches an error of 0.25 or less on each, and consecutive functions disagree on 49% to 62% of
     * the samples, so that every drift is a real change of the error rate. (Functions 1, 2 and 4
     * need interactions the naive Bayes learner cannot represent; its error on them stays near 0.35,
     * and a drift away from them barely moves the error stream.)
     */
    private static final int[] AGRAWAL_CYCLE = {0, 3, 6, 9, 5, 8};
    /** Detector names of the algorithms that Mnemo and other implementations share. */
    public static final List<String> SHARED_ALGORITHMS =
            List.of("ADWIN", "DDM", "Page-Hinkley", "HDDM-A", "HDDM-W");

    private static final String AGRAWAL_FUNCTIONS = "0,3,6,9,5,8,0,... (zero-based)";

    private DriftBench() {
    }

    /**
     * The benchmark's settings.
     *
     * @param period samples between two drifts
     * @param drifts drifts per stream
     * @param seeds the seeds; each gives one stream per scenario
     * @param tolerance samples after a drift (after the end of a gradual one) within which a
     *     detection counts as found
     * @param gradualWidth width of the gradual scenario's drifts
     * @param learnerWindow the base learner's window
     */
    public record Config(int period, int drifts, long[] seeds, int tolerance, int gradualWidth, int learnerWindow) {

        /** @throws IllegalArgumentException if a value is outside its range */
        public Config {
            if (period < 2) {
                throw new IllegalArgumentException("period must be >= 2, got " + period);
            }
            if (drifts < 1) {
                throw new IllegalArgumentException("drifts must be >= 1, got " + drifts);
            }
            if (seeds.length < 1) {
                throw new IllegalArgumentException("seeds must hold at least one seed");
            }
            if (tolerance < 1 || gradualWidth < 0 || tolerance + gradualWidth >= period) {
                throw new IllegalArgumentException("need tolerance >= 1, gradualWidth >= 0 and tolerance "
                        + "+ gradualWidth < period = " + period + ", got " + tolerance + " and " + gradualWidth);
            }
            if (learnerWindow < 200) {
                throw new IllegalArgumentException("learnerWindow must be >= 200, got " + learnerWindow);
            }
            seeds = seeds.clone();
        }

        /**
         * @return 10 drifts every 5,000 samples, 5 seeds, tolerance 1,000, gradual width 1,000,
         *     learner window 1,000
         */
        public static Config standard() {
            return new Config(5_000, 10, new long[] {1, 2, 3, 4, 5}, 1_000, 1_000, 1_000);
        }

        /** @return the reduced run of the unit test: 4 drifts, 2 seeds */
        public static Config quick() {
            return new Config(5_000, 4, new long[] {1, 2}, 1_000, 1_000, 1_000);
        }

        @Override
        public long[] seeds() {
            return seeds.clone();
        }
    }

    /**
     * The error stream of one scenario and seed, with its true drift points.
     *
     * @param errors one value per sample: 1 where the learner's prediction was wrong
     * @param drifts the indices where the drifts happen (the centres of gradual drifts)
     */
    public record ErrorStream(double[] errors, long[] drifts) {
    }

    /** Produces a scenario's error stream for one seed. */
    @FunctionalInterface
    public interface ErrorSource {

        /**
         * @param config the benchmark's settings
         * @param seed the seed
         * @return the prequential error stream and its drift points
         */
        ErrorStream errors(Config config, long seed);
    }

    /**
     * One benchmark stream.
     *
     * @param name the name in the tables
     * @param width 0 for abrupt drifts, else the width of the gradual drifts
     * @param source what produces the error stream for a seed
     * @param about one line for the results file, naming the learner when it is not the default one
     */
    public record Scenario(String name, long width, ErrorSource source, String about) {

        /** @return whether the drifts are abrupt */
        public boolean abrupt() {
            return width == 0;
        }

        /**
         * A recurring-drift scenario over generated concepts, learnt by {@link WindowedNaiveBayes}.
         *
         * @param name the name in the tables
         * @param width 0 for abrupt drifts, else the width of the gradual drifts
         * @param source the generator of each concept
         * @param concept the concept in force after drift {@code k} (and {@code concept(0)} first)
         * @param about one line for the results file
         * @return the scenario
         */
        public static Scenario recurring(String name, long width, RecurringDriftStream.ConceptSource source,
                IntUnaryOperator concept, String about) {
            return new Scenario(name, width, (config, seed) -> {
                int[] concepts = new int[config.drifts() + 1];
                for (int k = 0; k < concepts.length; k++) {
                    concepts[k] = concept.applyAsInt(k);
                }
                RecurringDriftStream stream = new RecurringDriftStream(source, concepts, config.period(), width, seed);
                return new ErrorStream(errors(stream, config.learnerWindow()), stream.driftPoints());
            }, about);
        }
    }

    /**
     * @param config the settings (for the gradual width)
     * @return SEA, Agrawal, STAGGER and the rotating hyperplane with abrupt drifts, and Agrawal with
     *     gradual drifts
     */
    public static List<Scenario> scenarios(Config config) {
        return List.of(
                Scenario.recurring("SEA", 0, (s, c) -> new Sea(s, c, c, 0, 0, Sea.DEFAULT_NOISE), k -> k % 4,
                        "SEA, concepts 0,1,2,3,0,... (thresholds 8, 9, 7, 9.5), 10% class noise"),
                Scenario.recurring("Agrawal", 0, (s, c) -> Agrawal.abrupt(s, c, c, 0), k -> AGRAWAL_CYCLE[k % AGRAWAL_CYCLE.length],
                        "Agrawal, functions " + AGRAWAL_FUNCTIONS + ", no noise"),
                Scenario.recurring("STAGGER", 0, (s, c) -> Stagger.abrupt(s, c, c, 0), k -> k % 3,
                        "STAGGER, concepts 0,1,2,0,..., no noise"),
                Scenario.recurring("Hyperplane", 0,
                        (s, c) -> new RotatingHyperplane(s, 10, 0, 0, 0.0, RotatingHyperplane.DEFAULT_REVERSAL,
                                RotatingHyperplane.DEFAULT_NOISE),
                        k -> k,
                        "rotating hyperplane, 10 features, new random weights at each drift, 5% noise"),
                Scenario.recurring("Agrawal-gradual", config.gradualWidth(), (s, c) -> Agrawal.abrupt(s, c, c, 0),
                        k -> AGRAWAL_CYCLE[k % AGRAWAL_CYCLE.length],
                        "Agrawal as above, gradual drifts of width " + config.gradualWidth()));
    }

    /**
     * Mnemo's detectors with their defaults, and a schedule every 1,000 samples as baseline.
     *
     * <p>{@link Adwin} signals a change of the mean in either direction. On an error stream a fall
     * of the error (the learner recovering after a drift) is not a drift one wants to act on, so
     * the entry {@code ADWIN (rise)} reports only the detections at which ADWIN's estimate of the
     * error rate went up, which is how error-rate monitors built on ADWIN conventionally use it
     * (the MOA reference's ADWIN change detector does the same).
     *
     * @return the contenders
     */
    public static List<Contender> contenders() {
        return List.of(
                Contender.mnemo("ADWIN", Adwin::create),
                new Contender("ADWIN (rise)", Contender.MNEMO, DriftBench::adwinRise),
                Contender.mnemo("DDM", Ddm::create),
                Contender.mnemo("Page-Hinkley", PageHinkley::create),
                Contender.mnemo("KSWIN", Kswin::create),
                Contender.mnemo("HDDM-A", HddmA::create),
                Contender.mnemo("HDDM-W", HddmW::create),
                Contender.of("every 1000", Contender.BASELINE, () -> ScheduledDetector.every(1000)));
    }

    private static DoublePredicate adwinRise() {
        RisingAdwin adwin = RisingAdwin.create();
        return x -> {
            adwin.update(x);
            return adwin.driftDetected();
        };
    }

    /**
     * The prequential 0/1 error stream of the base learner on one stream.
     *
     * @param stream the stream, at its start
     * @param learnerWindow the learner's window
     * @return one value per sample: 1 where the prediction was wrong
     */
    public static double[] errors(RecurringDriftStream stream, int learnerWindow) {
        WindowedNaiveBayes learner = new WindowedNaiveBayes(2, learnerWindow, 10, 200);
        double[] e = new double[(int) stream.length()];
        for (int t = 0; t < e.length; t++) {
            Sample s = stream.next();
            e[t] = learner.predict(s.x()) == s.y() ? 0.0 : 1.0;
            learner.learn(s.x(), s.y());
        }
        return e;
    }

    /**
     * Runs every contender on every scenario of {@link #scenarios(Config)} and every seed.
     *
     * @param config the settings
     * @param contenders the detectors
     * @param progress where to print one line per stream
     * @return the aggregated results
     */
    public static Report run(Config config, List<Contender> contenders, PrintStream progress) {
        return run(config, scenarios(config), contenders, progress);
    }

    /**
     * Runs every contender on every given scenario and seed. The error streams of a scenario are
     * computed first; every detector then runs twice over the first one to warm up, and once, timed,
     * over each.
     *
     * @param config the settings
     * @param scenarios the scenarios
     * @param contenders the detectors
     * @param progress where to print one line per stream
     * @return the aggregated results
     */
    public static Report run(Config config, List<Scenario> scenarios, List<Contender> contenders,
            PrintStream progress) {
        List<Row> rows = new ArrayList<>();
        int done = 0;
        int total = scenarios.size() * config.seeds().length;
        for (Scenario scenario : scenarios) {
            Tally[] tallies = new Tally[contenders.size()];
            for (int c = 0; c < tallies.length; c++) {
                tallies[c] = new Tally();
            }
            List<ErrorStream> streams = new ArrayList<>();
            for (long seed : config.seeds()) {
                ErrorStream stream = scenario.source().errors(config, seed);
                streams.add(stream);
                done++;
                progress.printf(Locale.ROOT, "[%d/%d] %-16s seed %d: %d samples, error rate %.3f%n",
                        done, total, scenario.name(), seed, stream.errors().length, mean(stream.errors()));
            }
            for (Contender c : contenders) {
                detect(c.factory().get(), streams.get(0).errors());
                detect(c.factory().get(), streams.get(0).errors());
            }
            for (ErrorStream stream : streams) {
                double[] errors = stream.errors();
                for (int c = 0; c < tallies.length; c++) {
                    DoublePredicate detector = contenders.get(c).factory().get();
                    long t0 = System.nanoTime();
                    long[] detections = detect(detector, errors);
                    tallies[c].time(System.nanoTime() - t0, errors.length);
                    tallies[c].score(detections, stream.drifts(), scenario.width(), config.tolerance(), errors.length);
                }
            }
            for (int c = 0; c < tallies.length; c++) {
                rows.add(tallies[c].row(scenario, contenders.get(c)));
            }
        }
        return new Report(config, scenarios, rows);
    }

    private static long[] detect(DoublePredicate detector, double[] errors) {
        long[] found = new long[16];
        int n = 0;
        for (int t = 0; t < errors.length; t++) {
            if (detector.test(errors[t])) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, 2 * n);
                }
                found[n++] = t;
            }
        }
        return Arrays.copyOf(found, n);
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Accumulates one contender's scores over the seeds of one scenario. */
    private static final class Tally {
        final List<Long> delays = new ArrayList<>();
        long drifts;
        long missed;
        long falseAlarms;
        long samples;
        double bestNsPerUpdate = Double.POSITIVE_INFINITY;

        void time(long nanos, int updates) {
            bestNsPerUpdate = Math.min(bestNsPerUpdate, (double) nanos / updates);
        }

        void score(long[] detections, long[] driftPoints, long width, long tolerance, long length) {
            samples += length;
            boolean[] inWindow = new boolean[detections.length];
            for (long d : driftPoints) {
                drifts++;
                long from = d - width / 2;
                long to = d + (width - width / 2) + tolerance;
                boolean found = false;
                for (int i = 0; i < detections.length; i++) {
                    if (detections[i] >= from && detections[i] < to) {
                        inWindow[i] = true;
                        if (!found) {
                            delays.add(detections[i] - d);
                            found = true;
                        }
                    }
                }
                if (!found) {
                    missed++;
                }
            }
            for (boolean in : inWindow) {
                if (!in) {
                    falseAlarms++;
                }
            }
        }

        Row row(Scenario scenario, Contender contender) {
            double meanDelay = delays.isEmpty() ? Double.NaN
                    : delays.stream().mapToLong(Long::longValue).average().orElseThrow();
            long maxDelay = delays.stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
            return new Row(scenario.name(), scenario.abrupt(), contender.name(), contender.source(), drifts, missed,
                    meanDelay, maxDelay, falseAlarms * 10_000.0 / samples, bestNsPerUpdate);
        }
    }

    /**
     * One contender's results on one scenario, over all seeds.
     *
     * @param scenario the scenario's name
     * @param abrupt whether its drifts are abrupt
     * @param detector the detector's name
     * @param source where the detector comes from
     * @param drifts true drifts, over all seeds
     * @param missed drifts with no detection in their window
     * @param meanDelay mean delay over the detected drifts (NaN if none)
     * @param maxDelay largest delay ({@link Long#MIN_VALUE} if none; delays of gradual drifts can be
     *     negative)
     * @param falseAlarmsPer10k detections outside every window, per 10,000 samples
     * @param nsPerUpdate nanoseconds per update, fastest seed
     */
    public record Row(String scenario, boolean abrupt, String detector, String source, long drifts, long missed,
            double meanDelay, long maxDelay, double falseAlarmsPer10k, double nsPerUpdate) {

        /** Fewest missed, then lowest mean delay, then fewest false alarms. */
        public static final Comparator<Row> BEST_FIRST = Comparator.comparingLong(Row::missed)
                .thenComparingDouble(r -> Double.isNaN(r.meanDelay()) ? Double.MAX_VALUE : r.meanDelay())
                .thenComparingDouble(Row::falseAlarmsPer10k);

        /**
         * @param other another row
         * @param delaySlack samples by which this row's mean delay may exceed the other's
         * @return whether this row misses no more drifts, is not slower (within the slack) and
         *     raises no more false alarms
         */
        public boolean matches(Row other, double delaySlack) {
            return missed <= other.missed
                    && !(meanDelay > other.meanDelay + delaySlack)
                    && falseAlarmsPer10k <= other.falseAlarmsPer10k + 1e-9;
        }
    }

    /**
     * Mnemo's best detector against another source's best, on one scenario.
     *
     * @param scenario the scenario
     * @param abrupt whether its drifts are abrupt
     * @param mnemoBest Mnemo's best row
     * @param otherBest the other source's best row
     * @param matching a Mnemo row that matches {@code otherBest} (the best such), or null
     */
    public record Comparison(String scenario, boolean abrupt, Row mnemoBest, Row otherBest, Row matching) {

        /** @return whether Mnemo's best has a delay at or below the other's best, with no more false alarms */
        public boolean bestHolds() {
            return !(mnemoBest.meanDelay() > otherBest.meanDelay())
                    && mnemoBest.falseAlarmsPer10k() <= otherBest.falseAlarmsPer10k() + 1e-9;
        }
    }

    /**
     * The results of a run.
     *
     * @param config the settings
     * @param scenarios the scenarios
     * @param rows one row per scenario and contender
     */
    public record Report(Config config, List<Scenario> scenarios, List<Row> rows) {

        /**
         * @param scenario a scenario name
         * @param source a source label
         * @return that source's best row on the scenario, or null if it has none
         */
        public Row best(String scenario, String source) {
            return rows.stream().filter(r -> r.scenario().equals(scenario) && r.source().equals(source))
                    .min(Row.BEST_FIRST).orElse(null);
        }

        /**
         * @param scenario a scenario name
         * @param detector a detector name
         * @param source a source label
         * @return the row, or null
         */
        public Row row(String scenario, String detector, String source) {
            return rows.stream().filter(r -> r.scenario().equals(scenario) && r.detector().equals(detector)
                    && r.source().equals(source)).findFirst().orElse(null);
        }

        /**
         * @param other the other source's label
         * @param delaySlack samples of delay allowed to the matching Mnemo row
         * @return one comparison per scenario where both sources have rows
         */
        public List<Comparison> compare(String other, double delaySlack) {
            return compare(other, delaySlack, r -> true);
        }

        /**
         * @param other the other source's label
         * @param delaySlack samples of delay allowed to the matching Mnemo row
         * @param otherRows which of the other source's rows may be its best
         * @return one comparison per scenario where both sources have rows
         */
        public List<Comparison> compare(String other, double delaySlack, Predicate<Row> otherRows) {
            List<Comparison> out = new ArrayList<>();
            for (Scenario s : scenarios) {
                Row mine = best(s.name(), Contender.MNEMO);
                Row theirs = rows.stream().filter(r -> r.scenario().equals(s.name()) && r.source().equals(other))
                        .filter(otherRows).min(Row.BEST_FIRST).orElse(null);
                if (mine == null || theirs == null) {
                    continue;
                }
                Row matching = rows.stream()
                        .filter(r -> r.scenario().equals(s.name()) && r.source().equals(Contender.MNEMO))
                        .filter(r -> r.matches(theirs, delaySlack)).min(Row.BEST_FIRST).orElse(null);
                out.add(new Comparison(s.name(), s.abrupt(), mine, theirs, matching));
            }
            return out;
        }

        /**
         * @param command the command line that produced the report, for the header
         * @param other another source to compare with, or null
         * @return the results as Markdown
         */
        public String markdown(String command, String other) {
            StringBuilder b = new StringBuilder();
            b.append("Command: `").append(command).append("`\n\n");
            b.append(String.format(Locale.ROOT, "Setup: %d drifts per stream, one every %,d samples; seeds %s; "
                    + "tolerance %,d samples after each drift (after the end of a gradual one); base learner "
                    + "(unless a stream says otherwise): naive Bayes over the last %d samples, 10 equal-width bins "
                    + "per feature, prequential.%n%n",
                    config.drifts(), config.period(), Arrays.toString(config.seeds()), config.tolerance(),
                    config.learnerWindow()));
            b.append("Streams:\n");
            for (Scenario s : scenarios) {
                b.append("- ").append(s.name()).append(": ").append(s.about()).append('\n');
            }
            b.append("\n| stream | detector | source | drifts | missed | mean delay | max delay "
                    + "| false alarms / 10k | ns/update (fastest seed) |\n");
            b.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : rows) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %s | %s | %.2f | %.1f |%n",
                        r.scenario(), r.detector(), r.source(), r.drifts(), r.missed(),
                        Double.isNaN(r.meanDelay()) ? "-" : String.format(Locale.ROOT, "%.1f", r.meanDelay()),
                        Double.isNaN(r.meanDelay()) ? "-" : Long.toString(r.maxDelay()), r.falseAlarmsPer10k(),
                        r.nsPerUpdate()));
            }
            if (other != null) {
                b.append("\nBest = fewest missed drifts, then lowest mean delay, then fewest false alarms "
                        + "(baselines excluded). `Mnemo matching` is the best Mnemo detector with no more "
                        + "missed drifts, a mean delay at or below, and no more false alarms than ")
                        .append(other).append("'s best.\n\n");
                b.append("Against all of ").append(other).append("'s detectors:\n\n");
                List<Comparison> all = compare(other, 0.0);
                comparisonTable(b, other, all);
                long abrupt = all.stream().filter(Comparison::abrupt).count();
                long matched = all.stream().filter(c -> c.abrupt() && c.matching() != null).count();
                b.append(String.format(Locale.ROOT, "%nOn %d of %d abrupt streams a Mnemo detector misses no more "
                        + "drifts than %s's best, with a mean delay at or below it and no more false alarms"
                        + "%s.%n", matched, abrupt, other, matched == abrupt ? "" : " (not on: " + String.join(", ",
                                all.stream().filter(c -> c.abrupt() && c.matching() == null).map(Comparison::scenario)
                                        .toList()) + ")"));
                b.append("\nAgainst ").append(other).append("'s detectors of the algorithms Mnemo implements (")
                        .append(String.join(", ", SHARED_ALGORITHMS)).append("):\n\n");
                comparisonTable(b, other, compare(other, 0.0, r -> SHARED_ALGORITHMS.contains(r.detector())));
            }
            return b.toString();
        }

        private static void comparisonTable(StringBuilder b, String other, List<Comparison> comparisons) {
            {
                b.append("| stream | drifts | best Mnemo | missed | delay | FA/10k | best ").append(other)
                        .append(" | missed | delay | FA/10k | best <= best | Mnemo matching |\n");
                b.append("|---|---|---|---:|---:|---:|---|---:|---:|---:|---|---|\n");
                for (Comparison c : comparisons) {
                    b.append(String.format(Locale.ROOT,
                            "| %s | %s | %s | %d | %.1f | %.2f | %s | %d | %.1f | %.2f | %s | %s |%n",
                            c.scenario(), c.abrupt() ? "abrupt" : "gradual", c.mnemoBest().detector(),
                            c.mnemoBest().missed(), c.mnemoBest().meanDelay(), c.mnemoBest().falseAlarmsPer10k(),
                            c.otherBest().detector(), c.otherBest().missed(), c.otherBest().meanDelay(),
                            c.otherBest().falseAlarmsPer10k(), c.bestHolds() ? "yes" : "no",
                            c.matching() == null ? "none" : c.matching().detector()));
                }
            }
        }

        /** @return the rows as JSON */
        public String json() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "{\"period\":%d,\"drifts\":%d,\"seeds\":%s,\"tolerance\":%d,"
                    + "\"gradualWidth\":%d,\"learnerWindow\":%d,\"rows\":[", config.period(), config.drifts(),
                    Arrays.toString(config.seeds()).replace(" ", ""), config.tolerance(), config.gradualWidth(),
                    config.learnerWindow()));
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                b.append(i == 0 ? "\n" : ",\n");
                b.append(String.format(Locale.ROOT, "  {\"stream\":\"%s\",\"abrupt\":%b,\"detector\":\"%s\","
                        + "\"source\":\"%s\",\"drifts\":%d,\"missed\":%d,\"meanDelay\":%s,\"maxDelay\":%s,"
                        + "\"falseAlarmsPer10k\":%.4f,\"nsPerUpdate\":%.2f}",
                        r.scenario(), r.abrupt(), r.detector(), r.source(), r.drifts(), r.missed(),
                        Double.isNaN(r.meanDelay()) ? "null" : String.format(Locale.ROOT, "%.2f", r.meanDelay()),
                        Double.isNaN(r.meanDelay()) ? "null" : Long.toString(r.maxDelay()), r.falseAlarmsPer10k(),
                        r.nsPerUpdate()));
            }
            return b.append("\n]}\n").toString();
        }
    }

    /**
     * Runs the benchmark on Mnemo's detectors.
     *
     * @param args {@code --quick} for the reduced run, {@code --out FILE} for the Markdown,
     *     {@code --json FILE} for the JSON
     */
    public static void main(String[] args) {
        Options o = Options.parse(args);
        Report report = run(o.config, contenders(), System.err);
        o.write(report, "java dev.mnemo.learner.drift.bench.DriftBench " + String.join(" ", args), null);
    }

    /**
     * Command-line options shared with the side-by-side runner.
     *
     * @param config the settings
     * @param out the Markdown file, or null
     * @param json the JSON file, or null
     */
    public record Options(Config config, Path out, Path json) {

        /**
         * @param args {@code --quick}, {@code --out FILE}, {@code --json FILE}
         * @return the options
         * @throws IllegalArgumentException on an unknown argument
         */
        public static Options parse(String[] args) {
            Config config = Config.standard();
            Path out = null;
            Path json = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> config = Config.quick();
                    case "--out" -> out = Path.of(args[++i]);
                    case "--json" -> json = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException(
                            "unknown argument " + args[i] + "; valid: --quick, --out FILE, --json FILE");
                }
            }
            return new Options(config, out, json);
        }

        /**
         * Prints the Markdown and writes the files asked for.
         *
         * @param report the results
         * @param command the command line, for the header
         * @param other a source to compare with, or null
         */
        public void write(Report report, String command, String other) {
            write(report, command, other, "");
        }

        /**
         * Prints the Markdown with more sections after it and writes the files asked for.
         *
         * @param report the results
         * @param command the command line, for the header
         * @param other a source to compare with, or null
         * @param more Markdown appended after the detector tables
         */
        public void write(Report report, String command, String other, String more) {
            String md = report.markdown(command, other) + more;
            System.out.println(md);
            try {
                if (out != null) {
                    createParent(out);
                    Files.writeString(out, md, StandardCharsets.UTF_8);
                }
                if (json != null) {
                    createParent(json);
                    Files.writeString(json, report.json(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void createParent(Path p) throws IOException {
            Path parent = p.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
    }
}
