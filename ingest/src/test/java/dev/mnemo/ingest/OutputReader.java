package dev.mnemo.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mnemo.deploy.testing.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the output topics of an ingest test with {@code read_committed}. */
public final class OutputReader {

    private OutputReader() {
    }

    /**
     * Reads the labelled, unlabelled and dead-letter topics until {@code expected} records came
     * (or the deadline passed), then 2 seconds more, so that one record too many shows.
     */
    public static Map<String, List<ConsumerRecord<byte[], byte[]>>> read(KafkaFixture kafka, IngestConfig config,
                                                                         long expected, Duration deadline) {
        Map<String, Object> consumerConfig = kafka.clientConfig();
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-reader");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        List<String> topics = List.of(config.topics().samplesLabelled(), config.topics().samplesUnlabelled(),
                config.topics().samplesDlq());
        Map<String, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
        topics.forEach(t -> out.put(t, new ArrayList<>()));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            long end = System.nanoTime() + deadline.toNanos();
            long total = 0;
            while (total < expected && System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.get(r.topic()).add(r);
                    total++;
                }
            }
            long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < settle) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.get(r.topic()).add(r);
                }
            }
        }
        return out;
    }
}
