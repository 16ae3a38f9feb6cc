package dev.mnemo.learner.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.mnemo.deploy.testing.KafkaFixture;

/** Reads a whole topic from its beginning, without a consumer group, for assertions. */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * Reads until {@code expected} records arrived, then keeps reading for a short grace period so
     * that extra records (duplicates) are seen too.
     *
     * @throws AssertionError when fewer than {@code expected} records arrive within the timeout
     */
    public static List<ConsumerRecord<String, byte[]>> readExactly(KafkaFixture kafka, String topic, int expected,
                                                           Duration timeout) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromTheBeginning(kafka, topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            if (out.size() < expected) {
                throw new AssertionError("expected " + expected + " records on " + topic + " within " + timeout
                        + ", got " + out.size());
            }
            long grace = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < grace) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Every record of {@code topic} up to its end offsets at the time of the call, in partition order. */
    static List<ConsumerRecord<String, byte[]>> readAll(KafkaFixture kafka, String topic, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = fromTheBeginning(kafka, topic)) {
            List<TopicPartition> partitions = List.copyOf(consumer.assignment());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end offsets " + end + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** A consumer without a group, assigned every partition of {@code topic} from its beginning, read_committed. */
    private static KafkaConsumer<String, byte[]> fromTheBeginning(KafkaFixture kafka, String topic) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
