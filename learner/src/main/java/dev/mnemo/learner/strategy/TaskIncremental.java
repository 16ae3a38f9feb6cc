package dev.mnemo.learner.strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Task-incremental scenario: the task id comes with every sample, and a sample competes only
 * among its task's classes. One shared output layer serves all tasks, with its logits masked to
 * the task's classes: in training (the masked classes leave both softmaxes of the loss, so their
 * output weights get no gradient from the sample) and in prediction (they get probability 0).
 * This is equivalent to one head per task that shares the hidden layers.
 *
 * <pre>{@code
 * Scenario s = new TaskIncremental(List.of(new int[] {0, 1}, new int[] {2, 3}));
 * Predictions p = s.predict(model, x, tasks);      // p.probabilities()[i][c] == 0 outside the task
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 *       arXiv:1904.07734, 2019.</li>
 * </ul>
 */
public final class TaskIncremental implements Scenario {

    private final List<int[]> classesOfTask;

    /**
     * @param classesOfTask for task {@code t}, the classes it contains (at least one, each >= 0)
     * @throws IllegalArgumentException if the list is empty or a task has no or a negative class
     */
    public TaskIncremental(List<int[]> classesOfTask) {
        if (classesOfTask == null || classesOfTask.isEmpty()) {
            throw new IllegalArgumentException("classesOfTask must name the classes of at least one task");
        }
        List<int[]> copy = new ArrayList<>();
        for (int t = 0; t < classesOfTask.size(); t++) {
            int[] classes = classesOfTask.get(t);
            if (classes == null || classes.length == 0) {
                throw new IllegalArgumentException("task " + t + " must have at least one class");
            }
            for (int c : classes) {
                if (c < 0) {
                    throw new IllegalArgumentException("task " + t + " has class " + c + "; classes must be >= 0");
                }
            }
            copy.add(classes.clone());
        }
        this.classesOfTask = List.copyOf(copy);
    }

    /**
     * Consecutive tasks of {@code perTask} classes each: {@code {0..perTask-1}, {perTask..}, ...}.
     *
     * @throws IllegalArgumentException unless {@code perTask >= 1} and divides {@code classes}
     */
    public static TaskIncremental split(int classes, int perTask) {
        if (perTask < 1 || classes < perTask || classes % perTask != 0) {
            throw new IllegalArgumentException(
                    "perTask must be >= 1 and divide classes; got classes=" + classes + ", perTask=" + perTask);
        }
        List<int[]> tasks = new ArrayList<>();
        for (int first = 0; first < classes; first += perTask) {
            int[] cs = new int[perTask];
            for (int k = 0; k < perTask; k++) {
                cs[k] = first + k;
            }
            tasks.add(cs);
        }
        return new TaskIncremental(tasks);
    }

    /** Number of tasks. */
    public int tasks() {
        return classesOfTask.size();
    }

    /** The classes of task {@code task}, a copy. */
    public int[] classesOf(int task) {
        checkTask(task);
        return classesOfTask.get(task).clone();
    }

    /**
     * @throws IllegalArgumentException if a task is unknown or names a class {@code >= classes}
     */
    @Override
    public float[][] classMask(int[] tasks, int classes) {
        float[][] mask = new float[tasks.length][];
        float[][] rowOfTask = new float[classesOfTask.size()][];
        for (int i = 0; i < tasks.length; i++) {
            int t = tasks[i];
            checkTask(t);
            if (rowOfTask[t] == null) {
                float[] row = new float[classes];
                for (int c : classesOfTask.get(t)) {
                    if (c >= classes) {
                        throw new IllegalArgumentException(
                                "task " + t + " has class " + c + " but the model has " + classes + " classes");
                    }
                    row[c] = 1f;
                }
                rowOfTask[t] = row;
            }
            mask[i] = rowOfTask[t];
        }
        return mask;
    }

    private void checkTask(int task) {
        if (task < 0 || task >= classesOfTask.size()) {
            throw new IllegalArgumentException(
                    "task must be in [0, " + classesOfTask.size() + "), got " + task);
        }
    }

    @Override
    public String toString() {
        return "TaskIncremental[" + classesOfTask.size() + " tasks]";
    }
}
