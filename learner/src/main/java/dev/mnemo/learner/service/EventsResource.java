package dev.mnemo.learner.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestStreamElementType;

import dev.mnemo.schemas.v1.LabelRequest;
import io.smallrye.mutiny.Multi;

/**
 * {@code GET /events/stream}: a server-sent event stream that pushes one {@link Snapshot} per
 * second (the first at once): the learner's status, whether learning is paused, the alerts and the
 * label-request queue. The dashboard at {@code /} draws its live panels from it;
 * {@code GET /events/snapshot} returns one snapshot as plain JSON.
 *
 * <pre>
 * curl -N localhost:8080/events/stream
 * data:{"status":{"state":"RUNNING",...},"learningPaused":false,"alerts":{...},"labelRequests":{...},"at":"..."}
 * </pre>
 */
@Path("/events")
public class EventsResource {

    /** How often a snapshot is pushed. */
    static final Duration PERIOD = Duration.ofSeconds(1);

    /** Label requests listed in a snapshot (the size counts all). */
    static final int LABEL_REQUESTS_SHOWN = 20;

    /**
     * The waiting label requests.
     *
     * @param size requests waiting
     * @param dropped requests dropped because the queue was full
     * @param newest the newest {@value #LABEL_REQUESTS_SHOWN}, newest first
     */
    public record LabelRequestsView(int size, long dropped, List<LabelRequestView> newest) {
    }

    /** One label request. */
    public record LabelRequestView(String sampleId, String source, Instant eventTime, String reason, double score,
                                   String alertId, long modelVersion) {
    }

    /**
     * Everything the dashboard shows, at one instant.
     *
     * @param servingVersion the version of the model copy that answers predictions (it follows the
     *     trained {@code status.modelVersion} within {@code mnemo.learner.serving-refresh}); null when
     *     the loop is disabled
     */
    public record Snapshot(StatusResource.StatusView status, Long servingVersion, boolean learningPaused,
                           AlertsResource.AlertsView alerts, LabelRequestsView labelRequests, Instant at) {
    }

    @Inject
    StatusResource statusResource;

    @Inject
    LearnerService service;

    @Inject
    AlertBook alerts;

    @Inject
    LabelRequestQueue labelRequests;

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Snapshot> stream() {
        // The first tick comes at once, then one every PERIOD.
        return Multi.createFrom().ticks().every(PERIOD)
                .onOverflow().drop()
                .map(tick -> snapshot());
    }

    @GET
    @Path("/snapshot")
    @Produces(MediaType.APPLICATION_JSON)
    public Snapshot snapshot() {
        List<LabelRequestView> newest = labelRequests.newest(LABEL_REQUESTS_SHOWN).stream()
                .map(EventsResource::view).toList();
        Long serving = service.servingModel().map(m -> m.version()).orElse(null);
        return new Snapshot(statusResource.status(), serving, service.learningPaused(), AlertsResource.snapshot(alerts),
                new LabelRequestsView(labelRequests.size(), labelRequests.dropped(), newest), Instant.now());
    }

    private static LabelRequestView view(LabelRequest r) {
        return new LabelRequestView(r.getSampleId(), r.getSource(), r.getEventTime(), r.getReason(), r.getScore(),
                r.getAlertId(), r.getModelVersion());
    }
}
