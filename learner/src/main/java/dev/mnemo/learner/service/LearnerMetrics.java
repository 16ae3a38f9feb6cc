package dev.mnemo.learner.service;

import java.util.HashSet;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.mnemo.learner.eval.TaskAccuracy;
import dev.mnemo.learner.stream.DeadLetterCounter;
import dev.mnemo.learner.stream.LearnerStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Exports the learner's figures on {@code /q/metrics}. Names are stable; labels are listed with
 * each meter. Gauges read the loop's latest immutable snapshot, so scraping never blocks training.
 */
@ApplicationScoped
public class LearnerMetrics {

    private final LearnerService service;
    private final MeterRegistry registry;
    private final AlertBook alerts;
    private final LabelRequestQueue labelRequests;
    private final Set<String> tasks = new HashSet<>();
    private final Set<DeadLetterCounter.Key> deadLetterKeys = new HashSet<>();

    @Inject
    public LearnerMetrics(LearnerService service, MeterRegistry registry, AlertBook alerts,
                          LabelRequestQueue labelRequests) {
        this.service = service;
        this.registry = registry;
        this.alerts = alerts;
        this.labelRequests = labelRequests;
    }

    void onStart(@Observes StartupEvent event) {
        gauge("mnemo.learner.accuracy", "Prequential accuracy over all labelled samples", "window", "all",
                LearnerStatus::accuracy);
        gauge("mnemo.learner.accuracy", "Prequential accuracy over the sliding window", "window", "sliding",
                LearnerStatus::windowAccuracy);
        gauge("mnemo.learner.samples.per.second", "Recent rate of predicted samples", null, null,
                LearnerStatus::samplesPerSecond);
        gauge("mnemo.learner.lag", "Records behind the end of the input partitions", null, null,
                s -> s.lag() < 0 ? Double.NaN : s.lag());
        gauge("mnemo.learner.model.version", "Training steps taken by the model", null, null,
                LearnerStatus::modelVersion);
        counter("mnemo.learner.records.received", "Records taken from the input topics", LearnerStatus::received);
        counter("mnemo.learner.predictions", "Predictions published", LearnerStatus::predicted);
        counter("mnemo.learner.samples.labelled", "Predicted samples that carried a label", LearnerStatus::labelled);
        counter("mnemo.learner.samples.late.labelled", "Samples whose label arrived late, scored against their first prediction",
                LearnerStatus::lateLabelled);
        counter("mnemo.learner.samples.trained", "Labelled samples trained on", LearnerStatus::trainedSamples);
        Gauge.builder("mnemo.learner.learning.paused", service, s -> s.learningPaused() ? 1 : 0)
                .description("1 while training is paused through the admin API, else 0").register(registry);
        Gauge.builder("mnemo.alerts.open", alerts, AlertBook::openCount)
                .description("Alerts not acknowledged yet").register(registry);
        Gauge.builder("mnemo.label.requests.waiting", labelRequests, LabelRequestQueue::size)
                .description("Label requests waiting for a label").register(registry);
        refreshDynamicMeters();
    }

    /** Registers meters for tasks and dead-letter reasons as they appear. */
    @Scheduled(every = "2s")
    void refreshDynamicMeters() {
        service.status().ifPresent(status -> {
            for (TaskAccuracy.TaskSnapshot t : status.tasks()) {
                if (tasks.add(t.task())) {
                    String task = t.task();
                    Gauge.builder("mnemo.learner.task.accuracy", service, s -> taskFigure(s, task, false))
                            .description("Prequential accuracy per task tag").tag("task", task).tag("window", "all")
                            .register(registry);
                    Gauge.builder("mnemo.learner.task.accuracy", service, s -> taskFigure(s, task, true))
                            .description("Prequential accuracy per task tag").tag("task", task).tag("window", "sliding")
                            .register(registry);
                }
            }
        });
        for (DeadLetterCounter.Key key : service.deadLetterCounts().keySet()) {
            if (deadLetterKeys.add(key)) {
                FunctionCounter.builder("mnemo.dlq.records", service,
                                s -> s.deadLetterCounts().getOrDefault(key, 0L))
                        .description("Records on the dead-letter topic, by stage and reason")
                        .tag("stage", key.stage()).tag("reason", key.reason())
                        .register(registry);
            }
        }
    }

    private static double taskFigure(LearnerService s, String task, boolean window) {
        return s.status().flatMap(st -> st.tasks().stream().filter(t -> t.task().equals(task)).findFirst())
                .map(t -> window ? t.windowAccuracy() : t.accuracy()).orElse(Double.NaN);
    }

    private void gauge(String name, String description, String tagKey, String tagValue,
                       ToDoubleFunction<LearnerStatus> f) {
        var builder = Gauge.builder(name, service, s -> s.status().map(f::applyAsDouble).orElse(Double.NaN))
                .description(description);
        if (tagKey != null) {
            builder.tag(tagKey, tagValue);
        }
        builder.register(registry);
    }

    private void counter(String name, String description, ToDoubleFunction<LearnerStatus> f) {
        FunctionCounter.builder(name, service, s -> s.status().map(f::applyAsDouble).orElse(0.0))
                .description(description).register(registry);
    }
}
