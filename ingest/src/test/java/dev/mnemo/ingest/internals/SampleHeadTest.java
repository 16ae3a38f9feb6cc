package dev.mnemo.ingest.internals;

import static dev.mnemo.ingest.SampleFixtures.avro;
import static dev.mnemo.ingest.SampleFixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class SampleHeadTest {

    @Test
    void readsIdSourceAndLabelWithoutTheFeatures() {
        SampleHead.Reader reader = new SampleHead.Reader();
        assertThat(reader.read(avro(sample("a1", 784, 3, 5L)))).isEqualTo(new SampleHead("a1", "test", 3));
        assertThat(reader.read(avro(sample("a2", 4, null, 5L)))).isEqualTo(new SampleHead("a2", "test", null));
    }

    @Test
    void onlyCurrentAvroWithNothingAfterTheBodyIsForwardedAsItIs() {
        byte[] value = avro(sample("a1", 16, 3, 5L));
        assertThat(SampleValidator.isCurrentAvro(value)).isTrue();
        assertThat(SampleValidator.isCurrentAvro(Arrays.copyOf(value, value.length + 1))).as("trailing byte").isFalse();
        assertThat(SampleValidator.isCurrentAvro(Arrays.copyOf(value, value.length - 1))).as("cut short").isFalse();
        byte[] otherSchema = value.clone();
        otherSchema[2] ^= 1;
        assertThat(SampleValidator.isCurrentAvro(otherSchema)).isFalse();
        assertThat(SampleValidator.isCurrentAvro("{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(SampleValidator.isCurrentAvro(null)).isFalse();
    }
}
