package dev.mnemo.learner.stream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the learner's pipeline spends its time, since the first block reached the engine thread.
 * The engine thread's shares add up to 1: waiting for input, predicting, watching, training,
 * checkpointing, blocked on output and the rest (statistics, admin commands, the serving copy).
 * The poller and publisher threads run beside it; their busy time is given per record.
 *
 * @param engineWallNanos engine thread time since its first block
 * @param waitingNanos    waiting for a polled block
 * @param predictNanos    predicting
 * @param watchNanos      the drift watch
 * @param trainNanos      training steps and task boundaries
 * @param checkpointNanos waiting for outputs to be acknowledged and writing checkpoints
 * @param blockedNanos    blocked handing outcomes to the publisher
 * @param checkpoints     checkpoints written
 * @param records         records polled
 * @param samples         samples predicted by the engine
 * @param pollNanos       poller thread: decoding, checking and dead-lettering
 * @param publishNanos    publisher thread: encoding and sending outputs
 */
public record PipelineFigures(long engineWallNanos, long waitingNanos, long predictNanos, long watchNanos,
                              long trainNanos, long checkpointNanos, long blockedNanos, long checkpoints,
                              long records, long samples, long pollNanos, long publishNanos) {

    /** Nothing yet. */
    static final PipelineFigures NONE = new PipelineFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The engine thread's time not in any named share. */
    public long otherNanos() {
        return Math.max(0, engineWallNanos - waitingNanos - predictNanos - watchNanos - trainNanos - checkpointNanos
                - blockedNanos);
    }

    /** The shares of the engine thread's time, in order: waiting, predicting, watching, training, ... */
    public Map<String, Double> shares() {
        Map<String, Double> out = new LinkedHashMap<>();
        double wall = Math.max(1, engineWallNanos);
        out.put("waiting", waitingNanos / wall);
        out.put("predicting", predictNanos / wall);
        out.put("watching", watchNanos / wall);
        out.put("training", trainNanos / wall);
        out.put("checkpointing", checkpointNanos / wall);
        out.put("blockedOnOutput", blockedNanos / wall);
        out.put("other", otherNanos() / wall);
        return out;
    }
}
