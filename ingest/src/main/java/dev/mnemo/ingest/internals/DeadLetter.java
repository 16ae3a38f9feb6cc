package dev.mnemo.ingest.internals;

import java.time.Instant;

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
    static final int MAX_VALUE_BYTES = DeadLetters.MAX_ORIGINAL_BYTES;

    private DeadLetter() {
    }

    static RejectedRecord value(Verdict.Rejected rejection, String topic, int partition, long offset, long timestamp,
                                long rejectedAt, byte[] key, byte[] value) {
        return DeadLetters.rejectedRecord(DeadLetters.STAGE_INGEST, rejection.reason(), rejection.detail(),
                new DeadLetters.Origin(topic, partition, offset, timestamp, key, value), Instant.ofEpochMilli(rejectedAt));
    }

    /** The detail, with a note when the value is cut. */
    static String detail(Verdict.Rejected rejection, byte[] value) {
        return DeadLetters.detail(rejection.detail(), value);
    }

    static Headers headers(Headers original, String reason, String detail) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original) {
            if (!h.key().equals(DeadLetters.HEADER_REASON) && !h.key().equals(DeadLetters.HEADER_DETAIL)
                    && !h.key().equals(DeadLetters.HEADER_STAGE) && !h.key().startsWith(Provenance.PREFIX)) {
                headers.add(h);
            }
        }
        DeadLetters.addHeaders(headers, DeadLetters.STAGE_INGEST, reason, detail);
        return headers;
    }
}
