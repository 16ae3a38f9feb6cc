package dev.mnemo.ingest.internals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key of the repartition topic and the stores: the (source, id) pair that identifies a
 * sample, encoded without ambiguity as a 4-byte big-endian length of the UTF-8 source, the
 * source, then the UTF-8 id. Every record about one sample, the sample and its late labels,
 * lands in the same partition and the same task.
 */
public final class RoutingKey {

    private RoutingKey() {
    }

    /** The key of (source, id). */
    public static byte[] of(String source, String id) {
        byte[] s = source.getBytes(StandardCharsets.UTF_8);
        byte[] i = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + s.length + i.length).putInt(s.length).put(s).put(i).array();
    }

    /** A readable form for details: {@code (source 'cam', id 'a1')}. */
    public static String describe(String source, String id) {
        return SampleValidator.cut("(source '" + source + "', id '" + id + "')");
    }
}
