package dev.mnemo.system;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends synthetic samples to {@code mnemo.samples.raw} on a thread of its own, at a steady rate,
 * the way an application streams into Mnemo, so that a test can crash a process while records
 * are still arriving.
 */
final class SampleStream {

    private SampleStream() {
    }

    /**
     * Starts sending samples {@code 0 .. count-1} under {@code prefix}, at most {@code perSecond}
     * a second; the future completes once every record is acknowledged (acks=all).
     *
     * @throws IllegalArgumentException if count or perSecond is below 1
     */
    static CompletableFuture<Void> send(String bootstrap, String topic, SyntheticSamples samples, String prefix,
                                        int count, int perSecond) {
        if (count < 1 || perSecond < 1) {
            throw new IllegalArgumentException("count and perSecond must be >= 1, got " + count + " and " + perSecond);
        }
        return CompletableFuture.runAsync(() -> {
            Map<String, Object> config = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    // The broker stays up in these tests; a long timeout only covers a slow machine.
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    // Pacing, not synchronisation: sample i is due i / perSecond seconds after the start.
                    long due = start + TimeUnit.SECONDS.toNanos(i) / perSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    producer.send(new ProducerRecord<>(topic, SyntheticSamples.id(prefix, i), samples.json(prefix, i)));
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            }
        });
    }
}
