package dev.mnemo.learner.drift.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnemo.learner.drift.SplitMix64;
import org.junit.jupiter.api.Test;

class WindowedNaiveBayesTest {

    @Test
    void learnsAThresholdAndForgetsItWithinOneWindowAfterTheRuleFlips() {
        WindowedNaiveBayes nb = new WindowedNaiveBayes(2, 500, 10, 200);
        SplitMix64 rng = new SplitMix64(3);
        int errorsLate = 0;
        int errorsAfterFlip = 0;
        for (int t = 0; t < 4_000; t++) {
            double[] x = {rng.nextDouble(), rng.nextDouble()};
            int y = (x[0] > 0.5) == (t < 2_000) ? 1 : 0;
            boolean wrong = nb.predict(x) != y;
            if (t >= 1_500 && t < 2_000 && wrong) {
                errorsLate++;
            }
            if (t >= 3_500 && wrong) {
                errorsAfterFlip++;
            }
            nb.learn(x, y);
        }
        assertThat(errorsLate).isLessThan(25);
        assertThat(errorsAfterFlip).isLessThan(25);
    }

    @Test
    void rejectsArgumentsOutsideTheirRange() {
        assertThatThrownBy(() -> new WindowedNaiveBayes(1, 500, 10, 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classes must be >= 2");
        assertThatThrownBy(() -> new WindowedNaiveBayes(2, 100, 10, 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rangeSamples must be in [1, window");
        WindowedNaiveBayes nb = new WindowedNaiveBayes(2, 500, 10, 200);
        nb.learn(new double[] {1, 2}, 0);
        assertThatThrownBy(() -> nb.learn(new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 2 features");
        assertThatThrownBy(() -> nb.learn(new double[] {1, 2}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y must be in [0, 1]");
    }
}
