package dev.mnemo.learner.history;

import java.util.ArrayList;
import java.util.List;

import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.StrategySpec;

/**
 * How a replay evaluates: the strategy configurations run side by side, the seed, the model of a
 * fresh start, the test-then-train block, the holdout and the drift detector.
 *
 * <pre>{@code
 * ReplayConfig c = ReplayConfig.of(List.of("fine-tune", "lwf+replay"), 7L).withHoldout(Holdout.byIdHash(0.1));
 * }</pre>
 *
 * @param strategies        the strategy configurations, one lane each (seeded with {@code seed})
 * @param seed              seed of a fresh model's initialisation and of every replay buffer
 * @param classes           classes of a fresh model
 * @param hidden            hidden layer widths of a fresh model
 * @param batchSize         labelled samples per training step
 * @param blockSize         samples per test-then-train block: all are predicted and scored, then
 *                          trained on in steps of {@code batchSize}, as the live learner does with
 *                          one poll; larger blocks cost less prediction overhead and score a new
 *                          task's first samples before any training on them
 * @param window            sliding-window size of the prequential accuracy
 * @param sampleEvery       a point of the accuracy curve every this many scored samples
 * @param holdout           the samples kept out of training, as a clean test set
 * @param maxHoldoutPerTask most held-out samples kept per task tag (the first ones)
 * @param adwinDelta        ADWIN's confidence on each lane's error stream
 * @param parallel          whether lanes train on their own threads (the results do not depend on it)
 */
public record ReplayConfig(List<StrategySpec> strategies, long seed, int classes, List<Integer> hidden, int batchSize,
                           int blockSize, int window, int sampleEvery, Holdout holdout, int maxHoldoutPerTask, double adwinDelta,
                           boolean parallel) {

    public ReplayConfig {
        if (strategies == null || strategies.isEmpty()) {
            throw new IllegalArgumentException("a replay needs at least one strategy, one of " + StrategySpec.NAMES);
        }
        strategies = List.copyOf(strategies);
        hidden = List.copyOf(hidden);
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (batchSize < 1 || blockSize < 1 || window < 1 || sampleEvery < 1 || maxHoldoutPerTask < 1) {
            throw new IllegalArgumentException("batch size, block size, window, sample interval and holdout cap must be"
                    + " >= 1, got " + batchSize + ", " + blockSize + ", " + window + ", " + sampleEvery + ", "
                    + maxHoldoutPerTask);
        }
        if (!(adwinDelta > 0 && adwinDelta < 1)) {
            throw new IllegalArgumentException("ADWIN delta must be in (0, 1), got " + adwinDelta);
        }
        if (holdout == null) {
            throw new IllegalArgumentException("holdout must be non-null (Holdout.none() for none)");
        }
    }

    /**
     * The named strategies (see {@link StrategySpec#NAMES}) with their defaults and this seed; 10
     * classes, the default MLP, steps of 64 labelled samples, blocks of 256, a window of 1000, a curve point every 100 samples,
     * no holdout, ADWIN delta 0.002, parallel lanes.
     */
    public static ReplayConfig of(List<String> names, long seed) {
        List<StrategySpec> specs = new ArrayList<>();
        for (String name : names) {
            StrategySpec d = StrategySpec.parse(name);
            specs.add(new StrategySpec(d.name(), d.replaySize(), d.bufferCapacity(), d.bufferPolicy(), d.uint8Buffer(),
                    d.temperature(), d.lambda(), seed, d.replayLoss(), d.lwfScope()));
        }
        return new ReplayConfig(specs, seed, 10, MlpSpec.DEFAULT_HIDDEN, 64, 256, 1000, 100, Holdout.none(), 2000, 0.002,
                true);
    }

    public ReplayConfig withHoldout(Holdout newHoldout) {
        return new ReplayConfig(strategies, seed, classes, hidden, batchSize, blockSize, window, sampleEvery, newHoldout,
                maxHoldoutPerTask, adwinDelta, parallel);
    }

    public ReplayConfig withClasses(int newClasses) {
        return new ReplayConfig(strategies, seed, newClasses, hidden, batchSize, blockSize, window, sampleEvery, holdout,
                maxHoldoutPerTask, adwinDelta, parallel);
    }

    public ReplayConfig withBatchSize(int newBatchSize) {
        return new ReplayConfig(strategies, seed, classes, hidden, newBatchSize, blockSize, window, sampleEvery, holdout,
                maxHoldoutPerTask, adwinDelta, parallel);
    }

    public ReplayConfig withBlockSize(int newBlockSize) {
        return new ReplayConfig(strategies, seed, classes, hidden, batchSize, newBlockSize, window, sampleEvery, holdout,
                maxHoldoutPerTask, adwinDelta, parallel);
    }

    public ReplayConfig withSampleEvery(int every) {
        return new ReplayConfig(strategies, seed, classes, hidden, batchSize, blockSize, window, every, holdout,
                maxHoldoutPerTask, adwinDelta, parallel);
    }

    public ReplayConfig withParallel(boolean newParallel) {
        return new ReplayConfig(strategies, seed, classes, hidden, batchSize, blockSize, window, sampleEvery, holdout,
                maxHoldoutPerTask, adwinDelta, newParallel);
    }

    /** The model of a fresh start for samples with {@code inputs} features. */
    public MlpSpec freshModel(int inputs) {
        return MlpSpec.defaults(inputs, classes).withHidden(hidden).withSeed(seed);
    }

    /** A display name per lane: the strategy name, numbered when a name repeats. */
    public List<String> laneNames() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < strategies.size(); i++) {
            String n = strategies.get(i).name();
            long same = strategies.stream().filter(s -> s.name().equals(n)).count();
            out.add(same > 1 ? n + "#" + (i + 1) : n);
        }
        return out;
    }
}
