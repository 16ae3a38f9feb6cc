package dev.mnemo.learner.strategy;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.DistillationLoss;
import dev.mnemo.learner.model.OutputHead;
import dev.mnemo.learner.model.Predictions;
import dev.mnemo.learner.model.TrainingBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fixed continual-learning training loop: one {@link #step} per incoming minibatch, one
 * {@link #taskBoundary()} per task change, and a list of {@link ContinualStrategy} plug-ins that
 * shape each step.
 *
 * <h2>The step</h2>
 * <ol>
 *   <li>Learning rates: the per-layer factors of all strategies are multiplied and applied to the
 *       model (only when they change).</li>
 *   <li>Batch: starting from the stream batch, each strategy's {@link ContinualStrategy#compose} in
 *       list order (replay appends its rows here).</li>
 *   <li>Class mask: the {@link Scenario} restricts each sample to its task's classes, or not; then
 *       each strategy's {@link ContinualStrategy#classMask} may narrow it (replay's asymmetric
 *       loss keeps the stream rows' cross-entropy on the classes of the stream batch).</li>
 *   <li>Soft targets: from the one strategy that supplies them (LwF), if any.</li>
 *   <li>One Adam step on {@link DistillationLoss}: plain cross-entropy without soft targets,
 *       {@code (1 - lambda) CE + lambda T^2 CE_T} with them. Skipped when nothing in the batch
 *       carries a loss (unlabelled samples and no teacher).</li>
 *   <li>{@link ContinualStrategy#afterStep} of every strategy (replay stores the stream samples).</li>
 * </ol>
 * Strategies compose by configuration: LwF with replay is {@code List.of(new Lwf(), new
 * Replay(...))}, not a new class.
 *
 * <h2>Model</h2>
 * The model must have the {@link OutputHead#LOGITS} head: an identity output layer trained with
 * {@link DistillationLoss}, whose distillation weight is 0 on steps without soft targets, so that
 * such a step is exactly softmax cross-entropy. {@link Classifier#predict} applies the softmax, so
 * the trained model serves predictions like the {@link OutputHead#SOFTMAX} one.
 *
 * <h2>State and run-time parameters</h2>
 * {@link #states()} gives every strategy's {@link StrategyState} by {@link ContinualStrategy#id()},
 * and {@link #restore(Classifier, int, Map)} puts model and strategies back, so that a checkpoint
 * never names a strategy. {@link #changeSettings} changes run-time parameters by name, validating
 * all before applying any; {@link #name()} names the configuration from the strategies' ids.
 *
 * <h2>Threads</h2>
 * Not thread-safe: call it from one thread (the learner loop). Serve predictions from a
 * {@link Classifier#copy()}.
 *
 * <pre>{@code
 * Classifier model = Classifier.create(MlpSpec.defaults(784, 10), OutputHead.LOGITS);
 * ContinualTrainer trainer = new ContinualTrainer(model, new ClassIncremental(),
 *         List.of(new Lwf(), new Replay(buffer, 128, 7L)));
 * trainer.step(Batch.labelled(x, y, 0));      // per minibatch from the stream
 * trainer.taskBoundary();                     // on a confirmed drift or a task tag change
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 *       arXiv:1904.07734, 2019.</li>
 *   <li>Z. Li and D. Hoiem, "Learning without Forgetting", ECCV 2016; IEEE TPAMI 40(12), 2018.</li>
 *   <li>A. Chaudhry et al., "On Tiny Episodic Memories in Continual Learning", arXiv:1902.10486,
 *       2019.</li>
 * </ul>
 */
public final class ContinualTrainer {

    private Classifier model;
    private final Scenario scenario;
    private final List<ContinualStrategy> strategies;
    private double[] appliedScales;
    private int tasksEnded;

    /**
     * @param model the model to train, with the {@link OutputHead#LOGITS} head; the trainer trains it
     *     in place
     * @param scenario how tasks restrict the classes
     * @param strategies plug-ins, in the order their {@link ContinualStrategy#compose} runs; may be empty
     *     (plain fine-tuning at the base rate)
     * @throws IllegalArgumentException if an argument is null, the model has the softmax head, or
     *     two strategies have the same {@link ContinualStrategy#id()} or run-time parameter name
     */
    public ContinualTrainer(Classifier model, Scenario scenario, List<ContinualStrategy> strategies) {
        if (model == null || scenario == null || strategies == null
                || strategies.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("model, scenario and strategies (and each strategy) must be non-null");
        }
        if (model.head() != OutputHead.LOGITS) {
            throw new IllegalArgumentException(
                    "the model must have the LOGITS head (Classifier.create(spec, OutputHead.LOGITS)), got "
                            + model.head());
        }
        Map<String, String> ids = new HashMap<>();
        Map<String, String> parameters = new HashMap<>();
        for (ContinualStrategy s : strategies) {
            String id = s.id();
            if (id == null || !StrategyState.PART_NAME.matcher(id).matches()) {
                throw new IllegalArgumentException(s + " has the id '" + id + "'; ids must match "
                        + StrategyState.PART_NAME);
            }
            if (ids.put(id, s.toString()) != null) {
                throw new IllegalArgumentException("two strategies have the id '" + id + "'; configure each once");
            }
            for (String p : s.settings().values().keySet()) {
                String other = parameters.put(p, id);
                if (other != null) {
                    throw new IllegalArgumentException("the strategies " + other + " and " + id
                            + " both have the run-time parameter " + p);
                }
            }
        }
        this.model = model;
        this.scenario = scenario;
        this.strategies = List.copyOf(strategies);
        this.appliedScales = model.learningRateScales();
    }

    /** The model being trained (not a copy). */
    public Classifier model() {
        return model;
    }

    /** The scenario. */
    public Scenario scenario() {
        return scenario;
    }

    /** The strategies, in order. */
    public List<ContinualStrategy> strategies() {
        return strategies;
    }

    /** Number of {@link #taskBoundary()} calls so far. */
    public int tasksEnded() {
        return tasksEnded;
    }

    /**
     * The configuration's name: the strategies' ids joined by {@code +} in list order
     * ({@code lwf}, {@code replay}, {@code lwf+replay}; {@code active-classes+replay} with the
     * active-class rule), or {@code fine-tune} without strategies (plain training at the base rate).
     */
    public String name() {
        if (strategies.isEmpty()) {
            return FineTuning.ID;
        }
        List<String> ids = new ArrayList<>();
        for (ContinualStrategy s : strategies) {
            ids.add(s.id());
        }
        return String.join("+", ids);
    }

    /**
     * Every strategy's state, by id, in list order; networks and buffers are the live objects, so
     * call it between steps on the thread that trains.
     *
     * @throws IllegalStateException if a strategy's state cannot be checkpointed
     */
    public Map<String, StrategyState> states() {
        Map<String, StrategyState> out = new LinkedHashMap<>();
        for (ContinualStrategy s : strategies) {
            out.put(s.id(), s.state());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * Every run-time parameter of every strategy, by name, with its current value as text.
     */
    public Map<String, String> settings() {
        Map<String, String> out = new TreeMap<>();
        for (ContinualStrategy s : strategies) {
            out.putAll(s.settings().values());
        }
        return out;
    }

    /**
     * Changes run-time parameters from the next step on: all of them, or none when one is refused.
     * Each name is looked up among the strategies' {@link ContinualStrategy#settings()}; the owning
     * strategy validates its values; then every change is applied. Call it between steps on the
     * thread that trains.
     *
     * <pre>{@code
     * trainer.changeSettings(Map.of("replaySize", "16", "lwfLambda", "0.25"));
     * // {lwfLambda.after=0.25, lwfLambda.before=0.5, replaySize.after=16, replaySize.before=64}
     * }</pre>
     *
     * @param changes new values as text, by parameter name ({@code replaySize}, {@code lwfLambda})
     * @return {@code name.before} and {@code name.after} for every parameter changed, sorted by key
     * @throws IllegalStateException    naming the strategy ({@link #name()}) when none of its
     *                                  strategies has a parameter of that name
     * @throws IllegalArgumentException naming the range when a value does not parse or is out of
     *                                  range, or when {@code changes} is null or empty
     */
    public Map<String, String> changeSettings(Map<String, String> changes) {
        if (changes == null || changes.isEmpty()) {
            throw new IllegalArgumentException("name at least one run-time parameter; this strategy has "
                    + settings().keySet());
        }
        Map<ContinualStrategy, Map<String, String>> byStrategy = new LinkedHashMap<>();
        for (String parameter : new TreeSet<>(changes.keySet())) {
            ContinualStrategy owner = null;
            for (ContinualStrategy s : strategies) {
                if (s.settings().values().containsKey(parameter)) {
                    owner = s;
                }
            }
            if (owner == null) {
                throw new IllegalStateException("the strategy " + name() + " has no run-time parameter " + parameter
                        + "; it has " + settings().keySet());
            }
            byStrategy.computeIfAbsent(owner, s -> new TreeMap<>()).put(parameter, changes.get(parameter));
        }
        Map<ContinualStrategy, StrategySettings> next = new LinkedHashMap<>();
        byStrategy.forEach((s, c) -> next.put(s, s.settings().with(c)));
        Map<String, String> applied = new TreeMap<>();
        next.forEach((s, settings) -> {
            Map<String, String> before = s.settings().values();
            s.apply(settings);
            Map<String, String> after = s.settings().values();
            for (String parameter : byStrategy.get(s).keySet()) {
                applied.put(parameter + ".before", before.get(parameter));
                applied.put(parameter + ".after", after.get(parameter));
            }
        });
        return applied;
    }

    /** The first strategy of the given type, if one is configured (for tests and benchmarks). */
    public <T extends ContinualStrategy> Optional<T> strategy(Class<T> type) {
        for (ContinualStrategy s : strategies) {
            if (type.isInstance(s)) {
                return Optional.of(type.cast(s));
            }
        }
        return Optional.empty();
    }

    /**
     * Continues from a checkpoint: the model and boundaries as {@link #restore(Classifier, int)}, and
     * every strategy from its state. The states must be exactly one per configured strategy id.
     *
     * @param states the strategies' states by id, as {@link #states()} gave them
     * @throws IllegalArgumentException if the model does not fit (see {@link #restore(Classifier, int)}),
     *     the ids differ from the configured ones (naming both), or a strategy refuses its state; in
     *     the last case the trainer is part-restored: start again from a new one
     */
    public void restore(Classifier restored, int tasksEndedSoFar, Map<String, StrategyState> states) {
        if (states == null) {
            throw new IllegalArgumentException("states must be non-null");
        }
        List<String> configured = new ArrayList<>();
        for (ContinualStrategy s : strategies) {
            configured.add(s.id());
        }
        if (!new TreeSet<>(configured).equals(new TreeSet<>(states.keySet()))) {
            throw new IllegalArgumentException("the state is of the strategies " + new TreeSet<>(states.keySet())
                    + ", this trainer has " + new TreeSet<>(configured) + " (" + name() + ")");
        }
        restore(restored, tasksEndedSoFar);
        for (ContinualStrategy s : strategies) {
            try {
                s.restore(states.get(s.id()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the state of " + s.id() + " does not restore: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Continues with another model: trains {@code restored} from now on (its parameters, optimiser
     * state and version) and takes the number of task boundaries passed; the strategies keep their
     * state (a rollback). {@link #model()} returns the new model.
     *
     * @throws IllegalArgumentException if the model is null, has another spec or head, or
     *                                  {@code tasksEnded < 0}
     */
    public void restore(Classifier restored, int tasksEndedSoFar) {
        if (restored == null || !restored.spec().equals(model.spec()) || restored.head() != model.head()) {
            throw new IllegalArgumentException("the restored model must have spec " + model.spec() + " and head "
                    + model.head() + ", got " + restored);
        }
        if (tasksEndedSoFar < 0) {
            throw new IllegalArgumentException("tasksEnded must be >= 0, got " + tasksEndedSoFar);
        }
        this.model = restored;
        this.appliedScales = restored.learningRateScales();
        this.tasksEnded = tasksEndedSoFar;
    }

    /**
     * Ends the current task: every strategy sees the model as it is now (LwF takes its teacher).
     */
    public void taskBoundary() {
        for (ContinualStrategy s : strategies) {
            s.taskBoundary(model);
        }
        tasksEnded++;
    }

    /**
     * A task may have ended just before now: every strategy remembers what it would keep at a
     * boundary (LwF: a copy of the model and the classes seen so far), for {@link
     * #confirmBoundary()}. A boundary that comes from a drift detector is known only some samples
     * after the change, once the checks have confirmed it; by then the model has already trained on
     * the new data, and a teacher taken then would distil its half-learnt new classes as if they
     * were old knowledge. A later candidate replaces an earlier one.
     */
    public void markBoundaryCandidate() {
        for (ContinualStrategy s : strategies) {
            s.boundaryCandidate(model);
        }
    }

    /**
     * Ends the current task as of the last {@link #markBoundaryCandidate()} (LwF takes the teacher
     * remembered then), or as of now when there was none.
     */
    public void confirmBoundary() {
        confirmBoundary(null);
    }

    /**
     * As {@link #confirmBoundary()}, knowing which classes the old task had: a class that first
     * appeared between the change and the candidate belongs to the new task, and LwF must not
     * distil the teacher's barely trained outputs for it (that would hold the new class down).
     *
     * @param knownClasses the old task's classes, or null when unknown
     */
    public void confirmBoundary(int[] knownClasses) {
        for (ContinualStrategy s : strategies) {
            s.taskBoundaryAtCandidate(model, knownClasses);
        }
        tasksEnded++;
    }

    /**
     * One training step on a labelled stream minibatch.
     *
     * @throws IllegalArgumentException if the batch is empty or does not fit the model
     * @throws IllegalStateException if more than one strategy supplies soft targets
     */
    public StepResult step(Batch labelled) {
        return step(labelled, Batch.empty());
    }

    /**
     * One training step on a stream minibatch of labelled and unlabelled samples; the unlabelled
     * ones carry only the distillation term, when a strategy supplies soft targets.
     *
     * @throws IllegalArgumentException if both batches are empty or do not fit the model
     * @throws IllegalStateException if more than one strategy supplies soft targets
     */
    public StepResult step(Batch labelled, Batch unlabelled) {
        if (labelled == null || unlabelled == null) {
            throw new IllegalArgumentException("batches must be non-null (use Batch.empty())");
        }
        Batch stream = labelled.concat(unlabelled);
        if (stream.size() == 0) {
            throw new IllegalArgumentException("the stream batch must hold at least one sample");
        }
        applyLearningRates();
        Batch batch = stream;
        for (ContinualStrategy s : strategies) {
            batch = s.compose(batch);
            if (batch == null) {
                throw new IllegalStateException(s.getClass().getSimpleName() + ".compose returned null");
            }
        }
        int classes = model.spec().classes();
        float[][] mask = scenario.classMask(batch.tasks(), classes);
        for (ContinualStrategy s : strategies) {
            mask = s.classMask(stream, batch, mask, classes);
            if (mask != null && mask.length != batch.size()) {
                throw new IllegalStateException(s.getClass().getSimpleName() + " gave " + mask.length
                        + " class-mask rows for a batch of " + batch.size());
            }
        }
        SoftTargets soft = null;
        for (ContinualStrategy s : strategies) {
            Optional<SoftTargets> t = s.softTargets(stream, batch, mask);
            if (t.isPresent()) {
                if (soft != null) {
                    throw new IllegalStateException(
                            "more than one strategy supplies soft targets; configure one distillation strategy");
                }
                soft = t.get();
                if (soft.probabilities().length != batch.size()) {
                    throw new IllegalStateException(
                            s.getClass().getSimpleName() + " gave " + soft.probabilities().length
                                    + " soft-target rows for a batch of " + batch.size());
                }
            }
        }
        StepResult result;
        if (soft == null && batch.labelledCount() == 0) {
            result = new StepResult(false, Double.NaN, stream.size(), batch.size(), false, model.version());
        } else {
            TrainingBatch training =
                    soft == null
                            ? new TrainingBatch(
                                    batch.features(), batch.labels(), null, mask,
                                    DistillationLoss.DEFAULT_TEMPERATURE, 0.0)
                            : new TrainingBatch(
                                    batch.features(), batch.labels(), soft.probabilities(), mask,
                                    soft.temperature(), soft.lambda());
            double loss = model.train(training);
            result = new StepResult(true, loss, stream.size(), batch.size(), soft != null, model.version());
        }
        for (ContinualStrategy s : strategies) {
            s.afterStep(stream, batch, result);
        }
        return result;
    }

    /** Predictions for samples of the given tasks, as the scenario defines them. */
    public Predictions predict(float[][] features, int[] tasks) {
        return scenario.predict(model, features, tasks);
    }

    private void applyLearningRates() {
        int layers = model.layerCount();
        double[] scales = new double[layers];
        Arrays.fill(scales, 1.0);
        for (ContinualStrategy s : strategies) {
            Optional<double[]> f = s.learningRateScales(layers);
            if (f.isPresent()) {
                double[] factors = f.get();
                if (factors.length != layers) {
                    throw new IllegalStateException(
                            s.getClass().getSimpleName() + " gave " + factors.length + " learning-rate factors for "
                                    + layers + " layers");
                }
                for (int i = 0; i < layers; i++) {
                    scales[i] *= factors[i];
                }
            }
        }
        if (!Arrays.equals(scales, appliedScales)) {
            model.setLearningRateScales(scales);
            appliedScales = scales;
        }
    }

    /**
     * Whether unlabelled samples carry a loss term for some strategy (distillation), so that the
     * caller trains on them too; without one, a step on unlabelled samples alone does nothing.
     */
    public boolean learnsFromUnlabelled() {
        return strategies.stream().anyMatch(s -> s instanceof Lwf);
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (ContinualStrategy s : strategies) {
            names.add(s.toString());
        }
        return "ContinualTrainer[" + scenario + ", " + names + "]";
    }
}
