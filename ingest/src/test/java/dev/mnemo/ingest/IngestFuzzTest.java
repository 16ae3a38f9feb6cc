package dev.mnemo.ingest;

import static dev.mnemo.ingest.TopologyHarness.header;
import static dev.mnemo.ingest.TopologyHarness.labelAvro;
import static dev.mnemo.ingest.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.FeatureEncoding;
import dev.mnemo.schemas.v1.PackedFeatures;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throws 12,000 corrupted and valid samples and 3,000 labels at the topology (seeded): random
 * bytes, truncated and bit-flipped Avro, JSON with wrong types, huge arrays and counts, NaN and
 * infinities, negative and out-of-range labels, repeated ids, orphan and conflicting labels, and
 * packed values (valid, bit-flipped, and with a bad length, NaN, a bad scale, or both forms set).
 * Nothing may throw, and every record must be accounted for exactly.
 */
class IngestFuzzTest {

    private static final int FEATURES = 16;
    private static final int SAMPLES = 12_000;
    private static final int LABELS = 3_000;
    private static final long T0 = 1_767_000_000_000L;
    /** Kinds of sample values: 0-13 as in {@link #sampleValue}, 12 a corrupted packed sample, 14-15 valid. */
    private static final int KINDS = 16;

    @TempDir
    Path stateDir;

    @Test
    void nothingCrashesAndEveryRecordIsAccountedFor() {
        Random random = new Random(20_261_121L);
        IngestConfig config = IngestConfig.defaults().withPrefix("f.").withFeatures(FEATURES)
                .withDedupWindow(Duration.ofMinutes(30)).withLabelRetention(Duration.ofHours(6));
        Map<String, Integer> inputByKind = new HashMap<>();
        Map<String, String> expectedPacked = new HashMap<>();
        // In-memory stores: the driver commits after every record, and a RocksDB flush each time
        // would make this test ten times slower without testing anything more.
        try (TopologyHarness h = new TopologyHarness(config, stateDir, false)) {
            long t = T0;
            for (int i = 0; i < SAMPLES; i++) {
                t += random.nextInt(1_000);
                int kind = random.nextInt(KINDS);
                inputByKind.merge("sample-" + kind, 1, Integer::sum);
                byte[] value = kind == 12 ? packedCorruption(i, random, expectedPacked) : sampleValue(kind, i, random);
                byte[] key = kind == 12 ? utf8("p-" + i)
                        : random.nextInt(10) == 0 ? null : randomBytes(random, random.nextInt(12));
                RecordHeaders headers = new RecordHeaders();
                if (random.nextInt(20) == 0) {
                    headers.add("mnemo.ingest.internal.kind", utf8("LABEL"));   // forged internal header
                }
                h.raw.pipeInput(new TestRecord<>(key, value, headers, t));
                if (i % 4 == 0 && i / 4 < LABELS) {
                    int labelKind = random.nextInt(8);
                    inputByKind.merge("label-" + labelKind, 1, Integer::sum);
                    h.label(null, labelValue(labelKind, i, random), t + random.nextInt(60_000));
                }
            }

            List<TestRecord<byte[], byte[]>> labelled = h.labelled.readRecordsToList();
            List<TestRecord<byte[], byte[]>> unlabelled = h.unlabelled.readRecordsToList();
            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            IngestCounters.Snapshot samples = h.counters.snapshot();
            IngestCounters.LabelSnapshot labels = h.counters.labelSnapshot();

            assertThat(samples.received()).isEqualTo(SAMPLES);
            assertThat(labels.received()).isEqualTo(LABELS);
            assertThat(samples.received()).isEqualTo(samples.labelled() + samples.unlabelled() + samples.rejected());
            assertThat(labels.received()).isEqualTo(labels.joined() + labels.repeated() + labels.rejected());
            assertThat((long) labelled.size()).isEqualTo(samples.labelled() + labels.joined());
            assertThat((long) unlabelled.size()).isEqualTo(samples.unlabelled());
            assertThat((long) dead.size()).isEqualTo(samples.rejected() + labels.rejected());
            assertThat((long) labelled.size() + unlabelled.size() + dead.size())
                    .as("one output per record, except dropped repeated labels")
                    .isEqualTo(SAMPLES + LABELS - labels.repeated());

            Map<String, Long> byReason = new HashMap<>();
            int packedRejected = 0;
            for (TestRecord<byte[], byte[]> r : dead) {
                byReason.merge(header(r.headers(), DeadLetters.HEADER_REASON), 1L, Long::sum);
                String id = packedId(MnemoSerdes.rejectedRecord().decode(r.value()).getKey());
                if (id != null && expectedPacked.containsKey(id)) {
                    assertThat(header(r.headers(), DeadLetters.HEADER_REASON)).as("reason for " + id + ": "
                            + header(r.headers(), DeadLetters.HEADER_DETAIL)).isEqualTo(expectedPacked.get(id));
                    packedRejected++;
                }
                assertThat(MnemoSerdes.rejectedRecord().decode(r.value()).getReason())
                        .isEqualTo(header(r.headers(), DeadLetters.HEADER_REASON));
            }
            Map<String, Long> counted = new HashMap<>(samples.rejectedByReason());
            labels.rejectedByReason().forEach((k, v) -> counted.merge(k, v, Long::sum));
            assertThat(byReason).isEqualTo(counted);
            assertThat(packedRejected).as("every corrupted packed sample is dead-lettered").isEqualTo(expectedPacked.size())
                    .isPositive();
            assertThat(new HashSet<>(expectedPacked.values())).containsExactlyInAnyOrder(DeadLetters.DIMENSION,
                    DeadLetters.NON_FINITE, DeadLetters.SCHEMA);
            assertThat(byReason.keySet()).contains(DeadLetters.UNDECODABLE, DeadLetters.SCHEMA, DeadLetters.MISSING_ID,
                    DeadLetters.DIMENSION, DeadLetters.NON_FINITE, DeadLetters.LABEL_RANGE, DeadLetters.TOO_LARGE,
                    DeadLetters.DUPLICATE, DeadLetters.ORPHAN_LABEL);
            assertThat(labels.joined()).isPositive();
            assertThat(labels.repeated()).isPositive();
            assertThat(labels.conflicting()).isPositive();

            Set<String> routed = new HashSet<>();
            for (TestRecord<byte[], byte[]> r : labelled) {
                Sample s = MnemoSerdes.sample().decode(r.value());
                assertThat(s.getLabel()).isBetween(0, 9);
                float[] values = SampleFeatures.of(s);
                assertThat(values).hasSize(FEATURES);
                for (float v : values) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
                assertThat(r.headers().toArray()).noneMatch(x -> x.key().startsWith("mnemo.ingest.internal."));
                if (r.headers().lastHeader(IngestTopology.LABEL_DELAY_HEADER) == null) {
                    assertThat(routed.add(s.getSource() + "/" + s.getId())).as("routed once: " + s.getId()).isTrue();
                }
            }
            for (TestRecord<byte[], byte[]> r : unlabelled) {
                Sample s = MnemoSerdes.sample().decode(r.value());
                assertThat(s.getLabel()).isNull();
                assertThat(routed.add(s.getSource() + "/" + s.getId())).as("routed once: " + s.getId()).isTrue();
            }
            assertThat(inputByKind).hasSize(KINDS + 8);
        }
    }

    private static Sample valid(int i, Random random) {
        List<Float> features = new ArrayList<>(FEATURES);
        for (int k = 0; k < FEATURES; k++) {
            features.add(random.nextFloat());
        }
        return Sample.newBuilder().setId("s-" + i).setSource(random.nextBoolean() ? "a" : "b")
                .setEventTime(Instant.ofEpochMilli(T0 + i)).setFeatures(features)
                .setLabel(random.nextInt(3) == 0 ? null : random.nextInt(10)).build();
    }

    /** Recent valid ids, for repeated samples and labels. */
    private static final int RECENT = 50;

    private static byte[] sampleValue(int kind, int i, Random random) {
        switch (kind) {
            case 0 -> {
                return randomBytes(random, random.nextInt(200));
            }
            case 1 -> {                                              // Avro header, random body
                byte[] head = Arrays.copyOf(MnemoSerdes.sample().encode(valid(i, random)), 10);
                byte[] body = randomBytes(random, random.nextInt(100));
                return ByteBuffer.allocate(10 + body.length).put(head).put(body).array();
            }
            case 2 -> {                                              // truncated Avro
                byte[] full = MnemoSerdes.sample().encode(valid(i, random));
                return Arrays.copyOf(full, random.nextInt(full.length));
            }
            case 3 -> {                                              // bit flips
                byte[] full = MnemoSerdes.sample().encode(valid(i, random));
                for (int f = 0; f < 1 + random.nextInt(4); f++) {
                    int at = 10 + random.nextInt(full.length - 10);
                    full[at] ^= (byte) (1 << random.nextInt(8));
                }
                return full;
            }
            case 4 -> {                                              // wrong JSON types
                String[] wrong = {"{\"id\":1,\"features\":[1]}", "{\"id\":\"x\",\"features\":\"1,2\"}",
                        "{\"id\":\"x\",\"features\":[\"a\"]}", "{\"id\":\"x\",\"features\":[1],\"label\":1.5}",
                        "{\"id\":\"x\",\"features\":[1],\"eventTime\":\"now\"}", "{\"id\":\"x\",\"features\":[1],\"shape\":{}}",
                        "{\"id\":\"x\",\"features\":[1],\"source\":[]}", "[]", "\"text\"", "42", "{", "{}}", "null",
                        "{\"id\":\"x\",\"features\":[[1,2]]}", "{\"id\":\"x\",\"features\":[true]}"};
                return utf8(wrong[random.nextInt(wrong.length)]);
            }
            case 5 -> {                                              // huge arrays
                if (random.nextBoolean()) {
                    StringBuilder big = new StringBuilder("{\"id\":\"h").append(i).append("\",\"features\":[");
                    int n = 20_000 + random.nextInt(60_000);
                    for (int k = 0; k < n; k++) {
                        big.append(k == 0 ? "" : ",").append("0.5");
                    }
                    return utf8(big.append("]}").toString());
                }
                byte[] head = Arrays.copyOf(MnemoSerdes.sample().encode(valid(i, random)), 10);
                // id "x", source "y", eventTime 0, then an array that claims 2^31 floats
                byte[] body = {2, 'x', 2, 'y', 0, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0, 0, 0, 0};
                return ByteBuffer.allocate(10 + body.length).put(head).put(body).array();
            }
            case 6 -> {                                              // NaN / Infinity
                Sample s = valid(i, random);
                s.getFeatures().set(random.nextInt(FEATURES),
                        new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[random.nextInt(3)]);
                return random.nextBoolean() ? MnemoSerdes.sample().encode(s)
                        : utf8("{\"id\":\"n" + i + "\",\"features\":[NaN,Infinity,-Infinity" + ",0".repeat(FEATURES - 3) + "]}");
            }
            case 7 -> {                                              // negative or out-of-range label
                Sample s = valid(i, random);
                s.setLabel(random.nextBoolean() ? -1 - random.nextInt(1000) : 10 + random.nextInt(Integer.MAX_VALUE - 10));
                return MnemoSerdes.sample().encode(s);
            }
            case 8 -> {                                              // wrong dimension
                Sample s = valid(i, random);
                s.setFeatures(s.getFeatures().subList(0, random.nextInt(FEATURES)));
                return MnemoSerdes.sample().encode(s);
            }
            case 9 -> {                                              // a repeated id
                int earlier = sameIndex(i, random);
                return MnemoSerdes.sample().encode(valid(earlier, new Random(earlier)));
            }
            case 10 -> {                                             // blank id
                Sample s = valid(i, random);
                s.setId(random.nextBoolean() ? "" : "  ");
                return MnemoSerdes.sample().encode(s);
            }
            case 11 -> {
                return random.nextBoolean() ? null : new byte[0];
            }
            case 13 -> {                                             // packed, valid or bit-flipped
                Sample s = valid(i, random);
                float[] values = SampleFeatures.of(s);
                if (random.nextBoolean()) {
                    for (int k = 0; k < values.length; k++) {
                        values[k] = random.nextInt(256) / 255f;
                    }
                }
                byte[] full = MnemoSerdes.sample().encode(packed(s, SampleFeatures.pack(values)));
                if (random.nextInt(3) == 0) {
                    full[10 + random.nextInt(full.length - 10)] ^= (byte) (1 << random.nextInt(8));
                }
                return full;
            }
            default -> {
                Random seeded = new Random(i);
                return MnemoSerdes.sample().encode(valid(i, seeded));
            }
        }
    }

    private static int sameIndex(int i, Random random) {
        return Math.max(0, i - 1 - random.nextInt(RECENT));
    }

    private static byte[] labelValue(int kind, int i, Random random) {
        int target = sameIndex(i, random);
        String source = new Random(target).nextBoolean() ? "a" : "b";   // the source valid(target, new Random(target)) drew
        return switch (kind) {
            case 0 -> labelAvro("s-" + target, source, random.nextInt(10), T0 + i);
            case 1 -> utf8("{\"sampleId\":\"s-" + target + "\",\"label\":" + random.nextInt(10) + ",\"source\":\"" + source
                    + "\"}");
            case 2 -> labelAvro("nobody-" + i, "a", 1, T0);
            case 3 -> labelAvro("s-" + target, source, random.nextBoolean() ? -5 : 10 + random.nextInt(100), T0);
            case 4 -> utf8(new String[] {"{\"sampleId\":5,\"label\":1}", "{\"label\":1}", "{\"sampleId\":\"x\"}",
                    "{\"sampleId\":\"x\",\"label\":NaN}", "{\"sampleId\":\"x\",\"label\":1e99}", "[1]"}[random.nextInt(6)]);
            case 5 -> randomBytes(random, random.nextInt(64));
            case 6 -> {
                byte[] full = labelAvro("s-" + target, source, 1, T0);
                yield Arrays.copyOf(full, random.nextInt(full.length));
            }
            default -> labelAvro("s-" + target, source, 1 + target % 2, T0 + i);   // repeats and conflicts
        };
    }

    private static Sample packed(Sample s, PackedFeatures packed) {
        s.setFeatures(List.of());
        s.setPacked(packed);
        return s;
    }

    /** A packed sample with one semantic fault, id {@code p-<i>}; its reason goes into expected. */
    private static byte[] packedCorruption(int i, Random random, Map<String, String> expected) {
        Sample s = valid(i, random);
        s.setId("p-" + i);
        float[] values = SampleFeatures.of(s);
        String reason;
        switch (random.nextInt(7)) {
            case 0 -> {                                              // FLOAT32 bytes not a multiple of 4
                byte[] data = randomBytes(random, FEATURES * 4 - 1 - random.nextInt(3));
                packed(s, PackedFeatures.newBuilder().setEncoding(FeatureEncoding.FLOAT32_LE)
                        .setData(ByteBuffer.wrap(data)).build());
                reason = DeadLetters.DIMENSION;
            }
            case 1 -> {                                              // wrong number of values
                int n = random.nextBoolean() ? random.nextInt(FEATURES) : FEATURES + 1 + random.nextInt(100);
                packed(s, random.nextBoolean() ? SampleFeatures.float32(Arrays.copyOf(values, n))
                        : SampleFeatures.uint8(new byte[n], SampleFeatures.UNIT_PIXEL));
                reason = DeadLetters.DIMENSION;
            }
            case 2 -> {                                              // NaN or infinity
                values[random.nextInt(FEATURES)] = new float[] {Float.NaN, Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY}[random.nextInt(3)];
                packed(s, SampleFeatures.float32(values));
                reason = DeadLetters.NON_FINITE;
            }
            case 3 -> {                                              // a scale that is not finite
                packed(s, SampleFeatures.uint8(randomBytes(random, FEATURES),
                        random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY));
                reason = DeadLetters.NON_FINITE;
            }
            case 4 -> {                                              // a scale of zero or below
                packed(s, SampleFeatures.uint8(randomBytes(random, FEATURES), -random.nextInt(5)));
                reason = DeadLetters.SCHEMA;
            }
            case 5 -> {                                              // both forms
                s.setPacked(SampleFeatures.float32(values));
                reason = DeadLetters.SCHEMA;
            }
            default -> {                                             // shape that does not match
                packed(s, SampleFeatures.pack(values));
                s.setShape(List.of(FEATURES + 1));
                reason = DeadLetters.DIMENSION;
            }
        }
        expected.put(s.getId(), reason);
        return MnemoSerdes.sample().encode(s);
    }

    /**
     * The id of a sample from packedCorruption (sent with its id as key), from the original key a
     * dead letter keeps; null for any other record. (Decoding the original values instead would
     * trust the lengths in corrupted bytes, which only ingest's scan guards against.)
     */
    private static String packedId(ByteBuffer originalKey) {
        if (originalKey == null) {
            return null;
        }
        byte[] bytes = new byte[originalKey.remaining()];
        originalKey.duplicate().get(bytes);
        String id = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        return id.startsWith("p-") ? id : null;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
