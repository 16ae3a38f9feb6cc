package dev.mnemo.learner.history;

import java.nio.charset.StandardCharsets;

/**
 * Which labelled samples of a replayed range are kept out of training, as a clean test set: a
 * stable hash of the sample id (a fixed fraction, the same samples on every run and for every
 * strategy), or a time window.
 *
 * <p>The hash is 64-bit FNV-1a of the id's UTF-8 bytes, finished with the SplitMix64 mixer; a
 * sample is held out when the top 53 bits, read as a fraction of 1, fall below the fraction. It
 * depends on the id alone, not on the seed, the order or the partition.
 *
 * <pre>{@code
 * Holdout h = Holdout.byIdHash(0.1);
 * h.test(sample);   // true for about 10% of ids, always the same ones
 * }</pre>
 *
 * <p>References: G. Fowler, L. C. Noll, K.-P. Vo, "The FNV Non-Cryptographic Hash Algorithm"
 * (IETF draft); G. L. Steele, D. Lea, C. H. Flood, "Fast Splittable Pseudorandom Number Generators",
 * OOPSLA 2014 (the SplitMix64 finaliser).
 */
public interface Holdout {

    /** Whether this labelled sample is held out (not trained on, not scored prequentially). */
    boolean test(ReplaySample sample);

    /** A description for reports, for example {@code id-hash:0.1}. */
    String describe();

    /** No holdout: every sample is trained on. */
    static Holdout none() {
        return new Holdout() {
            @Override
            public boolean test(ReplaySample sample) {
                return false;
            }

            @Override
            public String describe() {
                return "none";
            }
        };
    }

    /**
     * Holds out the ids whose hash falls in the first {@code fraction} of the range.
     *
     * @throws IllegalArgumentException unless {@code 0 <= fraction < 1}
     */
    static Holdout byIdHash(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the holdout fraction must be in [0, 1), got " + fraction);
        }
        if (fraction == 0) {
            return none();
        }
        return new Holdout() {
            @Override
            public boolean test(ReplaySample sample) {
                return unitHash(sample.id()) < fraction;
            }

            @Override
            public String describe() {
                return "id-hash:" + fraction;
            }
        };
    }

    /**
     * Holds out the samples whose record timestamp lies in {@code [from, to)} (epoch ms).
     *
     * @throws IllegalArgumentException unless {@code from < to}
     */
    static Holdout byTime(long from, long to) {
        if (to <= from) {
            throw new IllegalArgumentException("the holdout window must end after it starts, got " + from + ".." + to);
        }
        return new Holdout() {
            @Override
            public boolean test(ReplaySample sample) {
                return sample.timestamp() >= from && sample.timestamp() < to;
            }

            @Override
            public String describe() {
                return "time:" + java.time.Instant.ofEpochMilli(from) + ".." + java.time.Instant.ofEpochMilli(to);
            }
        };
    }

    /** The id's hash as a number in [0, 1). */
    static double unitHash(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h += 0x9e3779b97f4a7c15L;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
