package dev.mnemo.learner.bench.cl;

import java.util.List;
import java.util.Locale;

/**
 * One benchmark of {@code ./mnemo bench cl} with its training protocol.
 *
 * <p>The full protocols follow van de Ven and Tolias (2019): Split (5 tasks of 2 classes:
 * {0,1}, {2,3}, ..., {8,9}) with an MLP 784-400-400, 2000 iterations per task, batch 128, Adam
 * learning rate 1e-3; Permuted (10 tasks, each a fixed pixel permutation of the whole data set, the
 * first one the identity) with 784-1000-1000, 5000 iterations per task, batch 128, Adam 1e-4.
 * (The paper pads MNIST to 32x32 for Permuted-MNIST, 1024 inputs; by default the 784 pixels
 * are permuted here, and {@code --pad 2} ({@link ClSourceData#padded(int)}) feeds the paper's input.)
 *
 * <pre>{@code
 * ClBenchmark split = ClBenchmark.parse("split-mnist");           // full protocol
 * ClBenchmark quick = split.withIterations(100);                 // 100 iterations per task
 * }</pre>
 *
 * @param name              split-mnist, perm-mnist, split-fashion or perm-fashion
 * @param dataset           the data set: mnist or fashion-mnist
 * @param permuted          true for Permuted, false for Split
 * @param tasks             number of tasks
 * @param hidden            hidden layer widths
 * @param iterationsPerTask training steps per task
 * @param batch             stream samples per step
 * @param learningRate      Adam learning rate
 */
public record ClBenchmark(String name, String dataset, boolean permuted, int tasks, List<Integer> hidden,
                          int iterationsPerTask, int batch, double learningRate) {

    /** The benchmark names {@link #parse} accepts. */
    public static final List<String> NAMES = List.of("split-mnist", "perm-mnist", "split-fashion", "perm-fashion");

    /** Checks the values. */
    public ClBenchmark {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("benchmark must be one of " + NAMES + ", got '" + name + "'");
        }
        if (tasks < 2 || iterationsPerTask < 1 || batch < 1 || !(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("tasks must be >= 2, iterations and batch >= 1 and the learning rate in"
                    + " (0, 1]; got tasks=" + tasks + ", iterations=" + iterationsPerTask + ", batch=" + batch
                    + ", learningRate=" + learningRate);
        }
        hidden = List.copyOf(hidden);
    }

    /**
     * The benchmark named {@code name} with its full protocol.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static ClBenchmark parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "split-mnist" -> split(n, "mnist");
            case "split-fashion" -> split(n, "fashion-mnist");
            case "perm-mnist" -> permuted(n, "mnist");
            case "perm-fashion" -> permuted(n, "fashion-mnist");
            default -> throw new IllegalArgumentException("benchmark must be one of " + NAMES + ", got '" + name + "'");
        };
    }

    private static ClBenchmark split(String name, String dataset) {
        return new ClBenchmark(name, dataset, false, 5, List.of(400, 400), 2000, 128, 1e-3);
    }

    private static ClBenchmark permuted(String name, String dataset) {
        return new ClBenchmark(name, dataset, true, 10, List.of(1000, 1000), 5000, 128, 1e-4);
    }

    /** The same benchmark with {@code iterations} training steps per task. */
    public ClBenchmark withIterations(int iterations) {
        return new ClBenchmark(name, dataset, permuted, tasks, hidden, iterations, batch, learningRate);
    }

    /** The same benchmark with other hidden layer widths. */
    public ClBenchmark withHidden(List<Integer> widths) {
        return new ClBenchmark(name, dataset, permuted, tasks, widths, iterationsPerTask, batch, learningRate);
    }

    /** Output units in {@code scenario}: Split 10 (domain-IL 2), Permuted 100 (domain-IL 10). */
    public int classes(ClScenario scenario) {
        if (scenario == ClScenario.DOMAIN_IL) {
            return permuted ? 10 : 2;
        }
        return permuted ? 10 * tasks : 10;
    }

    /** A one-line description of the protocol, e.g. {@code 784-400-400-10, 5 tasks x 2000 it, batch 128, Adam 1e-3}. */
    public String protocol(int inputs) {
        StringBuilder net = new StringBuilder().append(inputs);
        for (int h : hidden) {
            net.append('-').append(h);
        }
        return String.format(Locale.ROOT, "%s, %d tasks x %d iterations, batch %d, Adam %s", net, tasks,
                iterationsPerTask, batch, learningRate);
    }
}
