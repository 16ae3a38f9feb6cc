package dev.mnemo.learner.strategy;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;

/**
 * Restricts every row's cross-entropy to the <em>active classes</em>: the classes seen so far in
 * the stream, together with those labelled in the current stream batch.
 *
 * <h2>Method</h2>
 * In class-incremental learning one head holds the outputs of every class the model will ever
 * learn, most of them not seen yet. With the softmax over all outputs, each step pushes the logits
 * of the classes still to come down, so that when their task arrives they start far below the
 * others and must first climb back: with replay's asymmetric loss, which leaves the new classes to
 * be lifted by their replayed rows alone, that costs the newest task several points by its end.
 * Van de Ven and Tolias's class-incremental protocol keeps the unseen outputs out of the softmax
 * ("active classes" = the classes of all tasks so far); this plug-in does the same without task
 * labels, from the labels the stream has shown. It narrows the mask it is given (the scenario's,
 * and that of the strategies before it), so in a task-incremental scenario it changes nothing, and
 * once every class has been seen it changes nothing either. Prediction is not masked: an unseen
 * class can only win where the model has no evidence for any other.
 *
 * <p>Put it first in the strategy list, so that later masks (replay's asymmetric loss) narrow the
 * active classes further. Its state, the set of classes seen, is taken from the labelled stream
 * rows after each step; {@link #state()} (id {@value #ID}, version 1, the property {@code seen})
 * carries it through checkpoints.
 *
 * <pre>{@code
 * new ContinualTrainer(model, new ClassIncremental(),
 *         List.of(new ActiveClasses(), new Replay(buffer, 128, 7L, true)));
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 *       arXiv:1904.07734, 2019 (the active classes of the class-incremental scenario).</li>
 * </ul>
 */
public final class ActiveClasses implements ContinualStrategy {

    /** The {@link #id()}. */
    public static final String ID = "active-classes";
    private static final int STATE_VERSION = 1;
    private static final String SEEN = "seen";

    private final BitSet seen = new BitSet();

    /** {@value #ID}. */
    @Override
    public String id() {
        return ID;
    }

    /** The classes seen so far, as the property {@code seen}. */
    @Override
    public StrategyState state() {
        return StrategyState.of(STATE_VERSION, Map.of(SEEN, ClassLists.format(seen())));
    }

    /**
     * @throws IllegalArgumentException if the version is not 1 or {@code seen} is missing or garbled
     */
    @Override
    public void restore(StrategyState state) {
        if (state == null || state.version() != STATE_VERSION) {
            throw new IllegalArgumentException("active-classes reads state version " + STATE_VERSION + ", got "
                    + (state == null ? null : state.version()));
        }
        restore(ClassLists.parse(SEEN, state.property(SEEN).orElseThrow(
                () -> new IllegalArgumentException("active-classes state has no property " + SEEN))));
    }

    /** The classes seen in labelled stream rows so far, ascending. */
    public int[] seen() {
        return seen.stream().toArray();
    }

    /**
     * Continues from a checkpoint with the classes seen so far.
     *
     * @throws IllegalArgumentException if {@code classes} is null or holds a negative class
     */
    public void restore(int[] classes) {
        if (classes == null) {
            throw new IllegalArgumentException("classes must be non-null");
        }
        seen.clear();
        for (int c : classes) {
            if (c < 0) {
                throw new IllegalArgumentException("classes must be >= 0, got " + c);
            }
            seen.set(c);
        }
    }

    /**
     * Each row keeps, of the classes its mask allows, the active ones. A row whose mask allows no
     * active class (an unlabelled row before any label was seen) keeps its mask.
     */
    @Override
    public float[][] classMask(Batch stream, Batch composed, float[][] mask, int classes) {
        float[] active = new float[classes];
        int count = 0;
        for (int c = seen.nextSetBit(0); c >= 0 && c < classes; c = seen.nextSetBit(c + 1)) {
            active[c] = 1f;
            count++;
        }
        for (int label : stream.labels()) {
            if (label != Batch.UNLABELLED && label < classes && active[label] == 0f) {
                active[label] = 1f;
                count++;
            }
        }
        if (count == 0 || (count == classes && mask == null)) {
            return mask;
        }
        float[][] out = new float[composed.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ClassMasks.narrow(active, mask == null ? null : mask[i], classes);
        }
        return out;
    }

    @Override
    public void afterStep(Batch stream, Batch trained, StepResult result) {
        for (int label : stream.labels()) {
            if (label != Batch.UNLABELLED) {
                seen.set(label);
            }
        }
    }

    @Override
    public String toString() {
        return "ActiveClasses" + Arrays.toString(seen());
    }
}
