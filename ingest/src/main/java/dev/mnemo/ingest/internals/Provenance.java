package dev.mnemo.ingest.internals;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Where a keyed record came from, carried in internal headers across the repartition topic, so
 * that a sample or label rejected after it (a {@code duplicate}, an {@code orphan-label}) can be
 * dead-lettered with its original topic, partition, offset and key.
 *
 * <p>The internal headers start with {@value #PREFIX}; {@link #strip} removes them before a record
 * leaves the topology.
 *
 * @param kind      what the record holds
 * @param topic     the topic it was read from
 * @param partition the partition it was read from (-1 when unknown)
 * @param offset    its offset there (-1 when unknown)
 * @param key       its original key, possibly null
 */
public record Provenance(Kind kind, String topic, int partition, long offset, byte[] key) {

    /** Prefix of the internal headers. */
    public static final String PREFIX = "mnemo.ingest.internal.";

    private static final String KIND = PREFIX + "kind";
    private static final String TOPIC = PREFIX + "topic";
    private static final String PARTITION = PREFIX + "partition";
    private static final String OFFSET = PREFIX + "offset";
    private static final String KEY = PREFIX + "key";

    /** What a keyed record holds. */
    public enum Kind {
        /** A {@code Sample}, canonical Avro. */
        SAMPLE,
        /** A {@code LabelFeedback}, canonical Avro. */
        LABEL
    }

    /** The original headers without internal ones, plus these. */
    public Headers stamp(Headers original) {
        Headers headers = strip(original);
        headers.add(KIND, utf8(kind.name()));
        headers.add(TOPIC, utf8(topic));
        headers.add(PARTITION, utf8(Integer.toString(partition)));
        headers.add(OFFSET, utf8(Long.toString(offset)));
        if (key != null) {
            headers.add(KEY, key);
        }
        return headers;
    }

    /**
     * Reads the internal headers.
     *
     * @return null when they are missing or malformed
     */
    public static Provenance read(Headers headers) {
        try {
            String kind = text(headers.lastHeader(KIND));
            String topic = text(headers.lastHeader(TOPIC));
            String partition = text(headers.lastHeader(PARTITION));
            String offset = text(headers.lastHeader(OFFSET));
            if (kind == null || topic == null || partition == null || offset == null) {
                return null;
            }
            Header key = headers.lastHeader(KEY);
            return new Provenance(Kind.valueOf(kind), topic, Integer.parseInt(partition), Long.parseLong(offset),
                    key == null ? null : key.value());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A copy of the headers without the internal ones. */
    public static Headers strip(Headers original) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original) {
            if (!h.key().startsWith(PREFIX)) {
                headers.add(h);
            }
        }
        return headers;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Header h) {
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
