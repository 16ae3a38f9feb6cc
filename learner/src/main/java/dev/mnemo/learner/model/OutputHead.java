package dev.mnemo.learner.model;

/**
 * How a {@link Classifier}'s output layer is configured.
 *
 * <p>Both kinds give the same {@link Classifier#predict} results (softmax probabilities); they
 * differ in what training can ask for:
 * <ul>
 *   <li>{@link #SOFTMAX}: softmax activation with multi-class cross-entropy, the original
 *       configuration of the stream learner. Training takes hard labels only.</li>
 *   <li>{@link #LOGITS}: identity activation (the layer outputs logits) with
 *       {@link DistillationLoss}. With {@code lambda = 0} and no soft targets this is exactly
 *       softmax cross-entropy; with a teacher's soft targets it is the Learning-without-Forgetting
 *       loss; it also accepts unlabelled samples and per-sample class masks. {@link Classifier#predict}
 *       applies the softmax itself.</li>
 * </ul>
 * Continual-learning strategies need {@link #LOGITS}.
 */
public enum OutputHead {
    /** Softmax activation, multi-class cross-entropy loss. */
    SOFTMAX,
    /** Identity activation (logits) with {@link DistillationLoss}. */
    LOGITS
}
