package dev.mnemo.learner.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StrategySpec;

/**
 * The baseline of the replay benchmark: the raw training-step throughput of one strategy on the
 * same samples the replay trained on, measured in the same process: no Kafka, no decoding, no
 * prediction, no metric; only {@link ContinualTrainer#step} in batches of {@code batchSize} labelled
 * samples, with {@link ContinualTrainer#taskBoundary()} where the task tag changes (so LwF
 * distils and replay replays, as in the replay).
 */
public final class ReplayBench {

    private ReplayBench() {
    }

    /** The samples the lanes of a replay train on: not held out, in order. */
    public static List<ReplaySample> trainingSamples(List<ReplaySample> all, Holdout holdout) {
        List<ReplaySample> out = new ArrayList<>();
        for (ReplaySample s : all) {
            if (!holdout.test(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Labelled samples trained per second, by the wall clock and by the CPU time of the training
     * thread (the latter does not move with other processes' load on a shared machine).
     */
    public record Rate(double wall, double cpu) {
    }

    /** {@link #trainingRate}'s wall-clock figure. */
    public static double trainingSamplesPerSecond(List<ReplaySample> samples, ReplayConfig config, StartingModel start,
                                                  StrategySpec spec) {
        return trainingRate(samples, config, start, spec).wall();
    }

    /**
     * Trains a fresh lane of {@code spec} on the labelled {@code samples} and returns labelled
     * samples trained per second.
     */
    public static Rate trainingRate(List<ReplaySample> samples, ReplayConfig config, StartingModel start,
                                    StrategySpec spec) {
        if (samples.isEmpty()) {
            return new Rate(Double.NaN, Double.NaN);
        }
        MlpSpec model = start.model().map(Classifier::spec)
                .orElseGet(() -> config.freshModel(samples.get(0).features().length));
        ContinualTrainer trainer = spec.trainer(model);
        start.newModel().ifPresent(m -> trainer.restore(m, 0));
        Map<String, Integer> tasks = new HashMap<>();
        int b = config.batchSize();
        List<ReplaySample> chunk = new ArrayList<>(b);
        long trained = 0;
        long t0 = System.nanoTime();
        long c0 = CpuTime.thread();
        for (ReplaySample s : samples) {
            if (!s.labelled()) {
                continue;
            }
            if (!tasks.containsKey(s.taskTag())) {
                if (!tasks.isEmpty()) {
                    trained += step(trainer, chunk, tasks);
                    trainer.taskBoundary();
                }
                tasks.put(s.taskTag(), tasks.size());
            }
            chunk.add(s);
            if (chunk.size() == b) {
                trained += step(trainer, chunk, tasks);
            }
        }
        trained += step(trainer, chunk, tasks);
        long cpu = CpuTime.thread() - c0;
        return new Rate(trained / ((System.nanoTime() - t0) / 1e9), trained / (cpu / 1e9));
    }

    /**
     * {@link #trainingRate} of every strategy at once, each on its own thread, as the lanes of a
     * parallel replay run: the raw training throughput the replay could reach if reading and
     * evaluating cost nothing, on this machine. On fewer cores than strategies plus one, the
     * strategies slow each other down here just as the lanes do.
     *
     * @return one rate per strategy, in order
     * @throws IllegalStateException if a strategy's training fails (the cause attached)
     */
    public static List<Rate> sideBySideRates(List<ReplaySample> samples, ReplayConfig config, StartingModel start,
                                             List<StrategySpec> specs) {
        Rate[] rates = new Rate[specs.size()];
        Throwable[] failures = new Throwable[specs.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            int lane = i;
            Thread t = new Thread(() -> {
                try {
                    rates[lane] = trainingRate(samples, config, start, specs.get(lane));
                } catch (Throwable e) {
                    failures[lane] = e;
                }
            }, "mnemo-replay-bench-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while timing the strategies side by side", e);
            }
        }
        for (Throwable f : failures) {
            if (f != null) {
                throw new IllegalStateException("a strategy failed while timed side by side: " + f, f);
            }
        }
        return List.of(rates);
    }

    private static int step(ContinualTrainer trainer, List<ReplaySample> chunk, Map<String, Integer> tasks) {
        int n = chunk.size();
        if (n == 0) {
            return 0;
        }
        float[][] x = new float[n][];
        int[] y = new int[n];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = chunk.get(i).features();
            y[i] = chunk.get(i).label();
            t[i] = tasks.get(chunk.get(i).taskTag());
        }
        trainer.step(new Batch(x, y, t));
        chunk.clear();
        return n;
    }
}
