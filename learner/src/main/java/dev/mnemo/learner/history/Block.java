package dev.mnemo.learner.history;

import java.util.List;

import dev.mnemo.learner.engine.StreamSample;

/**
 * A run of consecutive training samples of a replay, decoded once and handed to every lane: the
 * unit of test-then-train. Every lane hands {@link #stream()} to its own engine, exactly as the live
 * learner hands it a poll.
 *
 * @param samples        the samples, in replay order (held-out samples are not here)
 * @param stream         the same samples as the engine takes them (arrays shared, never written)
 * @param recordsThrough records read from Kafka up to and including this block (held-out and
 *                       rejected ones too), for progress
 */
record Block(List<ReplaySample> samples, dev.mnemo.learner.engine.Block stream, long recordsThrough) {

    static Block of(List<ReplaySample> samples, long recordsThrough) {
        List<StreamSample> stream = new java.util.ArrayList<>(samples.size());
        for (ReplaySample s : samples) {
            stream.add(new StreamSample(s.id(), s.topic(), s.timestamp(), s.features(), s.label(), s.task(), false,
                    s.topic(), s.partition(), s.offset()));
        }
        return new Block(List.copyOf(samples), dev.mnemo.learner.engine.Block.of(stream), recordsThrough);
    }

    int size() {
        return samples.size();
    }
}
