package dev.mnemo.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.FeatureEncoding;
import dev.mnemo.schemas.v1.PackedFeatures;
import dev.mnemo.schemas.v1.Sample;

class SampleFeaturesTest {

    private static Sample.Builder base() {
        return Sample.newBuilder().setId("s").setSource("t").setEventTime(Instant.EPOCH).setFeatures(List.of());
    }

    @Test
    void everyPixelValueRoundTripsExactlyAsOneByte() {
        float[] pixels = new float[256];
        for (int q = 0; q < 256; q++) {
            pixels[q] = q / 255f;
        }
        PackedFeatures packed = SampleFeatures.pack(pixels);
        assertThat(packed.getEncoding()).isEqualTo(FeatureEncoding.UINT8_SCALED);
        assertThat(packed.getData().remaining()).isEqualTo(256);

        Sample decoded = MnemoSerdes.sample().decode(MnemoSerdes.sample().encode(base().setPacked(packed).build()));

        assertThat(SampleFeatures.of(decoded)).containsExactly(pixels);
        assertThat(SampleFeatures.check(decoded, 256)).isNull();
    }

    @Test
    void otherValuesArePackedAsFloat32Exactly() {
        float[] values = {0.1f, -3.5f, 1e30f, 0f, 2f};
        PackedFeatures packed = SampleFeatures.pack(values);
        assertThat(packed.getEncoding()).isEqualTo(FeatureEncoding.FLOAT32_LE);
        assertThat(packed.getData().remaining()).isEqualTo(20);
        Sample decoded = MnemoSerdes.sample().decode(MnemoSerdes.sample().encode(base().setPacked(packed).build()));
        assertThat(SampleFeatures.of(decoded)).containsExactly(values);
        // little-endian on the wire: 2f is 0x40000000, its last byte first
        assertThat(decoded.getPacked().getData().get(decoded.getPacked().getData().position() + 19)).isEqualTo((byte) 0x40);
    }

    @Test
    void aScaledByteIsTheProductOfByteAndScale() {
        Sample s = base().setPacked(SampleFeatures.uint8(new byte[] {0, 2, (byte) 200}, 0.5f)).build();
        assertThat(SampleFeatures.of(s)).containsExactly(0f, 1f, 100f);
    }

    @Test
    void aPlainListIsReadToo() {
        Sample s = base().setFeatures(List.of(0.5f, 2f)).build();
        assertThat(SampleFeatures.count(s)).isEqualTo(2);
        assertThat(SampleFeatures.of(s)).containsExactly(0.5f, 2f);
        float[] row = new float[4];
        SampleFeatures.copyInto(s, row, 1, 2);
        assertThat(row).containsExactly(0f, 0.5f, 2f, 0f);
    }

    @Test
    void copyIntoRefusesTooFewValues() {
        Sample s = base().setPacked(SampleFeatures.float32(new float[] {1f})).build();
        assertThatThrownBy(() -> SampleFeatures.copyInto(s, new float[3], 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 1 values, 3 are needed");
    }

    @Test
    void checkNamesEachProblem() {
        assertThat(SampleFeatures.check(base().setPacked(SampleFeatures.float32(new float[3])).build(), 4))
                .isEqualTo(new SampleFeatures.Problem("dimension", "packed FLOAT32_LE data has 3 values, expected 4"));
        assertThat(SampleFeatures.check(base().setPacked(SampleFeatures.uint8(new byte[3], SampleFeatures.UNIT_PIXEL))
                .build(), 4).reason()).isEqualTo("dimension");
        ByteBuffer odd = ByteBuffer.allocate(7);
        assertThat(SampleFeatures.check(base().setPacked(PackedFeatures.newBuilder()
                .setEncoding(FeatureEncoding.FLOAT32_LE).setData(odd).build()).build(), -1))
                .isEqualTo(new SampleFeatures.Problem("dimension", "packed FLOAT32_LE data has 7 bytes, not a multiple of 4"));
        assertThat(SampleFeatures.check(base().setPacked(SampleFeatures.float32(
                new float[] {1f, Float.NaN, Float.POSITIVE_INFINITY})).build(), 3))
                .isEqualTo(new SampleFeatures.Problem("non-finite", "packed[1] is NaN (2 non-finite values in all)"));
        assertThat(SampleFeatures.check(base().setPacked(SampleFeatures.uint8(new byte[2], Float.NaN)).build(), 2))
                .isEqualTo(new SampleFeatures.Problem("non-finite", "packed.scale is NaN, expected a finite value above 0"));
        assertThat(SampleFeatures.check(base().setPacked(SampleFeatures.uint8(new byte[2], 0f)).build(), 2).reason())
                .isEqualTo("schema");
        assertThat(SampleFeatures.check(base().setPacked(SampleFeatures.uint8(new byte[2], -1f)).build(), 2).reason())
                .isEqualTo("schema");
        assertThat(SampleFeatures.check(base().setFeatures(List.of(1f)).setPacked(SampleFeatures.float32(new float[1]))
                .build(), 1).detail()).contains("both features (1 values) and packed are set");
        assertThat(SampleFeatures.check(base().setFeatures(List.of(1f, Float.NEGATIVE_INFINITY)).build(), 2))
                .isEqualTo(new SampleFeatures.Problem("non-finite", "features[1] is -Infinity"));
        assertThat(SampleFeatures.check(base().setFeatures(List.of(1f)).build(), 2).reason()).isEqualTo("dimension");
    }

    @Test
    void packedDataAtAnOffsetIsReadFromItsPosition() {
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(Float.NaN).putFloat(1.5f).putFloat(-2f);
        data.position(4);
        Sample s = base().setPacked(PackedFeatures.newBuilder().setEncoding(FeatureEncoding.FLOAT32_LE)
                .setData(data).build()).build();
        assertThat(SampleFeatures.check(s, 2)).isNull();
        assertThat(SampleFeatures.of(s)).containsExactly(1.5f, -2f);
    }
}
