package dev.mnemo.learner.model;

/**
 * What a {@link Classifier} computes for a batch besides its probabilities: the activations of the
 * last hidden layer (the penultimate features) and the raw scores of the output layer before any
 * softmax (the logits), both in inference mode.
 *
 * <p>OOD scorers read them: the energy score needs the logits (a softmax loses their common
 * offset), the Mahalanobis score needs the penultimate features.
 *
 * @param penultimate {@code [samples][width of the last hidden layer]}; the inputs themselves for a
 *     network without hidden layers
 * @param logits {@code [samples][classes]}, the output layer's pre-activation
 */
public record Activations(float[][] penultimate, float[][] logits) {

    /** Checks that both arrays are present and describe the same number of samples. */
    public Activations {
        if (penultimate == null || logits == null) {
            throw new IllegalArgumentException("penultimate and logits must be non-null");
        }
        if (penultimate.length != logits.length) {
            throw new IllegalArgumentException("penultimate has " + penultimate.length + " rows but logits has "
                    + logits.length + "; they must be equal");
        }
    }

    /** Number of samples. */
    public int size() {
        return logits.length;
    }
}
