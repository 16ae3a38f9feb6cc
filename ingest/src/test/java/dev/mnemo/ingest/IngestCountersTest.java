package dev.mnemo.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class IngestCountersTest {

    @Test
    void snapshotsAddUpWhileThreadsCount() throws InterruptedException {
        IngestCounters counters = new IngestCounters();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        for (int t = 0; t < 3; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 10_000; i++) {
                    counters.recordLabelled();
                    counters.recordUnlabelled();
                    counters.recordRejected("dimension");
                }
            });
        }
        for (int i = 0; i < 1000; i++) {
            IngestCounters.Snapshot s = counters.snapshot();
            assertThat(s.received()).isEqualTo(s.labelled() + s.unlabelled() + s.rejected());
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        IngestCounters.Snapshot end = counters.snapshot();
        assertThat(end).isEqualTo(new IngestCounters.Snapshot(90_000, 30_000, 30_000, Map.of("dimension", 30_000L)));
        assertThat(end.rejected("schema")).isZero();
        assertThat(end.accepted()).isEqualTo(60_000);
        assertThat(end.toString()).isEqualTo("received=90000 labelled=30000 unlabelled=30000 rejected=30000 {dimension=30000}");
    }

    @Test
    void snapshotRefusesCountsThatDoNotAddUp() {
        assertThatThrownBy(() -> new IngestCounters.Snapshot(3, 1, 1, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("received (3) must equal labelled (1) + unlabelled (1) + rejected (0)");
        assertThat(IngestCounters.Snapshot.empty().received()).isZero();
        assertThatThrownBy(() -> new IngestCounters.LabelSnapshot(2, 1, 0, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels received (2) must equal joined (1) + repeated (0) + rejected (0)");
    }

    @Test
    void labelCountsAddUpApartFromSampleCounts() {
        IngestCounters counters = new IngestCounters();
        counters.recordLabelJoined();
        counters.recordLabelRepeated();
        counters.recordLabelRejected("orphan-label");
        counters.recordLabelRejected("duplicate");
        counters.recordLabelRejected("orphan-label");
        IngestCounters.LabelSnapshot labels = counters.labelSnapshot();
        assertThat(labels).isEqualTo(new IngestCounters.LabelSnapshot(5, 1, 1,
                Map.of("orphan-label", 2L, "duplicate", 1L)));
        assertThat(labels.orphan()).isEqualTo(2);
        assertThat(labels.conflicting()).isEqualTo(1);
        assertThat(labels.toString())
                .isEqualTo("labels received=5 joined=1 repeated=1 rejected=3 {duplicate=1, orphan-label=2}");
        assertThat(counters.snapshot()).isEqualTo(IngestCounters.Snapshot.empty());
    }
}
