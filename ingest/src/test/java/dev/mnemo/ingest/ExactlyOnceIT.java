package dev.mnemo.ingest;

import static dev.mnemo.ingest.SampleFixtures.avro;
import static dev.mnemo.ingest.SampleFixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a restart, on a real broker: one ingest instance is closed in the middle
 * of a stream and a new one (same application id, empty state folder, so its stores are restored
 * from the changelogs) takes over. Read with {@code read_committed}, every sample appears exactly
 * once downstream, copies sent after the restart are still recognised as duplicates, and late
 * labels for samples seen before the restart still join.
 */
class ExactlyOnceIT {

    private static final int FEATURES = 16;
    private static final int SAMPLES = 3_000;
    private static final int COPIES = 200;
    private static final int LABELS = 100;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path first;

    @TempDir
    Path second;

    @Test
    void aRestartInTheMiddleOfAStreamLosesAndRepeatsNothing() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        String prefix = kafka.uniquePrefix("ExactlyOnceIT.restart");
        IngestConfig config = IngestConfig.defaults().withPrefix(prefix).withFeatures(FEATURES)
                .withApplicationId(prefix + "ingest");
        assertThat(config.guarantee()).isEqualTo(IngestConfig.Guarantee.EXACTLY_ONCE_V2);
        kafka.createTopics(2, IngestTopology.topics(config).toArray(String[]::new));
        Map<String, Object> streamsConfig = kafka.clientConfig();
        streamsConfig.put("commit.interval.ms", 100);
        // Streams members do not leave the group on close: the second instance gets the partitions once the
        // first one's session has timed out, so keep the session short here.
        streamsConfig.put("consumer.session.timeout.ms", 6_000);
        streamsConfig.put("consumer.heartbeat.interval.ms", 1_000);

        Map<String, Object> producerConfig = kafka.clientConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
             Reader reader = new Reader(kafka, config)) {
            IngestService a = IngestService.start(config, streamsConfig, first);
            assertThat(a.awaitRunning(Duration.ofSeconds(60))).as("first instance running").isTrue();

            // The stream: samples s-0 .. s-2999 (odd ones unlabelled), sent steadily from another thread.
            Thread stream = new Thread(() -> {
                try {
                    for (int i = 0; i < SAMPLES; i++) {
                        send(producer, config.topics().samplesRaw(), "s-" + i, avro(sample("s-" + i, FEATURES,
                                i % 2 == 0 ? i % 10 : null, System.currentTimeMillis())));
                        if (i % 100 == 99) {
                            producer.flush();
                            Thread.sleep(20);
                        }
                    }
                    producer.flush();
                } catch (Throwable e) {
                    producerFailure.set(e);
                }
            }, "eos-it-producer");
            stream.start();

            // Close the first instance in the middle of the stream.
            reader.readUntil(() -> reader.total() >= SAMPLES / 3);
            assertThat(a.close(Duration.ofSeconds(60))).as("first instance closed").isTrue();
            long seenAtClose = reader.total();
            assertThat(seenAtClose).as("closed in the middle").isLessThan(SAMPLES);
            long firstInstanceRouted = a.counters().snapshot().received();

            try (IngestService b = IngestService.start(config, streamsConfig, second)) {
                assertThat(b.awaitRunning(Duration.ofSeconds(60))).as("second instance running").isTrue();
                stream.join(DEADLINE.toMillis());
                assertThat(producerFailure.get()).isNull();
                // Copies of samples the first instance routed, and late labels for its unlabelled ones.
                for (int i = 0; i < COPIES; i++) {
                    send(producer, config.topics().samplesRaw(), "copy-" + i, avro(sample("s-" + i, FEATURES, null,
                            System.currentTimeMillis())));
                }
                for (int k = 0; k < LABELS; k++) {
                    int i = 2 * k + 1;
                    send(producer, config.topics().labels(), null, ("{\"sampleId\":\"s-" + i + "\",\"label\":"
                            + (i % 10) + ",\"source\":\"test\"}").getBytes(StandardCharsets.UTF_8));
                }
                producer.flush();

                long expected = SAMPLES + COPIES + LABELS;
                reader.readUntil(() -> reader.total() >= expected);
                reader.settle(Duration.ofSeconds(3));

                Set<String> ids = new HashSet<>();
                long routedSamples = 0;
                long joined = 0;
                for (ConsumerRecord<byte[], byte[]> r : reader.routed()) {
                    Sample s = MnemoSerdes.sample().decode(r.value());
                    if (r.headers().lastHeader(IngestTopology.LABEL_DELAY_HEADER) != null) {
                        joined++;
                        assertThat(Integer.parseInt(s.getId().substring(2)) % 2).isEqualTo(1);
                        assertThat(s.getLabel()).isNotNull();
                    } else {
                        routedSamples++;
                        ids.add(s.getId());
                    }
                }
                assertThat(routedSamples).as("no duplicate downstream").isEqualTo(SAMPLES);
                assertThat(ids).as("no gap downstream").hasSize(SAMPLES);
                assertThat(joined).as("late labels joined to samples routed before the restart").isEqualTo(LABELS);
                List<ConsumerRecord<byte[], byte[]>> dead = reader.dead();
                assertThat(dead).hasSize(COPIES);
                assertThat(dead).allSatisfy(r -> assertThat(new String(r.headers().lastHeader(DeadLetters.HEADER_REASON)
                        .value(), StandardCharsets.UTF_8)).isEqualTo(DeadLetters.DUPLICATE));
                assertThat(reader.total()).isEqualTo(expected);

                IngestCounters.Snapshot counts = b.counters().snapshot();
                assertThat(counts.rejected(DeadLetters.DUPLICATE)).isEqualTo(COPIES);
                assertThat(firstInstanceRouted + counts.received()).as("routed by the two instances")
                        .isGreaterThanOrEqualTo(SAMPLES + COPIES);
                assertThat(b.counters().labelSnapshot().joined()).isEqualTo(LABELS);
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Reads the three output topics with {@code read_committed}. Not thread-safe. */
    private static final class Reader implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String dlq;
        private final List<ConsumerRecord<byte[], byte[]>> routed = new ArrayList<>();
        private final List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();

        Reader(KafkaFixture kafka, IngestConfig config) {
            Map<String, Object> consumerConfig = new HashMap<>(kafka.clientConfig());
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-reader");
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            dlq = config.topics().samplesDlq();
            consumer.subscribe(List.of(config.topics().samplesLabelled(), config.topics().samplesUnlabelled(), dlq));
        }

        long total() {
            return routed.size() + dead.size();
        }

        List<ConsumerRecord<byte[], byte[]>> routed() {
            return routed;
        }

        List<ConsumerRecord<byte[], byte[]>> dead() {
            return dead;
        }

        void readUntil(BooleanSupplier done) {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!done.getAsBoolean() && System.nanoTime() < deadline) {
                poll();
            }
        }

        void settle(Duration time) {
            long end = System.nanoTime() + time.toNanos();
            while (System.nanoTime() < end) {
                poll();
            }
        }

        private void poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                (r.topic().equals(dlq) ? dead : routed).add(r);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
