package dev.mnemo.learner.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.RejectedRecord;

/** Sends records the learner refuses to the dead-letter topic, with the reason in value and headers. */
final class DeadLetterPublisher {

    /** Original values above this size are truncated in the dead letter; the detail says so. */
    static final int MAX_ORIGINAL_BYTES = 64 * 1024;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final Clock clock;

    DeadLetterPublisher(Producer<String, byte[]> producer, String topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    void reject(ConsumerRecord<String, byte[]> record, String reason, String detail) {
        byte[] value = record.value();
        String fullDetail = detail;
        if (value != null && value.length > MAX_ORIGINAL_BYTES) {
            fullDetail = detail + " (original value of " + value.length + " bytes truncated to " + MAX_ORIGINAL_BYTES + ")";
            value = Arrays.copyOf(value, MAX_ORIGINAL_BYTES);
        }
        RejectedRecord rejected = RejectedRecord.newBuilder()
                .setReason(reason)
                .setDetail(fullDetail)
                .setStage(DeadLetters.STAGE_LEARNER)
                .setTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setTimestamp(java.time.Instant.ofEpochMilli(Math.max(0, record.timestamp())))
                .setRejectedAt(clock.instant())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .build();
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, record.key(),
                MnemoSerdes.rejectedRecord().encode(rejected));
        out.headers().add(DeadLetters.HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        out.headers().add(DeadLetters.HEADER_DETAIL, fullDetail.getBytes(StandardCharsets.UTF_8));
        out.headers().add(DeadLetters.HEADER_STAGE, DeadLetters.STAGE_LEARNER.getBytes(StandardCharsets.UTF_8));
        producer.send(out);
    }
}
