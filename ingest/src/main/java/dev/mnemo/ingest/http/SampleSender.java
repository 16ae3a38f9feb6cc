package dev.mnemo.ingest.http;

import java.util.concurrent.CompletableFuture;

/**
 * Hands one sample record to Kafka without blocking: the seam between the HTTP intake and the
 * producer, where back-pressure is decided.
 *
 * <p>{@link #send} either accepts the record (the future completes when the broker acknowledged it,
 * or fails with the delivery error) or refuses it at once with a {@link SendRefusedException}:
 * the producer buffer is full, or the topic is not known yet.
 */
public interface SampleSender extends AutoCloseable {

    /**
     * @param key       the sample id
     * @param value     the encoded sample
     * @param timestamp the record timestamp, epoch milliseconds
     * @throws SendRefusedException when the record cannot be taken now; nothing was sent
     */
    CompletableFuture<Void> send(String key, byte[] value, long timestamp);

    @Override
    void close();
}
