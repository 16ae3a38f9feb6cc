package dev.mnemo.learner.strategy;

import dev.mnemo.learner.model.Classifier;
import java.util.Optional;

/**
 * A continual-learning plug-in for {@link ContinualTrainer}: a few typed hooks, each with a no-op
 * default, so that a strategy implements only what it changes.
 *
 * <p>The loop calls, per training step and for every strategy in its list:
 * <ol>
 *   <li>{@link #learningRateScales(int)}: per-layer learning-rate factors; the loop multiplies the
 *       factors of all strategies, so the result does not depend on their order;</li>
 *   <li>{@link #compose(Batch)}: the batch to train on, given the batch so far (the stream batch for
 *       the first strategy); the only hook whose order matters, and only for the order of rows;</li>
 *   <li>{@link #classMask(Batch, Batch, float[][], int)}: the classes each row's cross-entropy runs
 *       over, refined in list order from the scenario's mask (replay's asymmetric loss);</li>
 *   <li>{@link #softTargets(Batch, Batch, float[][])}: soft targets for the composed batch, if any; at most
 *       one strategy may supply them;</li>
 *   <li>{@link #afterStep(Batch, Batch, StepResult)}: after the parameter update.</li>
 * </ol>
 * and {@link #taskBoundary(Classifier)} when the trainer is told that a task ended. Hooks return
 * values and never write into the trainer, the model or a batch they are given; a strategy's own
 * state is its own business. Strategies are not thread-safe; the trainer calls them from one
 * thread.
 *
 * <h2>State and settings</h2>
 * A strategy owns its state: {@link #state()} gives what must survive a restart as a versioned
 * {@link StrategyState} of named parts, {@link #restore(StrategyState)} takes it back, and a
 * checkpoint keeps a map from {@link #id()} to state without knowing which strategy wrote it. Its
 * run-time parameters are a typed {@link StrategySettings} ({@link #settings()},
 * {@link #apply(StrategySettings)}), which {@link ContinualTrainer#changeSettings} changes by name.
 * A new strategy therefore touches only its own class and the place that builds it from
 * configuration ({@link StrategySpec}).
 *
 * <pre>{@code
 * ContinualTrainer trainer = new ContinualTrainer(model, new ClassIncremental(),
 *         List.of(new Lwf(), new Replay(buffer, 128, 7L)));   // LwF + replay: a configuration
 * }</pre>
 */
public interface ContinualStrategy {

    /**
     * A stable name ({@code lwf}, {@code replay}, {@code active-classes}, ...), matching
     * {@link StrategyState#PART_NAME}: checkpoints key this strategy's state by it and
     * {@link ContinualTrainer#name()} is made of it, so it never changes once checkpoints exist.
     */
    String id();

    /**
     * What must survive a restart, with networks and buffers as live objects (not copies): call it
     * on the thread that trains, between steps. The default keeps nothing.
     *
     * @throws IllegalStateException if this strategy's state cannot be checkpointed
     */
    default StrategyState state() {
        return StrategyState.none();
    }

    /**
     * Continues from a state that {@link #state()} of a strategy with the same {@link #id()} gave,
     * possibly in an earlier process. The default accepts only a state that keeps nothing.
     *
     * @throws IllegalArgumentException if the state is of a version this strategy does not read or
     *                                  misses or garbles a part, naming what
     */
    default void restore(StrategyState state) {
        if (state == null || !state.isEmpty()) {
            throw new IllegalArgumentException(id() + " keeps no state, got " + state);
        }
    }

    /** The current run-time parameters; {@link StrategySettings#NONE} when there are none (the default). */
    default StrategySettings settings() {
        return StrategySettings.NONE;
    }

    /**
     * Takes new run-time parameters from the next step on; {@code settings} comes from
     * {@link #settings()}{@code .with(...)} of this strategy.
     *
     * @throws IllegalArgumentException if {@code settings} are not this strategy's kind
     */
    default void apply(StrategySettings settings) {
        if (settings == null || !settings.values().isEmpty()) {
            throw new IllegalArgumentException(id() + " has no run-time parameter, got " + settings);
        }
    }

    /**
     * Called by {@link ContinualTrainer#taskBoundary()} with the model as it is at the end of the
     * task; a strategy that wants to keep it must {@link Classifier#copy()} it.
     */
    default void taskBoundary(Classifier model) {}

    /**
     * Called by {@link ContinualTrainer#markBoundaryCandidate()}: a task may have ended here, to be
     * confirmed later. A strategy whose boundary keeps something of the model keeps it now.
     */
    default void boundaryCandidate(Classifier model) {}

    /**
     * Called by {@link ContinualTrainer#confirmBoundary(int[])}: the task ended at the last candidate.
     * The default treats it as a boundary now.
     *
     * @param knownClasses the classes the old task had (for example the labels seen in the stream
     *     before the change), or null when unknown; classes first seen since are the new task's
     */
    default void taskBoundaryAtCandidate(Classifier model, int[] knownClasses) {
        taskBoundary(model);
    }

    /**
     * Per-layer learning-rate factors in {@code [0, 1]} (0 freezes a layer), or empty to leave the
     * base rate.
     *
     * @param layers the model's {@link Classifier#layerCount()}
     */
    default Optional<double[]> learningRateScales(int layers) {
        return Optional.empty();
    }

    /** The batch to train on, built from {@code batch}; return it unchanged to add nothing. */
    default Batch compose(Batch batch) {
        return batch;
    }

    /**
     * Soft targets for every row of the composed {@code batch}, or empty.
     *
     * @param stream the samples that came from the stream (the first {@code stream.size()} rows of
     *     {@code batch}; the rest were added by {@link #compose})
     * @param classMask the per-sample class mask of the hard term after {@link #classMask}
     *     ({@code [n][classes]} of 0/1), or null when every class is allowed
     */
    default Optional<SoftTargets> softTargets(Batch stream, Batch batch, float[][] classMask) {
        return Optional.empty();
    }

    /**
     * The per-sample class mask of the hard (cross-entropy) term for the composed batch, given the
     * mask so far (the scenario's, after the strategies before this one): a loss-term hook. Return
     * {@code mask} unchanged to change nothing; never write into it.
     *
     * @param stream the samples that came from the stream (the first {@code stream.size()} rows of
     *     {@code composed})
     * @param composed the composed batch
     * @param mask {@code [n][classes]} of 0/1, or null when every class is allowed
     * @param classes the model's number of classes
     */
    default float[][] classMask(Batch stream, Batch composed, float[][] mask, int classes) {
        return mask;
    }

    /**
     * Called after each {@link ContinualTrainer#step}, trained or not.
     *
     * @param stream the samples that came from the stream
     * @param trained the composed batch
     * @param result what the step did
     */
    default void afterStep(Batch stream, Batch trained, StepResult result) {}
}
