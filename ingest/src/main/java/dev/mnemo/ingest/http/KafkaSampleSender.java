package dev.mnemo.ingest.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.mnemo.ingest.IngestException;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A {@link SampleSender} over a {@link KafkaProducer} that never blocks the caller.
 *
 * <p>The producer is configured with a bounded {@code buffer.memory} and {@code max.block.ms=0}:
 * when the buffer is full, {@code send} fails at once with a {@link BufferExhaustedException}
 * instead of waiting, and this sender turns it into {@link SendRefusedException.Cause#BUFFER_FULL}.
 * With {@code max.block.ms=0} the producer cannot wait for metadata either, so the constructor
 * fetches the topic's metadata first (retrying for up to {@code startTimeout}) and
 * {@code metadata.max.idle.ms} is raised to a day so that it is not dropped between quiet spells;
 * a send without metadata is refused as {@link SendRefusedException.Cause#NOT_READY}.
 * Thread-safe, like the producer.
 */
public final class KafkaSampleSender implements SampleSender {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    /**
     * @param clientConfig at least {@code bootstrap.servers}; entries here win over the defaults,
     *                     except {@code max.block.ms}, which is always 0
     * @param topic        where samples go ({@code samples.raw})
     * @param bufferMemory the producer buffer, in bytes: the back-pressure threshold
     * @param startTimeout how long to wait for the topic's metadata
     * @throws IngestException when the topic's metadata cannot be had in time
     */
    public KafkaSampleSender(Map<String, ?> clientConfig, String topic, long bufferMemory, Duration startTimeout) {
        this.topic = Objects.requireNonNull(topic, "topic");
        if (bufferMemory < 1024) {
            throw new IllegalArgumentException("bufferMemory must be >= 1024 bytes, got " + bufferMemory);
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, (int) Math.min(256 * 1024, Math.max(1024, bufferMemory / 4)));
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int) Duration.ofDays(1).toMillis());
        config.putAll(clientConfig);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferMemory);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            try {
                producer.partitionsFor(topic);
                break;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    producer.close(Duration.ZERO);
                    throw new IngestException("no metadata for topic " + topic + " after " + startTimeout
                            + "; is the broker reachable and the topic created?", e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    producer.close(Duration.ZERO);
                    throw new IngestException("interrupted while waiting for the metadata of " + topic, ie);
                }
            }
        }
    }

    @Override
    public CompletableFuture<Void> send(String key, byte[] value, long timestamp) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), (meta, error) -> {
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
        });
        // With max.block.ms=0 a full buffer or missing metadata fails inside send, before it returns.
        if (done.isCompletedExceptionally()) {
            Throwable error;
            try {
                done.getNow(null);
                error = null;
            } catch (java.util.concurrent.CompletionException e) {
                error = e.getCause();
            }
            if (error instanceof BufferExhaustedException) {
                throw new SendRefusedException(SendRefusedException.Cause.BUFFER_FULL,
                        "the producer buffer is full: " + error.getMessage(), error);
            }
            if (error instanceof TimeoutException) {
                throw new SendRefusedException(SendRefusedException.Cause.NOT_READY,
                        "no metadata for " + topic + ": " + error.getMessage(), error);
            }
        }
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
