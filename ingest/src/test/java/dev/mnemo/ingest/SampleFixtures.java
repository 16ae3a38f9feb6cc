package dev.mnemo.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;

/** Builds the raw values the ingest tests feed in: Avro and JSON samples, valid or broken on purpose. */
public final class SampleFixtures {

    private SampleFixtures() {
    }

    /** {@code n} features, value k/n: a valid, finite vector in [0, 1). */
    public static List<Float> features(int n) {
        List<Float> values = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            values.add(k / (float) n);
        }
        return values;
    }

    public static Sample sample(String id, int n, Integer label, long eventTime) {
        return Sample.newBuilder()
                .setId(id)
                .setSource("test")
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setFeatures(features(n))
                .setLabel(label)
                .setTask("1")
                .build();
    }

    public static byte[] avro(Sample sample) {
        return MnemoSerdes.sample().encode(sample);
    }

    /** A JSON array of n numbers k/n. */
    public static String jsonFeatures(int n) {
        StringBuilder text = new StringBuilder("[");
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                text.append(',');
            }
            text.append(k / (float) n);
        }
        return text.append(']').toString();
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
