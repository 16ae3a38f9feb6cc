package dev.mnemo.learner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnemo.learner.eval.TaskAccuracy.TaskSnapshot;
import org.junit.jupiter.api.Test;

class TaskAccuracyTest {

    @Test
    void emptyHasNoTasks() {
        TaskAccuracy perTask = TaskAccuracy.create();

        assertThat(perTask.window()).isEqualTo(PrequentialAccuracy.DEFAULT_WINDOW);
        assertThat(perTask.snapshot()).isEmpty();
        assertThat(perTask.get("a")).isEmpty();
    }

    @Test
    void goldenSequenceInOrderOfFirstAppearance() {
        TaskAccuracy perTask = new TaskAccuracy(2);
        perTask.update("b", false);
        perTask.update("a", true);
        perTask.update("a", false);
        perTask.update("a", true);
        perTask.update(null, true);
        perTask.update("b", true);

        assertThat(perTask.snapshot())
                .containsExactly(
                        new TaskSnapshot("b", 2, 1, 0.5, 2, 0.5),
                        new TaskSnapshot("a", 3, 2, 2 / 3.0, 2, 0.5),
                        new TaskSnapshot("none", 1, 1, 1.0, 1, 1.0));
        assertThat(perTask.taskCount()).isEqualTo(3);
        assertThat(perTask.get(null)).contains(new TaskSnapshot("none", 1, 1, 1.0, 1, 1.0));
        assertThat(perTask.get(TaskAccuracy.NO_TASK)).isEqualTo(perTask.get(null));
    }

    @Test
    void windowOfATaskFreezesWhenItsSamplesStop() {
        TaskAccuracy perTask = new TaskAccuracy(3);
        // task 1: learnt over time, ends with three correct predictions
        for (boolean outcome : new boolean[] {false, false, true, true, true}) {
            perTask.update("task-1", outcome);
        }
        // task 2 arrives; task 1 is never seen again
        for (int i = 0; i < 10; i++) {
            perTask.update("task-2", i % 2 == 0);
        }

        TaskSnapshot first = perTask.get("task-1").orElseThrow();
        assertThat(first.windowAccuracy()).isEqualTo(1.0);
        assertThat(first.accuracy()).isEqualTo(0.6);
        assertThat(first.count()).isEqualTo(5);
        TaskSnapshot second = perTask.get("task-2").orElseThrow();
        assertThat(second.windowAccuracy()).isEqualTo(1 / 3.0); // F T F
        assertThat(second.accuracy()).isEqualTo(0.5);
    }

    @Test
    void snapshotIsAnImmutableCopy() {
        TaskAccuracy perTask = new TaskAccuracy(5);
        perTask.update("a", true);
        var before = perTask.snapshot();

        perTask.update("a", false);
        perTask.update("b", true);

        assertThat(before).containsExactly(new TaskSnapshot("a", 1, 1, 1.0, 1, 1.0));
        assertThatThrownBy(() -> before.add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void resetForgetsAllTasks() {
        TaskAccuracy perTask = new TaskAccuracy(5);
        perTask.update("a", true);

        perTask.reset();

        assertThat(perTask.snapshot()).isEmpty();
        assertThat(perTask.taskCount()).isZero();
    }

    @Test
    void rejectsAWindowBelowOne() {
        assertThatThrownBy(() -> new TaskAccuracy(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be >= 1, got -3");
    }
}
