package dev.mnemo.learner.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.Initialisation;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.OutputHead;
import dev.mnemo.replay.ClassBalancedBuffer;
import dev.mnemo.replay.ReplayBuffer;
import dev.mnemo.replay.ReservoirBuffer;
import dev.mnemo.replay.storage.SampleFormat;

/**
 * A continual-learning configuration by name, as the service, the demo and benchmarks choose it:
 * {@code fine-tune}, {@code lwf}, {@code replay} or {@code lwf+replay}.
 *
 * <pre>{@code
 * StrategySpec spec = StrategySpec.parse("lwf+replay").withBuffer(1000, "class-balanced");
 * ContinualTrainer trainer = spec.trainer(MlpSpec.defaults(784, 10));
 * }</pre>
 *
 * @param name            the strategy: fine-tune, lwf, replay or lwf+replay
 * @param replaySize      replayed samples per training step, at least 1
 * @param bufferCapacity  samples the replay buffer holds, at least 1
 * @param bufferPolicy    reservoir or class-balanced
 * @param uint8Buffer     store replayed samples as uint8 (inputs must lie in [0, 1]) instead of float32
 * @param temperature     LwF distillation temperature, above 0
 * @param lambda          LwF distillation weight, in [0, 1]
 * @param seed            seed of the buffer and of replay draws
 * @param replayLoss      asymmetric (the stream rows' cross-entropy over the stream batch's classes
 *                        only, ER-ACE; see {@link Replay}) or plain
 * @param lwfScope        the classes LwF's distillation softmax runs over: old (the teacher's
 *                        classes only) or seen (also the seen classes that compete with them, with
 *                        target 0: class-incremental benchmarks only); see {@link Lwf.Scope}
 * @param activeClasses   the classes the hard loss runs over: all (every output from the start) or
 *                        seen (the classes the labelled stream has shown so far, van de Ven and
 *                        Tolias's active classes: class-incremental benchmarks; the service keeps
 *                        all); see {@link ActiveClasses}
 * @param lwfWeighting    how LwF weighs its distillation term: fixed (always {@code lambda}) or tasks
 *                        ({@code 1 - 1/t} on the t-th task, van de Ven and Tolias's weighting; a
 *                        benchmark option, the service keeps fixed); see {@link Lwf.Weighting}
 */
public record StrategySpec(String name, int replaySize, int bufferCapacity, String bufferPolicy, boolean uint8Buffer,
                           double temperature, double lambda, long seed, String replayLoss, String lwfScope,
                           String activeClasses, String lwfWeighting) {

    /** The names {@link #parse} accepts. */
    public static final List<String> NAMES = List.of("fine-tune", "lwf", "replay", "lwf+replay");
    /** The buffer policies. */
    public static final List<String> POLICIES = List.of("reservoir", "class-balanced");
    /** The replay losses: {@code plain} (the default) or {@code asymmetric}. */
    public static final List<String> REPLAY_LOSSES = List.of("plain", "asymmetric");
    /** The LwF scopes: {@code old} (the default) or {@code seen}. */
    public static final List<String> LWF_SCOPES = List.of("old", "seen");
    /** The active-class rules: {@code all} (the default) or {@code seen}; see {@link ActiveClasses}. */
    public static final List<String> ACTIVE_CLASSES = List.of("all", "seen");
    /** The LwF weightings: {@code fixed} (the default) or {@code tasks}; see {@link Lwf.Weighting}. */
    public static final List<String> LWF_WEIGHTINGS = List.of("fixed", "tasks");

    public StrategySpec {
        name = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("strategy must be one of " + NAMES + ", got '" + name + "'");
        }
        if (!POLICIES.contains(bufferPolicy)) {
            throw new IllegalArgumentException("buffer policy must be one of " + POLICIES + ", got '" + bufferPolicy + "'");
        }
        if (!REPLAY_LOSSES.contains(replayLoss)) {
            throw new IllegalArgumentException(
                    "replay loss must be one of " + REPLAY_LOSSES + ", got '" + replayLoss + "'");
        }
        if (!LWF_SCOPES.contains(lwfScope)) {
            throw new IllegalArgumentException("LwF scope must be one of " + LWF_SCOPES + ", got '" + lwfScope + "'");
        }
        if (!ACTIVE_CLASSES.contains(activeClasses)) {
            throw new IllegalArgumentException(
                    "active classes must be one of " + ACTIVE_CLASSES + ", got '" + activeClasses + "'");
        }
        if (!LWF_WEIGHTINGS.contains(lwfWeighting)) {
            throw new IllegalArgumentException(
                    "LwF weighting must be one of " + LWF_WEIGHTINGS + ", got '" + lwfWeighting + "'");
        }
        if (replaySize < 1) {
            throw new IllegalArgumentException("replaySize must be >= 1, got " + replaySize);
        }
        if (bufferCapacity < 1) {
            throw new IllegalArgumentException("bufferCapacity must be >= 1, got " + bufferCapacity);
        }
        if (!(temperature > 0) || !(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("temperature must be > 0 and lambda in [0, 1], got "
                    + temperature + " and " + lambda);
        }
    }

    /** With the plain replay loss and LwF over the old classes. */
    public StrategySpec(String name, int replaySize, int bufferCapacity, String bufferPolicy, boolean uint8Buffer,
                        double temperature, double lambda, long seed) {
        this(name, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, seed, "plain",
                "old");
    }

    /** With every output class in the loss from the start ({@code activeClasses = all}). */
    public StrategySpec(String name, int replaySize, int bufferCapacity, String bufferPolicy, boolean uint8Buffer,
                        double temperature, double lambda, long seed, String replayLoss, String lwfScope) {
        this(name, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, seed, replayLoss,
                lwfScope, "all");
    }

    /** With LwF's distillation weight fixed at {@code lambda} ({@code lwfWeighting = fixed}). */
    public StrategySpec(String name, int replaySize, int bufferCapacity, String bufferPolicy, boolean uint8Buffer,
                        double temperature, double lambda, long seed, String replayLoss, String lwfScope,
                        String activeClasses) {
        this(name, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, seed, replayLoss,
                lwfScope, activeClasses, "fixed");
    }

    /**
     * The named strategy with defaults: replay 64 per step with the plain loss, a class-balanced
     * float32 buffer of 1000, LwF over the old classes with T 2, lambda 0.5.
     */
    public static StrategySpec parse(String name) {
        return new StrategySpec(name, 64, 1000, "class-balanced", false, 2.0, 0.5, 7L);
    }

    public StrategySpec withBuffer(int capacity, String policy) {
        return new StrategySpec(name, replaySize, capacity, policy, uint8Buffer, temperature, lambda, seed, replayLoss,
                lwfScope, activeClasses, lwfWeighting);
    }

    public StrategySpec withReplaySize(int size) {
        return new StrategySpec(name, size, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, seed,
                replayLoss, lwfScope, activeClasses, lwfWeighting);
    }

    public StrategySpec withDistillation(double newTemperature, double newLambda) {
        return new StrategySpec(name, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, newTemperature, newLambda,
                seed, replayLoss, lwfScope, activeClasses, lwfWeighting);
    }

    /** With the replay loss {@code asymmetric} or {@code plain}. */
    public StrategySpec withReplayLoss(String loss) {
        return new StrategySpec(name, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, seed,
                loss, lwfScope, activeClasses, lwfWeighting);
    }

    /** With LwF's distillation softmax over {@code seen} or {@code old} classes. */
    public StrategySpec withLwfScope(String scope) {
        return new StrategySpec(name, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, seed,
                replayLoss, scope, activeClasses, lwfWeighting);
    }

    /**
     * With the hard loss over {@code all} output classes from the start, or over the classes
     * {@code seen} so far in the stream ({@link ActiveClasses}; class-incremental benchmarks).
     */
    public StrategySpec withActiveClasses(String rule) {
        return new StrategySpec(name, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, seed,
                replayLoss, lwfScope, rule, lwfWeighting);
    }

    /**
     * With LwF's distillation weight {@code fixed} at {@code lambda}, or by {@code tasks}:
     * {@code 1 - 1/t} on the t-th task ({@link Lwf.Weighting#BY_TASKS}; benchmarks).
     */
    public StrategySpec withLwfWeighting(String weighting) {
        return new StrategySpec(name, replaySize, bufferCapacity, bufferPolicy, uint8Buffer, temperature, lambda, seed,
                replayLoss, lwfScope, activeClasses, weighting);
    }

    public boolean usesReplay() {
        return name.endsWith("replay");
    }

    public boolean usesLwf() {
        return name.startsWith("lwf");
    }

    /** A new model (logits head) and a class-incremental trainer running this configuration. */
    public ContinualTrainer trainer(MlpSpec model) {
        return trainer(model, new ClassIncremental());
    }

    /**
     * A new model (logits head) and a trainer running this configuration in the given scenario
     * (task-incremental masking, domain-incremental or class-incremental).
     *
     * @throws IllegalArgumentException if {@code scenario} is null
     */
    public ContinualTrainer trainer(MlpSpec model, Scenario scenario) {
        return trainer(model, scenario, Initialisation.HE);
    }

    /**
     * A new model (logits head) drawn with the given initialisation and a trainer running this
     * configuration in the given scenario.
     *
     * @throws IllegalArgumentException if {@code scenario} or {@code init} is null
     */
    public ContinualTrainer trainer(MlpSpec model, Scenario scenario, Initialisation init) {
        if (scenario == null) {
            throw new IllegalArgumentException("scenario must be non-null (e.g. new ClassIncremental())");
        }
        Classifier classifier = Classifier.create(model, OutputHead.LOGITS, init);
        List<ContinualStrategy> plugins = new ArrayList<>();
        if ("seen".equals(activeClasses)) {
            plugins.add(new ActiveClasses());
        }
        if (usesLwf()) {
            Lwf lwf = new Lwf(temperature, lambda, 0);
            lwf.setScope("seen".equals(lwfScope) ? Lwf.Scope.SEEN_CLASSES : Lwf.Scope.OLD_CLASSES);
            lwf.setWeighting("tasks".equals(lwfWeighting) ? Lwf.Weighting.BY_TASKS : Lwf.Weighting.FIXED);
            plugins.add(lwf);
        }
        if (usesReplay()) {
            plugins.add(new Replay(buffer(model.inputs()), replaySize, seed, "asymmetric".equals(replayLoss)));
        }
        return new ContinualTrainer(classifier, scenario, plugins);
    }

    private ReplayBuffer buffer(int inputs) {
        SampleFormat format = uint8Buffer ? SampleFormat.uint8(inputs) : SampleFormat.float32(inputs);
        return "reservoir".equals(bufferPolicy)
                ? new ReservoirBuffer(format, bufferCapacity, seed)
                : new ClassBalancedBuffer(format, bufferCapacity, seed);
    }
}
