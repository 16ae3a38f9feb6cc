package dev.mnemo.learner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrequentialAccuracyTest {

    @Test
    void isNaNWhenEmpty() {
        PrequentialAccuracy acc = PrequentialAccuracy.create();

        assertThat(acc.window()).isEqualTo(1000);
        assertThat(acc.count()).isZero();
        assertThat(acc.correct()).isZero();
        assertThat(acc.accuracy()).isNaN();
        assertThat(acc.windowCount()).isZero();
        assertThat(acc.windowAccuracy()).isNaN();
        assertThat(acc.snapshot().accuracy()).isNaN();
        assertThat(acc.snapshot().windowAccuracy()).isNaN();
    }

    @Test
    void goldenSequence() {
        // T T F T F F T T, window 3
        PrequentialAccuracy acc = new PrequentialAccuracy(3);
        boolean[] outcomes = {true, true, false, true, false, false, true, true};
        double[] expectedWindow = {1.0, 1.0, 2 / 3.0, 2 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 2 / 3.0};
        double[] expectedTotal = {1.0, 1.0, 2 / 3.0, 3 / 4.0, 3 / 5.0, 3 / 6.0, 4 / 7.0, 5 / 8.0};

        for (int i = 0; i < outcomes.length; i++) {
            acc.update(outcomes[i]);
            assertThat(acc.windowAccuracy()).as("window after %d", i + 1).isEqualTo(expectedWindow[i]);
            assertThat(acc.accuracy()).as("total after %d", i + 1).isEqualTo(expectedTotal[i]);
        }

        assertThat(acc.snapshot())
                .isEqualTo(new PrequentialAccuracy.Snapshot(3, 8, 5, 0.625, 3, 2, 2 / 3.0));
    }

    @Test
    void windowEvictsTheOldestOutcome() {
        PrequentialAccuracy acc = new PrequentialAccuracy(4);
        for (int i = 0; i < 4; i++) {
            acc.update(true);
        }
        assertThat(acc.windowCorrect()).isEqualTo(4);

        for (int i = 1; i <= 4; i++) {
            acc.update(false);
            assertThat(acc.windowCount()).isEqualTo(4);
            assertThat(acc.windowCorrect()).isEqualTo(4 - i);
        }
        assertThat(acc.windowAccuracy()).isZero();
        assertThat(acc.accuracy()).isEqualTo(0.5);
    }

    @Test
    void windowOfOneTracksTheLastOutcome() {
        PrequentialAccuracy acc = new PrequentialAccuracy(1);
        acc.update(true);
        assertThat(acc.windowAccuracy()).isEqualTo(1.0);
        acc.update(false);
        assertThat(acc.windowAccuracy()).isZero();
        acc.update(true);
        assertThat(acc.windowAccuracy()).isEqualTo(1.0);
        assertThat(acc.count()).isEqualTo(3);
        assertThat(acc.correct()).isEqualTo(2);
    }

    @Test
    void matchesANaiveWindowAcrossWordBoundaries() {
        // Windows that do and do not fill whole 64-bit words.
        for (int window : new int[] {63, 64, 65, 130, 1000}) {
            PrequentialAccuracy acc = new PrequentialAccuracy(window);
            Deque<Boolean> naive = new ArrayDeque<>();
            SplittableRandom random = new SplittableRandom(window);
            long correct = 0;
            for (int i = 0; i < 5 * window + 17; i++) {
                boolean outcome = random.nextDouble() < 0.7;
                acc.update(outcome);
                correct += outcome ? 1 : 0;
                naive.addLast(outcome);
                if (naive.size() > window) {
                    naive.removeFirst();
                }
                long naiveCorrect = naive.stream().filter(b -> b).count();
                assertThat(acc.windowCorrect()).isEqualTo((int) naiveCorrect);
                assertThat(acc.windowCount()).isEqualTo(naive.size());
            }
            assertThat(acc.correct()).isEqualTo(correct);
        }
    }

    @Test
    void resetForgetsEverything() {
        PrequentialAccuracy acc = new PrequentialAccuracy(2);
        acc.update(true);
        acc.update(true);
        acc.update(false);

        acc.reset();

        assertThat(acc.count()).isZero();
        assertThat(acc.accuracy()).isNaN();
        assertThat(acc.windowAccuracy()).isNaN();
        acc.update(false);
        assertThat(acc.windowAccuracy()).isZero();
        acc.update(true);
        assertThat(acc.windowAccuracy()).isEqualTo(0.5);
        assertThat(acc.window()).isEqualTo(2);
    }

    @Test
    void snapshotIsImmutable() {
        PrequentialAccuracy acc = new PrequentialAccuracy(10);
        acc.update(true);
        PrequentialAccuracy.Snapshot before = acc.snapshot();

        acc.update(false);

        assertThat(before.count()).isEqualTo(1);
        assertThat(before.accuracy()).isEqualTo(1.0);
        assertThat(acc.snapshot().count()).isEqualTo(2);
    }

    @Test
    void rejectsAWindowBelowOne() {
        assertThatThrownBy(() -> new PrequentialAccuracy(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be >= 1, got 0");
    }
}
