package dev.mnemo.learner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.v1.Sample;
import org.junit.jupiter.api.Test;

/** The learner's own check of a sample, for both value encodings. */
class LearnerLoopCheckTest {

    private static Sample.Builder sample() {
        return Sample.newBuilder().setId("s1").setSource("t").setEventTime(Instant.EPOCH).setLabel(2)
                .setFeatures(List.of());
    }

    @Test
    void acceptsPackedAndListValues() {
        assertThat(LearnerLoop.check(sample().setPacked(SampleFeatures.uint8(new byte[4], SampleFeatures.UNIT_PIXEL))
                .build(), 4, 10)).isNull();
        assertThat(LearnerLoop.check(sample().setFeatures(List.of(1f, 2f, 3f, 4f)).build(), 4, 10)).isNull();
    }

    @Test
    void rejectsBadPackedValuesWithTheirReason() {
        assertThat(LearnerLoop.check(sample().setPacked(SampleFeatures.float32(new float[3])).build(), 4, 10))
                .isEqualTo("dimension: sample s1: packed FLOAT32_LE data has 3 values, expected 4 (the model takes 4)");
        assertThat(LearnerLoop.check(sample().setPacked(SampleFeatures.float32(new float[] {0f, Float.NaN, 0f, 0f}))
                .build(), 4, 10)).isEqualTo("non-finite: sample s1: packed[1] is NaN");
        assertThat(LearnerLoop.check(sample().setPacked(SampleFeatures.uint8(new byte[4], -1f)).build(), 4, 10))
                .startsWith("schema: sample s1: packed.scale is -1.0");
        assertThat(LearnerLoop.check(sample().setFeatures(List.of(1f)).build(), 4, 10))
                .isEqualTo("dimension: sample s1: features has 1 values, expected 4 (the model takes 4)");
    }
}
