package dev.mnemo.learner.engine;

import java.util.List;

import dev.mnemo.learner.checkpoint.ConsumedOffset;

/**
 * A run of consecutive samples handed to {@link LearnerEngine#process}: the unit between the
 * adapter that reads a stream and the engine.
 *
 * @param samples the valid samples, in stream order (rejected records are not here)
 * @param through the next offset of every partition this block read from, rejected records
 *                included: once the block is trained, the engine's position is at least this
 */
public record Block(List<StreamSample> samples, List<ConsumedOffset> through) {

    public Block {
        samples = List.copyOf(samples);
        through = List.copyOf(through);
    }

    /** A block of samples whose positions the caller does not track (tests, benchmarks). */
    public static Block of(List<StreamSample> samples) {
        return new Block(samples, List.of());
    }

    public int size() {
        return samples.size();
    }
}
