package dev.mnemo.replay;

import java.util.random.RandomGenerator;

/**
 * The SplitMix64 generator: a 64-bit counter advanced by a fixed odd gamma and passed through a
 * mixing function. Its whole state is one {@code long}, so a snapshot can save it and a restored
 * buffer continues with exactly the same draws; the JDK generators do not expose their state.
 *
 * <p>References: G. L. Steele Jr., D. Lea, C. H. Flood, "Fast Splittable Pseudorandom Number
 * Generators", OOPSLA 2014, ACM SIGPLAN Notices 49(10), 2014.
 */
final class SplitMix64 implements RandomGenerator {

    private static final long GOLDEN_GAMMA = 0x9e37_79b9_7f4a_7c15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    @Override
    public long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
        return z ^ (z >>> 31);
    }

    long state() {
        return state;
    }

    void setState(long state) {
        this.state = state;
    }
}
