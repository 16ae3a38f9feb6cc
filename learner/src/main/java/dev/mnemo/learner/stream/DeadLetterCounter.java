package dev.mnemo.learner.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mnemo.schemas.DeadLetters;

/**
 * Counts the records on the dead-letter topic by stage and reason, from its beginning, so that the
 * learner's metrics show every rejection in the pipeline (ingest's included) in one place.
 *
 * <p>It reads headers only and commits nothing: it uses plain partition assignment, no consumer
 * group. Counts are safe to read from any thread.
 */
public final class DeadLetterCounter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterCounter.class);

    /** A count key: which stage rejected the record, and why. */
    public record Key(String stage, String reason) {
    }

    private final String topic;
    private final Map<String, Object> kafkaConfig;
    private final ConcurrentMap<Key, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopRequested;

    public DeadLetterCounter(String topic, Map<String, Object> kafkaConfig) {
        this.topic = topic;
        this.kafkaConfig = Map.copyOf(kafkaConfig);
    }

    /** Current counts per (stage, reason). */
    public Map<Key, Long> counts() {
        Map<Key, Long> out = new HashMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public void stop() {
        stopRequested = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "mnemo-dlq-counter");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = List.of();
            while (!stopRequested && partitions.isEmpty()) {
                partitions = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                if (partitions.isEmpty()) {
                    Thread.sleep(1000);
                }
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            while (!stopRequested) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    counts.computeIfAbsent(new Key(header(r, DeadLetters.HEADER_STAGE), header(r, DeadLetters.HEADER_REASON)),
                            k -> new AtomicLong()).incrementAndGet();
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopRequested) {
                LOG.warn("Dead-letter counter stopped: {}", e.toString());
            }
        } finally {
            consumer = null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "unknown" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
