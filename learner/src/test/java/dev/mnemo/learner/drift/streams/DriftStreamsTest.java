package dev.mnemo.learner.drift.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/** The generators: concept functions from their definitions, drift positions and determinism. */
class DriftStreamsTest {

    // ---- concept functions ------------------------------------------------------------------

    @Test
    void seaThresholds() {
        assertThat(Sea.theta(0)).isEqualTo(8.0);
        assertThat(Sea.theta(1)).isEqualTo(9.0);
        assertThat(Sea.theta(2)).isEqualTo(7.0);
        assertThat(Sea.theta(3)).isEqualTo(9.5);
        assertThat(Sea.label(2, new double[] {3.0, 4.0, 9.0})).isEqualTo(1); // 7 <= 7
        assertThat(Sea.label(2, new double[] {3.0, 4.5, 0.0})).isEqualTo(0); // 7.5 > 7
        assertThat(Sea.label(0, new double[] {4.0, 4.0, 0.0})).isEqualTo(1); // 8 <= 8
        assertThat(Sea.label(2, new double[] {4.0, 4.0, 0.0})).isEqualTo(0); // 8 > 7
        assertThat(Sea.label(3, new double[] {5.0, 4.5, 10.0})).isEqualTo(1); // 9.5 <= 9.5
        assertThat(Sea.label(1, new double[] {5.0, 4.5, 10.0})).isEqualTo(0); // 9.5 > 9
    }

    @Test
    void staggerTruthTable() {
        int[] positives = new int[3];
        for (int size = 0; size < 3; size++) {
            for (int colour = 0; colour < 3; colour++) {
                for (int shape = 0; shape < 3; shape++) {
                    double[] x = {size, colour, shape};
                    for (int c = 0; c < 3; c++) {
                        positives[c] += Stagger.label(c, x);
                    }
                }
            }
        }
        // small and red: 3 shapes; green or circle: 9 + 9 - 3; medium or large: 18.
        assertThat(positives).containsExactly(3, 15, 18);
        assertThat(Stagger.label(0, new double[] {Stagger.SMALL, Stagger.RED, Stagger.CIRCLE})).isEqualTo(1);
        assertThat(Stagger.label(1, new double[] {Stagger.LARGE, Stagger.BLUE, Stagger.CIRCLE})).isEqualTo(1);
        assertThat(Stagger.label(2, new double[] {Stagger.SMALL, Stagger.RED, Stagger.CIRCLE})).isEqualTo(0);
    }

    private static double[] person(double salary, double commission, double age, double elevel, double loan,
            double hvalue, double hyears) {
        return new double[] {salary, commission, age, elevel, 1, 0, hvalue, hyears, loan};
    }

    @Test
    void agrawalFunctions() {
        double[] young = person(60_000, 30_000, 30, 0, 150_000, 500_000, 5);
        double[] middle = person(100_000, 0, 50, 4, 450_000, 300_000, 25);
        double[] old = person(40_000, 20_000, 70, 2, 50_000, 800_000, 30);

        assertThat(Agrawal.label(0, young)).isZero();
        assertThat(Agrawal.label(0, middle)).isOne();
        assertThat(Agrawal.label(0, old)).isZero();

        assertThat(Agrawal.label(1, young)).isZero();  // salary 60k in [50k, 100k]
        assertThat(Agrawal.label(1, middle)).isZero(); // 100k in [75k, 125k]
        assertThat(Agrawal.label(1, old)).isZero();    // 40k in [25k, 75k]
        assertThat(Agrawal.label(1, person(110_000, 0, 30, 0, 0, 0, 1))).isOne();

        assertThat(Agrawal.label(2, young)).isZero();  // elevel 0 in {0, 1}
        assertThat(Agrawal.label(2, middle)).isOne();  // elevel 4 not in {1, 2, 3}
        assertThat(Agrawal.label(2, old)).isZero();    // elevel 2 in {2, 3, 4}

        assertThat(Agrawal.label(3, young)).isZero();  // elevel in {0, 1}, salary in [25k, 75k]
        assertThat(Agrawal.label(3, middle)).isZero(); // elevel 4: salary in [75k, 125k]
        assertThat(Agrawal.label(3, old)).isOne();     // elevel 2: salary must be in [50k, 100k]

        assertThat(Agrawal.label(4, young)).isZero();  // salary in [50k, 100k], loan in [100k, 300k]
        assertThat(Agrawal.label(4, middle)).isOne();  // salary in [75k, 125k], loan 450k not in [200k, 400k]
        assertThat(Agrawal.label(4, old)).isOne();     // salary in [25k, 75k], loan 50k not in [300k, 500k]

        assertThat(Agrawal.label(5, young)).isZero();  // total 90k in [50k, 100k]
        assertThat(Agrawal.label(5, middle)).isZero(); // total 100k in [75k, 125k]
        assertThat(Agrawal.label(5, old)).isZero();    // total 60k in [25k, 75k]

        // 2/3 * 90k - 30k - 20k = 10k > 0
        assertThat(Agrawal.label(6, young)).isZero();
        // 2/3 * 100k - 90k - 20k < 0
        assertThat(Agrawal.label(6, middle)).isOne();
        // 2/3 * 60k - 10k - 20k = 10k > 0
        assertThat(Agrawal.label(7, old)).isZero();
        // 2/3 * 100k - 20k - 20k = 26.7k > 0
        assertThat(Agrawal.label(7, middle)).isZero();
        // 2/3 * 60k - 10k - 10k - 10k = 10k > 0
        assertThat(Agrawal.label(8, old)).isZero();
        // 2/3 * 100k - 20k - 90k - 10k < 0
        assertThat(Agrawal.label(8, middle)).isOne();
        // hyears 30: equity 800k; 2/3 * 60k - 10k + 160k - 10k > 0
        assertThat(Agrawal.label(9, old)).isZero();
        // hyears 5: no equity; 2/3 * 15k - 20k - 10k < 0
        assertThat(Agrawal.label(9, person(15_000, 0, 30, 4, 0, 900_000, 5))).isOne();
        // hyears 29: equity 900k * 0.9 = 810k, + 162k rescues the same applicant
        assertThat(Agrawal.label(9, person(15_000, 0, 30, 4, 0, 900_000, 29))).isZero();

        assertThatThrownBy(() -> Agrawal.label(10, young)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 9]");
    }

    @Test
    void hyperplaneLabel() {
        assertThat(RotatingHyperplane.label(new double[] {1, 1}, new double[] {0.9, 0.2})).isOne();
        assertThat(RotatingHyperplane.label(new double[] {1, 1}, new double[] {0.3, 0.2})).isZero();
        assertThat(RotatingHyperplane.label(new double[] {1, 3}, new double[] {0.0, 0.5})).isZero(); // 1.5 < 2
    }

    // ---- feature distributions --------------------------------------------------------------

    @Test
    void agrawalFeaturesStayInTheirRanges() {
        Agrawal stream = Agrawal.abrupt(5, 0, 1, 100);
        for (int i = 0; i < 20_000; i++) {
            double[] x = stream.next().x();
            assertThat(x[Agrawal.SALARY]).isBetween(20_000.0, 150_000.0);
            if (x[Agrawal.SALARY] >= 75_000) {
                assertThat(x[Agrawal.COMMISSION]).isZero();
            } else {
                assertThat(x[Agrawal.COMMISSION]).isBetween(10_000.0, 85_000.0);
            }
            assertThat(x[Agrawal.AGE]).isBetween(20.0, 80.0);
            assertThat(x[Agrawal.ELEVEL]).isBetween(0.0, 4.0);
            assertThat(x[Agrawal.CAR]).isBetween(1.0, 20.0);
            assertThat(x[Agrawal.ZIPCODE]).isBetween(0.0, 8.0);
            double base = (9 - x[Agrawal.ZIPCODE]) * 100_000;
            assertThat(x[Agrawal.HVALUE]).isBetween(0.5 * base, 1.5 * base);
            assertThat(x[Agrawal.HYEARS]).isBetween(1.0, 30.0);
            assertThat(x[Agrawal.LOAN]).isBetween(0.0, 500_000.0);
        }
    }

    @Test
    void seaNoiseIsTenPercent() {
        Sea sea = Sea.abrupt(9, 0, 0, 0);
        int flipped = 0;
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            Sample s = sea.next();
            assertThat(s.x()).hasSize(3);
            assertThat(java.util.Arrays.stream(s.x()).allMatch(v -> v >= 0 && v < 10)).isTrue();
            if (s.y() != Sea.label(0, s.x())) {
                flipped++;
            }
        }
        assertThat((double) flipped / n).isCloseTo(0.1, within(0.01));
    }

    // ---- drift position and determinism ------------------------------------------------------

    @Test
    void abruptDriftSwitchesConceptExactlyAtTheIndex() {
        Sea sea = new Sea(1, 0, 2, 500, 0, 0.0);
        Stagger stagger = Stagger.abrupt(1, 0, 2, 500);
        Agrawal agrawal = Agrawal.abrupt(1, 0, 6, 500);
        for (int t = 0; t < 1000; t++) {
            Sample s = sea.next();
            assertThat(s.y()).as("SEA at %d", t).isEqualTo(Sea.label(t < 500 ? 0 : 2, s.x()));
            Sample g = stagger.next();
            assertThat(g.y()).as("STAGGER at %d", t).isEqualTo(Stagger.label(t < 500 ? 0 : 2, g.x()));
            Sample a = agrawal.next();
            assertThat(a.y()).as("Agrawal at %d", t).isEqualTo(Agrawal.label(t < 500 ? 0 : 6, a.x()));
        }
        assertThat(sea.position()).isEqualTo(1000);
        assertThat(sea.driftAt()).isEqualTo(500);
    }

    @Test
    void hyperplaneSwitchesWeightsAtTheIndex() {
        RotatingHyperplane h = new RotatingHyperplane(4, 5, 300, 0, 0.0, 0.1, 0.0);
        double[] w0 = h.weights(0);
        double[] w1 = h.weights(1);
        assertThat(w0).isNotEqualTo(w1);
        assertThat(java.util.Arrays.stream(w0).allMatch(v -> v >= 0 && v < 1)).isTrue();
        for (int t = 0; t < 600; t++) {
            Sample s = h.next();
            assertThat(s.x()).hasSize(5);
            assertThat(s.y()).isEqualTo(RotatingHyperplane.label(t < 300 ? w0 : w1, s.x()));
        }
    }

    @Test
    void hyperplaneRotatesByTheMagnitude() {
        RotatingHyperplane h = new RotatingHyperplane(4, 3, 1_000_000, 0, 0.001, 0.0, 0.0);
        double[] before = h.weights(0);
        for (int t = 0; t < 100; t++) {
            h.next();
        }
        double[] after = h.weights(0);
        for (int i = 0; i < 3; i++) {
            assertThat(Math.abs(after[i] - before[i])).isCloseTo(0.1, within(1e-9));
        }
    }

    @Test
    void gradualDriftMixesConceptsAroundTheCentre() {
        // Concepts 0 (small and red) and 2 (medium or large) never agree on a small red object,
        // so the label of such objects tells which concept produced the sample.
        Stagger stagger = new Stagger(3, 0, 2, 5000, 1000, 0.0);
        int[] fromAfter = new int[3];
        int[] smallRed = new int[3];
        for (int t = 0; t < 10_000; t++) {
            Sample s = stagger.next();
            if (s.x()[0] == Stagger.SMALL && s.x()[1] == Stagger.RED) {
                int band = t < 3000 ? 0 : t < 7000 ? 1 : 2;
                if (band == 1 && Math.abs(t - 5000) > 100) {
                    continue;
                }
                smallRed[band]++;
                fromAfter[band] += s.y() == 0 ? 1 : 0;
            }
        }
        assertThat(fromAfter[0]).isZero();                        // p(after) < 4e-4 before t=3000
        assertThat(fromAfter[2]).isEqualTo(smallRed[2]);          // all after t=7000
        assertThat((double) fromAfter[1] / smallRed[1]).isBetween(0.3, 0.7); // about 1/2 at the centre
    }

    @Test
    void equalSeedsGiveEqualStreams() {
        LongFunction<DriftStream>[] makers = new LongFunction[] {
            seed -> Sea.abrupt(seed, 0, 3, 100),
            seed -> Stagger.abrupt(seed, 0, 1, 100),
            seed -> Agrawal.abrupt(seed, 2, 7, 100),
            seed -> new RotatingHyperplane(seed, 10, 100, 50, 0.001, 0.1, 0.05)
        };
        for (LongFunction<DriftStream> make : makers) {
            DriftStream a = make.apply(11);
            DriftStream b = make.apply(11);
            DriftStream c = make.apply(12);
            boolean differs = false;
            for (int i = 0; i < 500; i++) {
                Sample sa = a.next();
                Sample sb = b.next();
                Sample sc = c.next();
                assertThat(sb.x()).isEqualTo(sa.x());
                assertThat(sb.y()).isEqualTo(sa.y());
                differs |= !java.util.Arrays.equals(sa.x(), sc.x());
            }
            assertThat(differs).as("another seed gives another stream").isTrue();
        }
    }

    @Test
    void goldenFirstSamples() {
        Sample s = Sea.abrupt(42, 0, 1, 10).next();
        assertThat(s.x()).hasSize(3);
        Sample again = Sea.abrupt(42, 0, 1, 10).next();
        assertThat(again.x()).containsExactly(s.x());
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> Sea.abrupt(1, 4, 0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before must be in [0, 3]");
        assertThatThrownBy(() -> Stagger.abrupt(1, 0, 3, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after must be in [0, 2]");
        assertThatThrownBy(() -> Agrawal.abrupt(1, 0, 10, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after must be in [0, 9]");
        assertThatThrownBy(() -> Sea.abrupt(1, 0, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("driftAt must be >= 0");
        assertThatThrownBy(() -> new Sea(1, 0, 1, 10, -5, 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width must be >= 0");
        assertThatThrownBy(() -> new Sea(1, 0, 1, 10, 0, 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noise must be in [0, 1)");
        assertThatThrownBy(() -> RotatingHyperplane.abrupt(1, 0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimensions must be >= 1");
        assertThatThrownBy(() -> new RotatingHyperplane(1, 2, 10, 0, -1, 0.1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("magnitude must be finite and >= 0");
        assertThatThrownBy(() -> new RotatingHyperplane(1, 2, 10, 0, 0, 2, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reversal must be in [0, 1]");
    }
}
