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

import dev.mnemo.schemas.v1.DriftAlert;

/**
 * {@code GET /alerts}: the open and the acknowledged alerts held by the {@link AlertBook}, newest
 * first, each with its verdict and evidence. Read-only (open unless
 * {@code mnemo.security.read-policy=authenticated}); acknowledging is {@code POST /admin/alerts/{id}/ack}.
 */
@Path("/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertsResource {

    /**
     * One alert as shown to operators.
     *
     * @param evidence the named figures behind the verdict (for example {@code ood.before},
     *     {@code ood.after}); NaN and infinite figures are left out so every JSON client can parse it
     */
    public record AlertView(String alertId, String eventId, String detectorId, Instant eventTime, String verdict,
                            long windowStart, long windowEnd, Map<String, Double> evidence, String action,
                            long modelVersion, Instant recordedAt, String acknowledgedBy, Instant acknowledgedAt) {
    }

    /** The two lists. */
    public record AlertsView(List<AlertView> open, List<AlertView> acknowledged) {
    }

    @Inject
    AlertBook alerts;

    @GET
    public AlertsView alerts() {
        return snapshot(alerts);
    }

    static AlertsView snapshot(AlertBook book) {
        return new AlertsView(book.open().stream().map(AlertsResource::view).toList(),
                book.acknowledged().stream().map(AlertsResource::view).toList());
    }

    static AlertView view(AlertBook.Entry e) {
        DriftAlert a = e.alert();
        Map<String, Double> evidence = new TreeMap<>();
        a.getEvidence().forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                evidence.put(k.toString(), v);
            }
        });
        return new AlertView(a.getAlertId(), a.getEventId(), a.getDetectorId(), a.getEventTime(),
                String.valueOf(a.getVerdict()), a.getWindowStart(), a.getWindowEnd(), evidence, a.getAction(),
                a.getModelVersion(), e.recordedAt(), e.acknowledgedBy(), e.acknowledgedAt());
    }
}
