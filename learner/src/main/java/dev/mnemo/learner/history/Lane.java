package dev.mnemo.learner.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import dev.mnemo.learner.drift.Adwin;
import dev.mnemo.learner.drift.RisingAdwin;
import dev.mnemo.learner.eval.PrequentialAccuracy;
import dev.mnemo.learner.eval.TaskAccuracy;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.Predictions;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StepResult;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.learner.watch.DriftWatch;
import dev.mnemo.learner.watch.WatchConfig;
import dev.mnemo.schemas.v1.DriftAlert;

/**
 * One strategy configuration of a replay: a {@link ContinualTrainer} fed the same blocks as every
 * other lane, test-then-train, with its prequential figures and its drift detector.
 *
 * <p>Per block: predict every labelled sample with the current model and score it (overall, per
 * class, per task, and one 0/1 error into ADWIN), then train on the block in order,
 * {@code batchSize} labelled samples per step, exactly as the live learner does: unlabelled
 * samples ride along only for a distilling strategy, and the first labelled sample of a new task
 * tag ends the current task first. At every task end the lane keeps a copy of its model, from
 * which the run fills the accuracy matrix on the holdout once the range is read.
 *
 * <p>The lane also runs the live learner's {@link DriftWatch} on the samples it scores, with the
 * default settings, to report the alerts (with their verdicts) that the learner would have raised.
 * The watch only observes here: task boundaries come from the tags, so that a replay can be checked
 * against a plain test-then-train run. Given an executor, the lane does not run the watch's checks
 * (Mahalanobis fit, MC dropout) on its own thread: each is taken with a copy of the model as it was
 * when the check fell due ({@link DriftWatch#observeDeferred}) and runs on the executor while the
 * lane trains on; the alerts are the same, and {@link #alerts()} waits for them.
 *
 * <p>Confined to one thread at a time (the run hands it from its worker thread to the caller only
 * after the worker finished).
 */
final class Lane {

    private final String name;
    private final StrategySpec spec;
    private final ContinualTrainer trainer;
    private final boolean distils;
    private final int batchSize;
    private final int sampleEvery;
    private final Classifier start;
    private final PrequentialAccuracy overall;
    private final PrequentialAccuracy[] perClass;
    private final TaskAccuracy perTask;
    private final Adwin adwin;
    private final RisingAdwin rising;
    private final List<CurvePoint> curve = new ArrayList<>();
    private final List<DriftMark> drifts = new ArrayList<>();
    private final DriftWatch watch;
    /** Alerts in the order they were raised; complete once their check has run. */
    private final List<CompletableFuture<DriftMark>> alerts = new ArrayList<>();
    /** Where the watch's checks run; null: on the lane's thread. */
    private final Executor checks;
    private final List<Classifier> taskEnds = new ArrayList<>();
    private long trainingSteps;
    private long trainedSamples;
    private long busyNanos;
    private long cpuNanos;
    private long lastTimestamp;
    private boolean finished;

    Lane(String name, StrategySpec spec, ContinualTrainer trainer, int batchSize, int window, int sampleEvery,
         double adwinDelta) {
        this(name, spec, trainer, batchSize, window, sampleEvery, adwinDelta, null);
    }

    /** @param checks where the drift watch's checks run, or null for the lane's own thread */
    Lane(String name, StrategySpec spec, ContinualTrainer trainer, int batchSize, int window, int sampleEvery,
         double adwinDelta, Executor checks) {
        this.name = name;
        this.checks = checks;
        this.spec = spec;
        this.trainer = trainer;
        this.distils = spec.usesLwf();
        this.batchSize = batchSize;
        this.sampleEvery = sampleEvery;
        this.start = trainer.model().copy();
        int classes = trainer.model().spec().classes();
        this.overall = new PrequentialAccuracy(window);
        this.perClass = new PrequentialAccuracy[classes];
        for (int c = 0; c < classes; c++) {
            perClass[c] = new PrequentialAccuracy(window);
        }
        this.perTask = new TaskAccuracy(window);
        this.adwin = Adwin.withDelta(adwinDelta);
        this.rising = new RisingAdwin(adwin);
        this.watch = new DriftWatch(WatchConfig.defaults(), name);
    }

    String name() {
        return name;
    }

    StrategySpec spec() {
        return spec;
    }

    ContinualTrainer trainer() {
        return trainer;
    }

    /** Test-then-train on one block. */
    void process(Block block) {
        long t0 = System.nanoTime();
        long c0 = CpuTime.thread();
        test(block);
        train(block);
        busyNanos += System.nanoTime() - t0;
        cpuNanos += CpuTime.thread() - c0;
    }

    private void test(Block block) {
        int n = 0;
        for (ReplaySample s : block.samples()) {
            if (s.labelled()) {
                n++;
            }
        }
        if (n == 0) {
            return;
        }
        float[][] x = new float[n][];
        int[] tasks = new int[n];
        int[] at = new int[n];
        int k = 0;
        for (int i = 0; i < block.size(); i++) {
            if (block.samples().get(i).labelled()) {
                x[k] = block.features()[i];
                tasks[k] = block.tasks()[i];
                at[k++] = i;
            }
        }
        Predictions predictions = trainer.predict(x, tasks);
        long version = trainer.model().version();
        watch(block, at, x, predictions, version);
        for (int j = 0; j < n; j++) {
            ReplaySample s = block.samples().get(at[j]);
            boolean correct = predictions.predictedClass()[j] == s.label();
            overall.update(correct);
            perClass[s.label()].update(correct);
            perTask.update(s.task(), correct);
            rising.update(correct ? 0.0 : 1.0);
            lastTimestamp = s.timestamp();
            if (adwin.driftDetected()) {
                drifts.add(new DriftMark(overall.count(), s.topic(), s.partition(), s.offset(), s.timestamp(),
                        rising.driftDetected(), adwin.estimation(), version));
            }
            if (overall.count() % sampleEvery == 0) {
                curve.add(point());
            }
        }
    }

    /** Feeds the scored samples to the drift watch and keeps its alerts, placed at the sample that completed the check. */
    private void watch(Block block, int[] at, float[][] x, Predictions predictions, long version) {
        List<DriftWatch.Seen> seen = new ArrayList<>(x.length);
        for (int j = 0; j < x.length; j++) {
            ReplaySample s = block.samples().get(at[j]);
            seen.add(new DriftWatch.Seen(s.id(), s.topic(), s.timestamp(), x[j], s.label(),
                    predictions.probabilities()[j], predictions.predictedClass()[j]));
        }
        long first = watch.observed();
        long counted = overall.count();
        Instant now = Instant.ofEpochMilli(block.samples().get(at[at.length - 1]).timestamp());
        DriftWatch.Outcome outcome = checks == null ? watch.observe(trainer.model(), seen, now)
                : watch.observeDeferred(trainer.model(), seen, now);
        for (DriftAlert a : outcome.alerts()) {
            alerts.add(CompletableFuture.completedFuture(mark(a, first, counted, block, at, version)));
        }
        for (DriftWatch.DeferredCheck check : outcome.deferred()) {
            alerts.add(CompletableFuture.supplyAsync(() -> mark(check.run(), first, counted, block, at, version),
                    checks));
        }
    }

    /**
     * The alert placed at the sample that completed its check (its window's end);
     * {@code counted}: samples scored before the block.
     */
    private static DriftMark mark(DriftAlert a, long first, long counted, Block block, int[] at, long version) {
        int j = (int) Math.min(at.length - 1, Math.max(0, a.getWindowEnd() - first));
        ReplaySample s = block.samples().get(at[j]);
        Double errorAfter = a.getEvidence().get("error.after");
        return new DriftMark(counted + j + 1, s.topic(), s.partition(), s.offset(), s.timestamp(), true,
                errorAfter == null ? Double.NaN : errorAfter, version, a.getVerdict().name());
    }

    private CurvePoint point() {
        return new CurvePoint(overall.count(), lastTimestamp, overall.accuracy(), overall.windowAccuracy());
    }

    private void train(Block block) {
        List<Integer> chunk = new ArrayList<>();
        int chunkLabelled = 0;
        for (int i = 0; i < block.size(); i++) {
            ReplaySample s = block.samples().get(i);
            if (!s.labelled() && !distils) {
                continue;
            }
            if (s.labelled() && block.boundaryBefore()[i]) {
                chunkLabelled = step(block, chunk, chunkLabelled);
                taskEnds.add(trainer.model().copy());
                trainer.taskBoundary();
            }
            if (s.labelled()) {
                chunkLabelled++;
            }
            chunk.add(i);
            if (chunkLabelled >= batchSize) {
                chunkLabelled = step(block, chunk, chunkLabelled);
            }
        }
        step(block, chunk, chunkLabelled);
    }

    private int step(Block block, List<Integer> chunk, int chunkLabelled) {
        if (chunk.isEmpty()) {
            return 0;
        }
        float[][] features = new float[chunk.size()][];
        int[] labels = new int[chunk.size()];
        int[] tasks = new int[chunk.size()];
        for (int k = 0; k < chunk.size(); k++) {
            int i = chunk.get(k);
            features[k] = block.features()[i];
            labels[k] = block.samples().get(i).label();
            tasks[k] = block.tasks()[i];
        }
        StepResult result = trainer.step(new Batch(features, labels, tasks));
        if (result.trained()) {
            trainingSteps++;
        }
        trainedSamples += chunkLabelled;
        chunk.clear();
        return 0;
    }

    /** Ends the replay: the model as it is now closes the last task; the curve gets its last point. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (overall.count() > 0) {
            taskEnds.add(trainer.model().copy());
            if (curve.isEmpty() || curve.get(curve.size() - 1).position() != overall.count()) {
                curve.add(point());
            }
        }
    }

    Classifier start() {
        return start;
    }

    List<Classifier> taskEnds() {
        return taskEnds;
    }

    PrequentialAccuracy overall() {
        return overall;
    }

    PrequentialAccuracy[] perClass() {
        return perClass;
    }

    TaskAccuracy perTask() {
        return perTask;
    }

    List<CurvePoint> curve() {
        return curve;
    }

    List<DriftMark> drifts() {
        return drifts;
    }

    /** The alerts, waiting for checks still running. */
    List<DriftMark> alerts() {
        List<DriftMark> out = new ArrayList<>(alerts.size());
        for (CompletableFuture<DriftMark> a : alerts) {
            try {
                out.add(a.join());
            } catch (CompletionException e) {
                throw new IllegalStateException("lane " + name + ": a drift check failed: " + e.getCause(), e.getCause());
            }
        }
        return out;
    }

    long trainingSteps() {
        return trainingSteps;
    }

    long trainedSamples() {
        return trainedSamples;
    }

    long cpuNanos() {
        return cpuNanos;
    }

    long busyNanos() {
        return busyNanos;
    }
}
