package dev.mnemo.learner.bench.cl;

import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ClassIncremental;
import dev.mnemo.learner.strategy.DomainIncremental;
import dev.mnemo.learner.strategy.Scenario;
import dev.mnemo.learner.strategy.TaskIncremental;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The tasks of one benchmark in one scenario, built on a data set without copying it: which
 * samples each task holds, how it presents them (a pixel permutation for Permuted) and which label
 * each sample has in the scenario.
 *
 * <ul>
 *   <li>Split, task {@code t}: the samples of classes {@code 2t} and {@code 2t+1}; label = the
 *       class (task-IL, class-IL) or {@code class - 2t} (domain-IL).</li>
 *   <li>Permuted, task {@code t}: every sample, pixels permuted by
 *       {@link DomainIncremental#permutation(int)}; label = {@code class + 10t} (task-IL,
 *       class-IL) or the class (domain-IL).</li>
 * </ul>
 * Training batches walk through a task's samples in a seeded shuffled order, reshuffled after
 * each pass (epochs, as a data loader with shuffling does).
 */
public final class ClTasks {

    private final ClSourceData data;
    private final boolean permuted;
    private final ClScenario scenarioKind;
    private final int classes;
    private final Scenario scenario;
    private final int[][] trainIndex;
    private final int[][] testIndex;
    private final int[][] permutation;
    private final int[][] order;
    private final int[] cursor;

    /**
     * @param benchmark   the benchmark (Split or Permuted, number of tasks)
     * @param scenario    the scenario
     * @param data        the data set, 10 classes
     * @param testPerTask test samples per task, at most; 0 or less for all of them
     * @param seed        seed of the permutations
     * @throws IllegalArgumentException if the data do not have 10 classes labelled 0..9, or a Split
     *                                  task would have no sample
     */
    public ClTasks(ClBenchmark benchmark, ClScenario scenario, ClSourceData data, int testPerTask, long seed) {
        this.data = data;
        this.permuted = benchmark.permuted();
        this.scenarioKind = scenario;
        this.classes = benchmark.classes(scenario);
        int tasks = benchmark.tasks();
        checkLabels(data.trainLabels());
        checkLabels(data.testLabels());
        if (!permuted && tasks * 2 != 10) {
            throw new IllegalArgumentException("Split needs 5 tasks of 2 classes, got " + tasks + " tasks");
        }
        DomainIncremental domains = new DomainIncremental(data.inputs(), seed);
        this.scenario = switch (scenario) {
            case TASK_IL -> TaskIncremental.split(classes, permuted ? 10 : 2);
            case DOMAIN_IL -> domains;
            case CLASS_IL -> new ClassIncremental();
        };
        trainIndex = new int[tasks][];
        testIndex = new int[tasks][];
        permutation = new int[tasks][];
        order = new int[tasks][];
        cursor = new int[tasks];
        for (int t = 0; t < tasks; t++) {
            trainIndex[t] = select(data.trainLabels(), t, Integer.MAX_VALUE);
            testIndex[t] = select(data.testLabels(), t, testPerTask > 0 ? testPerTask : Integer.MAX_VALUE);
            if (trainIndex[t].length == 0 || testIndex[t].length == 0) {
                throw new IllegalArgumentException("task " + t + " of " + benchmark.name() + " has no samples");
            }
            permutation[t] = permuted && t > 0 ? domains.permutation(t) : null;
        }
    }

    /** Number of tasks. */
    public int count() {
        return trainIndex.length;
    }

    /** Output units of the model. */
    public int classes() {
        return classes;
    }

    /** The learner's scenario object: the class masks of task-IL, none otherwise. */
    public Scenario scenario() {
        return scenario;
    }

    /** Training samples of task {@code task}. */
    public int trainSize(int task) {
        return trainIndex[task].length;
    }

    /** Test samples of task {@code task} (after the per-task limit). */
    public int testSize(int task) {
        return testIndex[task].length;
    }

    /** The next {@code n} training samples of task {@code task}, as the scenario labels them. */
    public Batch next(int task, int n, SplittableRandom random) {
        float[][] x = new float[n][];
        int[] y = new int[n];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            int index = nextIndex(task, random);
            x[i] = features(data.trainFeatures()[index], task);
            y[i] = label(data.trainLabels()[index], task);
            t[i] = task;
        }
        return new Batch(x, y, t);
    }

    /**
     * {@code n} training samples drawn uniformly from the tasks {@code 0..lastTask} (each sample's
     * task uniform, then a sample of that task): the data of the offline upper bound.
     */
    public Batch nextUpTo(int lastTask, int n, SplittableRandom random) {
        float[][] x = new float[n][];
        int[] y = new int[n];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            int task = random.nextInt(lastTask + 1);
            int index = trainIndex[task][random.nextInt(trainIndex[task].length)];
            x[i] = features(data.trainFeatures()[index], task);
            y[i] = label(data.trainLabels()[index], task);
            t[i] = task;
        }
        return new Batch(x, y, t);
    }

    /** Test samples {@code from..to-1} of task {@code task}, as the scenario labels them. */
    public Batch test(int task, int from, int to) {
        int n = to - from;
        float[][] x = new float[n][];
        int[] y = new int[n];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            int index = testIndex[task][from + i];
            x[i] = features(data.testFeatures()[index], task);
            y[i] = label(data.testLabels()[index], task);
            t[i] = task;
        }
        return new Batch(x, y, t);
    }

    private int nextIndex(int task, SplittableRandom random) {
        int[] o = order[task];
        if (o == null || cursor[task] == o.length) {
            if (o == null) {
                o = trainIndex[task].clone();
                order[task] = o;
            }
            for (int j = o.length - 1; j > 0; j--) {
                int k = random.nextInt(j + 1);
                int tmp = o[j];
                o[j] = o[k];
                o[k] = tmp;
            }
            cursor[task] = 0;
        }
        return o[cursor[task]++];
    }

    private float[] features(float[] row, int task) {
        int[] p = permutation[task];
        if (p == null) {
            return row;
        }
        float[] out = new float[p.length];
        for (int j = 0; j < p.length; j++) {
            out[j] = row[p[j]];
        }
        return out;
    }

    private int label(int digit, int task) {
        if (permuted) {
            return scenarioKind == ClScenario.DOMAIN_IL ? digit : digit + 10 * task;
        }
        return scenarioKind == ClScenario.DOMAIN_IL ? digit - 2 * task : digit;
    }

    private int[] select(int[] labels, int task, int limit) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < labels.length && out.size() < limit; i++) {
            if (permuted || labels[i] / 2 == task) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void checkLabels(int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 9) {
                throw new IllegalArgumentException("labels must be classes 0..9, got " + labels[i] + " at " + i);
            }
        }
    }
}
