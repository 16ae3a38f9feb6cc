package dev.mnemo.learner.engine;

import java.util.List;

import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.LabelRequest;

/**
 * What {@link LearnerEngine#process} (or {@link LearnerEngine#flush}) did. The engine publishes nothing; the adapter
 * turns this into records (live) or into scores (historical replay).
 *
 * @param completed      the blocks whose samples are now all processed (this one, earlier ones that
 *                       waited for a full chunk, or none when this one's samples still wait)
 * @param scored         the samples processed now, in stream order, each predicted by the model as
 *                       it was just before the training step that took it
 * @param watched        the index in {@code scored} of each sample the drift watch observed, in the
 *                       order it observed them (late labels are not observed)
 * @param firstWatched   the drift watch's position of the first observed sample
 * @param events         drift events raised
 * @param alerts         alerts raised by the checks of confirmed events
 * @param labelRequests  samples to ask labels for
 * @param steps          training steps taken
 * @param trainedSamples labelled samples trained on
 * @param tagBoundaries  task ends caused by a new task tag
 * @param driftBoundaries task ends caused by a confirmed drift
 */
public record BlockOutcome(List<Block> completed, List<Scored> scored, int[] watched, long firstWatched, List<DriftEvent> events,
                           List<DriftAlert> alerts, List<LabelRequest> labelRequests, int steps, int trainedSamples,
                           int tagBoundaries, int driftBoundaries) {

    public BlockOutcome {
        completed = List.copyOf(completed);
        scored = List.copyOf(scored);
        events = List.copyOf(events);
        alerts = List.copyOf(alerts);
        labelRequests = List.copyOf(labelRequests);
    }

    /** Task ends of either kind. */
    public int boundaries() {
        return tagBoundaries + driftBoundaries;
    }
}
