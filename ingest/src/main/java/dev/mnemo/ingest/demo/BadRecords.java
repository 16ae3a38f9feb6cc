package dev.mnemo.ingest.demo;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;

/**
 * Malformed records of every kind ingest rejects, for showing (and testing) the dead-letter path.
 *
 * <p>Record k has the reason {@code REASONS[k % REASONS.size()]}, so a run of n records covers every
 * reason once n reaches the number of reasons. The bytes are deterministic for a given seed.
 */
public final class BadRecords {

    /** The reasons produced, in rotation order. */
    public static final List<String> REASONS = List.of(DeadLetters.UNDECODABLE, DeadLetters.DIMENSION,
            DeadLetters.NON_FINITE, DeadLetters.LABEL_RANGE, DeadLetters.MISSING_ID, DeadLetters.TOO_LARGE);

    /** A malformed record: its key, its value bytes and the reason ingest must give. */
    public record BadRecord(String key, byte[] value, String reason) {
    }

    private final int features;
    private final int classes;
    private final int maxRecordBytes;
    private final Random random;
    private final Clock clock;
    private long next;

    /**
     * @param features       the dimension ingest expects
     * @param classes        the number of classes ingest accepts
     * @param maxRecordBytes ingest's size limit; too-large records exceed it
     * @param seed           seed of the random bytes
     * @param clock          event time of the Avro records
     */
    public BadRecords(int features, int classes, int maxRecordBytes, long seed, Clock clock) {
        if (features < 1 || classes < 2 || maxRecordBytes < 1) {
            throw new IllegalArgumentException("features >= 1, classes >= 2 and maxRecordBytes >= 1 required, got "
                    + features + ", " + classes + ", " + maxRecordBytes);
        }
        this.features = features;
        this.classes = classes;
        this.maxRecordBytes = maxRecordBytes;
        this.random = new Random(seed);
        this.clock = clock;
    }

    /** The next malformed record in the rotation. */
    public BadRecord next() {
        long k = next++;
        String reason = REASONS.get((int) (k % REASONS.size()));
        String id = "bad-" + k;
        byte[] value = switch (reason) {
            case DeadLetters.UNDECODABLE -> randomBytes(64);
            case DeadLetters.DIMENSION -> avro(id, features / 2 + 1, 0f, 1);
            case DeadLetters.NON_FINITE -> avro(id, features, Float.NaN, 1);
            case DeadLetters.LABEL_RANGE -> avro(id, features, 0f, classes + 7);
            case DeadLetters.MISSING_ID -> ("{\"features\":" + zeros(features) + ",\"label\":1}").getBytes(StandardCharsets.UTF_8);
            case DeadLetters.TOO_LARGE -> randomBytes(maxRecordBytes + 1);
            default -> throw new IllegalStateException(reason);
        };
        return new BadRecord(id, value, reason);
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        bytes[0] = 0x7f; // neither a JSON object nor the Avro single-object marker
        return bytes;
    }

    private byte[] avro(String id, int length, float poison, int label) {
        float[] values = new float[length];
        values[length / 2] = poison;
        // Packed like the demo's good records, so the packed checks are what rejects them.
        Sample sample = Sample.newBuilder().setId(id).setSource("demo-bad").setEventTime(clock.instant())
                .setFeatures(List.of()).setPacked(SampleFeatures.float32(values)).setLabel(label).build();
        return MnemoSerdes.sample().encode(sample);
    }

    private static String zeros(int n) {
        String[] z = new String[n];
        Arrays.fill(z, "0");
        return "[" + String.join(",", z) + "]";
    }
}
