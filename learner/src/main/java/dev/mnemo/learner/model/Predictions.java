package dev.mnemo.learner.model;

/**
 * The output of {@link Classifier#predict(float[][])} for a batch of samples.
 *
 * <p>Row {@code i} of {@code probabilities} holds the softmax class probabilities of sample
 * {@code i} (non-negative, summing to 1 up to float rounding), and {@code predictedClass[i]} its
 * most probable class (the lowest index on a tie).
 *
 * <p>The arrays are handed over, not copied: the classifier keeps no reference to them, so the
 * caller owns them. Like every record holding arrays, {@code equals} compares array identity.
 *
 * <pre>{@code
 * Predictions p = model.predict(new float[][] {sample});
 * int label = p.predictedClass()[0];
 * float confidence = p.probabilities()[0][label];
 * }</pre>
 *
 * @param probabilities class probabilities, {@code [samples][classes]}
 * @param predictedClass arg-max class per sample, {@code [samples]}
 */
public record Predictions(float[][] probabilities, int[] predictedClass) {

    /** Checks that both arrays are present and describe the same number of samples. */
    public Predictions {
        if (probabilities == null || predictedClass == null) {
            throw new IllegalArgumentException("probabilities and predictedClass must be non-null");
        }
        if (probabilities.length != predictedClass.length) {
            throw new IllegalArgumentException(
                    "probabilities has " + probabilities.length + " rows but predictedClass has "
                            + predictedClass.length + " entries; they must be equal");
        }
    }

    /** Number of samples. */
    public int size() {
        return predictedClass.length;
    }

    /** Probability of the predicted class of sample {@code i} (the maximum softmax probability). */
    public float confidence(int i) {
        return probabilities[i][predictedClass[i]];
    }
}
