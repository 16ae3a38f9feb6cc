package dev.mnemo.ingest;

import static dev.mnemo.ingest.SampleFixtures.avro;
import static dev.mnemo.ingest.SampleFixtures.sample;
import static dev.mnemo.ingest.TopologyHarness.header;
import static dev.mnemo.ingest.TopologyHarness.labelAvro;
import static dev.mnemo.ingest.TopologyHarness.text;
import static dev.mnemo.ingest.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

/** Late labels joined to their unlabelled samples, on {@code TopologyTestDriver}. */
class LateLabelTopologyTest {

    private static final long T0 = 1_767_000_000_000L;
    private static final Duration RETENTION = Duration.ofDays(1);

    @TempDir
    Path stateDir;

    private TopologyHarness h;

    @BeforeEach
    void start() {
        h = new TopologyHarness(IngestConfig.defaults().withPrefix("l.").withFeatures(8)
                .withDedupWindow(Duration.ofMinutes(10)).withLabelRetention(RETENTION), stateDir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static String reason(TestRecord<byte[], byte[]> r) {
        return header(r.headers(), DeadLetters.HEADER_REASON);
    }

    @Test
    void aLateLabelJoinsItsSampleKeepingTheEventTimeAndAddsTheDelay() {
        Sample u1 = sample("u1", 8, null, T0 - 1_000);
        h.sample("raw-key", avro(u1), T0);
        h.label("u1", labelAvro("u1", "test", 4, T0 + 59_000), T0 + 60_000);

        assertThat(h.unlabelled.readRecordsToList()).hasSize(1);
        TestRecord<byte[], byte[]> joined = h.labelled.readRecord();
        assertThat(h.labelled.isEmpty()).isTrue();
        assertThat(text(joined.key())).isEqualTo("u1");
        Sample s = MnemoSerdes.sample().decode(joined.value());
        assertThat(s.getLabel()).isEqualTo(4);
        assertThat(s.getEventTime()).as("the original event time").isEqualTo(Instant.ofEpochMilli(T0 - 1_000));
        assertThat(s.getFeatures()).isEqualTo(u1.getFeatures());
        assertThat(s.getSource()).isEqualTo("test");
        assertThat(s.getTask()).isEqualTo("1");
        assertThat(header(joined.headers(), IngestTopology.LABEL_DELAY_HEADER)).isEqualTo("60000");
        assertThat(joined.headers().toArray()).noneMatch(x -> x.key().startsWith("mnemo.ingest.internal."));
        assertThat(joined.timestamp()).as("written when the label came").isEqualTo(T0 + 60_000);
        assertThat(h.dlq.isEmpty()).isTrue();

        assertThat(h.counters.snapshot()).isEqualTo(new IngestCounters.Snapshot(1, 0, 1, Map.of()));
        assertThat(h.counters.labelSnapshot()).isEqualTo(new IngestCounters.LabelSnapshot(1, 1, 0, Map.of()));
    }

    @Test
    void acceptsJsonLabelsFromAConsoleProducer() {
        h.sample(null, avro(sample("u2", 8, null, T0)), T0);
        h.label(null, utf8("{\"sampleId\":\"u2\",\"label\":7,\"source\":\"test\"}"), T0 + 3_600_000);
        Sample s = MnemoSerdes.sample().decode(h.labelled.readValue());
        assertThat(s.getId()).isEqualTo("u2");
        assertThat(s.getLabel()).isEqualTo(7);
        assertThat(h.counters.labelSnapshot().joined()).isEqualTo(1);
    }

    @Test
    void aLabelForAnUnknownIdOrAnotherSourceIsAnOrphan() {
        h.sample(null, avro(sample("u3", 8, null, T0)), T0);
        h.label("lk-1", labelAvro("nobody", "test", 1, T0), T0 + 10);
        h.label("lk-2", labelAvro("u3", "other-source", 1, T0), T0 + 20);

        List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
        assertThat(dead).extracting(LateLabelTopologyTest::reason)
                .containsExactly(DeadLetters.ORPHAN_LABEL, DeadLetters.ORPHAN_LABEL);
        assertThat(dead).extracting(r -> text(r.key())).containsExactly("lk-1", "lk-2");
        RejectedRecord orphan = MnemoSerdes.rejectedRecord().decode(dead.get(0).value());
        assertThat(orphan.getTopic()).isEqualTo("l.labels");
        assertThat(orphan.getOffset()).isZero();
        assertThat(orphan.getKey()).isEqualTo(ByteBuffer.wrap(utf8("lk-1")));
        assertThat(orphan.getDetail()).isEqualTo("no sample (source 'test', id 'nobody') accepted within the label "
                + "retention of PT24H around this label (unknown id, or expired)");
        assertThat(MnemoSerdes.labelFeedback().decode(TopologyHarness.bytes(orphan.getValue())).getSampleId())
                .isEqualTo("nobody");
        assertThat(h.labelled.isEmpty()).isTrue();
        IngestCounters.LabelSnapshot labels = h.counters.labelSnapshot();
        assertThat(labels.orphan()).isEqualTo(2);
        assertThat(labels.received()).isEqualTo(2);
    }

    @Test
    void aLabelAfterTheRetentionIsAnOrphan() {
        long r = RETENTION.toMillis();
        h.sample(null, avro(sample("old", 8, null, T0)), T0);
        h.sample(null, avro(sample("young", 8, null, T0 + r)), T0 + r);
        h.label(null, labelAvro("old", "test", 2, T0 + r + 1), T0 + r + 1);      // one ms too late
        h.label(null, labelAvro("young", "test", 2, T0 + 2 * r), T0 + 2 * r);   // just in time
        assertThat(h.dlq.readRecordsToList()).extracting(LateLabelTopologyTest::reason)
                .containsExactly(DeadLetters.ORPHAN_LABEL);
        assertThat(h.labelled.readRecordsToList()).extracting(x -> text(x.key())).containsExactly("young");
        assertThat(h.counters.labelSnapshot()).isEqualTo(new IngestCounters.LabelSnapshot(2, 1, 0,
                Map.of(DeadLetters.ORPHAN_LABEL, 1L)));
    }

    @Test
    void theFirstLabelWinsRepeatsAreDroppedAndConflictsDeadLettered() {
        h.sample(null, avro(sample("u4", 8, null, T0)), T0);
        h.label(null, labelAvro("u4", "test", 3, T0 + 1), T0 + 1);      // joins
        h.label(null, labelAvro("u4", "test", 3, T0 + 2), T0 + 2);      // the same again: repeated, dropped
        h.label("lk", labelAvro("u4", "test", 5, T0 + 3), T0 + 3);      // conflicting

        assertThat(h.labelled.readRecordsToList()).hasSize(1);
        List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
        assertThat(dead).extracting(LateLabelTopologyTest::reason).containsExactly(DeadLetters.DUPLICATE);
        assertThat(header(dead.get(0).headers(), DeadLetters.HEADER_DETAIL)).isEqualTo("conflicting label: sample "
                + "(source 'test', id 'u4') already has label 3, this label says 5; the first label wins");
        IngestCounters.LabelSnapshot labels = h.counters.labelSnapshot();
        assertThat(labels).isEqualTo(new IngestCounters.LabelSnapshot(3, 1, 1, Map.of(DeadLetters.DUPLICATE, 1L)));
        assertThat(labels.conflicting()).isEqualTo(1);
        assertThat(h.counters.snapshot()).as("samples are counted apart from labels")
                .isEqualTo(new IngestCounters.Snapshot(1, 0, 1, Map.of()));
    }

    @Test
    void aLabelForASampleThatCameLabelledIsARepeatOrAConflict() {
        h.sample(null, avro(sample("l5", 8, 6, T0)), T0);
        h.label(null, labelAvro("l5", "test", 6, T0 + 1), T0 + 1);
        h.label(null, labelAvro("l5", "test", 0, T0 + 2), T0 + 2);
        assertThat(h.labelled.readRecordsToList()).as("only the sample itself").hasSize(1);
        assertThat(h.dlq.readRecordsToList()).extracting(LateLabelTopologyTest::reason)
                .containsExactly(DeadLetters.DUPLICATE);
        assertThat(h.counters.labelSnapshot()).isEqualTo(new IngestCounters.LabelSnapshot(2, 0, 1,
                Map.of(DeadLetters.DUPLICATE, 1L)));
    }

    @Test
    void badLabelsAreDeadLetteredWithTheirReason() {
        h.sample(null, avro(sample("u6", 8, null, T0)), T0);
        List<byte[]> bad = java.util.Arrays.asList(
                labelAvro("u6", "test", 10, T0),                                       // label-range
                labelAvro("u6", "test", -1, T0),                                       // label-range
                labelAvro(" ", "test", 1, T0),                                         // missing-id
                utf8("{\"label\":1,\"source\":\"test\"}"),                             // missing-id
                utf8("{\"sampleId\":\"u6\",\"label\":\"3\",\"source\":\"test\"}"),     // schema
                utf8("{\"sampleId\":\"u6\",\"label\":2.5}"),                           // schema
                utf8("{\"sampleId\":\"u6\"}"),                                         // schema: no label
                utf8("{\"sampleId\":\"u6\",\"label\":99999999999}"),                   // label-range
                utf8("[1,2,3]"),                                                       // schema
                avro(sample("u6", 8, 1, T0)),                                          // schema: a Sample, not a label
                utf8("label u6 is 3"),                                                 // undecodable
                null,                                                                  // undecodable
                new byte[300_000]);                                                    // too-large
        for (byte[] value : bad) {
            h.label("k", value, T0 + 1);
        }
        assertThat(h.dlq.readRecordsToList()).extracting(LateLabelTopologyTest::reason).containsExactly(
                DeadLetters.LABEL_RANGE, DeadLetters.LABEL_RANGE, DeadLetters.MISSING_ID, DeadLetters.MISSING_ID,
                DeadLetters.SCHEMA, DeadLetters.SCHEMA, DeadLetters.SCHEMA, DeadLetters.LABEL_RANGE, DeadLetters.SCHEMA,
                DeadLetters.SCHEMA, DeadLetters.UNDECODABLE, DeadLetters.UNDECODABLE, DeadLetters.TOO_LARGE);
        assertThat(h.labelled.isEmpty()).isTrue();
        IngestCounters.LabelSnapshot labels = h.counters.labelSnapshot();
        assertThat(labels.received()).isEqualTo(bad.size());
        assertThat(labels.received()).isEqualTo(labels.joined() + labels.repeated() + labels.rejected());
        assertThat(labels.rejected(DeadLetters.SCHEMA)).isEqualTo(5);

        h.label("k", labelAvro("u6", "test", 9, T0 + 2), T0 + 2);   // a good one still joins
        assertThat(MnemoSerdes.sample().decode(h.labelled.readValue()).getLabel()).isEqualTo(9);
        assertThat(labelMetric("labels-joined-total")).isEqualTo(1.0);
        assertThat(labelMetric("labels-received-total")).isEqualTo(bad.size() + 1.0);
    }

    private double labelMetric(String name) {
        return h.driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals(IngestCounters.METRICS_GROUP) && e.getKey().name().equals(name)
                        && !e.getKey().tags().containsKey("reason"))
                .mapToDouble(e -> (Double) e.getValue().metricValue()).sum();
    }
}
