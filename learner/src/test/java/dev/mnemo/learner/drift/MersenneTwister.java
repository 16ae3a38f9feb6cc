package dev.mnemo.learner.drift;

/**
 * MT19937 seeded from an array of 32-bit words, with the 53-bit {@code random()} in [0, 1) built
 * from two outputs ({@code (a >> 5) * 2^26 + (b >> 6)) / 2^53}). Test scope only: it reproduces
 * streams whose detection indices were published with this generator.
 *
 * <h2>References</h2>
 * <ul>
 *   <li>M. Matsumoto and T. Nishimura, "Mersenne twister: a 623-dimensionally equidistributed
 *       uniform pseudo-random number generator", ACM Transactions on Modeling and Computer
 *       Simulation 8(1), 3-30, 1998 (including the reference {@code init_by_array}).</li>
 * </ul>
 */
final class MersenneTwister {

    private static final int N = 624;
    private static final int M = 397;

    private final int[] mt = new int[N];
    private int index;

    /** @param key the seed words; {@code {12345}} is the seed 12345 */
    MersenneTwister(int... key) {
        mt[0] = 19650218;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
        index = N;
    }

    private static int twist(int upper, int lower, int far) {
        int y = (upper & 0x80000000) | (lower & 0x7fffffff);
        return far ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
    }

    int nextInt() {
        if (index >= N) {
            for (int k = 0; k < N; k++) {
                mt[k] = twist(mt[k], mt[(k + 1) % N], mt[(k + M) % N]);
            }
            index = 0;
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    double random() {
        long a = (nextInt() >>> 5) & 0xffffffffL;
        long b = (nextInt() >>> 6) & 0xffffffffL;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /** A uniform choice among {@code n} values: {@code floor(random() * n)}. */
    int choice(int n) {
        return (int) Math.floor(random() * n);
    }
}
