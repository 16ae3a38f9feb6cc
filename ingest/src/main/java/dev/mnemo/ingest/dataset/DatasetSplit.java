package dev.mnemo.ingest.dataset;

import java.util.Objects;

/**
 * A dataset's training and test parts, which share the number of classes and the feature shape.
 *
 * <pre>{@code
 * DatasetSplit mnist = Datasets.mnist();
 * mnist.train().size();   // 60000
 * mnist.test().size();    // 10000
 * }</pre>
 *
 * @param train the part to learn from
 * @param test  the held-out part to evaluate on
 */
public record DatasetSplit(LabelledData train, LabelledData test) {

    /**
     * @throws IllegalArgumentException when the parts disagree on classes or dimension
     */
    public DatasetSplit {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.classes() != test.classes()) {
            throw new IllegalArgumentException("train has " + train.classes() + " classes but test has " + test.classes());
        }
        if (train.size() > 0 && test.size() > 0 && train.dimension() != test.dimension()) {
            throw new IllegalArgumentException("train rows have " + train.dimension() + " values but test rows have "
                    + test.dimension());
        }
    }

    /** Number of classes of both parts. */
    public int classes() {
        return train.classes();
    }
}
