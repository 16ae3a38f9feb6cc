package dev.mnemo.learner.bench.cl;

import dev.mnemo.learner.eval.AccuracyMatrix;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.OutputHead;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StrategySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs one benchmark configuration: the learner's {@link ContinualTrainer} with the strategy
 * classes the service uses ({@link StrategySpec#trainer(MlpSpec, dev.mnemo.learner.strategy.Scenario)}),
 * trained task after task, with the accuracy matrix filled after each task.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>A new MLP (seeded by the run's seed) with the logits head; its accuracy on every task's
 *       test set is the baseline {@code b_j} of forward transfer.</li>
 *   <li>For each task: {@code iterationsPerTask} steps of {@code batch} samples of that task
 *       ({@link ClTasks#next}), then {@link ContinualTrainer#taskBoundary()} (LwF takes its teacher),
 *       then the accuracy on every task's test set, row {@code t} of R ({@link ContinualTrainer#predict}
 *       applies the scenario's mask).</li>
 *   <li>Metrics from {@link AccuracyMatrix}; training speed = stream samples / time in
 *       {@link ContinualTrainer#step} (evaluation excluded).</li>
 * </ol>
 * Strategy {@code joint} is the offline upper bound of the paper: no plug-in, each batch drawn from
 * the union of the tasks so far ({@link ClTasks#nextUpTo}). (The streaming
 * {@link dev.mnemo.learner.strategy.JointTraining} plug-in keeps a copy of every stream sample, 1.3
 * million rows over Split-MNIST's 10,000 steps; drawing from the data set is the same training
 * distribution without that memory.)
 */
public final class ClRunner {

    /** Strategies the runner knows: the learner's four and the offline upper bound. */
    public static final List<String> STRATEGIES = List.of("fine-tune", "lwf", "replay", "lwf+replay", "joint");

    private static final int EVAL_CHUNK = 1000;

    private ClRunner() {}

    /**
     * Runs one configuration.
     *
     * @param progress receives one line per task (for the console)
     * @throws IllegalArgumentException for an unknown strategy
     */
    public static ClRunResult run(ClBenchmark benchmark, ClScenario scenario, String strategy, long seed,
                                  ClSourceData data, ClOptions options, Consumer<String> progress) {
        if (!STRATEGIES.contains(strategy)) {
            throw new IllegalArgumentException("strategy must be one of " + STRATEGIES + ", got '" + strategy + "'");
        }
        long wallStart = System.nanoTime();
        ClTasks tasks = new ClTasks(benchmark, scenario, data, options.testPerTask(), seed);
        MlpSpec spec = new MlpSpec(data.inputs(), benchmark.hidden(), tasks.classes(), benchmark.learningRate(), 1.0,
                seed);
        boolean joint = "joint".equals(strategy);
        ContinualTrainer trainer = joint
                ? new ContinualTrainer(Classifier.create(spec, OutputHead.LOGITS, options.initialisation()),
                        tasks.scenario(), List.of())
                : options.strategy(strategy, seed).trainer(spec, tasks.scenario(), options.initialisation());
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        AccuracyMatrix matrix = new AccuracyMatrix(tasks.count());
        matrix.setBaseline(evaluate(trainer, tasks));
        String label = String.format(Locale.ROOT, "%s %s %s seed %d", benchmark.name(), scenario.id(), strategy, seed);
        long stepNanos = 0;
        long streamSamples = 0;
        for (int t = 0; t < tasks.count(); t++) {
            long taskNanos = 0;
            for (int it = 0; it < benchmark.iterationsPerTask(); it++) {
                Batch batch = joint
                        ? tasks.nextUpTo(t, benchmark.batch(), random)
                        : tasks.next(t, benchmark.batch(), random);
                long start = System.nanoTime();
                trainer.step(batch);
                taskNanos += System.nanoTime() - start;
                streamSamples += batch.size();
            }
            stepNanos += taskNanos;
            trainer.taskBoundary();
            double[] row = evaluate(trainer, tasks);
            matrix.setRow(t, row);
            progress.accept(String.format(Locale.ROOT, "[%s] task %d/%d: %.0f samples/s, accuracy %s", label, t + 1,
                    tasks.count(), benchmark.iterationsPerTask() * (double) benchmark.batch() / (taskNanos / 1e9),
                    format(row, t)));
        }
        double trainSeconds = stepNanos / 1e9;
        return new ClRunResult(benchmark.name(), scenario, strategy, options.variant(strategy), seed, benchmark.iterationsPerTask(), matrix,
                streamSamples / trainSeconds, trainSeconds, (System.nanoTime() - wallStart) / 1e9);
    }

    private static double[] evaluate(ContinualTrainer trainer, ClTasks tasks) {
        double[] accuracy = new double[tasks.count()];
        for (int t = 0; t < tasks.count(); t++) {
            int n = tasks.testSize(t);
            long correct = 0;
            for (int from = 0; from < n; from += EVAL_CHUNK) {
                Batch test = tasks.test(t, from, Math.min(n, from + EVAL_CHUNK));
                int[] predicted = trainer.predict(test.features(), test.tasks()).predictedClass();
                for (int i = 0; i < predicted.length; i++) {
                    if (predicted[i] == test.labels()[i]) {
                        correct++;
                    }
                }
            }
            accuracy[t] = correct / (double) n;
        }
        return accuracy;
    }

    private static String format(double[] row, int lastTrained) {
        List<String> cells = new ArrayList<>();
        for (int j = 0; j <= lastTrained; j++) {
            cells.add(String.format(Locale.ROOT, "%.3f", row[j]));
        }
        return String.join(" ", cells);
    }
}
