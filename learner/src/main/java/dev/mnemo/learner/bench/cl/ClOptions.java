package dev.mnemo.learner.bench.cl;

import dev.mnemo.learner.model.Initialisation;
import dev.mnemo.learner.strategy.StrategySpec;

/**
 * The strategy settings of a benchmark run.
 *
 * <p>Defaults: a class-balanced replay buffer of 2000 samples in total (the iCaRL comparison's
 * budget), 128 replayed samples per step (the stream batch size, so stream and memory weigh the
 * same) with the plain replay loss, LwF temperature 2 and weight 0.5 over the old classes.
 * {@code (1 - lambda) CE + lambda T^2 CE_T} with {@code lambda = 0.5} is the LwF paper's
 * {@code L_new + lambda_o L_old} with {@code lambda_o = 1} up to a factor 2, which Adam's step does
 * not see.
 *
 * @param replaySize     replayed samples per step
 * @param bufferCapacity replay buffer capacity, samples in total
 * @param bufferPolicy   class-balanced or reservoir
 * @param temperature    LwF temperature
 * @param lambda         LwF distillation weight in [0, 1]
 * @param testPerTask    test samples per task, at most (0: all)
 * @param uint8Buffer    store the replay buffer as uint8 with a scale (inputs in [0, 1]) instead of
 *                       float32
 * @param replayLoss     asymmetric or plain (see {@link StrategySpec#replayLoss()})
 * @param lwfScope       seen or old (see {@link StrategySpec#lwfScope()})
 * @param activeClasses  all or seen (see {@link StrategySpec#activeClasses()})
 * @param lwfWeighting   fixed or tasks (see {@link StrategySpec#lwfWeighting()})
 * @param init           the network's initialisation, he or uniform (see {@link Initialisation})
 * @param pad            pixels of zeros added on every side of each image before the tasks are
 *                       built, 0 for none (see {@link ClSourceData#padded(int)})
 */
public record ClOptions(int replaySize, int bufferCapacity, String bufferPolicy, double temperature, double lambda,
                        int testPerTask, boolean uint8Buffer, String replayLoss, String lwfScope,
                        String activeClasses, String lwfWeighting, String init, int pad) {

    /** Checks the values through {@link StrategySpec}'s and {@link Initialisation}'s rules. */
    public ClOptions {
        spec("fine-tune", replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, replayLoss,
                lwfScope, activeClasses, lwfWeighting, 0L);
        Initialisation.parse(init);
        if (pad < 0 || pad > 16) {
            throw new IllegalArgumentException("padding must be 0..16 pixels, got " + pad);
        }
    }

    /** Without padding. */
    public ClOptions(int replaySize, int bufferCapacity, String bufferPolicy, double temperature, double lambda,
                     int testPerTask, boolean uint8Buffer, String replayLoss, String lwfScope,
                     String activeClasses, String lwfWeighting, String init) {
        this(replaySize, bufferCapacity, bufferPolicy, temperature, lambda, testPerTask, uint8Buffer, replayLoss,
                lwfScope, activeClasses, lwfWeighting, init, 0);
    }

    /** With He initialisation. */
    public ClOptions(int replaySize, int bufferCapacity, String bufferPolicy, double temperature, double lambda,
                     int testPerTask, boolean uint8Buffer, String replayLoss, String lwfScope,
                     String activeClasses, String lwfWeighting) {
        this(replaySize, bufferCapacity, bufferPolicy, temperature, lambda, testPerTask, uint8Buffer, replayLoss,
                lwfScope, activeClasses, lwfWeighting, Initialisation.HE.id());
    }

    /** With LwF's weight fixed at {@code lambda}. */
    public ClOptions(int replaySize, int bufferCapacity, String bufferPolicy, double temperature, double lambda,
                     int testPerTask, boolean uint8Buffer, String replayLoss, String lwfScope,
                     String activeClasses) {
        this(replaySize, bufferCapacity, bufferPolicy, temperature, lambda, testPerTask, uint8Buffer, replayLoss,
                lwfScope, activeClasses, "fixed");
    }

    /** With a float32 buffer, the plain replay loss and LwF over the old classes. */
    public ClOptions(int replaySize, int bufferCapacity, String bufferPolicy, double temperature, double lambda,
                     int testPerTask) {
        this(replaySize, bufferCapacity, bufferPolicy, temperature, lambda, testPerTask, false, "plain", "old", "all");
    }

    /** The network's initialisation. */
    public Initialisation initialisation() {
        return Initialisation.parse(init);
    }

    /** The learner's configuration of {@code strategy} with these settings. */
    public StrategySpec strategy(String strategy, long seed) {
        return spec(strategy, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, replayLoss,
                lwfScope, activeClasses, lwfWeighting, seed);
    }

    private static StrategySpec spec(String strategy, int replaySize, int bufferCapacity, String bufferPolicy,
                                     boolean uint8Buffer, double temperature, double lambda, String replayLoss,
                                     String lwfScope, String activeClasses, String lwfWeighting, long seed) {
        return new StrategySpec(strategy, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda,
                seed, replayLoss, lwfScope, activeClasses, lwfWeighting);
    }

    /**
     * The settings that differ from {@link #defaults()} and matter to {@code strategy}, e.g.
     * {@code "512 replayed/step"}; empty when none does.
     */
    public String variant(String strategy) {
        ClOptions d = defaults();
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (pad != d.pad) {
            parts.add(pad + " px padding");
        }
        if (!init.equals(d.init)) {
            parts.add(init + " init");
        }
        if (!activeClasses.equals(d.activeClasses)) {
            parts.add("hard loss over " + activeClasses + " classes");
        }
        if (strategy.endsWith("replay")) {
            if (replaySize != d.replaySize) {
                parts.add(replaySize + " replayed/step");
            }
            if (bufferCapacity != d.bufferCapacity) {
                parts.add("buffer " + bufferCapacity);
            }
            if (!bufferPolicy.equals(d.bufferPolicy)) {
                parts.add(bufferPolicy);
            }
            if (uint8Buffer) {
                parts.add("uint8 buffer");
            }
            if (!replayLoss.equals(d.replayLoss)) {
                parts.add(replayLoss + " replay loss");
            }
        }
        if (strategy.startsWith("lwf")) {
            if (temperature != d.temperature) {
                parts.add("T=" + temperature);
            }
            if (!lwfWeighting.equals(d.lwfWeighting)) {
                parts.add("lambda=1-1/t");
            } else if (lambda != d.lambda) {
                parts.add("lambda=" + lambda);
            }
            if (!lwfScope.equals(d.lwfScope)) {
                parts.add("distilling " + lwfScope + " classes");
            }
        }
        return String.join(", ", parts);
    }

    /** The defaults above. */
    public static ClOptions defaults() {
        return new ClOptions(128, 2000, "class-balanced", 2.0, 0.5, 0);
    }
}
