package dev.mnemo.learner.engine;

/**
 * Where the engine thread's time went, in nanoseconds since the engine was made: predicting (and
 * scoring), watching for drift (detectors and checks) and training. The adapter adds what only it
 * sees (waiting for input, checkpoints, blocked on output) in its own figures.
 *
 * @param predictNanos time in prediction
 * @param watchNanos   time in the drift watch
 * @param trainNanos   time in training steps and task boundaries
 * @param blocks       blocks processed
 * @param samples      samples processed
 * @param steps        training steps taken
 */
public record EngineTimes(long predictNanos, long watchNanos, long trainNanos, long blocks, long samples, long steps) {

    /** The engine's busy time: predicting, watching and training. */
    public long busyNanos() {
        return predictNanos + watchNanos + trainNanos;
    }
}
