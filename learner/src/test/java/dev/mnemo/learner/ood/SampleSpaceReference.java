package dev.mnemo.learner.ood;

import java.util.Arrays;

/**
 * The sample-space Mahalanobis fit and score as {@link Mahalanobis} computed them before the
 * blocked Gram matrix, Cholesky factor and triangular solve: one four-sum dot product per entry of
 * the Gram matrix and of the factor, and one row at a time in the substitution; scoring (which did
 * not change) one sample at a time. The same arithmetic in the same order, written plainly, so that
 * tests can compare the faster computation with the previous one, and {@code ServingBench} can time
 * both in one run.
 */
public final class SampleSpaceReference {

    private final double[][] means;
    private final double[][] projection;
    private final double[][] projectedMeans;
    private final double ridge;

    private SampleSpaceReference(double[][] means, double[][] projection, double[][] projectedMeans, double ridge) {
        this.means = means;
        this.projection = projection;
        this.projectedMeans = projectedMeans;
        this.ridge = ridge;
    }

    /** Fits as {@link Mahalanobis#fit(float[][], int[], int, double, long)} did, for fewer rows than features. */
    public static SampleSpaceReference fit(float[][] features, int[] labels, int classes, double shrinkage) {
        int d = features[0].length;
        int n = features.length;
        if (n >= d) {
            throw new IllegalArgumentException("the sample-space form needs fewer rows (" + n + ") than features ("
                    + d + ")");
        }
        double[][] means = new double[classes][d];
        int[] counts = new int[classes];
        for (int i = 0; i < n; i++) {
            counts[labels[i]]++;
            for (int j = 0; j < d; j++) {
                means[labels[i]][j] += features[i][j];
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < d && counts[c] > 0; j++) {
                means[c][j] /= counts[c];
            }
        }
        double[][] centred = new double[n][d];
        double trace = 0.0;
        for (int i = 0; i < n; i++) {
            double[] mu = means[labels[i]];
            for (int j = 0; j < d; j++) {
                centred[i][j] = features[i][j] - mu[j];
                trace += centred[i][j] * centred[i][j];
            }
        }
        trace /= n;
        double ridge = shrinkage * Math.max(trace / d, 1e-12);
        double[][] present = new double[classes][];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            if (counts[c] > 0) {
                present[k++] = means[c];
            }
        }
        present = Arrays.copyOf(present, k);
        double[][] gram = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                gram[i][j] = dot(centred[i], centred[j], d);
                gram[j][i] = gram[i][j];
            }
            gram[i][i] += n * ridge;
        }
        double[][] factor = cholesky(gram);
        double[][] projection = centred;
        for (int i = 0; i < n; i++) {
            double[] row = projection[i];
            double[] li = factor[i];
            for (int j = 0; j < i; j++) {
                double f = li[j];
                if (f == 0.0) {
                    continue;
                }
                double[] prev = projection[j];
                for (int c = 0; c < row.length; c++) {
                    row[c] -= f * prev[c];
                }
            }
            for (int c = 0; c < row.length; c++) {
                row[c] /= li[i];
            }
        }
        double[][] projectedMeans = new double[present.length][];
        for (int c = 0; c < present.length; c++) {
            projectedMeans[c] = new double[n];
            for (int i = 0; i < n; i++) {
                projectedMeans[c][i] = dot(projection[i], present[c], d);
            }
        }
        return new SampleSpaceReference(present, projection, projectedMeans, ridge);
    }

    /** Scores as {@link Mahalanobis#score(float[][])} did: {@code min_c (|x - mu_c|^2 - |P x - P mu_c|^2) / r}. */
    public double[] score(float[][] features) {
        int n = projection.length;
        int d = means[0].length;
        double[] out = new double[features.length];
        double[] x = new double[d];
        double[] px = new double[n];
        for (int s = 0; s < features.length; s++) {
            for (int j = 0; j < d; j++) {
                x[j] = features[s][j];
            }
            // P x as a sum of columns of P, in column order, skipping zero features (as before).
            Arrays.fill(px, 0.0);
            for (int j = 0; j < d; j++) {
                if (x[j] == 0.0) {
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    px[i] += projection[i][j] * x[j];
                }
            }
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < means.length; c++) {
                double v = 0.0;
                for (int j = 0; j < d; j++) {
                    double diff = x[j] - means[c][j];
                    v += diff * diff;
                }
                double pv = 0.0;
                for (int i = 0; i < n; i++) {
                    double diff = px[i] - projectedMeans[c][i];
                    pv += diff * diff;
                }
                best = Math.min(best, Math.max(0.0, v - pv) / ridge);
            }
            out[s] = best;
        }
        return out;
    }

    private static double[][] cholesky(double[][] a) {
        int d = a.length;
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            double[] li = l[i];
            for (int j = 0; j <= i; j++) {
                double s = a[i][j] - dot(li, l[j], j);
                if (i == j) {
                    if (!(s > 0.0)) {
                        throw new IllegalArgumentException("covariance is not positive definite at row " + i);
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        return l;
    }

    private static double dot(double[] a, double[] b, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < n; k++) {
            s0 += a[k] * b[k];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
