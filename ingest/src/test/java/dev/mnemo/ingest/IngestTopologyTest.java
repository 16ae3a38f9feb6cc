package dev.mnemo.ingest;

import static dev.mnemo.ingest.SampleFixtures.avro;
import static dev.mnemo.ingest.SampleFixtures.jsonFeatures;
import static dev.mnemo.ingest.SampleFixtures.sample;
import static dev.mnemo.ingest.SampleFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.RejectedRecord;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTopologyTest {

    private static final Instant WALL_CLOCK = Instant.parse("2026-01-02T03:04:05Z");
    private static final long T0 = 1_767_000_000_000L;

    @TempDir
    Path stateDir;

    private final IngestConfig config = IngestConfig.defaults().withPrefix("t.");
    private final Topics topics = config.topics();
    private IngestCounters counters;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<byte[], byte[]> labelled;
    private TestOutputTopic<byte[], byte[]> unlabelled;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        counters = new IngestCounters();
        Properties props = IngestTopology.streamsProperties(config, Map.of("bootstrap.servers", "unused:9092"), stateDir);
        driver = new TopologyTestDriver(IngestTopology.build(config, counters), props, WALL_CLOCK);
        raw = driver.createInputTopic(topics.samplesRaw(), new ByteArraySerializer(), new ByteArraySerializer());
        labelled = driver.createOutputTopic(topics.samplesLabelled(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        unlabelled = driver.createOutputTopic(topics.samplesUnlabelled(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(topics.samplesDlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void pipe(String key, byte[] value, long timestamp) {
        raw.pipeInput(new TestRecord<>(key == null ? null : utf8(key), value, new RecordHeaders(), timestamp));
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void packedSamplesPassThroughByteForByte() {
        float[] pixels = new float[784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 256) / 255f;
        }
        Sample labelledSample = sample("p1", 0, 4, T0);
        labelledSample.setPacked(SampleFeatures.pack(pixels));
        Sample unlabelledSample = sample("p2", 0, null, T0);
        unlabelledSample.setPacked(SampleFeatures.float32(pixels));
        byte[] one = avro(labelledSample);
        byte[] two = avro(unlabelledSample);
        assertThat(one.length).as("one byte per pixel").isLessThan(900);

        pipe("p1", one, T0);
        pipe("p2", two, T0 + 1);

        TestRecord<byte[], byte[]> l = labelled.readRecord();
        TestRecord<byte[], byte[]> u = unlabelled.readRecord();
        assertThat(l.value()).isEqualTo(one);
        assertThat(u.value()).isEqualTo(two);
        assertThat(SampleFeatures.of(MnemoSerdes.sample().decode(l.value()))).containsExactly(pixels);
        assertThat(dlq.isEmpty()).isTrue();
    }

    private static String header(Headers headers, String name) {
        return text(headers.lastHeader(name).value());
    }

    @Test
    void routesValidSamplesAndDeadLettersOneRecordPerReason() {
        byte[] tooLarge = utf8("{\"id\":\"big\",\"features\":" + jsonFeatures(70_000) + "}");
        assertThat(tooLarge.length).isGreaterThan(config.maxRecordBytes());
        Sample wrongDimension = sample("a-dim", 783, 1, T0);
        List<byte[]> values = Arrays.asList(
                avro(sample("a1", 784, 3, T0 - 5)),                                                       // 0 labelled
                avro(sample("a2", 784, null, T0 - 4)),                                                    // 1 unlabelled
                utf8("{\"id\":\"j1\",\"source\":\"cam\",\"task\":\"2\",\"eventTime\":123,\"features\":"
                        + jsonFeatures(784) + ",\"label\":7}"),                                             // 2 labelled
                utf8("{\"id\":\"j2\",\"features\":" + jsonFeatures(784) + "}"),                           // 3 unlabelled
                utf8("definitely not a sample"),                                                          // 4 undecodable
                utf8("{\"id\":\"j3\",\"features\":" + jsonFeatures(784) + ",\"label\":\"three\"}"),       // 5 schema
                utf8("{\"features\":" + jsonFeatures(784) + ",\"label\":1}"),                             // 6 missing-id
                avro(wrongDimension),                                                                     // 7 dimension
                utf8("{\"id\":\"j4\",\"features\":[NaN" + jsonFeatures(783).replace('[', ',') + "}"),           // 8 non-finite
                avro(sample("a3", 784, 10, T0)),                                                          // 9 label-range
                tooLarge,                                                                                 // 10 too-large
                null,                                                                                     // 11 undecodable
                avro(sample("a4", 784, 0, T0)));                                                          // 12 labelled
        for (int i = 0; i < values.size(); i++) {
            pipe("k" + i, values.get(i), T0 + i);
        }

        List<TestRecord<byte[], byte[]>> lab = labelled.readRecordsToList();
        assertThat(lab).extracting(r -> text(r.key())).containsExactly("a1", "j1", "a4");
        Sample a1 = MnemoSerdes.sample().decode(lab.get(0).value());
        assertThat(a1).isEqualTo(sample("a1", 784, 3, T0 - 5));
        assertThat(lab.get(0).timestamp()).isEqualTo(T0);
        Sample j1 = MnemoSerdes.sample().decode(lab.get(1).value());
        assertThat(j1.getEventTime()).isEqualTo(Instant.ofEpochMilli(123));
        assertThat(j1.getSource()).isEqualTo("cam");
        assertThat(j1.getTask()).isEqualTo("2");
        assertThat(j1.getLabel()).isEqualTo(7);
        assertThat(j1.getFeatures()).hasSize(784);

        List<TestRecord<byte[], byte[]>> unl = unlabelled.readRecordsToList();
        assertThat(unl).extracting(r -> text(r.key())).containsExactly("a2", "j2");
        Sample j2 = MnemoSerdes.sample().decode(unl.get(1).value());
        assertThat(j2.getLabel()).isNull();
        assertThat(j2.getEventTime()).as("a JSON sample without eventTime takes the record timestamp")
                .isEqualTo(Instant.ofEpochMilli(T0 + 3));
        assertThat(j2.getSource()).isEqualTo("unknown");

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), DeadLetters.HEADER_REASON)).containsExactly(
                DeadLetters.UNDECODABLE, DeadLetters.SCHEMA, DeadLetters.MISSING_ID, DeadLetters.DIMENSION,
                DeadLetters.NON_FINITE, DeadLetters.LABEL_RANGE, DeadLetters.TOO_LARGE, DeadLetters.UNDECODABLE);
        assertThat(dead).extracting(r -> text(r.key())).containsExactly("k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11");
        assertThat(dead).allSatisfy(r -> assertThat(header(r.headers(), DeadLetters.HEADER_STAGE)).isEqualTo("ingest"));

        RejectedRecord schema = MnemoSerdes.rejectedRecord().decode(dead.get(1).value());
        assertThat(schema.getReason()).isEqualTo(DeadLetters.SCHEMA);
        assertThat(schema.getDetail()).isEqualTo("field 'label' must be an integer or null, got string");
        assertThat(header(dead.get(1).headers(), DeadLetters.HEADER_DETAIL)).isEqualTo(schema.getDetail());
        assertThat(schema.getStage()).isEqualTo("ingest");
        assertThat(schema.getTopic()).isEqualTo("t.samples.raw");
        assertThat(schema.getPartition()).isZero();
        assertThat(schema.getOffset()).isEqualTo(5L);
        assertThat(schema.getTimestamp()).isEqualTo(Instant.ofEpochMilli(T0 + 5));
        assertThat(schema.getRejectedAt()).isEqualTo(WALL_CLOCK);
        assertThat(schema.getKey()).isEqualTo(ByteBuffer.wrap(utf8("k5")));
        assertThat(schema.getValue()).isEqualTo(ByteBuffer.wrap(values.get(5)));

        RejectedRecord dimension = MnemoSerdes.rejectedRecord().decode(dead.get(3).value());
        assertThat(dimension.getDetail()).isEqualTo("features has 783 values, expected 784");
        assertThat(MnemoSerdes.sample().decode(bytes(dimension.getValue()))).isEqualTo(wrongDimension);

        RejectedRecord large = MnemoSerdes.rejectedRecord().decode(dead.get(6).value());
        assertThat(large.getDetail()).isEqualTo("value is " + tooLarge.length + " bytes, more than the limit of 262144"
                + " (value truncated to 65536 of " + tooLarge.length + " bytes)");
        assertThat(bytes(large.getValue())).isEqualTo(Arrays.copyOf(tooLarge, 65_536));

        RejectedRecord tombstone = MnemoSerdes.rejectedRecord().decode(dead.get(7).value());
        assertThat(tombstone.getValue()).isNull();
        assertThat(tombstone.getOffset()).isEqualTo(11L);

        IngestCounters.Snapshot snap = counters.snapshot();
        assertThat(snap.received()).isEqualTo(13);
        assertThat(snap.labelled()).isEqualTo(3);
        assertThat(snap.unlabelled()).isEqualTo(2);
        assertThat(snap.rejected()).isEqualTo(8);
        assertThat(snap.received()).isEqualTo(snap.labelled() + snap.unlabelled() + snap.rejected());
        assertThat(snap.rejectedByReason()).containsExactlyInAnyOrderEntriesOf(Map.of(
                DeadLetters.UNDECODABLE, 2L, DeadLetters.SCHEMA, 1L, DeadLetters.MISSING_ID, 1L, DeadLetters.DIMENSION, 1L,
                DeadLetters.NON_FINITE, 1L, DeadLetters.LABEL_RANGE, 1L, DeadLetters.TOO_LARGE, 1L));

        assertThat(metric("received-total", null)).isEqualTo(13.0);
        assertThat(metric("labelled-total", null)).isEqualTo(3.0);
        assertThat(metric("unlabelled-total", null)).isEqualTo(2.0);
        assertThat(metric("rejected-total", null)).isEqualTo(8.0);
        assertThat(metric("rejected-total", DeadLetters.UNDECODABLE)).isEqualTo(2.0);
        assertThat(metric("rejected-total", DeadLetters.TOO_LARGE)).isEqualTo(1.0);
        assertThat(metric("rejected-total", DeadLetters.DUPLICATE)).as("no duplicate here").isEqualTo(0.0);
        assertThat(metric("rejected-total", DeadLetters.ORPHAN_LABEL)).as("not a sample reason").isNull();
    }

    @Test
    void keepsHeadersOfValidSamplesAndReplacesStaleDeadLetterHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", utf8("abc"));
        headers.add(DeadLetters.HEADER_REASON, utf8("stale"));
        raw.pipeInput(new TestRecord<>(utf8("k"), avro(sample("ok", 784, 1, T0)), headers, T0));
        raw.pipeInput(new TestRecord<>(utf8("k"), avro(sample("bad", 784, 11, T0)), headers, T0));
        TestRecord<byte[], byte[]> good = labelled.readRecord();
        assertThat(header(good.headers(), "trace")).isEqualTo("abc");
        TestRecord<byte[], byte[]> bad = dlq.readRecord();
        assertThat(header(bad.headers(), "trace")).isEqualTo("abc");
        assertThat(bad.headers().headers(DeadLetters.HEADER_REASON)).hasSize(1);
        assertThat(header(bad.headers(), DeadLetters.HEADER_REASON)).isEqualTo(DeadLetters.LABEL_RANGE);
    }

    @Test
    void reEncodesJsonAsCanonicalAvroKeyedBySampleId() {
        pipe(null, utf8("{\"id\":\"j9\",\"features\":" + jsonFeatures(784) + ",\"label\":2,\"shape\":[28,28]}"), T0);
        TestRecord<byte[], byte[]> out = labelled.readRecord();
        assertThat(text(out.key())).isEqualTo("j9");
        Sample s = MnemoSerdes.sample().decode(out.value());
        assertThat(s.getShape()).containsExactly(28, 28);
        assertThat(out.value()).isEqualTo(MnemoSerdes.sample().encode(s));
        assertThat(counters.snapshot()).isEqualTo(new IngestCounters.Snapshot(1, 1, 0, Map.of()));
    }

    @Test
    void namesItsStoresAndInternalTopics() {
        String described = IngestTopology.build(config).describe().toString();
        assertThat(described).contains(IngestTopology.SOURCE, IngestTopology.LABELS_SOURCE,
                IngestTopology.VALIDATE_SAMPLES, IngestTopology.VALIDATE_LABELS, IngestTopology.ROUTE,
                IngestTopology.LABELLED_SINK, IngestTopology.UNLABELLED_SINK, IngestTopology.DEAD_LETTER_SINK,
                IngestTopology.CHECK_DEAD_LETTER_SINK, IngestTopology.REPARTITION + "-repartition",
                IngestTopology.LABEL_STORE);
        assertThat(driver.getWindowStore(IngestTopology.LABEL_STORE)).isNotNull();
        assertThat(described).as("7 days of label retention cover the 1-hour de-duplication window")
                .doesNotContain(IngestTopology.DEDUP_STORE);
        assertThat(IngestTopology.build(config.withLabelRetention(config.dedupWindow())).describe().toString())
                .contains(IngestTopology.DEDUP_STORE, IngestTopology.LABEL_STORE);
    }

    private Double metric(String name, String reason) {
        for (Map.Entry<MetricName, ? extends Metric> e : driver.metrics().entrySet()) {
            MetricName m = e.getKey();
            if (m.group().equals(IngestCounters.METRICS_GROUP) && m.name().equals(name)
                    && java.util.Objects.equals(m.tags().get("reason"), reason)) {
                return (Double) e.getValue().metricValue();
            }
        }
        return null;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
