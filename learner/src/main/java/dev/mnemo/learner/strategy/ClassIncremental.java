package dev.mnemo.learner.strategy;

/**
 * Class-incremental scenario: each task brings new classes, and one head over all classes must
 * tell every class seen so far apart, without being told the task.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. M. van de Ven and A. S. Tolias, "Three scenarios for continual learning",
 *       arXiv:1904.07734, 2019.</li>
 * </ul>
 */
public final class ClassIncremental implements Scenario {

    /** Every sample may be any class. */
    @Override
    public float[][] classMask(int[] tasks, int classes) {
        return null;
    }

    @Override
    public String toString() {
        return "ClassIncremental";
    }
}
