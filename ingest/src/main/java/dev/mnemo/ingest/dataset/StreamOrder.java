package dev.mnemo.ingest.dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Orders a dataset into a stream: which sample comes at which position, and under which task.
 *
 * <p><b>Class-incremental</b> (van de Ven and Tolias, 2019): the classes are grouped in order,
 * {@code classesPerTask} at a time: task 1 = {0, 1}, task 2 = {2, 3}, ... (the last task takes
 * what is left when the classes do not divide evenly). Each task's samples come as one block,
 * tasks in order, so a class appears only inside its task.
 *
 * <p>Algorithm, for T tasks and a budget of N samples: task t gets a quota of
 * {@code floor(N / T)}, plus one for the first {@code N mod T} tasks. The indices of the task's
 * classes (ascending) are shuffled with one {@link Random} seeded with {@code seed}, used for the
 * tasks in order, and the first {@code quota} are kept; a task with fewer samples than its quota
 * contributes all of them (the spare quota is not moved to other tasks). Without a budget every
 * sample is used. The same data, budget and seed give the same stream.
 *
 * <p><b>Shuffled</b>: one task holding every class, the indices in seeded random order.
 *
 * <pre>{@code
 * LabelledData train = Datasets.fashionMnist().train();
 * StreamOrder.OrderedStream s = StreamOrder.classIncremental(train, 2, 10_000, 7L);
 * s.tasks().size();        // 5
 * s.count(1);              // 2000, all of class 0 or 1
 * s.boundaries();          // [2000, 4000, 6000, 8000]: positions where tasks 2..5 start
 * }</pre>
 *
 * <p>References: G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 * arXiv:1904.07734, 2019.
 */
public final class StreamOrder {

    private StreamOrder() {
    }

    /**
     * One task of a stream.
     *
     * @param id      1-based task number; producers write it as the sample's task tag
     * @param classes the classes the task's samples belong to, ascending
     */
    public record Task(int id, int[] classes) {

        public Task {
            Objects.requireNonNull(classes, "classes");
            if (id < 1) {
                throw new IllegalArgumentException("task id must be >= 1, got " + id);
            }
            if (classes.length == 0) {
                throw new IllegalArgumentException("task " + id + " must have at least one class");
            }
            classes = classes.clone();
        }

        /** A copy of the classes, ascending. */
        @Override
        public int[] classes() {
            return classes.clone();
        }

        /** Whether the task holds the class. */
        public boolean contains(int label) {
            for (int c : classes) {
                if (c == label) {
                    return true;
                }
            }
            return false;
        }

        /** Tasks are equal when their ids and classes are. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Task t && t.id == id && Arrays.equals(t.classes, classes);
        }

        @Override
        public int hashCode() {
            return 31 * id + Arrays.hashCode(classes);
        }

        @Override
        public String toString() {
            return "Task[id=" + id + ", classes=" + Arrays.toString(classes) + "]";
        }
    }

    /**
     * A stream order over a dataset.
     *
     * @param indices sample index (into the dataset) at each stream position
     * @param taskIds task id at each stream position; non-decreasing for class-incremental streams
     * @param tasks   the tasks, in order, ids 1..T
     */
    public record OrderedStream(int[] indices, int[] taskIds, List<Task> tasks) {

        public OrderedStream {
            Objects.requireNonNull(indices, "indices");
            Objects.requireNonNull(taskIds, "taskIds");
            tasks = List.copyOf(tasks);
            if (indices.length != taskIds.length) {
                throw new IllegalArgumentException(indices.length + " indices but " + taskIds.length + " task ids");
            }
            for (int k = 0; k < tasks.size(); k++) {
                if (tasks.get(k).id() != k + 1) {
                    throw new IllegalArgumentException("task ids must be 1..T in order, got " + tasks.get(k).id()
                            + " at position " + k);
                }
            }
            for (int id : taskIds) {
                if (id < 1 || id > tasks.size()) {
                    throw new IllegalArgumentException("task id " + id + " is outside [1, " + tasks.size() + "]");
                }
            }
        }

        /** Number of positions in the stream. */
        public int size() {
            return indices.length;
        }

        /** The task at a stream position. */
        public Task taskAt(int position) {
            return tasks.get(taskIds[position] - 1);
        }

        /** How many positions belong to the task with this id. */
        public int count(int taskId) {
            int n = 0;
            for (int id : taskIds) {
                if (id == taskId) {
                    n++;
                }
            }
            return n;
        }

        /** First position of the task, or -1 when it has no samples. */
        public int start(int taskId) {
            for (int k = 0; k < taskIds.length; k++) {
                if (taskIds[k] == taskId) {
                    return k;
                }
            }
            return -1;
        }

        /** Positions where the task changes, that is the known drift points of the stream. */
        public int[] boundaries() {
            List<Integer> result = new ArrayList<>();
            for (int k = 1; k < taskIds.length; k++) {
                if (taskIds[k] != taskIds[k - 1]) {
                    result.add(k);
                }
            }
            return result.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Class-incremental stream over every sample; see the class comment. */
    public static OrderedStream classIncremental(LabelledData data, int classesPerTask, long seed) {
        return classIncremental(data, classesPerTask, Integer.MAX_VALUE, seed);
    }

    /**
     * Class-incremental stream of at most {@code maxSamples}, spread evenly over the tasks.
     *
     * @param classesPerTask in [1, data.classes()]
     * @param maxSamples     at least 1; {@link Integer#MAX_VALUE} for every sample
     * @throws IllegalArgumentException when an argument is out of range
     */
    public static OrderedStream classIncremental(LabelledData data, int classesPerTask, int maxSamples, long seed) {
        Objects.requireNonNull(data, "data");
        if (classesPerTask < 1 || classesPerTask > data.classes()) {
            throw new IllegalArgumentException("classesPerTask must be in [1, " + data.classes() + "], got " + classesPerTask);
        }
        List<int[]> groups = new ArrayList<>();
        for (int first = 0; first < data.classes(); first += classesPerTask) {
            int last = Math.min(first + classesPerTask, data.classes());
            int[] group = new int[last - first];
            for (int c = first; c < last; c++) {
                group[c - first] = c;
            }
            groups.add(group);
        }
        return tasks(data, groups, maxSamples, seed);
    }

    /**
     * A stream of tasks with the given class groups, in that order; the quota and shuffle rules
     * are those of {@link #classIncremental(LabelledData, int, int, long)}.
     *
     * @param classGroups one non-empty group of classes per task; a class may appear in one group
     *                    only
     * @throws IllegalArgumentException when a group is empty, a class is out of range or repeated,
     *                                  or maxSamples is below 1
     */
    public static OrderedStream tasks(LabelledData data, List<int[]> classGroups, int maxSamples, long seed) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(classGroups, "classGroups");
        if (maxSamples < 1) {
            throw new IllegalArgumentException("maxSamples must be >= 1, got " + maxSamples);
        }
        if (classGroups.isEmpty()) {
            throw new IllegalArgumentException("at least one task is needed");
        }
        int[] taskOfClass = new int[data.classes()];
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < classGroups.size(); t++) {
            int[] group = classGroups.get(t).clone();
            Arrays.sort(group);
            for (int c : group) {
                if (c < 0 || c >= data.classes()) {
                    throw new IllegalArgumentException("class " + c + " of task " + (t + 1) + " is outside [0, "
                            + data.classes() + ")");
                }
                if (taskOfClass[c] != 0) {
                    throw new IllegalArgumentException("class " + c + " is in task " + taskOfClass[c] + " and task " + (t + 1));
                }
                taskOfClass[c] = t + 1;
            }
            tasks.add(new Task(t + 1, group));
        }
        int taskCount = tasks.size();
        List<List<Integer>> pools = new ArrayList<>();
        for (int t = 0; t < taskCount; t++) {
            pools.add(new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            int task = taskOfClass[data.label(i)];
            if (task > 0) {
                pools.get(task - 1).add(i);
            }
        }
        Random random = new Random(seed);
        int[] indices = new int[Math.min(data.size(), maxSamples)];
        int[] taskIds = new int[indices.length];
        int n = 0;
        for (int t = 0; t < taskCount; t++) {
            int quota = maxSamples / taskCount + (t < maxSamples % taskCount ? 1 : 0);
            int[] pool = pools.get(t).stream().mapToInt(Integer::intValue).toArray();
            shuffle(pool, random);
            int take = Math.min(quota, pool.length);
            for (int k = 0; k < take; k++) {
                indices[n] = pool[k];
                taskIds[n] = t + 1;
                n++;
            }
        }
        return new OrderedStream(Arrays.copyOf(indices, n), Arrays.copyOf(taskIds, n), tasks);
    }

    /** Every sample in seeded random order, as one task holding every class. */
    public static OrderedStream shuffled(LabelledData data, long seed) {
        return shuffled(data, Integer.MAX_VALUE, seed);
    }

    /**
     * At most {@code maxSamples} samples in seeded random order (a Fisher-Yates shuffle of all
     * indices, then the first {@code maxSamples}), as one task holding every class.
     *
     * @throws IllegalArgumentException when maxSamples is below 1
     */
    public static OrderedStream shuffled(LabelledData data, int maxSamples, long seed) {
        Objects.requireNonNull(data, "data");
        if (maxSamples < 1) {
            throw new IllegalArgumentException("maxSamples must be >= 1, got " + maxSamples);
        }
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        shuffle(all, new Random(seed));
        int[] indices = Arrays.copyOf(all, Math.min(all.length, maxSamples));
        int[] taskIds = new int[indices.length];
        Arrays.fill(taskIds, 1);
        return new OrderedStream(indices, taskIds, List.of(new Task(1, allClasses(data))));
    }

    /** Every sample in dataset order, as one task holding every class. */
    public static OrderedStream inOrder(LabelledData data) {
        Objects.requireNonNull(data, "data");
        int[] indices = new int[data.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        int[] taskIds = new int[indices.length];
        Arrays.fill(taskIds, 1);
        return new OrderedStream(indices, taskIds, List.of(new Task(1, allClasses(data))));
    }

    /** Fisher-Yates shuffle in place (Durstenfeld's variant), drawing from {@code random}. */
    static void shuffle(int[] values, Random random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
    }

    private static int[] allClasses(LabelledData data) {
        int[] classes = new int[data.classes()];
        for (int c = 0; c < classes.length; c++) {
            classes[c] = c;
        }
        return classes;
    }
}
