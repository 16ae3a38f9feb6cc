package dev.mnemo.learner.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.Predictions;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.Verdict;

/**
 * The watch on a test-then-train stream of the real 8x8 digits, without Kafka: a label
 * permutation held for the rest of the stream gives exactly one concept-change alert (hysteresis),
 * and the same stream without the permutation gives none.
 */
class DriftWatchTest {

    private static final int BATCH = 50;
    private static final int SWITCH = 4000;
    private static final int LENGTH = 9000;
    private static final WatchConfig CONFIG = new WatchConfig(true, 500, 300, 0.95, 1e-4, 1e-4, 100, 300, 100,
            0.75, 0.2, 0.3, 0.01, 10, 5);
    private static LabelledData digits;

    @BeforeAll
    static void load() {
        Assumptions.assumeTrue(Datasets.firstAvailable(Datasets.DIGITS).isPresent(), "digits not installed: ./mnemo data");
        digits = Datasets.digits();
    }

    @Test
    void aSustainedConceptChangeGivesOneAlert() {
        List<DriftAlert> alerts = new ArrayList<>();
        List<DriftEvent> events = new ArrayList<>();
        int boundaries = run(new int[] {3, 7, 0, 9, 1, 8, 2, 5, 4, 6}, alerts, events);

        assertThat(alerts).as("one alert for one sustained drift").hasSize(1);
        DriftAlert alert = alerts.get(0);
        assertThat(alert.getVerdict()).as("evidence %s", alert.getEvidence()).isEqualTo(Verdict.CONCEPT_CHANGE);
        assertThat(alert.getWindowEnd()).isBetween((long) SWITCH, SWITCH + 1000L);
        assertThat(alert.getEvidence().get("error.after")).isGreaterThan(alert.getEvidence().get("error.before"));
        assertThat(events).extracting(DriftEvent::getEventId).containsExactly(alert.getEventId());
        assertThat(boundaries).isEqualTo(1);
    }

    @Test
    void theSameStreamWithoutChangeGivesNone() {
        List<DriftAlert> alerts = new ArrayList<>();
        List<DriftEvent> events = new ArrayList<>();
        int boundaries = run(null, alerts, events);

        assertThat(events).isEmpty();
        assertThat(alerts).isEmpty();
        assertThat(boundaries).isZero();
    }

    @Test
    void aRestoredWatchContinuesFromItsSnapshot() {
        List<DriftAlert> alerts = new ArrayList<>();
        DriftWatch watch = new DriftWatch(CONFIG, "test");
        Classifier model = Classifier.create(MlpSpec.defaults(64, 10).withLearningRate(0.005));
        feed(watch, model, 0, 2000, 0, null, alerts, new ArrayList<>());
        assertThat(watch.armed()).isTrue();

        DriftWatch restored = new DriftWatch(CONFIG, "test");
        restored.restore(watch.snapshot());

        assertThat(restored.snapshot()).isEqualTo(watch.snapshot());
        assertThat(restored.observed()).isEqualTo(2000);
        assertThat(restored.noveltyThreshold()).isEqualTo(watch.noveltyThreshold());
        // A drift right after the restore: the reference window was lost with the restart, so the check
        // is skipped and the detectors re-arm; later drifts are checked again.
        List<DriftEvent> events = new ArrayList<>();
        feed(restored, model, 2000, 3000, 2000, new int[] {3, 7, 0, 9, 1, 8, 2, 5, 4, 6}, alerts, events);
        assertThat(events).isNotEmpty();
        assertThat(alerts).isEmpty();
        assertThatThrownBy(() -> new DriftWatch(CONFIG, "test").restore(java.util.Map.of("position", "7")))
                .hasMessageContaining("arm-at is missing");
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThatThrownBy(() -> new WatchConfig(true, 100, 200, 0.95, 1e-4, 1e-4, 100, 300, 100, 0.75, 0.2, 0.3,
                0.01, 10, 5)).hasMessageContaining("calibration (200) must not exceed warmup (100)");
        assertThatThrownBy(() -> new WatchConfig(true, 500, 200, 1.5, 1e-4, 1e-4, 100, 300, 100, 0.75, 0.2, 0.3,
                0.01, 10, 5)).hasMessageContaining("noveltyQuantile must lie in (0, 1), got 1.5");
        assertThatThrownBy(() -> new WatchConfig(true, 500, 200, 0.95, 1e-4, 1e-4, 100, 300, 100, 0.4, 0.2, 0.3,
                0.01, 10, 5)).hasMessageContaining("novelAuroc must lie in (0.5, 1), got 0.4");
    }

    /** Test-then-train over the digits, cycled; labels permuted from {@link #SWITCH} on when given. */
    private static int run(int[] permutation, List<DriftAlert> alerts, List<DriftEvent> events) {
        Classifier model = Classifier.create(MlpSpec.defaults(64, 10).withLearningRate(0.005));
        DriftWatch watch = new DriftWatch(CONFIG, "test");
        int boundaries = feed(watch, model, 0, LENGTH, SWITCH, permutation, alerts, events);
        assertThat(watch.observed()).isEqualTo(LENGTH);
        assertThat(watch.alertCount()).isEqualTo(alerts.size());
        return boundaries;
    }

    /** Samples {@code from} to {@code to}, labels permuted from {@code switchAt} on when given; returns task boundaries. */
    private static int feed(DriftWatch watch, Classifier model, int from, int to, int switchAt, int[] permutation,
                            List<DriftAlert> alerts, List<DriftEvent> events) {
        int boundaries = 0;
        for (int start = from; start < to; start += BATCH) {
            float[][] x = new float[BATCH][];
            int[] y = new int[BATCH];
            for (int k = 0; k < BATCH; k++) {
                int i = (start + k) * 7 % digits.size();
                x[k] = digits.features()[i];
                y[k] = permutation != null && start + k >= switchAt ? permutation[digits.labels()[i]]
                        : digits.labels()[i];
            }
            Predictions p = model.predict(x);
            List<DriftWatch.Seen> seen = new ArrayList<>();
            for (int k = 0; k < BATCH; k++) {
                seen.add(new DriftWatch.Seen("s-" + (start + k), "test", start + k, x[k], y[k], p.probabilities()[k],
                        p.predictedClass()[k]));
            }
            DriftWatch.Outcome out = watch.observe(model, seen, Instant.EPOCH);
            alerts.addAll(out.alerts());
            events.addAll(out.events());
            boundaries += out.taskBoundary() ? 1 : 0;
            model.train(x, y);
        }
        return boundaries;
    }
}
