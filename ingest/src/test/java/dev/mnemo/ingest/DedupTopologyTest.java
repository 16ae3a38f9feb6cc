package dev.mnemo.ingest;

import static dev.mnemo.ingest.SampleFixtures.avro;
import static dev.mnemo.ingest.SampleFixtures.jsonFeatures;
import static dev.mnemo.ingest.SampleFixtures.sample;
import static dev.mnemo.ingest.TopologyHarness.header;
import static dev.mnemo.ingest.TopologyHarness.text;
import static dev.mnemo.ingest.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.RejectedRecord;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-duplication by (source, id) within the window, on {@code TopologyTestDriver}, with the
 * label-join store answering (here) or a store of its own ({@link DedupOwnStoreTopologyTest}).
 */
class DedupTopologyTest {

    private static final long T0 = 1_767_000_000_000L;
    static final Duration WINDOW = Duration.ofMinutes(10);

    @TempDir
    Path stateDir;

    private TopologyHarness h;

    @BeforeEach
    void start() {
        h = new TopologyHarness(config(), stateDir);
    }

    /** The label retention (7 days) is more than twice the window: the label store answers. */
    IngestConfig config() {
        return IngestConfig.defaults().withPrefix("d.").withFeatures(8).withDedupWindow(WINDOW);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aCopyInsideTheWindowIsDeadLetteredOnceAndNotRoutedTwice() {
        byte[] first = avro(sample("a1", 8, 3, T0));
        h.sample("k-first", first, T0);
        h.sample("k-copy", avro(sample("a1", 8, null, T0)), T0 + 5 * 60_000);   // another key, unlabelled: still a1
        h.sample("k-early", avro(sample("a1", 8, 3, T0)), T0 - 60_000);          // out of order, inside the window

        assertThat(h.labelled.readRecordsToList()).extracting(r -> text(r.key())).containsExactly("a1");
        assertThat(h.unlabelled.isEmpty()).isTrue();
        List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), DeadLetters.HEADER_REASON))
                .containsExactly(DeadLetters.DUPLICATE, DeadLetters.DUPLICATE);
        assertThat(dead).extracting(r -> text(r.key())).containsExactly("k-copy", "k-early");
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r.headers(), DeadLetters.HEADER_STAGE)).isEqualTo(DeadLetters.STAGE_INGEST);
            assertThat(r.headers().toArray()).noneMatch(x -> x.key().startsWith("mnemo.ingest.internal."));
        });
        RejectedRecord copy = MnemoSerdes.rejectedRecord().decode(dead.get(0).value());
        assertThat(copy.getDetail()).isEqualTo("sample (source 'test', id 'a1') already accepted with timestamp "
                + "2025-12-29T09:20:00Z, 300000 ms apart, within the de-duplication window of PT10M");
        assertThat(copy.getTopic()).isEqualTo("d.samples.raw");
        assertThat(copy.getPartition()).isZero();
        assertThat(copy.getOffset()).isEqualTo(1L);
        assertThat(copy.getKey()).isEqualTo(ByteBuffer.wrap(utf8("k-copy")));
        assertThat(MnemoSerdes.sample().decode(TopologyHarness.bytes(copy.getValue()))).isEqualTo(sample("a1", 8, null, T0));

        IngestCounters.Snapshot counts = h.counters.snapshot();
        assertThat(counts).isEqualTo(new IngestCounters.Snapshot(3, 1, 0, Map.of(DeadLetters.DUPLICATE, 2L)));
    }

    @Test
    void theWindowIsInclusiveAndACopyBeyondItIsANewSample() {
        long w = WINDOW.toMillis();
        h.sample("k", avro(sample("b1", 8, null, T0)), T0);
        h.sample("k", avro(sample("b1", 8, null, T0)), T0 + w);        // at the edge: duplicate
        h.sample("k", avro(sample("b1", 8, null, T0)), T0 + w + 1);    // beyond: accepted again
        h.sample("k", avro(sample("b1", 8, null, T0)), T0 + w + 2);    // a copy of that one: duplicate
        h.sample("k", avro(sample("b1", 8, null, T0)), T0 + 5 * w);    // long after: accepted again

        assertThat(h.unlabelled.readRecordsToList()).extracting(TestRecord::timestamp)
                .containsExactly(T0, T0 + w + 1, T0 + 5 * w);
        assertThat(h.dlq.readRecordsToList()).extracting(TestRecord::timestamp).containsExactly(T0 + w, T0 + w + 2);
        assertThat(h.counters.snapshot()).isEqualTo(new IngestCounters.Snapshot(5, 0, 3, Map.of(DeadLetters.DUPLICATE, 2L)));
    }

    @Test
    void theSameIdFromAnotherSourceIsAnotherSample() {
        String features = jsonFeatures(8);
        h.sample(null, utf8("{\"id\":\"x\",\"source\":\"cam-1\",\"features\":" + features + "}"), T0);
        h.sample(null, utf8("{\"id\":\"x\",\"source\":\"cam-2\",\"features\":" + features + "}"), T0);
        h.sample(null, utf8("{\"id\":\"x\",\"features\":" + features + "}"), T0);                      // source unknown
        h.sample(null, utf8("{\"id\":\"x\",\"source\":\"cam-1\",\"features\":" + features + ",\"label\":1}"), T0);

        List<Sample> out = h.unlabelled.readValuesToList().stream().map(MnemoSerdes.sample()::decode).toList();
        assertThat(out).extracting(Sample::getSource).containsExactly("cam-1", "cam-2", "unknown");
        assertThat(h.labelled.isEmpty()).as("the labelled copy of (cam-1, x) is a duplicate").isTrue();
        assertThat(h.dlq.readRecordsToList()).hasSize(1);
        IngestCounters.Snapshot counts = h.counters.snapshot();
        assertThat(counts.received()).isEqualTo(counts.labelled() + counts.unlabelled() + counts.rejected()).isEqualTo(4);
        assertThat(counts.rejected(DeadLetters.DUPLICATE)).isEqualTo(1);
    }

    @Test
    void aRejectedRecordDoesNotOccupyItsIdAndDuplicatesAreCountedAsMetrics() {
        h.sample("k", avro(sample("c1", 7, null, T0)), T0);     // dimension: rejected before de-duplication
        h.sample("k", avro(sample("c1", 8, null, T0)), T0 + 1); // so this one is the first accepted c1
        h.sample("k", avro(sample("c1", 8, null, T0)), T0 + 2);
        assertThat(h.unlabelled.readRecordsToList()).hasSize(1);
        assertThat(h.dlq.readRecordsToList()).extracting(r -> header(r.headers(), DeadLetters.HEADER_REASON))
                .containsExactlyInAnyOrder(DeadLetters.DIMENSION, DeadLetters.DUPLICATE);
        assertThat(h.counters.snapshot()).isEqualTo(new IngestCounters.Snapshot(3, 0, 1,
                Map.of(DeadLetters.DIMENSION, 1L, DeadLetters.DUPLICATE, 1L)));
        double duplicates = h.driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals(IngestCounters.METRICS_GROUP)
                        && e.getKey().name().equals("rejected-total")
                        && DeadLetters.DUPLICATE.equals(e.getKey().tags().get("reason")))
                .mapToDouble(e -> (Double) e.getValue().metricValue()).sum();
        assertThat(duplicates).isEqualTo(1.0);
    }
}
