package dev.mnemo.replay;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SplitMix64Test {

    @Test
    void matchesThePublishedSequenceForSeedZero() {
        SplitMix64 rng = new SplitMix64(0);
        assertThat(rng.nextLong()).isEqualTo(0xe220_a839_7b1d_cdafL);
        assertThat(rng.nextLong()).isEqualTo(0x6e78_9e6a_a1b9_65f4L);
        assertThat(rng.nextLong()).isEqualTo(0x06c4_5d18_8009_454fL);
    }

    @Test
    void restoringTheStateRepeatsTheDraws() {
        SplitMix64 a = new SplitMix64(42);
        a.nextLong();
        SplitMix64 b = new SplitMix64(7);
        b.setState(a.state());
        for (int i = 0; i < 10; i++) {
            assertThat(b.nextInt(1000)).isEqualTo(a.nextInt(1000));
        }
    }
}
