package dev.mnemo.learner.history;

import java.util.List;

/**
 * A run of consecutive training samples of a replay, decoded once and handed to every lane: the
 * unit of test-then-train (predict the block, score it, then train on it).
 *
 * <p>The arrays are shared by all lanes and never written.
 *
 * @param samples        the samples, in replay order (held-out samples are not here)
 * @param features       {@code [n][inputs]}
 * @param tasks          the task index of each sample (tags numbered in order of first labelled
 *                       appearance)
 * @param boundaryBefore true where a sample is the first labelled one of a new task tag (not the
 *                       first tag): the previous task ends before it
 * @param recordsThrough records read from Kafka up to and including this block (held-out and
 *                       rejected ones too), for progress
 */
record Block(List<ReplaySample> samples, float[][] features, int[] tasks, boolean[] boundaryBefore,
             long recordsThrough) {

    int size() {
        return samples.size();
    }
}
