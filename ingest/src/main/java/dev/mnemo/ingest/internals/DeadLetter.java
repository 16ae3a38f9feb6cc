package dev.mnemo.ingest.internals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.v1.RejectedRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the value and headers of a record for {@code samples.dlq}.
 *
 * <p>The value is a {@link RejectedRecord} holding the reason, the detail, the stage, where the
 * record was read (topic, partition, offset, timestamp) and the original key and value bytes.
 * Values longer than {@value #MAX_VALUE_BYTES} bytes are cut to that length and the detail says
 * so. The headers repeat reason, detail and stage, after the original headers (any earlier
 * dead-letter headers are replaced, internal ones dropped), so a consumer can filter without decoding Avro.
 */
final class DeadLetter {

    /** Largest original value kept in a dead letter. */
    static final int MAX_VALUE_BYTES = 64 * 1024;

    private DeadLetter() {
    }

    static RejectedRecord value(Verdict.Rejected rejection, String topic, int partition, long offset, long timestamp,
                                long rejectedAt, byte[] key, byte[] value) {
        String detail = detail(rejection, value);
        byte[] kept = value == null || value.length <= MAX_VALUE_BYTES ? value : Arrays.copyOf(value, MAX_VALUE_BYTES);
        return RejectedRecord.newBuilder()
                .setReason(rejection.reason())
                .setDetail(detail)
                .setStage(DeadLetters.STAGE_INGEST)
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setTimestamp(Instant.ofEpochMilli(timestamp))
                .setRejectedAt(Instant.ofEpochMilli(rejectedAt))
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(kept == null ? null : ByteBuffer.wrap(kept))
                .build();
    }

    /** The detail, with a note when the value is cut. */
    static String detail(Verdict.Rejected rejection, byte[] value) {
        if (value != null && value.length > MAX_VALUE_BYTES) {
            return rejection.detail() + " (value truncated to " + MAX_VALUE_BYTES + " of " + value.length + " bytes)";
        }
        return rejection.detail();
    }

    static Headers headers(Headers original, String reason, String detail) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original) {
            if (!h.key().equals(DeadLetters.HEADER_REASON) && !h.key().equals(DeadLetters.HEADER_DETAIL)
                    && !h.key().equals(DeadLetters.HEADER_STAGE) && !h.key().startsWith(Provenance.PREFIX)) {
                headers.add(h);
            }
        }
        headers.add(DeadLetters.HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.HEADER_DETAIL, detail.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetters.HEADER_STAGE, DeadLetters.STAGE_INGEST.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
