package dev.mnemo.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import org.apache.kafka.common.header.Headers;

import dev.mnemo.schemas.v1.RejectedRecord;

/**
 * Header names and reason codes of records on the dead-letter topic.
 *
 * <p>The value of a dead letter is a {@link dev.mnemo.schemas.v1.RejectedRecord} that embeds the
 * original key and value bytes; the reason is repeated in headers so that a consumer can filter
 * without decoding Avro.
 */
public final class DeadLetters {

    /** Header: the reason code, one of the constants below (UTF-8). */
    public static final String HEADER_REASON = "mnemo.dlq.reason";
    /** Header: a human-readable explanation (UTF-8). */
    public static final String HEADER_DETAIL = "mnemo.dlq.detail";
    /** Header: the stage that rejected the record, ingest or learner (UTF-8). */
    public static final String HEADER_STAGE = "mnemo.dlq.stage";

    public static final String UNDECODABLE = "undecodable";
    public static final String SCHEMA = "schema";
    public static final String MISSING_ID = "missing-id";
    public static final String DIMENSION = "dimension";
    public static final String NON_FINITE = "non-finite";
    public static final String LABEL_RANGE = "label-range";
    public static final String TOO_LARGE = "too-large";
    public static final String DUPLICATE = "duplicate";
    public static final String ORPHAN_LABEL = "orphan-label";

    public static final String STAGE_INGEST = "ingest";
    public static final String STAGE_LEARNER = "learner";

    /** Largest original value kept in a dead letter; longer values are cut and the detail says so. */
    public static final int MAX_ORIGINAL_BYTES = 64 * 1024;

    /** Where a rejected record was read: its coordinates and its original bytes. */
    public record Origin(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    }

    /**
     * The dead-letter value for a rejected record, with its original bytes (cut to
     * {@value #MAX_ORIGINAL_BYTES}; the detail then says so).
     */
    public static RejectedRecord rejectedRecord(String stage, String reason, String detail, Origin origin,
                                                Instant rejectedAt) {
        byte[] value = origin.value();
        byte[] kept = value == null || value.length <= MAX_ORIGINAL_BYTES ? value : Arrays.copyOf(value, MAX_ORIGINAL_BYTES);
        return RejectedRecord.newBuilder()
                .setReason(reason)
                .setDetail(detail(detail, value))
                .setStage(stage)
                .setTopic(origin.topic())
                .setPartition(origin.partition())
                .setOffset(origin.offset())
                .setTimestamp(Instant.ofEpochMilli(Math.max(0, origin.timestamp())))
                .setRejectedAt(rejectedAt)
                .setKey(origin.key() == null ? null : ByteBuffer.wrap(origin.key()))
                .setValue(kept == null ? null : ByteBuffer.wrap(kept))
                .build();
    }

    /** The detail, with a note when the original value is longer than {@value #MAX_ORIGINAL_BYTES} bytes. */
    public static String detail(String detail, byte[] value) {
        if (value != null && value.length > MAX_ORIGINAL_BYTES) {
            return detail + " (value truncated to " + MAX_ORIGINAL_BYTES + " of " + value.length + " bytes)";
        }
        return detail;
    }

    /** Adds the reason, detail and stage headers (UTF-8). */
    public static void addHeaders(Headers headers, String stage, String reason, String detail) {
        headers.add(HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_DETAIL, detail.getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_STAGE, stage.getBytes(StandardCharsets.UTF_8));
    }

    private DeadLetters() {
    }
}
