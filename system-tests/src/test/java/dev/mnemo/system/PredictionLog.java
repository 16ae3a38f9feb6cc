package dev.mnemo.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code mnemo.predictions} from the beginning on a thread of its own and counts the
 * predictions per sample id (the record key), so that tests can check that no sample was lost and
 * how many were predicted twice. Reads without a group: it commits nothing and changes no offset.
 *
 * <p>Thread-safe: the counts may be read from any thread while the reader runs.
 */
final class PredictionLog implements AutoCloseable {

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    private PredictionLog(String bootstrap, String topic) {
        reader = new Thread(() -> read(bootstrap, topic), "prediction-log");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts reading {@code topic} (which must exist) from its beginning. */
    static PredictionLog start(String bootstrap, String topic) {
        return new PredictionLog(bootstrap, topic);
    }

    /** Predictions of {@code id} seen so far. */
    int count(String id) {
        return counts.getOrDefault(id, 0);
    }

    /** Predictions seen so far, repeats included. */
    long total() {
        return total.get();
    }

    /** The number of ids {@code prefix + 0 .. prefix + (n-1)} with at least one prediction. */
    int predicted(String prefix, int n) {
        int seen = 0;
        for (int i = 0; i < n; i++) {
            seen += count(SyntheticSamples.id(prefix, i)) > 0 ? 1 : 0;
        }
        return seen;
    }

    /** Predictions beyond the first of ids {@code prefix + 0 .. prefix + (n-1)}. */
    int repeats(String prefix, int n) {
        int repeats = 0;
        for (int i = 0; i < n; i++) {
            repeats += Math.max(0, count(SyntheticSamples.id(prefix, i)) - 1);
        }
        return repeats;
    }

    private void read(String bootstrap, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    counts.merge(record.key(), 1, Integer::sum);
                    total.incrementAndGet();
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        reader.join(10_000);
    }
}
