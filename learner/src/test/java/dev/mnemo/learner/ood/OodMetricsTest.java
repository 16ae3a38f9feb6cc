package dev.mnemo.learner.ood;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OodMetricsTest {

    @Test
    void aurocOfKnownRankings() {
        assertThat(OodMetrics.auroc(new double[] {1, 2}, new double[] {3, 4})).isEqualTo(1.0);
        assertThat(OodMetrics.auroc(new double[] {3, 4}, new double[] {1, 2})).isEqualTo(0.0);
        // Pairs (out > in): 2>1, 4>1, 4>3 of 4 pairs.
        assertThat(OodMetrics.auroc(new double[] {1, 3}, new double[] {2, 4})).isEqualTo(0.75);
        // Ties count one half.
        assertThat(OodMetrics.auroc(new double[] {5, 5, 5}, new double[] {5, 5})).isEqualTo(0.5);
        assertThat(OodMetrics.auroc(new double[] {1, 2}, new double[] {2, 3})).isEqualTo(0.875);
    }

    @Test
    void aurocMatchesTheCountOfOrderedPairsOnARandomSample() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        double[] in = new double[300];
        double[] out = new double[200];
        for (int i = 0; i < in.length; i++) {
            in[i] = Math.floor(r.nextDouble() * 20);
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.floor(r.nextDouble() * 20 + 5);
        }
        double pairs = 0;
        for (double a : in) {
            for (double b : out) {
                pairs += b > a ? 1 : b == a ? 0.5 : 0;
            }
        }
        assertThat(OodMetrics.auroc(in, out)).isCloseTo(pairs / (in.length * out.length), within(1e-12));
    }

    @Test
    void fprAtTpr() {
        assertThat(OodMetrics.fprAtTpr(new double[] {1, 2, 3, 4}, new double[] {3.5, 5}, 0.95)).isEqualTo(0.25);
        double[] out = new double[100];
        for (int i = 0; i < 100; i++) {
            out[i] = i;
        }
        // 95% of out are >= 5; in-distribution scores 0..9 at or above 5: half.
        assertThat(OodMetrics.fprAtTpr(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, out, 0.95)).isEqualTo(0.5);
        assertThat(OodMetrics.fprAtTpr(new double[] {0, 1}, new double[] {10, 11}, 0.95)).isEqualTo(0.0);
    }

    @Test
    void rejectsEmptyAndNaN() {
        assertThatThrownBy(() -> OodMetrics.auroc(new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in must hold at least one score");
        assertThatThrownBy(() -> OodMetrics.auroc(new double[] {1}, new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> OodMetrics.fprAtTpr(new double[] {1}, new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tpr must be in (0, 1]");
    }
}
