package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnemo.learner.drift.streams.Agrawal;
import dev.mnemo.learner.drift.streams.DriftStream;
import dev.mnemo.learner.drift.streams.RotatingHyperplane;
import dev.mnemo.learner.drift.streams.Sample;
import dev.mnemo.learner.drift.streams.Sea;
import dev.mnemo.learner.drift.streams.Stagger;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * Golden detections on the generators: a model that knows the first concept perfectly is
 * evaluated on 10,000 samples whose concept changes at index 5000, and each detector watches its
 * error stream (1 = wrong). Before the change the errors are the stream's label noise only.
 */
class StreamDetectionTest {

    private static final int LENGTH = 10_000;
    private static final int CHANGE = 5_000;

    private static double[] errors(DriftStream stream, ToIntFunction<double[]> oldConcept) {
        double[] e = new double[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            Sample s = stream.next();
            e[i] = oldConcept.applyAsInt(s.x()) == s.y() ? 0.0 : 1.0;
        }
        return e;
    }

    private static void assertGolden(double[] e, List<Integer> adwin, List<Integer> pageHinkley, List<Integer> ddm,
            List<Integer> kswin) {
        assertThat(Streams.detections(Adwin.create(), e)).as("Adwin").isEqualTo(adwin);
        assertThat(Streams.detections(PageHinkley.create(), e)).as("PageHinkley").isEqualTo(pageHinkley);
        assertThat(Streams.detections(Ddm.create(), e)).as("Ddm").isEqualTo(ddm);
        assertThat(Streams.detections(Kswin.create(), e)).as("Kswin").isEqualTo(kswin);
    }

    @Test
    void seaThresholdEightToSeven() {
        // Error rate 0.094 -> 0.157: a small change; KSWIN's samples of 30 cannot resolve it.
        double[] e = errors(Sea.abrupt(42, 0, 2, CHANGE), x -> Sea.label(0, x));
        assertGolden(e, List.of(5407, 5471, 5631, 5759, 6655), List.of(5627), List.of(6415, 6658), List.of());
    }

    @Test
    void staggerConceptZeroToOne() {
        // Error rate 0 -> 0.598.
        double[] e = errors(Stagger.abrupt(42, 0, 1, CHANGE), x -> Stagger.label(0, x));
        assertGolden(e, List.of(5023, 5055), List.of(5085), List.of(5000), List.of(5023, 7414, 9488));
    }

    @Test
    void agrawalFunctionZeroToTwo() {
        // Error rate 0.052 -> 0.524, with 5% label noise.
        double[] e = errors(new Agrawal(42, 0, 2, CHANGE, 0, 0.05), x -> Agrawal.label(0, x));
        assertGolden(e, List.of(5023, 5055, 5087, 5119), List.of(5080), List.of(5045), List.of(5036));
    }

    @Test
    void hyperplaneSwitch() {
        // Error rate 0.049 -> 0.236, with 5% label noise; DDM raises one false alarm at 1517.
        RotatingHyperplane stream = RotatingHyperplane.abrupt(42, 10, CHANGE);
        double[] w = stream.weights(0);
        double[] e = errors(stream, x -> RotatingHyperplane.label(w, x));
        assertGolden(e, List.of(5087, 5119, 5151, 5183, 5215), List.of(5226), List.of(1517, 5115), List.of());
    }
}
