package dev.mnemo.learner.eval;

import java.util.Arrays;

/**
 * The accuracy matrix of a continual-learning run and the metrics defined on it.
 *
 * <p>{@code R[i][j]} is the accuracy on the test set of task {@code j} after training through task
 * {@code i} ({@code 0 <= i, j < T}, zero-based here; the formulas below are written one-based as in
 * the papers). {@code b[j]} is the accuracy of the untrained model on task {@code j}, needed for
 * forward transfer.
 * <ul>
 *   <li>{@code ACC = (1/T) sum_j R[T][j]}: average accuracy after the last task;</li>
 *   <li>{@code BWT = 1/(T-1) sum_{j<T} (R[T][j] - R[j][j])}: backward transfer (negative when the
 *       model forgets);</li>
 *   <li>{@code FWT = 1/(T-1) sum_{j>=2} (R[j-1][j] - b_j)}: forward transfer;</li>
 *   <li>{@code f_j = max_{l<T} R[l][j] - R[T][j]} and {@code F = mean_{j<T} f_j}: average
 *       forgetting.</li>
 * </ul>
 * With one task, BWT, FWT and forgetting are 0 (there is nothing to transfer to or forget).
 *
 * <p>Fill it row by row with {@link #set} (or {@link #setRow}) as tasks end; the metrics read the
 * whole matrix, so call them after the last row is set. Unset cells are {@code NaN} and make the
 * metrics that read them {@code NaN}.
 *
 * <pre>{@code
 * AccuracyMatrix r = new AccuracyMatrix(2);
 * r.setBaseline(new double[] {0.5, 0.5});
 * r.setRow(0, new double[] {0.9, 0.6});
 * r.setRow(1, new double[] {0.7, 0.95});
 * r.acc();        // 0.825
 * r.bwt();        // -0.2
 * r.fwt();        // 0.1
 * r.forgetting(); // 0.2
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>D. Lopez-Paz and M. Ranzato, "Gradient Episodic Memory for Continual Learning", NeurIPS
 *       2017 (R, ACC, BWT, FWT).</li>
 *   <li>A. Chaudhry, P. K. Dokania, T. Ajanthan and P. H. S. Torr, "Riemannian Walk for Incremental
 *       Learning: Understanding Forgetting and Intransigence", ECCV 2018 (forgetting).</li>
 * </ul>
 */
public final class AccuracyMatrix {

    private final double[][] r;
    private final double[] baseline;

    /**
     * An empty {@code tasks x tasks} matrix.
     *
     * @throws IllegalArgumentException if {@code tasks < 1}
     */
    public AccuracyMatrix(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("an accuracy matrix needs at least 1 task, got " + tasks);
        }
        r = new double[tasks][tasks];
        for (double[] row : r) {
            Arrays.fill(row, Double.NaN);
        }
        baseline = new double[tasks];
        Arrays.fill(baseline, Double.NaN);
    }

    /** A matrix holding a copy of {@code rows} (square) and {@code baseline} (one per task, may be null). */
    public static AccuracyMatrix of(double[][] rows, double[] baseline) {
        AccuracyMatrix m = new AccuracyMatrix(rows.length);
        for (int i = 0; i < rows.length; i++) {
            m.setRow(i, rows[i]);
        }
        if (baseline != null) {
            m.setBaseline(baseline);
        }
        return m;
    }

    /** Number of tasks T. */
    public int tasks() {
        return r.length;
    }

    /** Sets {@code R[afterTask][onTask]}, an accuracy in [0, 1]. */
    public void set(int afterTask, int onTask, double accuracy) {
        checkIndex(afterTask);
        checkIndex(onTask);
        r[afterTask][onTask] = checkAccuracy(accuracy);
    }

    /** Sets row {@code afterTask}: the accuracy on every task after training through {@code afterTask}. */
    public void setRow(int afterTask, double[] accuracies) {
        checkIndex(afterTask);
        checkLength(accuracies);
        for (int j = 0; j < accuracies.length; j++) {
            r[afterTask][j] = checkAccuracy(accuracies[j]);
        }
    }

    /** Sets the accuracy of the untrained model on each task ({@code b_j}, used by {@link #fwt()}). */
    public void setBaseline(double[] accuracies) {
        checkLength(accuracies);
        for (int j = 0; j < accuracies.length; j++) {
            baseline[j] = checkAccuracy(accuracies[j]);
        }
    }

    /** {@code R[afterTask][onTask]}, or {@code NaN} when not set. */
    public double get(int afterTask, int onTask) {
        checkIndex(afterTask);
        checkIndex(onTask);
        return r[afterTask][onTask];
    }

    /** A copy of the matrix. */
    public double[][] rows() {
        double[][] copy = new double[r.length][];
        for (int i = 0; i < r.length; i++) {
            copy[i] = r[i].clone();
        }
        return copy;
    }

    /** A copy of the untrained-model accuracies {@code b_j} ({@code NaN} when not set). */
    public double[] baseline() {
        return baseline.clone();
    }

    /** Average accuracy over all tasks after the last task. */
    public double acc() {
        double[] last = r[r.length - 1];
        double sum = 0;
        for (double v : last) {
            sum += v;
        }
        return sum / last.length;
    }

    /** Backward transfer: mean of {@code R[T][j] - R[j][j]} over the tasks before the last. */
    public double bwt() {
        int t = r.length;
        if (t == 1) {
            return 0;
        }
        double sum = 0;
        for (int j = 0; j < t - 1; j++) {
            sum += r[t - 1][j] - r[j][j];
        }
        return sum / (t - 1);
    }

    /** Forward transfer: mean of {@code R[j-1][j] - b_j} over the tasks after the first. */
    public double fwt() {
        int t = r.length;
        if (t == 1) {
            return 0;
        }
        double sum = 0;
        for (int j = 1; j < t; j++) {
            sum += r[j - 1][j] - baseline[j];
        }
        return sum / (t - 1);
    }

    /** Forgetting of task {@code j}: best accuracy on it before the last task minus the final one. */
    public double forgetting(int task) {
        checkIndex(task);
        int t = r.length;
        if (task == t - 1) {
            return 0;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < t - 1; l++) {
            best = Math.max(best, r[l][task]);
        }
        return best - r[t - 1][task];
    }

    /** Average forgetting over the tasks before the last. */
    public double forgetting() {
        int t = r.length;
        if (t == 1) {
            return 0;
        }
        double sum = 0;
        for (int j = 0; j < t - 1; j++) {
            sum += forgetting(j);
        }
        return sum / (t - 1);
    }

    private void checkIndex(int task) {
        if (task < 0 || task >= r.length) {
            throw new IndexOutOfBoundsException("task index must be in [0, " + r.length + "), got " + task);
        }
    }

    private void checkLength(double[] values) {
        if (values == null || values.length != r.length) {
            throw new IllegalArgumentException("expected " + r.length + " accuracies, one per task, got "
                    + (values == null ? "null" : values.length));
        }
    }

    private static double checkAccuracy(double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("an accuracy must lie in [0, 1], got " + v);
        }
        return v;
    }
}
