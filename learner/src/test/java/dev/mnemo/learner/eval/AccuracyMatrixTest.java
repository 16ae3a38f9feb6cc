package dev.mnemo.learner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AccuracyMatrixTest {

    private static final double EPS = 1e-12;

    @Test
    void twoTaskExampleFromTheJavadoc() {
        AccuracyMatrix r = new AccuracyMatrix(2);
        r.setBaseline(new double[] {0.5, 0.5});
        r.setRow(0, new double[] {0.9, 0.6});
        r.setRow(1, new double[] {0.7, 0.95});

        assertThat(r.acc()).isCloseTo(0.825, within(EPS));
        assertThat(r.bwt()).isCloseTo(-0.2, within(EPS));
        assertThat(r.fwt()).isCloseTo(0.1, within(EPS));
        assertThat(r.forgetting()).isCloseTo(0.2, within(EPS));
    }

    @Test
    void threeTasksByHand() {
        // R[i][j]: rows = after task i, columns = task j.
        AccuracyMatrix r = AccuracyMatrix.of(new double[][] {
                {0.98, 0.10, 0.20},
                {0.60, 0.97, 0.30},
                {0.80, 0.50, 0.99}},
                new double[] {0.10, 0.10, 0.10});

        assertThat(r.acc()).isCloseTo((0.80 + 0.50 + 0.99) / 3, within(EPS));
        // BWT = ((0.80 - 0.98) + (0.50 - 0.97)) / 2
        assertThat(r.bwt()).isCloseTo(((0.80 - 0.98) + (0.50 - 0.97)) / 2, within(EPS));
        // FWT = ((R[0][1] - b1) + (R[1][2] - b2)) / 2
        assertThat(r.fwt()).isCloseTo(((0.10 - 0.10) + (0.30 - 0.10)) / 2, within(EPS));
        // f_0 = max(0.98, 0.60) - 0.80; f_1 = max(0.10, 0.97) - 0.50
        assertThat(r.forgetting(0)).isCloseTo(0.18, within(EPS));
        assertThat(r.forgetting(1)).isCloseTo(0.47, within(EPS));
        assertThat(r.forgetting(2)).isZero();
        assertThat(r.forgetting()).isCloseTo((0.18 + 0.47) / 2, within(EPS));
    }

    @Test
    void forgettingUsesTheBestEarlierAccuracyNotTheDiagonal() {
        AccuracyMatrix r = AccuracyMatrix.of(new double[][] {
                {0.70, 0.0, 0.0},
                {0.90, 0.8, 0.0},
                {0.60, 0.8, 0.9}}, null);

        assertThat(r.forgetting(0)).isCloseTo(0.30, within(EPS));
        assertThat(r.bwt()).isCloseTo(((0.60 - 0.70) + (0.8 - 0.8)) / 2, within(EPS));
        assertThat(r.fwt()).isNaN(); // no baseline set
    }

    @Test
    void oneTaskHasNoTransferAndNoForgetting() {
        AccuracyMatrix r = AccuracyMatrix.of(new double[][] {{0.9}}, null);

        assertThat(r.acc()).isEqualTo(0.9);
        assertThat(r.bwt()).isZero();
        assertThat(r.fwt()).isZero();
        assertThat(r.forgetting()).isZero();
    }

    @Test
    void copiesAreIndependent() {
        AccuracyMatrix r = new AccuracyMatrix(2);
        r.set(0, 0, 0.5);
        double[][] rows = r.rows();
        rows[0][0] = 0.9;

        assertThat(r.get(0, 0)).isEqualTo(0.5);
        assertThat(r.get(1, 1)).isNaN();
    }

    @Test
    void rejectsBadInput() {
        AccuracyMatrix r = new AccuracyMatrix(2);

        assertThatThrownBy(() -> new AccuracyMatrix(0)).hasMessageContaining("at least 1 task");
        assertThatThrownBy(() -> r.set(0, 0, 1.5)).hasMessageContaining("[0, 1], got 1.5");
        assertThatThrownBy(() -> r.set(0, 0, Double.NaN)).hasMessageContaining("got NaN");
        assertThatThrownBy(() -> r.set(2, 0, 0.5)).hasMessageContaining("[0, 2), got 2");
        assertThatThrownBy(() -> r.setRow(0, new double[] {0.5})).hasMessageContaining("expected 2 accuracies");
    }
}
