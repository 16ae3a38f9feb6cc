package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link DriftDetector} contract, run against every implementation. */
class DriftDetectorContractTest {

    static Stream<Arguments> detectors() {
        return Stream.of(
                named("Adwin", Adwin::create),
                named("Adwin(delta=0.1, clock=1)", () -> new Adwin(0.1, 1, 3, 2, 0)),
                named("RisingAdwin", RisingAdwin::create),
                named("PageHinkley", PageHinkley::create),
                named("PageHinkley(BOTH)", () -> PageHinkley.withThreshold(10, PageHinkley.Mode.BOTH)),
                named("PageHinkley(DOWN)", () -> PageHinkley.withThreshold(10, PageHinkley.Mode.DOWN)),
                named("Ddm", Ddm::create),
                named("Kswin", Kswin::create),
                named("HddmA", HddmA::create),
                named("HddmA(RISE)", () -> new HddmA(0.001, 0.005, HddmA.Mode.RISE)),
                named("HddmA(BOTH)", () -> new HddmA(0.001, 0.005, HddmA.Mode.BOTH)),
                named("HddmW", HddmW::create),
                named("HddmW(two-sided)", () -> new HddmW(0.001, 0.005, 0.05, true)),
                named("ScheduledDetector", () -> ScheduledDetector.every(300)));
    }

    private static Arguments named(String name, Supplier<DriftDetector> factory) {
        return Arguments.of(Named.of(name, factory));
    }

    /** A stream that makes every detector fire several times: rate 0.2 / 0.8 / 0.2 / 0.8. */
    private static double[] busyStream() {
        double[] a = Streams.bernoulli(7L, 800, 1600, 0.2, 0.8);
        double[] b = Streams.bernoulli(8L, 800, 1600, 0.2, 0.8);
        double[] x = new double[a.length + b.length];
        System.arraycopy(a, 0, x, 0, a.length);
        System.arraycopy(b, 0, x, a.length, b.length);
        return x;
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void startsQuiet(Supplier<DriftDetector> factory) {
        DriftDetector d = factory.get();
        assertThat(d.driftDetected()).isFalse();
        assertThat(d.warningDetected()).isFalse();
        assertThat(d.seen()).isZero();
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void countsUpdates(Supplier<DriftDetector> factory) {
        DriftDetector d = factory.get();
        Streams.detections(d, busyStream(), 0, 1234);
        assertThat(d.seen()).isEqualTo(1234);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void freshResetsHistoryAndKeepsHyperParameters(Supplier<DriftDetector> factory) {
        double[] stream = busyStream();
        DriftDetector used = factory.get();
        List<Integer> first = Streams.detections(used, stream);
        DriftDetector fresh = used.fresh();
        assertThat(fresh).isNotSameAs(used).hasSameClassAs(used);
        assertThat(fresh.toString()).isEqualTo(factory.get().toString());
        assertThat(fresh.seen()).isZero();
        assertThat(fresh.driftDetected()).isFalse();
        assertThat(fresh.snapshot()).isEqualTo(factory.get().snapshot());
        assertThat(Streams.detections(fresh, stream)).isEqualTo(first);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void noDriftOnAConstantStream(Supplier<DriftDetector> factory) {
        if (factory.get() instanceof ScheduledDetector) {
            return; // the baseline fires on its schedule whatever the input
        }
        for (double c : new double[] {0.0, 1.0}) {
            DriftDetector d = factory.get();
            double[] constant = new double[20_000];
            java.util.Arrays.fill(constant, c);
            assertThat(Streams.detections(d, constant)).as("constant %s", c).isEmpty();
            assertThat(d.warningDetected()).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void firesOnTheBusyStream(Supplier<DriftDetector> factory) {
        assertThat(Streams.detections(factory.get(), busyStream())).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void snapshotAndRestoreContinueIdentically(Supplier<DriftDetector> factory) {
        double[] stream = busyStream();
        for (int cut : new int[] {0, 1, 37, 811, 1000, 1601, 2500}) {
            DriftDetector original = factory.get();
            Streams.detections(original, stream, 0, cut);
            byte[] checkpoint = original.snapshot().toBytes();
            DriftDetector restored = factory.get();
            restored.restore(DetectorState.fromBytes(checkpoint));
            assertThat(restored.snapshot()).as("cut %d", cut).isEqualTo(original.snapshot());
            assertThat(restored.seen()).isEqualTo(cut);
            assertThat(restored.driftDetected()).isEqualTo(original.driftDetected());

            List<Integer> a = Streams.detections(original, stream, cut, stream.length);
            List<Integer> b = Streams.detections(restored, stream, cut, stream.length);
            assertThat(b).as("detections after restoring at %d", cut).isEqualTo(a);
            assertThat(restored.snapshot()).isEqualTo(original.snapshot());
        }
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void snapshotIsImmutable(Supplier<DriftDetector> factory) {
        DriftDetector d = factory.get();
        Streams.detections(d, busyStream(), 0, 500);
        DetectorState s = d.snapshot();
        long[] longs = s.longs();
        longs[0] = -99;
        assertThat(s.longs()[0]).isNotEqualTo(-99);
        d.update(1.0);
        assertThat(d.snapshot()).isNotEqualTo(s);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void restoreRejectsOtherAlgorithmsAndHyperParameters(Supplier<DriftDetector> factory) {
        DriftDetector d = factory.get();
        DetectorState foreign = d instanceof ScheduledDetector
                ? Adwin.create().snapshot() : ScheduledDetector.every(5).snapshot();
        assertThatThrownBy(() -> d.restore(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be restored");
        DriftDetector other;
        if (d instanceof Adwin || d instanceof RisingAdwin) {
            other = Adwin.withDelta(0.3);
        } else if (d instanceof PageHinkley) {
            other = PageHinkley.withThreshold(77, PageHinkley.Mode.BOTH);
        } else if (d instanceof Ddm) {
            other = new Ddm(10, 2, 3);
        } else if (d instanceof HddmA) {
            other = new HddmA(0.01, 0.05, HddmA.Mode.RISE_RESTART_ON_FALL);
        } else if (d instanceof HddmW) {
            other = new HddmW(0.001, 0.005, 0.1, false);
        } else if (d instanceof Kswin) {
            other = Kswin.withSeed(7);
        } else {
            other = ScheduledDetector.every(17);
        }
        assertThatThrownBy(() -> d.restore(other.snapshot())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hyper-parameters");
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void rejectsNonFiniteInputAndStaysUnchanged(Supplier<DriftDetector> factory) {
        DriftDetector d = factory.get();
        Streams.detections(d, busyStream(), 0, 300);
        DetectorState before = d.snapshot();
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> d.update(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(d.snapshot()).isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void binaryDetectorsAcceptOnlyZeroAndOne(Supplier<DriftDetector> factory) {
        if (!(factory.get() instanceof BinaryDriftDetector d)) {
            return;
        }
        assertThatThrownBy(() -> d.update(0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 or 1");
        BinaryDriftDetector viaBoolean = d.fresh();
        DriftDetector viaDouble = d.fresh();
        double[] stream = busyStream();
        for (double x : stream) {
            viaBoolean.update(x == 1.0);
            viaDouble.update(x);
            assertThat(viaBoolean.driftDetected()).isEqualTo(viaDouble.driftDetected());
            assertThat(viaBoolean.warningDetected()).isEqualTo(viaDouble.warningDetected());
        }
    }

    @ParameterizedTest
    @MethodSource("detectors")
    void corruptStateIsRejected(Supplier<DriftDetector> factory) {
        DriftDetector d = factory.get();
        DetectorState s = d.snapshot();
        long[] longs = s.longs();
        DetectorState truncated = new DetectorState(s.algorithm(), java.util.Arrays.copyOf(longs, longs.length + 3),
                s.doubles());
        assertThatThrownBy(() -> d.restore(truncated)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DetectorState.fromBytes(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
