package dev.mnemo.learner.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.stream.LearnerStatus;

/** {@code GET /status}: what the learner is doing, as JSON. */
@Path("/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    /** One task's prequential figures; accuracies are null until the task has a labelled sample. */
    public record TaskView(String task, long samples, Double accuracy, Double windowAccuracy) {
    }

    /** The last checkpoint written or restored. */
    public record CheckpointView(long sequence, Instant createdAt, long modelVersion, String uri) {
    }

    /** The JSON document; NaN figures are written as null so every client can parse it. */
    public record StatusView(String state, String modelName, long modelVersion, List<Integer> layers,
                             String strategy, long taskBoundaries,
                             long received, long predicted, long labelled, long unlabelled, long lateLabelled,
                             long lateUnmatched, long trained,
                             Map<String, Long> rejectedByLearner, Map<String, Long> deadLetters,
                             Double accuracy, Double windowAccuracy, List<TaskView> tasks,
                             double samplesPerSecond, Long lag, Map<String, String> topics,
                             Instant startedAt, Instant updatedAt, String error, CheckpointView lastCheckpoint) {
    }

    @Inject
    LearnerService service;

    @Inject
    MnemoConfig config;

    @GET
    public StatusView status() {
        MlpSpec spec = service.modelSpec();
        List<Integer> layers = new java.util.ArrayList<>();
        layers.add(spec.inputs());
        layers.addAll(spec.hidden());
        layers.add(spec.classes());
        Map<String, Long> deadLetters = new TreeMap<>();
        service.deadLetterCounts().forEach((k, v) -> deadLetters.put(k.stage() + "/" + k.reason(), v));
        Map<String, String> topics = Map.of(
                "labelled", service.topics().samplesLabelled(),
                "unlabelled", service.topics().samplesUnlabelled(),
                "predictions", service.topics().predictions(),
                "deadLetters", service.topics().samplesDlq());
        LearnerStatus s = service.status().orElse(null);
        if (s == null) {
            return new StatusView("DISABLED", config.model().name(), 0, layers, config.strategy().name(), 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), deadLetters,
                    null, null, List.of(), 0, null, topics, null, null, null, null);
        }
        List<TaskView> tasks = s.tasks().stream()
                .map(t -> new TaskView(t.task(), t.count(), finite(t.accuracy()), finite(t.windowAccuracy())))
                .toList();
        return new StatusView(s.state(), config.model().name(), s.modelVersion(), layers, config.strategy().name(),
                s.taskBoundaries(), s.received(), s.predicted(),
                s.labelled(), s.unlabelled(), s.lateLabelled(), s.lateUnmatched(), s.trainedSamples(), s.rejected(), deadLetters, finite(s.accuracy()),
                finite(s.windowAccuracy()), tasks, s.samplesPerSecond(), s.lag() < 0 ? null : s.lag(), topics,
                s.startedAt(), s.updatedAt(), s.error() == null ? service.startupError() : s.error(),
                s.lastCheckpoint() == null ? null : new CheckpointView(s.lastCheckpoint().sequence(),
                        s.lastCheckpoint().createdAt(), s.lastCheckpoint().modelVersion(), s.lastCheckpoint().uri()));
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
