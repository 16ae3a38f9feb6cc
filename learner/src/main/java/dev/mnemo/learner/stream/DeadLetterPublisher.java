package dev.mnemo.learner.stream;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.RejectedRecord;

/** Sends records the learner refuses to the dead-letter topic, with the reason in value and headers. */
final class DeadLetterPublisher {

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final Clock clock;

    DeadLetterPublisher(Producer<String, byte[]> producer, String topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    void reject(ConsumerRecord<String, byte[]> record, String reason, String detail) {
        reject(record, reason, detail, null);
    }

    /** As above; {@code acknowledged} is called when the broker has the dead letter (or it failed). */
    void reject(ConsumerRecord<String, byte[]> record, String reason, String detail,
                org.apache.kafka.clients.producer.Callback acknowledged) {
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        RejectedRecord rejected = DeadLetters.rejectedRecord(DeadLetters.STAGE_LEARNER, reason, detail,
                new DeadLetters.Origin(record.topic(), record.partition(), record.offset(), record.timestamp(), key,
                        record.value()), clock.instant());
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, record.key(),
                MnemoSerdes.rejectedRecord().encode(rejected));
        DeadLetters.addHeaders(out.headers(), DeadLetters.STAGE_LEARNER, reason, rejected.getDetail());
        producer.send(out, acknowledged);
    }
}
