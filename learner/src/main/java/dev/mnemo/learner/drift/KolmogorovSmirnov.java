package dev.mnemo.learner.drift;

import java.util.Arrays;

/**
 * The two-sample Kolmogorov-Smirnov test: the statistic and its two-sided p-value, exact for
 * small samples and asymptotic for large ones.
 *
 * <h2>Method</h2>
 * For samples {@code a} (size {@code n}) and {@code b} (size {@code m}) with empirical distribution
 * functions {@code F_a}, {@code F_b}, the statistic is {@code D = sup_x |F_a(x) - F_b(x)|}. It is a
 * multiple of {@code 1/(n m)}: {@code D = k / (n m)} with {@code k = max |i m - j n|} over the
 * steps of the merged, sorted samples (ties are stepped together).
 *
 * <p><b>Exact p-value</b> ({@code n m <= } {@link #EXACT_LIMIT}). Under the null hypothesis every
 * interleaving of the two sorted samples is equally likely, that is every monotone lattice path
 * from (0, 0) to (n, m). The p-value {@code P(D >= d)} is one minus the probability that a random
 * path stays strictly inside the band {@code |i m - j n| < k}. The probability is computed by
 * dynamic programming over the lattice, with the step probabilities of a random interleaving
 * ({@code (n - i) / (n - i + m - j)} for a step in {@code a}), in O(n m) time and O(m) memory and
 * without overflow.
 *
 * <p><b>Asymptotic p-value</b> (larger samples). With {@code e = sqrt(n m / (n + m))} and
 * {@code lambda = (e + 0.12 + 0.11 / e) D}, the p-value is the Kolmogorov tail
 * {@code Q(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2)}, clamped to [0, 1].
 *
 * <pre>{@code
 * double[] a = {1, 2, 3, 4, 5};
 * double[] b = {6, 7, 8, 9, 10};
 * KolmogorovSmirnov.statistic(a, b);   // 1.0
 * KolmogorovSmirnov.pValue(a, b);      // 0.007936507936507686 (2 / C(10, 5) to 14 digits)
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>N. Smirnov, "Table for estimating the goodness of fit of empirical distributions", Annals
 *       of Mathematical Statistics 19(2), 279-281, 1948.</li>
 *   <li>J. L. Hodges, "The significance probability of the Smirnov two-sample test", Arkiv for
 *       Matematik 3(5), 469-486, 1958.</li>
 *   <li>M. A. Stephens, "Use of the Kolmogorov-Smirnov, Cramer-von Mises and related statistics
 *       without extensive tables", Journal of the Royal Statistical Society, Series B 32(1),
 *       115-122, 1970.</li>
 * </ul>
 */
public final class KolmogorovSmirnov {

    /** The largest {@code n * m} for which {@link #pValue(long, int, int)} is exact. */
    public static final long EXACT_LIMIT = 1_000_000L;

    private KolmogorovSmirnov() {
    }

    /**
     * The statistic {@code D} of two samples; the arrays are not modified.
     *
     * @param a first sample, not empty, finite values
     * @param b second sample, not empty, finite values
     * @return {@code D} in [0, 1]
     * @throws IllegalArgumentException if a sample is empty
     */
    public static double statistic(double[] a, double[] b) {
        requireNonEmpty(a, b);
        return (double) numerator(sorted(a), sorted(b)) / ((double) a.length * b.length);
    }

    /**
     * The two-sided p-value of two samples; exact when {@code n m <= EXACT_LIMIT}.
     *
     * @param a first sample, not empty
     * @param b second sample, not empty
     * @return {@code P(D >= observed D)} under the null hypothesis of equal distributions
     * @throws IllegalArgumentException if a sample is empty
     */
    public static double pValue(double[] a, double[] b) {
        requireNonEmpty(a, b);
        return pValue(numerator(sorted(a), sorted(b)), a.length, b.length);
    }

    /**
     * {@code n m D} for two samples that are already sorted ascending: the integer form of the
     * statistic. Allocates nothing.
     *
     * @param a first sample, sorted
     * @param b second sample, sorted
     * @return {@code max |i m - j n|} over the steps of the merged samples
     */
    public static long numerator(double[] a, double[] b) {
        int n = a.length;
        int m = b.length;
        int i = 0;
        int j = 0;
        long best = 0;
        while (i < n && j < m) {
            double v = Math.min(a[i], b[j]);
            while (i < n && a[i] == v) {
                i++;
            }
            while (j < m && b[j] == v) {
                j++;
            }
            best = Math.max(best, Math.abs((long) i * m - (long) j * n));
        }
        return best;
    }

    /**
     * The two-sided p-value {@code P(D >= k / (n m))} for sample sizes {@code n} and {@code m}.
     *
     * @param k the statistic's numerator, as returned by {@link #numerator(double[], double[])}
     * @param n first sample size, at least 1
     * @param m second sample size, at least 1
     * @return the p-value, in [0, 1]
     * @throws IllegalArgumentException if a size is below 1 or {@code k} outside [0, n m]
     */
    public static double pValue(long k, int n, int m) {
        if (n < 1 || m < 1) {
            throw new IllegalArgumentException("sample sizes must be >= 1, got " + n + " and " + m);
        }
        long nm = (long) n * m;
        if (k < 0 || k > nm) {
            throw new IllegalArgumentException("k must be in [0, n*m] = [0, " + nm + "], got " + k);
        }
        if (k == 0) {
            return 1.0;
        }
        return nm <= EXACT_LIMIT ? exact(k, n, m) : asymptotic((double) k / nm, n, m);
    }

    private static double exact(long k, int n, int m) {
        double[] f = new double[m + 1];
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= m; j++) {
                double v;
                if (i == 0 && j == 0) {
                    v = 1.0;
                } else {
                    v = 0.0;
                    if (i > 0) {
                        v += f[j] * (n - i + 1) / (double) (n - i + 1 + m - j);
                    }
                    if (j > 0) {
                        v += f[j - 1] * (m - j + 1) / (double) (n - i + m - j + 1);
                    }
                }
                f[j] = Math.abs((long) i * m - (long) j * n) >= k ? 0.0 : v;
            }
        }
        return Math.min(1.0, Math.max(0.0, 1.0 - f[m]));
    }

    private static double asymptotic(double d, int n, int m) {
        double e = Math.sqrt((double) n * m / ((double) n + m));
        double lambda = (e + 0.12 + 0.11 / e) * d;
        if (lambda < 0.2) {
            return 1.0;
        }
        double sum = 0.0;
        double sign = 1.0;
        for (int j = 1; j <= 100; j++) {
            double term = sign * Math.exp(-2.0 * j * j * lambda * lambda);
            sum += term;
            if (Math.abs(term) < 1e-16 * Math.abs(sum)) {
                break;
            }
            sign = -sign;
        }
        return Math.min(1.0, Math.max(0.0, 2.0 * sum));
    }

    private static double[] sorted(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s;
    }

    private static void requireNonEmpty(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("samples must not be empty, got sizes " + a.length + " and " + b.length);
        }
    }
}
