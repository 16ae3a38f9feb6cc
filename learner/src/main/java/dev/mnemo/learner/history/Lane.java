package dev.mnemo.learner.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.mnemo.learner.drift.Adwin;
import dev.mnemo.learner.drift.RisingAdwin;
import dev.mnemo.learner.engine.BlockOutcome;
import dev.mnemo.learner.engine.EngineSettings;
import dev.mnemo.learner.engine.LearnerEngine;
import dev.mnemo.learner.engine.Scored;
import dev.mnemo.learner.engine.StreamSample;
import dev.mnemo.learner.eval.PrequentialAccuracy;
import dev.mnemo.learner.eval.TaskAccuracy;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.learner.watch.WatchConfig;
import dev.mnemo.schemas.v1.DriftAlert;

/**
 * One strategy configuration of a replay: the live learner's {@link LearnerEngine}, fed the same
 * blocks as every other lane, with its prequential figures and its own error-rate detector.
 *
 * <p>Per block the engine predicts, watches and trains exactly as it does live (it is the same
 * class): each sample is predicted by the model as it was just before the step that trained on
 * it, the first labelled sample of a new task tag ends the current task first, a drift the watch's
 * checks confirm ends it too, and unlabelled samples ride along only for a distilling strategy.
 * The lane then scores the labelled predictions (overall, per class, per task, and one 0/1 error
 * into ADWIN) and places the watch's alerts at the samples that completed their checks. At every
 * task end the lane keeps a copy of its model, from which the run fills the accuracy matrix on the
 * holdout once the range is read.
 *
 * <p>Confined to one thread at a time (the run hands it from its worker thread to the caller only
 * after the worker finished).
 */
final class Lane {

    private final String name;
    private final StrategySpec spec;
    private final LearnerEngine engine;
    private final int sampleEvery;
    private final Classifier start;
    private final PrequentialAccuracy overall;
    private final PrequentialAccuracy[] perClass;
    private final TaskAccuracy perTask;
    private final Adwin adwin;
    private final RisingAdwin rising;
    private final List<CurvePoint> curve = new ArrayList<>();
    private final List<DriftMark> drifts = new ArrayList<>();
    private final List<DriftMark> alerts = new ArrayList<>();
    private final List<Classifier> taskEnds = new ArrayList<>();
    private long trainingSteps;
    private long trainedSamples;
    private long busyNanos;
    private long cpuNanos;
    private long lastTimestamp;
    private Instant lastSeen = Instant.EPOCH;
    private boolean finished;

    Lane(String name, StrategySpec spec, ContinualTrainer trainer, int batchSize, int window, int sampleEvery,
         double adwinDelta) {
        this(name, spec, trainer, new EngineSettings(name, batchSize, true, true, 0, WatchConfig.defaults()), window,
                sampleEvery, adwinDelta);
    }

    /** @param settings the engine's settings, as the live learner's */
    Lane(String name, StrategySpec spec, ContinualTrainer trainer, EngineSettings settings, int window,
         int sampleEvery, double adwinDelta) {
        this.name = name;
        this.spec = spec;
        this.engine = new LearnerEngine(trainer, settings);
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
        engine.onTaskEnd(model -> taskEnds.add(model.copy()));
    }

    String name() {
        return name;
    }

    StrategySpec spec() {
        return spec;
    }

    ContinualTrainer trainer() {
        return engine.trainer();
    }

    /** Test-then-train on one block, then score what the engine processed. */
    void process(Block block) {
        long t0 = System.nanoTime();
        long c0 = CpuTime.thread();
        if (block.size() > 0) {
            lastSeen = Instant.ofEpochMilli(block.samples().get(block.size() - 1).timestamp());
            consume(engine.process(block.stream(), lastSeen));
        }
        busyNanos += System.nanoTime() - t0;
        cpuNanos += CpuTime.thread() - c0;
    }

    private void consume(BlockOutcome outcome) {
        long counted = overall.count();
        score(outcome);
        place(outcome, counted);
        trainingSteps += outcome.steps();
        trainedSamples += outcome.trainedSamples();
    }

    private void score(BlockOutcome outcome) {
        for (Scored scored : outcome.scored()) {
            StreamSample s = scored.sample();
            if (!s.labelled()) {
                continue;
            }
            boolean correct = scored.correct();
            overall.update(correct);
            perClass[s.label()].update(correct);
            perTask.update(s.task(), correct);
            rising.update(correct ? 0.0 : 1.0);
            lastTimestamp = s.eventTime();
            if (adwin.driftDetected()) {
                drifts.add(new DriftMark(overall.count(), s.topic(), s.partition(), s.offset(), s.eventTime(),
                        rising.driftDetected(), adwin.estimation(), scored.modelVersion()));
            }
            if (overall.count() % sampleEvery == 0) {
                curve.add(point());
            }
        }
    }

    /**
     * Places each alert at the sample that completed its check (its window's end);
     * {@code counted}: labelled samples scored before the outcome.
     */
    private void place(BlockOutcome outcome, long counted) {
        int[] watched = outcome.watched();
        for (DriftAlert a : outcome.alerts()) {
            int j = (int) Math.min(watched.length - 1, Math.max(0, a.getWindowEnd() - outcome.firstWatched()));
            int at = watched[j];
            long position = counted;
            for (int i = 0; i <= at; i++) {
                if (outcome.scored().get(i).sample().labelled()) {
                    position++;
                }
            }
            Scored scored = outcome.scored().get(at);
            StreamSample s = scored.sample();
            Double errorAfter = a.getEvidence().get("error.after");
            alerts.add(new DriftMark(position, s.topic(), s.partition(), s.offset(), s.eventTime(), true,
                    errorAfter == null ? Double.NaN : errorAfter, scored.modelVersion(), a.getVerdict().name()));
        }
    }

    private CurvePoint point() {
        return new CurvePoint(overall.count(), lastTimestamp, overall.accuracy(), overall.windowAccuracy());
    }

    /** Ends the replay: the model as it is now closes the last task; the curve gets its last point. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (engine.hasPending()) {
            consume(engine.flush(lastSeen));
        }
        if (overall.count() > 0) {
            taskEnds.add(engine.model().copy());
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

    /** The alerts the watch raised, placed at the samples that completed their checks. */
    List<DriftMark> alerts() {
        return alerts;
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
