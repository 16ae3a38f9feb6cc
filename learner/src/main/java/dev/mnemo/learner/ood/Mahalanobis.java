package dev.mnemo.learner.ood;

import dev.mnemo.learner.model.Activations;
import dev.mnemo.learner.model.Classifier;
import java.util.Arrays;

/**
 * The Mahalanobis score on penultimate features: the squared Mahalanobis distance from a sample's
 * features to the nearest class mean, under one covariance shared by all classes, both fitted on
 * in-distribution data. Far from every class = novel.
 *
 * <h2>Method</h2>
 * Fitting takes the penultimate features {@code f_i} and labels {@code y_i} of a reference set: the
 * class means {@code mu_c}, and the shared covariance
 * {@code S = 1/N sum_i (f_i - mu_{y_i})(f_i - mu_{y_i})^T}, to which {@code shrinkage * trace(S)/d}
 * is added on the diagonal (ReLU features have dead units, which make {@code S} singular). With the
 * Cholesky factor {@code S = L L^T}, the features and means are whitened by {@code L^-1}, and the
 * score is {@code min_c |L^-1 (f - mu_c)|^2}: about {@code d^2/2 + C d} operations per sample.
 * Classes absent from the reference set are left out of the minimum.
 *
 * <p>With fewer reference samples {@code N} than features {@code d} (a drift check fits a few
 * hundred samples on 800 features), {@code S} has rank below {@code N} and the same distance is
 * computed in sample space instead, exactly, by the Woodbury identity: with {@code Z} the
 * {@code N x d} centred features and {@code r} the ridge,
 * {@code (S + r I)^-1 = (I - P^T P) / r} where {@code P = K^-1 Z} and
 * {@code K K^T = N r I + Z Z^T}, so the score is {@code min_c (|v|^2 - |P v|^2) / r} with
 * {@code v = f - mu_c}. Fitting costs about {@code N^2 d} operations instead of {@code d^2 N + d^3/3},
 * scoring {@code N d + C d} per sample.
 *
 * <h2>Refreshing</h2>
 * The features move as the model learns, so the fit belongs to one model version
 * ({@link #modelVersion()}). An instance is immutable; refresh it by fitting again on recent
 * in-distribution data (a replay buffer is a good source), for example when
 * {@link #isStale(Classifier, long)} says so.
 *
 * <pre>{@code
 * Mahalanobis maha = Mahalanobis.fit(model, referenceInputs, referenceLabels);
 * double[] scores = maha.score(model, window);
 * if (maha.isStale(model, 500)) {
 *     maha = Mahalanobis.fit(model, replayInputs, replayLabels);
 * }
 * }</pre>
 *
 * <h2>References</h2>
 * K. Lee, K. Lee, H. Lee and J. Shin, "A Simple Unified Framework for Detecting Out-of-Distribution
 * Samples and Adversarial Attacks", NeurIPS 2018.
 */
public final class Mahalanobis implements OodScorer {

    /** Default diagonal regularisation, as a fraction of the mean variance. */
    public static final double DEFAULT_SHRINKAGE = 1e-3;

    /** Layer argument of {@link #fit(Classifier, int, float[][], int[])}: all hidden layers, concatenated. */
    public static final int ALL_HIDDEN_LAYERS = -1;
    /** Layer value of a scorer fitted on given features rather than on a model's layer. */
    public static final int PENULTIMATE = -2;

    private final int layer;
    private final int dimension;
    /** Full form: {@code L^-1}, or null in the sample-space form. */
    private final double[][] whitening;
    /** {@code whitening} transposed: row k holds column k, non-zero from index k on (for the axpy loop). */
    private final double[][] whiteningT;
    /** Full form: {@code L^-1 mu_c}; sample-space form: the means {@code mu_c}. */
    private final double[][] whitenedMeans;
    /** Sample-space form: {@code P = K^-1 Z}, {@code [N][d]}; null in the full form. */
    private final double[][] projection;
    /** {@code projection} transposed, {@code [d][N]}. */
    private final double[][] projectionT;
    /** Sample-space form: {@code P mu_c}. */
    private final double[][] projectedMeans;
    /** Sample-space form: the ridge {@code r}. */
    private final double ridge;
    private final long modelVersion;

    private Mahalanobis(int layer, int dimension, double[][] whitening, double[][] whitenedMeans, long modelVersion) {
        this(layer, dimension, whitening, whitenedMeans, null, null, Double.NaN, modelVersion);
    }

    private Mahalanobis(int layer, int dimension, double[][] whitening, double[][] whitenedMeans,
                        double[][] projection, double[][] projectedMeans, double ridge, long modelVersion) {
        this.layer = layer;
        this.dimension = dimension;
        this.whitening = whitening;
        this.whiteningT = whitening == null ? null : transpose(whitening);
        this.whitenedMeans = whitenedMeans;
        this.projection = projection;
        this.projectionT = projection == null ? null : transpose(projection);
        this.projectedMeans = projectedMeans;
        this.ridge = ridge;
        this.modelVersion = modelVersion;
    }

    /** The same scorer read from another layer. */
    private Mahalanobis onLayer(int stored) {
        return new Mahalanobis(stored, dimension, whitening, whitenedMeans, projection, projectedMeans, ridge,
                modelVersion);
    }

    /**
     * Fits on a reference set through the model's penultimate features, with the default shrinkage.
     *
     * @param model the classifier whose features are used
     * @param inputs in-distribution inputs, at least one per class to be represented
     * @param labels their classes, in {@code [0, model.spec().classes())}
     * @return the fitted scorer, tagged with {@code model.version()}
     * @throws IllegalArgumentException if the arrays are empty, of different lengths, or invalid
     */
    public static Mahalanobis fit(Classifier model, float[][] inputs, int[] labels) {
        return fit(model.activations(inputs).penultimate(), labels, model.spec().classes(), DEFAULT_SHRINKAGE,
                model.version());
    }

    /**
     * Fits on the features of one hidden layer, or of all of them concatenated (the feature
     * ensemble of Lee et al., with equal weights). Earlier layers keep more of what the input looks
     * like, which the last layer, trained to separate classes, partly discards: on MNIST against
     * Fashion-MNIST the first hidden layer of the default MLP separates better than the last.
     *
     * <p>A scorer from this method scores through {@link #score(Classifier, float[][])};
     * {@link #score(Activations)} carries only the penultimate features and is refused unless
     * {@code layer} is the last hidden layer.
     *
     * @param model the classifier, with at least one hidden layer
     * @param layer a hidden layer index in {@code [0, hidden layers)}, or {@link #ALL_HIDDEN_LAYERS}
     * @param inputs in-distribution inputs
     * @param labels their classes
     * @return the fitted scorer
     * @throws IllegalArgumentException if {@code layer} is out of range, or as for
     *     {@link #fit(Classifier, float[][], int[])}
     */
    public static Mahalanobis fit(Classifier model, int layer, float[][] inputs, int[] labels) {
        int layers = model.spec().hidden().size();
        if (layers == 0 || !(layer == ALL_HIDDEN_LAYERS || (layer >= 0 && layer < layers))) {
            throw new IllegalArgumentException("layer must be in [0, " + layers + ") or ALL_HIDDEN_LAYERS (-1), got "
                    + layer);
        }
        Mahalanobis m = fit(layerFeatures(model, layer, inputs), labels, model.spec().classes(), DEFAULT_SHRINKAGE,
                model.version());
        return m.onLayer(layer == layers - 1 ? PENULTIMATE : layer);
    }

    private static float[][] layerFeatures(Classifier model, int layer, float[][] inputs) {
        float[][][] all = model.hiddenActivations(inputs);
        if (layer != ALL_HIDDEN_LAYERS) {
            return all[layer];
        }
        int width = 0;
        for (float[][] l : all) {
            width += l[0].length;
        }
        float[][] out = new float[inputs.length][width];
        for (int i = 0; i < inputs.length; i++) {
            int at = 0;
            for (float[][] l : all) {
                System.arraycopy(l[i], 0, out[i], at, l[i].length);
                at += l[i].length;
            }
        }
        return out;
    }

    /**
     * Fits on given features.
     *
     * @param features {@code [samples][d]}, finite, at least 2 samples
     * @param labels class of each sample, in {@code [0, classes)}
     * @param classes number of classes
     * @param shrinkage diagonal regularisation as a fraction of the mean variance, in (0, 1]
     * @param modelVersion the version of the model the features come from (for
     *     {@link #isStale}); any value when there is none
     * @return the fitted scorer
     * @throws IllegalArgumentException on empty, ragged or mismatched arrays, a label out of range, or
     *     a shrinkage outside (0, 1]
     */
    public static Mahalanobis fit(float[][] features, int[] labels, int classes, double shrinkage, long modelVersion) {
        if (features == null || labels == null || features.length < 2 || features.length != labels.length) {
            throw new IllegalArgumentException("need at least 2 feature rows and one label per row, got "
                    + (features == null ? "null" : features.length) + " rows and "
                    + (labels == null ? "null" : labels.length) + " labels");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        if (!(shrinkage > 0.0 && shrinkage <= 1.0)) {
            throw new IllegalArgumentException("shrinkage must be in (0, 1], got " + shrinkage);
        }
        int d = features[0].length;
        int n = features.length;
        double[][] means = new double[classes][d];
        int[] counts = new int[classes];
        for (int i = 0; i < n; i++) {
            if (features[i] == null || features[i].length != d) {
                throw new IllegalArgumentException("features[" + i + "] must have " + d + " values like row 0");
            }
            int y = labels[i];
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("labels[" + i + "] = " + y + " is outside [0, " + classes + ")");
            }
            counts[y]++;
            for (int j = 0; j < d; j++) {
                means[y][j] += features[i][j];
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
            double[] z = centred[i];
            for (int j = 0; j < d; j++) {
                z[j] = features[i][j] - mu[j];
                if (!Double.isFinite(z[j])) {
                    throw new IllegalArgumentException("features[" + i + "][" + j + "] is not finite");
                }
                trace += z[j] * z[j];
            }
        }
        trace /= n;
        double ridge = shrinkage * Math.max(trace / d, 1e-12);
        int present = 0;
        for (int count : counts) {
            present += count > 0 ? 1 : 0;
        }
        double[][] presentMeans = new double[present][];
        int k = 0;
        for (int c = 0; c < classes; c++) {
            if (counts[c] > 0) {
                presentMeans[k++] = means[c];
            }
        }
        return n < d ? sampleSpace(centred, presentMeans, ridge, modelVersion)
                : full(centred, presentMeans, ridge, modelVersion);
    }

    /** {@code L^-1} of {@code S + r I}, and the whitened means. */
    private static Mahalanobis full(double[][] centred, double[][] means, double ridge, long modelVersion) {
        int n = centred.length;
        int d = centred[0].length;
        double[][] cov = new double[d][d];
        for (double[] z : centred) {
            for (int a = 0; a < d; a++) {
                double ca = z[a];
                if (ca == 0.0) {
                    continue;
                }
                double[] row = cov[a];
                for (int b = 0; b <= a; b++) {
                    row[b] += ca * z[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                cov[a][b] /= n;
                cov[b][a] = cov[a][b];
            }
            cov[a][a] += ridge;
        }
        double[][] inverseFactor = invertLower(cholesky(cov));
        double[][] whitenedMeans = new double[means.length][];
        for (int c = 0; c < means.length; c++) {
            whitenedMeans[c] = multiplyLower(inverseFactor, means[c]);
        }
        return new Mahalanobis(PENULTIMATE, d, inverseFactor, whitenedMeans, modelVersion);
    }

    /** {@code P = K^-1 Z} with {@code K K^T = N r I + Z Z^T}, and {@code P mu_c}. */
    private static Mahalanobis sampleSpace(double[][] centred, double[][] means, double ridge, long modelVersion) {
        int n = centred.length;
        int d = centred[0].length;
        double[][] gram = gram(centred);
        for (int i = 0; i < n; i++) {
            gram[i][i] += n * ridge;
        }
        double[][] factor = cholesky(gram);
        // P = K^-1 Z, in place of Z.
        double[][] projection = centred;
        solveLowerInPlace(factor, projection);
        double[][] projectedMeans = new double[means.length][];
        for (int c = 0; c < means.length; c++) {
            projectedMeans[c] = project(projection, means[c]);
        }
        return new Mahalanobis(PENULTIMATE, d, null, means, projection, projectedMeans, ridge, modelVersion);
    }

    /**
     * {@code Z Z^T}, symmetric. Row i is {@code sum_k Z[i][k] Z^T[k]} up to the diagonal: contiguous
     * multiply-adds over rows of {@code Z^T}, which vectorise, for {@value #BLOCK} rows of the result
     * at a time, so that each row of {@code Z^T} is read once per block, from cache. About twice as
     * fast as one dot product per entry, which does not vectorise (measured at the drift check's
     * 300 x 800).
     */
    static double[][] gram(double[][] z) {
        int n = z.length;
        double[][] zt = transpose(z);
        double[][] g = new double[n][n];
        for (int from = 0; from < n; from += BLOCK) {
            int to = Math.min(n, from + BLOCK);
            for (double[] column : zt) {
                for (int i = from; i < to; i++) {
                    double zi = column[i];
                    if (zi == 0.0) {
                        continue;
                    }
                    double[] row = g[i];
                    for (int j = 0; j <= i; j++) {
                        row[j] += zi * column[j];
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                g[j][i] = g[i][j];
            }
        }
        return g;
    }

    private static double[] project(double[][] projection, double[] x) {
        double[] out = new double[projection.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = dot(projection[i], x, x.length);
        }
        return out;
    }

    @Override
    public String name() {
        return switch (layer) {
            case PENULTIMATE -> "Mahalanobis";
            case ALL_HIDDEN_LAYERS -> "Mahalanobis (all hidden layers)";
            default -> "Mahalanobis (hidden layer " + layer + ")";
        };
    }

    /**
     * @throws IllegalArgumentException if this scorer was fitted on another layer than the last
     *     hidden one (use {@link #score(Classifier, float[][])}), or on another feature width
     */
    @Override
    public double[] score(Activations activations) {
        if (layer != PENULTIMATE) {
            throw new IllegalArgumentException(name() + " needs its own layer's features: call score(model, inputs)");
        }
        return score(activations.penultimate());
    }

    @Override
    public double[] score(Classifier model, float[][] inputs) {
        return layer == PENULTIMATE ? score(model.activations(inputs).penultimate())
                : score(layerFeatures(model, layer, inputs));
    }

    /** @return the hidden layer the features come from, {@link #ALL_HIDDEN_LAYERS}, or {@link #PENULTIMATE} */
    public int layer() {
        return layer;
    }

    /**
     * Scores feature rows directly.
     *
     * @param features {@code [samples][d]} with the fitted width {@code d}
     * @return the squared distance to the nearest class mean, per sample
     * @throws IllegalArgumentException if a row does not have the fitted width
     */
    public double[] score(float[][] features) {
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != dimension) {
                throw new IllegalArgumentException("features[" + i + "] has " + features[i].length
                        + " values; this scorer was fitted on " + dimension);
            }
        }
        double[] out = new double[features.length];
        if (projection != null) {
            scoreInSampleSpace(features, out);
            return out;
        }
        double[] x = new double[dimension];
        for (int i = 0; i < features.length; i++) {
            for (int j = 0; j < dimension; j++) {
                x[j] = features[i][j];
            }
            double[] g = multiplyLowerByColumns(whiteningT, x);
            double best = Double.POSITIVE_INFINITY;
            for (double[] mu : whitenedMeans) {
                double s = 0.0;
                for (int j = 0; j < dimension; j++) {
                    double diff = g[j] - mu[j];
                    s += diff * diff;
                }
                best = Math.min(best, s);
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * Samples projected together, and rows of the Gram matrix computed together: each row of
     * {@code P} or {@code Z^T} is read once per block, from cache.
     */
    private static final int BLOCK = 8;
    /** Rows solved together in the forward substitution of the sample-space fit. */
    private static final int SOLVE_BLOCK = 4;

    /** {@code min_c (|x - mu_c|^2 - |P x - P mu_c|^2) / r} per row, not below 0 (rounding). */
    private void scoreInSampleSpace(float[][] features, double[] out) {
        int n = projection.length;
        double[][] x = new double[BLOCK][dimension];
        double[][] px = new double[BLOCK][n];
        for (int from = 0; from < features.length; from += BLOCK) {
            int size = Math.min(BLOCK, features.length - from);
            for (int b = 0; b < size; b++) {
                float[] f = features[from + b];
                for (int j = 0; j < dimension; j++) {
                    x[b][j] = f[j];
                }
            }
            // P x as a sum of columns of P (rows of P^T): contiguous multiply-adds, which vectorise.
            for (int b = 0; b < size; b++) {
                Arrays.fill(px[b], 0.0);
            }
            for (int j = 0; j < dimension; j++) {
                double[] column = projectionT[j];
                for (int b = 0; b < size; b++) {
                    double xj = x[b][j];
                    if (xj == 0.0) {
                        continue;
                    }
                    double[] sum = px[b];
                    for (int i = 0; i < n; i++) {
                        sum[i] += column[i] * xj;
                    }
                }
            }
            for (int b = 0; b < size; b++) {
                double best = Double.POSITIVE_INFINITY;
                for (int c = 0; c < whitenedMeans.length; c++) {
                    double[] mu = whitenedMeans[c];
                    double[] pmu = projectedMeans[c];
                    double v = 0.0;
                    for (int j = 0; j < dimension; j++) {
                        double diff = x[b][j] - mu[j];
                        v += diff * diff;
                    }
                    double pv = 0.0;
                    for (int j = 0; j < n; j++) {
                        double diff = px[b][j] - pmu[j];
                        pv += diff * diff;
                    }
                    best = Math.min(best, Math.max(0.0, v - pv) / ridge);
                }
                out[from + b] = best;
            }
        }
    }

    /** @return the width of the features this scorer was fitted on */
    public int dimension() {
        return dimension;
    }

    /** @return the number of classes present in the reference set */
    public int classCount() {
        return whitenedMeans.length;
    }

    /** @return the model version the features were taken from at fitting time */
    public long modelVersion() {
        return modelVersion;
    }

    /**
     * @param model the model now in use
     * @param maxSteps training steps the fit may lag behind, at least 0
     * @return whether {@code model} has taken more than {@code maxSteps} training steps since the fit
     */
    public boolean isStale(Classifier model, long maxSteps) {
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be >= 0, got " + maxSteps);
        }
        return model.version() - modelVersion > maxSteps;
    }

    /**
     * Lower Cholesky factor of a symmetric positive-definite matrix (its lower triangle is read).
     * Right-looking, on the transposed factor {@code U = L^T}: row k of U is finished, then its
     * outer product is taken from the rows below, each update a contiguous multiply-add that
     * vectorises (a dot product per entry does not).
     */
    static double[][] cholesky(double[][] a) {
        int d = a.length;
        double[][] u = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                u[i][j] = a[j][i];
            }
        }
        for (int k = 0; k < d; k++) {
            double[] uk = u[k];
            if (!(uk[k] > 0.0)) {
                throw new IllegalArgumentException("covariance is not positive definite at row " + k);
            }
            double diagonal = Math.sqrt(uk[k]);
            uk[k] = diagonal;
            for (int j = k + 1; j < d; j++) {
                uk[j] /= diagonal;
            }
            for (int i = k + 1; i < d; i++) {
                double f = uk[i];
                if (f == 0.0) {
                    continue;
                }
                double[] ui = u[i];
                for (int j = i; j < d; j++) {
                    ui[j] -= f * uk[j];
                }
            }
        }
        return transpose(u);
    }

    /**
     * Inverse of a lower-triangular matrix, by forward substitution a row at a time: row i of the
     * inverse is {@code (e_i - sum_{k<i} l[i][k] inv[k]) / l[i][i]}, and {@code inv[k]} is zero
     * beyond column k, so each term is a short contiguous multiply-add.
     */
    static double[][] invertLower(double[][] l) {
        int d = l.length;
        double[][] inv = new double[d][d];
        for (int i = 0; i < d; i++) {
            inv[i][i] = 1.0;
        }
        solveLowerTriangularInPlace(l, inv);
        return inv;
    }

    /**
     * Solves {@code L X = B} for X in place of B, with B lower triangular (the identity, for the
     * inverse), by forward substitution a row at a time:
     * {@code X[i] = (B[i] - sum_{k<i} L[i][k] X[k]) / L[i][i]}, each term a contiguous multiply-add
     * that stops at column k, beyond which row k of X is zero.
     */
    private static void solveLowerTriangularInPlace(double[][] l, double[][] b) {
        for (int i = 0; i < b.length; i++) {
            double[] row = b[i];
            double[] li = l[i];
            for (int k = 0; k < i; k++) {
                double f = li[k];
                if (f == 0.0) {
                    continue;
                }
                double[] prev = b[k];
                for (int c = 0; c <= k; c++) {
                    row[c] -= f * prev[c];
                }
            }
            double diagonal = li[i];
            for (int c = 0; c <= i; c++) {
                row[c] /= diagonal;
            }
        }
    }

    /**
     * Solves {@code L X = B} for X in place of a dense B, by forward substitution
     * {@code X[i] = (B[i] - sum_{k<i} L[i][k] X[k]) / L[i][i]}, for {@value #SOLVE_BLOCK} rows at a
     * time: the rows of X above the block are each read once for the whole block (from memory, the
     * block's rows stay in cache), then the block is finished row by row. Each term is a contiguous
     * multiply-add, which vectorises. Every entry of X sees the same operations in the same order as
     * in the row-at-a-time substitution, so the result is the same to the bit.
     */
    static void solveLowerInPlace(double[][] l, double[][] b) {
        int n = b.length;
        for (int from = 0; from < n; from += SOLVE_BLOCK) {
            int to = Math.min(n, from + SOLVE_BLOCK);
            for (int k = 0; k < from; k++) {
                double[] prev = b[k];
                for (int i = from; i < to; i++) {
                    double f = l[i][k];
                    if (f == 0.0) {
                        continue;
                    }
                    double[] row = b[i];
                    for (int c = 0; c < row.length; c++) {
                        row[c] -= f * prev[c];
                    }
                }
            }
            for (int i = from; i < to; i++) {
                double[] row = b[i];
                double[] li = l[i];
                for (int k = from; k < i; k++) {
                    double f = li[k];
                    if (f == 0.0) {
                        continue;
                    }
                    double[] prev = b[k];
                    for (int c = 0; c < row.length; c++) {
                        row[c] -= f * prev[c];
                    }
                }
                double diagonal = li[i];
                for (int c = 0; c < row.length; c++) {
                    row[c] /= diagonal;
                }
            }
        }
    }

    /** {@code sum_{k<n} a[k] b[k]} with four running sums (independent chains the processor overlaps). */
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

    /** Tiles transposed at a time: the reads and the writes of a tile both stay in cache. */
    private static final int TILE = 16;

    private static double[][] transpose(double[][] m) {
        int rows = m.length;
        int columns = m[0].length;
        double[][] t = new double[columns][rows];
        for (int i0 = 0; i0 < rows; i0 += TILE) {
            int i1 = Math.min(rows, i0 + TILE);
            for (int j0 = 0; j0 < columns; j0 += TILE) {
                int j1 = Math.min(columns, j0 + TILE);
                for (int i = i0; i < i1; i++) {
                    double[] row = m[i];
                    for (int j = j0; j < j1; j++) {
                        t[j][i] = row[j];
                    }
                }
            }
        }
        return t;
    }

    /** {@code L x} for lower-triangular L given as its transpose: a sum of columns, each a contiguous multiply-add. */
    private static double[] multiplyLowerByColumns(double[][] lowerT, double[] x) {
        int d = x.length;
        double[] y = new double[d];
        for (int k = 0; k < d; k++) {
            double xk = x[k];
            if (xk == 0.0) {
                continue;
            }
            double[] column = lowerT[k];
            for (int i = k; i < d; i++) {
                y[i] += column[i] * xk;
            }
        }
        return y;
    }

    private static double[] multiplyLower(double[][] lower, double[] x) {
        int d = x.length;
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            y[i] = dot(lower[i], x, i + 1);
        }
        return y;
    }

    @Override
    public String toString() {
        return "Mahalanobis[layer=" + layer + ", d=" + dimension + ", classes=" + whitenedMeans.length + ", modelVersion=" + modelVersion
                + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mahalanobis m && m.layer == layer && m.modelVersion == modelVersion && Arrays.deepEquals(m.whitening, whitening)
                && Arrays.deepEquals(m.whitenedMeans, whitenedMeans) && Arrays.deepEquals(m.projection, projection)
                && Double.compare(m.ridge, ridge) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(whitenedMeans);
    }
}
