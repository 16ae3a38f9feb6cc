package dev.mnemo.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.LabelFeedback;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The ingest topology on a {@link TopologyTestDriver}, with its input and output topics. */
final class TopologyHarness implements AutoCloseable {

    static final Instant WALL_CLOCK = Instant.parse("2026-01-02T03:04:05Z");

    final IngestConfig config;
    final IngestCounters counters = new IngestCounters();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> raw;
    final TestInputTopic<byte[], byte[]> labels;
    final TestOutputTopic<byte[], byte[]> labelled;
    final TestOutputTopic<byte[], byte[]> unlabelled;
    final TestOutputTopic<byte[], byte[]> dlq;

    /** The topology with its persistent stores. */
    TopologyHarness(IngestConfig config, Path stateDir) {
        this(config, stateDir, true);
    }

    TopologyHarness(IngestConfig config, Path stateDir, boolean persistentStores) {
        this.config = config;
        Properties props = IngestTopology.streamsProperties(config, Map.of("bootstrap.servers", "unused:9092"), stateDir);
        driver = new TopologyTestDriver(IngestTopology.build(config, counters, persistentStores), props, WALL_CLOCK);
        raw = driver.createInputTopic(config.topics().samplesRaw(), new ByteArraySerializer(), new ByteArraySerializer());
        labels = driver.createInputTopic(config.topics().labels(), new ByteArraySerializer(), new ByteArraySerializer());
        labelled = driver.createOutputTopic(config.topics().samplesLabelled(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        unlabelled = driver.createOutputTopic(config.topics().samplesUnlabelled(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(config.topics().samplesDlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    void sample(String key, byte[] value, long timestamp) {
        raw.pipeInput(new TestRecord<>(key == null ? null : utf8(key), value, new RecordHeaders(), timestamp));
    }

    void label(String key, byte[] value, long timestamp) {
        labels.pipeInput(new TestRecord<>(key == null ? null : utf8(key), value, new RecordHeaders(), timestamp));
    }

    static byte[] labelAvro(String sampleId, String source, int label, long eventTime) {
        return MnemoSerdes.labelFeedback().encode(LabelFeedback.newBuilder().setSampleId(sampleId).setSource(source)
                .setLabel(label).setEventTime(Instant.ofEpochMilli(eventTime)).setLabeller("test").build());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** The last value of a header as text, or null when absent. */
    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : text(h.value());
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}
