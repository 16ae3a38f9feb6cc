package dev.mnemo.learner.drift;

/**
 * A small seeded pseudo-random generator whose whole state is one {@code long}, so that a detector
 * or a stream that draws random numbers can be checkpointed and restored exactly.
 *
 * <p>Each call advances the state by the constant {@code 0x9E3779B97F4A7C15} and returns the state
 * passed through a 64-bit finaliser (two xor-shift-multiply rounds). The sequence has period
 * 2<sup>64</sup> and passes common statistical test batteries; it is not cryptographic.
 *
 * <p><b>Mutable and not thread-safe.</b>
 *
 * <pre>{@code
 * SplitMix64 rng = new SplitMix64(42);
 * double u = rng.nextDouble();   // in [0, 1)
 * long s = rng.state();          // new SplitMix64(s) continues the same sequence
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>G. L. Steele, D. Lea and C. H. Flood, "Fast splittable pseudorandom number generators",
 *       Proceedings of OOPSLA 2014, ACM, 453-472, 2014.</li>
 *   <li>G. E. P. Box and M. E. Muller, "A note on the generation of random normal deviates",
 *       Annals of Mathematical Statistics 29(2), 610-611, 1958.</li>
 * </ul>
 */
public final class SplitMix64 {

    private long state;

    /**
     * A generator that starts from {@code seed}; equal seeds give equal sequences.
     *
     * @param seed any value
     */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** @return the next 64 uniformly distributed bits */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** @return a double uniformly distributed in [0, 1), with 53 random bits */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * A uniformly distributed integer in [0, bound), without modulo bias.
     *
     * @param bound exclusive upper bound, at least 1
     * @return the drawn integer
     * @throws IllegalArgumentException if {@code bound < 1}
     */
    public int nextInt(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be >= 1, got " + bound);
        }
        long limit = (1L << 32) - ((1L << 32) % bound);
        while (true) {
            long r = nextLong() >>> 32;
            if (r < limit) {
                return (int) (r % bound);
            }
        }
    }

    /**
     * A Gaussian draw with mean 0 and standard deviation 1: two uniforms {@code u1, u2} give
     * {@code sqrt(-2 ln u1) cos(2 pi u2)} (the polar transform of the second reference).
     *
     * @return the drawn value
     */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** @return the whole state; {@code new SplitMix64(state())} continues this sequence */
    public long state() {
        return state;
    }
}
