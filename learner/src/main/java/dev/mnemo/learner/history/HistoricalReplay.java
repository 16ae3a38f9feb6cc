package dev.mnemo.learner.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.mnemo.learner.eval.AccuracyMatrix;
import dev.mnemo.learner.eval.ClassificationMetrics;
import dev.mnemo.learner.eval.PrequentialAccuracy;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StrategySpec;

/**
 * Evaluates several strategy configurations side by side on one pass over a range of retained
 * samples, without touching the production learner.
 *
 * <h2>Method</h2>
 * <ol>
 *   <li>Every lane ({@link ReplayConfig#strategies()}) gets a {@link ContinualTrainer} built from its
 *       {@link StrategySpec} with the same seed, starting from the same model (fresh and seeded, or a
 *       copy of a checkpointed one).</li>
 *   <li>Samples are taken in replay order. Labelled samples the {@link Holdout} picks are set aside
 *       per task tag as a clean test set (unlabelled ones it picks are skipped). The rest form blocks
 *       of {@code blockSize} samples. Blocks depend only on the order of the samples, never on
 *       how Kafka polls happened to split them, so a range gives the same numbers every time.</li>
 *   <li>Each block goes to every lane's {@link dev.mnemo.learner.engine.LearnerEngine}, the live
 *       learner's own engine: predict, watch and train, test-then-train, with task boundaries from
 *       new task tags and from confirmed drifts (see {@link Lane}). With {@code parallel} every lane
 *       runs on its own thread behind a short queue; lanes share nothing but the read-only blocks,
 *       so the results do not depend on it.</li>
 *   <li>At the end each lane's models at the task ends fill the accuracy matrix on the holdout of
 *       every task, with the starting model as the baseline; {@link AccuracyMatrix} gives ACC,
 *       BWT, FWT and forgetting, {@link ClassificationMetrics} the final per-class holdout
 *       accuracy.</li>
 * </ol>
 *
 * <pre>{@code
 * try (RangeReader reader = RangeReader.open(kafkaConfig, range)) {
 *     ReplayResult r = HistoricalReplay.run(new KafkaSamples(reader, -1, 10), range,
 *             ReplayConfig.of(List.of("fine-tune", "lwf+replay"), 7L), StartingModel.fresh(), Progress.NONE);
 * }
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>J. Gama, R. Sebastiao and P. P. Rodrigues, "On evaluating stream learning algorithms",
 *       Machine Learning 90(3), 2013 (prequential evaluation).</li>
 *   <li>D. Lopez-Paz and M. Ranzato, "Gradient Episodic Memory for Continual Learning", NeurIPS
 *       2017 (accuracy matrix, ACC, BWT, FWT).</li>
 *   <li>A. Bifet and R. Gavalda, "Learning from Time-Changing Data with Adaptive Windowing", SDM
 *       2007 (ADWIN).</li>
 * </ul>
 */
public final class HistoricalReplay {

    /** Most task tags a replay tracks (each task end keeps a copy of every lane's model). */
    public static final int MAX_TASKS = 200;

    /** Receives progress from the reading thread: records done by the slowest lane, of the total. */
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(long done, long total);
    }

    private static final Block END = Block.of(List.of(), -1);

    private HistoricalReplay() {
    }

    /**
     * Runs the lanes over every sample of {@code source}.
     *
     * @param range the range the source reads, recorded in the result (may be null for a list)
     * @throws IllegalArgumentException if the starting model does not fit the samples
     * @throws IllegalStateException if a lane fails (the cause attached) or more than
     *     {@value #MAX_TASKS} task tags appear
     */
    public static ReplayResult run(SampleSource source, ReplayRange range, ReplayConfig config, StartingModel start,
                                   Progress progress) {
        long t0 = System.nanoTime();
        long c0 = CpuTime.thread();
        List<Lane> lanes = null;
        List<Worker> workers = new ArrayList<>();
        ExecutorService scoring = config.parallel() ? scoringPool() : null;
        Map<String, Integer> taskIndex = new LinkedHashMap<>();
        Map<String, List<ReplaySample>> holdout = new LinkedHashMap<>();
        long labelled = 0;
        long trained = 0;
        long heldOut = 0;
        long heldOutUnlabelled = 0;
        long valid = 0;
        List<ReplaySample> pending = new ArrayList<>(config.blockSize());
        long lastProgress = 0;
        try {
            for (ReplaySample s = source.next(); s != null; s = source.next()) {
                valid++;
                if (lanes == null) {
                    lanes = lanes(config, start, s.features().length);
                    if (config.parallel()) {
                        for (Lane lane : lanes) {
                            Worker w = new Worker(lane);
                            workers.add(w);
                            w.thread.start();
                        }
                    }
                }
                if (s.labelled()) {
                    labelled++;
                }
                if (config.holdout().test(s)) {
                    if (s.labelled()) {
                        heldOut++;
                        List<ReplaySample> kept = holdout.computeIfAbsent(s.taskTag(), t -> new ArrayList<>());
                        if (kept.size() < config.maxHoldoutPerTask()) {
                            kept.add(s);
                        }
                    } else {
                        heldOutUnlabelled++;
                    }
                    continue;
                }
                if (s.labelled() && !taskIndex.containsKey(s.taskTag())) {
                    if (taskIndex.size() == MAX_TASKS) {
                        throw new IllegalStateException("more than " + MAX_TASKS + " task tags in the range; "
                                + "a replay keeps a model copy per task end per lane");
                    }
                    taskIndex.put(s.taskTag(), taskIndex.size());
                }
                pending.add(s);
                trained++;
                if (pending.size() == config.blockSize()) {
                    dispatch(Block.of(pending, source.read()), lanes, workers);
                    pending = new ArrayList<>(config.blockSize());
                }
                long now = System.nanoTime();
                if (now - lastProgress > 250_000_000L) {
                    progress.update(done(lanes, workers, source), source.total());
                    lastProgress = now;
                }
            }
            if (lanes == null) {
                throw new IllegalStateException("the range holds no valid sample (read " + source.read()
                        + " records, rejected " + source.rejected() + ")");
            }
            if (!pending.isEmpty()) {
                dispatch(Block.of(pending, source.read()), lanes, workers);
            }
            // Each lane scores its own task-end models on the holdout on its own thread, so a lane
            // that finished training early evaluates while a slower one still trains.
            End end = new End(List.copyOf(taskIndex.keySet()), holdout, scoring);
            for (Worker w : workers) {
                w.finish(end);
            }
            for (Worker w : workers) {
                w.join();
            }
            progress.update(source.read(), source.total());
        } finally {
            for (Worker w : workers) {
                w.thread.interrupt();
            }
            if (scoring != null) {
                scoring.shutdown();
            }
        }
        List<ReplayResult.LaneResult> results = new ArrayList<>();
        List<String> laneNames = config.laneNames();
        List<String> tasks = List.copyOf(taskIndex.keySet());
        for (int i = 0; i < lanes.size(); i++) {
            results.add(workers.isEmpty()
                    ? new End(tasks, holdout, null).result(laneNames.get(i), lanes.get(i))
                    : workers.get(i).result());
        }
        Map<String, Integer> holdoutPerTask = new LinkedHashMap<>();
        holdout.forEach((t, l) -> holdoutPerTask.put(t, l.size()));
        long rejected = source.rejected().values().stream().mapToLong(Long::longValue).sum();
        ReplayResult.Counts counts = new ReplayResult.Counts(valid + rejected, source.outsideTime(), valid,
                source.rejected(), labelled, trained, heldOut, heldOutUnlabelled);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double readerCpu = (CpuTime.thread() - c0) / 1e9;
        return new ReplayResult(range, source.partitions(), config, start, counts, tasks, holdoutPerTask, seconds,
                readerCpu, results);
    }

    /** Daemon threads, one per core, that score the lanes' earlier task-end models on the holdout. */
    private static ExecutorService scoringPool() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "mnemo-replay-score-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static List<Lane> lanes(ReplayConfig config, StartingModel start, int inputs) {
        MlpSpec spec = start.model().map(Classifier::spec).orElseGet(() -> config.freshModel(inputs));
        if (spec.inputs() != inputs) {
            throw new IllegalArgumentException("the starting model takes " + spec.inputs() + " features, the samples have "
                    + inputs);
        }
        if (spec.classes() != config.classes()) {
            throw new IllegalArgumentException("the starting model has " + spec.classes() + " classes, the replay was"
                    + " configured for " + config.classes() + " (--classes)");
        }
        List<Lane> lanes = new ArrayList<>();
        List<String> names = config.laneNames();
        for (int i = 0; i < config.strategies().size(); i++) {
            StrategySpec s = config.strategies().get(i);
            ContinualTrainer trainer = s.trainer(spec);
            start.newModel().ifPresent(m -> trainer.restore(m, 0));
            lanes.add(new Lane(names.get(i), s, trainer, config.batchSize(), config.window(), config.sampleEvery(),
                    config.adwinDelta()));
        }
        return lanes;
    }

    private static void dispatch(Block block, List<Lane> lanes, List<Worker> workers) {
        if (workers.isEmpty()) {
            for (Lane lane : lanes) {
                lane.process(block);
            }
        } else {
            for (Worker w : workers) {
                w.put(block);
            }
        }
    }

    private static long done(List<Lane> lanes, List<Worker> workers, SampleSource source) {
        if (workers.isEmpty()) {
            return source.read();
        }
        long min = Long.MAX_VALUE;
        for (Worker w : workers) {
            min = Math.min(min, w.done.get());
        }
        return min;
    }

    /**
     * What a lane needs to close its result once the range is read: the task tags in order and the
     * holdout, complete by then and no longer written.
     */
    private record End(List<String> tasks, Map<String, List<ReplaySample>> holdout, Executor pool) {

        /**
         * Ends the lane and scores it: the accuracy matrix of its task-end models on each task's
         * holdout (the starting model as the baseline) and the final model on the whole holdout.
         * The last task-end model is a copy of the final model, so the final model's predictions
         * serve both. With a pool, the starting and earlier task-end models (copies, independent of
         * the lane) are scored there, in parallel with the final model on the lane's thread.
         */
        ReplayResult.LaneResult result(String name, Lane lane) {
            lane.finish();
            PrequentialAccuracy overall = lane.overall();
            List<ReplayResult.ClassScore> perClass = new ArrayList<>();
            PrequentialAccuracy[] classes = lane.perClass();
            for (int c = 0; c < classes.length; c++) {
                perClass.add(new ReplayResult.ClassScore(c, classes[c].count(), classes[c].correct(),
                        classes[c].accuracy()));
            }
            Classifier last = lane.trainer().model();
            Map<String, int[]> lastPredicted = new HashMap<>();
            ReplayResult.Matrix matrix = null;
            List<Classifier> ends = lane.taskEnds();
            if (!tasks.isEmpty() && ends.size() == tasks.size()) {
                int t = tasks.size();
                AccuracyMatrix r = new AccuracyMatrix(t);
                double[] baseline = new double[t];
                // earlier.get(0): the starting model; earlier.get(i + 1): the model at the end of task i < t - 1.
                List<CompletableFuture<int[][]>> earlier = new ArrayList<>();
                List<Classifier> models = new ArrayList<>();
                models.add(lane.start());
                models.addAll(ends.subList(0, t - 1));
                for (Classifier m : models) {
                    earlier.add(pool == null ? CompletableFuture.completedFuture(predictedPerTask(m))
                            : CompletableFuture.supplyAsync(() -> predictedPerTask(m), pool));
                }
                for (String task : tasks) {
                    lastPredicted.computeIfAbsent(task, k -> predicted(last, holdout.getOrDefault(k, List.of())));
                }
                for (int j = 0; j < t; j++) {
                    List<ReplaySample> test = holdout.getOrDefault(tasks.get(j), List.of());
                    baseline[j] = accuracy(earlier.get(0).join()[j], test);
                    for (int i = 0; i < t; i++) {
                        int[] p = i == t - 1 ? lastPredicted.get(tasks.get(j)) : earlier.get(i + 1).join()[j];
                        double a = accuracy(p, test);
                        if (!Double.isNaN(a)) {
                            r.set(i, j, a);
                        }
                    }
                }
                // Without a holdout sample for some task, FWT has no baseline there and stays NaN.
                if (java.util.Arrays.stream(baseline).noneMatch(Double::isNaN)) {
                    r.setBaseline(baseline);
                }
                matrix = new ReplayResult.Matrix(tasks, r.rows(), r.baseline(), r.acc(), r.bwt(), r.fwt(),
                        r.forgetting());
            }
            ReplayResult.HoldoutScore holdoutScore = null;
            List<int[]> labels = new ArrayList<>();
            List<int[]> predictions = new ArrayList<>();
            int total = 0;
            for (Map.Entry<String, List<ReplaySample>> e : holdout.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    labels.add(labels(e.getValue()));
                    predictions.add(lastPredicted.computeIfAbsent(e.getKey(), k -> predicted(last, e.getValue())));
                    total += e.getValue().size();
                }
            }
            if (total > 0) {
                ClassificationMetrics m = ClassificationMetrics.of(last.spec().classes(), concat(labels, total),
                        concat(predictions, total));
                double[] recall = new double[m.classes()];
                for (int c = 0; c < recall.length; c++) {
                    recall[c] = m.recall(c);
                }
                holdoutScore = new ReplayResult.HoldoutScore(m.count(), m.accuracy(), recall);
            }
            return new ReplayResult.LaneResult(name, lane.spec(), overall.count(), overall.correct(),
                    overall.accuracy(), overall.windowAccuracy(), perClass, lane.perTask().snapshot(),
                    List.copyOf(lane.curve()), lane.drifts(), lane.alerts(), matrix, holdoutScore,
                    last.version(), lane.trainingSteps(), lane.trainedSamples(), lane.trainer().tasksEnded(),
                    lane.busyNanos() / 1e9, lane.cpuNanos() / 1e9, last);
        }

        /** The model's predicted classes on each task's holdout, in the order of {@code tasks}. */
        private int[][] predictedPerTask(Classifier model) {
            int[][] out = new int[tasks.size()][];
            for (int j = 0; j < out.length; j++) {
                out[j] = predicted(model, holdout.getOrDefault(tasks.get(j), List.of()));
            }
            return out;
        }
    }

    /** Predicted classes of {@code model} on {@code test}, in batches. */
    private static int[] predicted(Classifier model, List<ReplaySample> test) {
        int[] out = new int[test.size()];
        for (int from = 0; from < out.length; from += ClassificationMetrics.DEFAULT_BATCH) {
            int to = Math.min(out.length, from + ClassificationMetrics.DEFAULT_BATCH);
            int[] p = model.predict(features(test.subList(from, to))).predictedClass();
            System.arraycopy(p, 0, out, from, p.length);
        }
        return out;
    }

    private static double accuracy(int[] predicted, List<ReplaySample> test) {
        if (test.isEmpty()) {
            return Double.NaN;
        }
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == test.get(i).label()) {
                correct++;
            }
        }
        return correct / (double) predicted.length;
    }

    private static int[] concat(List<int[]> parts, int total) {
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static float[][] features(List<ReplaySample> samples) {
        float[][] x = new float[samples.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = samples.get(i).features();
        }
        return x;
    }

    private static int[] labels(List<ReplaySample> samples) {
        int[] y = new int[samples.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = samples.get(i).label();
        }
        return y;
    }

    /** A lane on its own thread, fed through a short queue. */
    private static final class Worker {
        final Lane lane;
        final BlockingQueue<Block> queue = new ArrayBlockingQueue<>(8);
        final AtomicLong done = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread;
        /** Set before the end marker is queued (the queue orders it before the worker's read). */
        private volatile End end;
        private volatile ReplayResult.LaneResult result;

        Worker(Lane lane) {
            this.lane = lane;
            this.thread = new Thread(this::loop, "mnemo-replay-" + lane.name());
            this.thread.setDaemon(true);
        }

        private void loop() {
            try {
                while (true) {
                    Block b = queue.take();
                    if (b == END) {
                        End e = end;
                        if (e != null) {
                            result = e.result(lane.name(), lane);
                        }
                        return;
                    }
                    lane.process(b);
                    done.set(b.recordsThrough());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        void put(Block b) {
            try {
                while (!queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
                    check();
                }
                check();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while feeding lane " + lane.name(), e);
            }
        }

        /** Queues the end of the range; the worker then closes its lane's result with {@code e}. */
        void finish(End e) {
            this.end = e;
            put(END);
        }

        /** The lane's result, after {@link #join()}. */
        ReplayResult.LaneResult result() {
            ReplayResult.LaneResult r = result;
            if (r == null) {
                throw new IllegalStateException("lane " + lane.name() + " ended without a result");
            }
            return r;
        }

        void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for lane " + lane.name(), e);
            }
            check();
        }

        private void check() {
            Throwable e = failure.get();
            if (e != null) {
                throw new IllegalStateException("lane " + lane.name() + " failed: " + e, e);
            }
        }
    }
}
