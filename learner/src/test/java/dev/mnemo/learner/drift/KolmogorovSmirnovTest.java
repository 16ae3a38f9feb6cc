package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The two-sample test against closed forms, brute-force enumeration and its asymptotic form. */
class KolmogorovSmirnovTest {

    @Test
    void separatedSamples() {
        double[] a = {1, 2, 3, 4, 5};
        double[] b = {6, 7, 8, 9, 10};
        assertThat(KolmogorovSmirnov.statistic(a, b)).isEqualTo(1.0);
        // Only the two fully separated interleavings of C(10, 5) = 252 reach D = 1.
        assertThat(KolmogorovSmirnov.pValue(a, b)).isCloseTo(2.0 / 252.0, within(1e-15))
                .isEqualTo(0.007936507936507686); // the value printed in the class example
        assertThat(KolmogorovSmirnov.pValue(new double[] {1, 2, 3}, new double[] {4, 5, 6}))
                .isCloseTo(0.1, within(1e-15));
    }

    @Test
    void identicalSamples() {
        double[] a = {3, 1, 2, 2};
        assertThat(KolmogorovSmirnov.statistic(a, a.clone())).isZero();
        assertThat(KolmogorovSmirnov.pValue(a, a.clone())).isEqualTo(1.0);
    }

    @Test
    void tiesAreSteppedTogether() {
        assertThat(KolmogorovSmirnov.statistic(new double[] {1, 1, 2}, new double[] {1, 2, 2}))
                .isCloseTo(1.0 / 3.0, within(1e-15));
    }

    @Test
    void exactPValueMatchesEnumerationOfAllInterleavings() {
        for (int n = 1; n <= 6; n++) {
            for (int m = 1; m <= 7; m++) {
                long[] counts = new long[n * m + 1];
                int total = 0;
                // Each (n + m)-bit mask with n ones is one interleaving: bit set = a value of a.
                for (int mask = 0; mask < (1 << (n + m)); mask++) {
                    if (Integer.bitCount(mask) != n) {
                        continue;
                    }
                    total++;
                    long i = 0;
                    long j = 0;
                    long best = 0;
                    for (int t = 0; t < n + m; t++) {
                        if ((mask >> t & 1) == 1) {
                            i++;
                        } else {
                            j++;
                        }
                        best = Math.max(best, Math.abs(i * m - j * n));
                    }
                    counts[(int) best]++;
                }
                long atLeast = 0;
                for (int k = n * m; k >= 0; k--) {
                    atLeast += counts[k];
                    if (counts[k] > 0 || k == 0) {
                        assertThat(KolmogorovSmirnov.pValue(k, n, m)).as("n=%d m=%d k=%d", n, m, k)
                                .isCloseTo((double) atLeast / total, within(1e-12));
                    }
                }
            }
        }
    }

    @Test
    void asymptoticFormIsCloseToTheExactOneForLargeSamples() {
        int n = 1000;
        for (long k : new long[] {30_000, 50_000, 60_000, 80_000}) {
            double exact = KolmogorovSmirnov.pValue(k, n, n);
            double asymptotic = KolmogorovSmirnov.pValue(k * 1001 * 1001 / (1000L * 1000), 1001, 1001);
            assertThat(asymptotic).as("D=%s", k / 1e6).isCloseTo(exact, within(0.01));
        }
        assertThat(KolmogorovSmirnov.pValue(1, 2000, 2000)).isEqualTo(1.0);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> KolmogorovSmirnov.statistic(new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> KolmogorovSmirnov.pValue(26, 5, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 25]");
        assertThatThrownBy(() -> KolmogorovSmirnov.pValue(1, 0, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
    }
}
