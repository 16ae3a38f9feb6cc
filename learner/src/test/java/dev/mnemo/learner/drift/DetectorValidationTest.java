package dev.mnemo.learner.drift;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Hyper-parameters are checked at construction and the messages name the allowed ranges. */
class DetectorValidationTest {

    private static void rejects(ThrowingCallable construction, String message) {
        assertThatThrownBy(construction).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void adwin() {
        rejects(() -> Adwin.withDelta(0.0), "delta must be in (0, 1)");
        rejects(() -> Adwin.withDelta(1.0), "delta must be in (0, 1)");
        rejects(() -> Adwin.withDelta(Double.NaN), "delta must be in (0, 1)");
        rejects(() -> new Adwin(0.002, 0, 5, 5, 10), "clock must be >= 1");
        rejects(() -> new Adwin(0.002, 32, 1, 5, 10), "maxBuckets must be in [2, 1024]");
        rejects(() -> new Adwin(0.002, 32, 5, 0, 10), "minWindowLength must be >= 1");
        rejects(() -> new Adwin(0.002, 32, 5, 5, -1), "gracePeriod must be >= 0");
    }

    @Test
    void pageHinkley() {
        rejects(() -> new PageHinkley(0, 0.005, 50, 0.9999, PageHinkley.Mode.UP), "minInstances must be >= 1");
        rejects(() -> new PageHinkley(30, -1, 50, 0.9999, PageHinkley.Mode.UP), "delta must be finite and >= 0");
        rejects(() -> new PageHinkley(30, 0.005, 0, 0.9999, PageHinkley.Mode.UP), "threshold must be finite and > 0");
        rejects(() -> new PageHinkley(30, 0.005, 50, 0, PageHinkley.Mode.UP), "alpha must be in (0, 1]");
        rejects(() -> new PageHinkley(30, 0.005, 50, 1.5, PageHinkley.Mode.UP), "alpha must be in (0, 1]");
        rejects(() -> new PageHinkley(30, 0.005, 50, 0.9999, null), "mode must be one of UP, DOWN, BOTH");
    }

    @Test
    void ddm() {
        rejects(() -> new Ddm(0, 2, 3), "minInstances must be >= 1");
        rejects(() -> new Ddm(30, 0, 3), "warningThreshold must be finite and > 0");
        rejects(() -> new Ddm(30, 2, 1), "driftThreshold must be finite and >= warningThreshold (2.0)");
    }

    @Test
    void kswin() {
        rejects(() -> new Kswin(0, 100, 30, 1), "alpha must be in (0, 1)");
        rejects(() -> new Kswin(1, 100, 30, 1), "alpha must be in (0, 1)");
        rejects(() -> new Kswin(0.005, 1, 1, 1), "windowSize must be >= 2");
        rejects(() -> new Kswin(0.005, 100, 51, 1), "statSize must be in [1, windowSize / 2] = [1, 50]");
        rejects(() -> new Kswin(0.005, 100, 0, 1), "statSize must be in [1, windowSize / 2] = [1, 50]");
    }

    @Test
    void hddm() {
        rejects(() -> new HddmA(0, 0.005, HddmA.Mode.RISE), "driftConfidence must be in (0, 1)");
        rejects(() -> new HddmA(0.01, 0.005, HddmA.Mode.RISE), "warningConfidence must be in [driftConfidence (0.01), 1)");
        rejects(() -> new HddmA(0.001, 0.005, null), "mode must be one of RISE, RISE_RESTART_ON_FALL, BOTH");
        rejects(() -> new HddmW(1, 0.005, 0.05, false), "driftConfidence must be in (0, 1)");
        rejects(() -> new HddmW(0.001, 1, 0.05, false), "warningConfidence must be in [driftConfidence (0.001), 1)");
        rejects(() -> new HddmW(0.001, 0.005, 0, false), "lambda must be in (0, 1]");
        rejects(() -> HddmA.create().update(1.5), "must be in [0, 1]");
        rejects(() -> HddmW.create().update(-0.1), "must be in [0, 1]");
    }

    @Test
    void scheduled() {
        rejects(() -> ScheduledDetector.every(0), "period must be >= 1");
    }

    @Test
    void splitMix() {
        rejects(() -> new SplitMix64(1).nextInt(0), "bound must be >= 1");
    }
}
