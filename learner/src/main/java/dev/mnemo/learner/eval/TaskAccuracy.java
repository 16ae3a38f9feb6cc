package dev.mnemo.learner.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prequential (test-then-train) accuracy per task tag of a stream, in the order the tags first
 * appeared.
 *
 * <p>Each tag gets its own {@link PrequentialAccuracy} with the same window size. Samples without a
 * tag ({@code null}) are counted under {@value #NO_TASK}. When a task's samples stop arriving, its
 * window stops moving, so its window accuracy stays at the value it had on the task's last
 * {@code W} samples: the accuracy "at the end of the task" that a continual-learning report shows
 * next to the diagonal {@code R[j][j]} of the accuracy matrix.
 *
 * <p>Tags are expected to be few (tasks, domains, experiences): every tag keeps a window of
 * {@code W} bits for the life of the accumulator.
 *
 * <p><b>Mutable and not thread-safe.</b> Publish {@link #snapshot()} to other threads.
 *
 * <pre>{@code
 * TaskAccuracy perTask = new TaskAccuracy(2);
 * perTask.update("a", true);  perTask.update("a", false);  perTask.update("a", true);
 * perTask.update("b", false);
 * perTask.update(null, true);
 * perTask.snapshot();
 * // [TaskSnapshot[task=a, count=3, correct=2, accuracy=0.666.., windowCount=2, windowAccuracy=0.5],
 * //  TaskSnapshot[task=b, count=1, correct=0, accuracy=0.0, windowCount=1, windowAccuracy=0.0],
 * //  TaskSnapshot[task=none, count=1, correct=1, accuracy=1.0, windowCount=1, windowAccuracy=1.0]]
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>J. Gama, R. Sebastiao and P. P. Rodrigues, "On evaluating stream learning algorithms",
 *       Machine Learning 90(3), 317-346, 2013.</li>
 *   <li>D. Lopez-Paz and M. Ranzato, "Gradient Episodic Memory for Continual Learning", NeurIPS
 *       2017 (the accuracy matrix R).</li>
 * </ul>
 */
public final class TaskAccuracy {

    /** The tag under which samples without a task tag are counted. */
    public static final String NO_TASK = "none";

    private final int window;
    private final Map<String, PrequentialAccuracy> tasks = new LinkedHashMap<>();

    /**
     * An empty accumulator whose tasks each keep a sliding window of {@code window} samples.
     *
     * @throws IllegalArgumentException if {@code window < 1}
     */
    public TaskAccuracy(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        this.window = window;
    }

    /** An empty accumulator with the default window of {@value PrequentialAccuracy#DEFAULT_WINDOW}. */
    public static TaskAccuracy create() {
        return new TaskAccuracy(PrequentialAccuracy.DEFAULT_WINDOW);
    }

    /** Records one test-then-train outcome for {@code task} ({@code null} counts as {@value #NO_TASK}). */
    public void update(String task, boolean correct) {
        tasks.computeIfAbsent(tagOf(task), t -> new PrequentialAccuracy(window)).update(correct);
    }

    /** The window size of every task. */
    public int window() {
        return window;
    }

    /** Number of distinct task tags seen. */
    public int taskCount() {
        return tasks.size();
    }

    /** The current values for {@code task} ({@code null} means {@value #NO_TASK}), if it was seen. */
    public Optional<TaskSnapshot> get(String task) {
        String tag = tagOf(task);
        PrequentialAccuracy accuracy = tasks.get(tag);
        return accuracy == null ? Optional.empty() : Optional.of(snapshotOf(tag, accuracy));
    }

    /** One immutable entry per task tag, in order of first appearance. */
    public List<TaskSnapshot> snapshot() {
        List<TaskSnapshot> out = new ArrayList<>(tasks.size());
        tasks.forEach((tag, accuracy) -> out.add(snapshotOf(tag, accuracy)));
        return List.copyOf(out);
    }

    /** Forgets every task. */
    public void reset() {
        tasks.clear();
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }

    private static String tagOf(String task) {
        return task == null ? NO_TASK : task;
    }

    private static TaskSnapshot snapshotOf(String tag, PrequentialAccuracy a) {
        return new TaskSnapshot(
                tag, a.count(), a.correct(), a.accuracy(), a.windowCount(), a.windowAccuracy());
    }

    /**
     * Prequential accuracy of one task at one moment.
     *
     * @param task the task tag ({@value TaskAccuracy#NO_TASK} for untagged samples)
     * @param count labelled samples of this task so far
     * @param correct of which predicted correctly before training on them
     * @param accuracy {@code correct / count}
     * @param windowCount samples in the task's window, {@code min(count, window)}
     * @param windowAccuracy accuracy over the task's last {@code windowCount} samples
     */
    public record TaskSnapshot(
            String task,
            long count,
            long correct,
            double accuracy,
            int windowCount,
            double windowAccuracy) {}
}
