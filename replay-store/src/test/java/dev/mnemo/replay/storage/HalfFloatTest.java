package dev.mnemo.replay.storage;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HalfFloatTest {

    @Test
    void everyHalfSurvivesARoundTrip() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = HalfFloat.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(f)))).isTrue();
            } else {
                assertThat(HalfFloat.fromFloat(f) & 0xffff).as("half 0x%04x", h).isEqualTo(h);
            }
        }
    }

    @Test
    void knownValues() {
        assertThat(HalfFloat.fromFloat(1f)).isEqualTo((short) 0x3c00);
        assertThat(HalfFloat.fromFloat(-2f)).isEqualTo((short) 0xc000);
        assertThat(HalfFloat.fromFloat(65504f)).isEqualTo((short) 0x7bff);
        assertThat(HalfFloat.fromFloat(65519.996f)).isEqualTo((short) 0x7bff);
        assertThat(HalfFloat.fromFloat(65520f)).isEqualTo((short) 0x7c00);
        assertThat(HalfFloat.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xfc00);
        assertThat(HalfFloat.fromFloat(0x1p-24f)).isEqualTo((short) 0x0001);
        assertThat(HalfFloat.fromFloat(0x1p-25f)).isEqualTo((short) 0x0000); // tie to even
        assertThat(HalfFloat.fromFloat(0x1.8p-24f)).isEqualTo((short) 0x0002); // tie to even, upwards
        assertThat(HalfFloat.fromFloat(0x1p-14f)).isEqualTo((short) 0x0400);
        assertThat(HalfFloat.fromFloat(-0f)).isEqualTo((short) 0x8000);
        assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(0.1f))).isEqualTo(0.099975586f);
        assertThat(HalfFloat.toFloat(HalfFloat.fromFloat(1f / 3))).isEqualTo(0.33325195f);
        assertThat(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(Float.NaN)))).isTrue();
        assertThat(Float.isNaN(HalfFloat.toFloat(HalfFloat.fromFloat(Float.intBitsToFloat(0x7f80_0001))))).isTrue();
    }

    @Test
    void roundsToTheNearestHalf() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt(0, 0x477f_f000)) * (random.nextBoolean() ? 1 : -1);
            short h = HalfFloat.fromFloat(f);
            double error = Math.abs((double) HalfFloat.toFloat(h) - f);
            for (int d : new int[] {-1, 1}) {
                int neighbour = (h & 0x7fff) + d;
                if (neighbour < 0 || neighbour > 0x7bff) {
                    continue;
                }
                float other = HalfFloat.toFloat((short) ((h & 0x8000) | neighbour));
                double otherError = Math.abs((double) other - f);
                assertThat(error).as("%s -> 0x%04x", f, h & 0xffff).isLessThanOrEqualTo(otherError);
                if (error == otherError) {
                    assertThat(h & 1).as("tie to even for %s", f).isZero();
                }
            }
        }
    }
}
