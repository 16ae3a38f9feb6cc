package dev.mnemo.schemas;

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

    private DeadLetters() {
    }
}
