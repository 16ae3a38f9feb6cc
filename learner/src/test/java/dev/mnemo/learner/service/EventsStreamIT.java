package dev.mnemo.learner.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.LabelRequest;
import dev.mnemo.schemas.v1.Verdict;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code /events/stream} pushes a status snapshot about every second, with the alerts and the
 * label-request queue; read as a client would, over HTTP.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class EventsStreamIT {

    @TestHTTPResource("/events/stream")
    URL stream;

    @Inject
    AlertBook alerts;

    @Inject
    LabelRequestQueue labelRequests;

    @Test
    void streamsSnapshotsWithStatusAlertsAndLabelQueue() throws Exception {
        String alertId = "sse-" + UUID.randomUUID();
        alerts.record(DriftAlert.newBuilder().setAlertId(alertId).setEventId("e").setDetectorId("kswin-ood")
                .setEventTime(Instant.now()).setVerdict(Verdict.NOVEL_INPUTS).setWindowStart(10).setWindowEnd(20)
                .setEvidence(Map.of("ood.before", 0.2, "ood.after", 0.9)).setAction("label-request")
                .setModelVersion(1).build());
        labelRequests.offer(LabelRequest.newBuilder().setSampleId("s-1").setEventTime(Instant.EPOCH)
                .setReason("novelty").setScore(0.9).setAlertId(alertId).setModelVersion(1).build());

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(stream.toString()))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");

        List<JsonNode> events = new ArrayList<>();
        long start = System.nanoTime();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            ObjectMapper json = new ObjectMapper();
            for (String line = lines.readLine(); line != null && events.size() < 3; line = lines.readLine()) {
                if (line.startsWith("data:")) {
                    events.add(json.readTree(line.substring("data:".length())));
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(events).hasSize(3);
        assertThat(took).as("three snapshots, one a second, the first at once").isLessThan(Duration.ofSeconds(10));
        JsonNode last = events.get(2);
        assertThat(last.path("status").path("state").asText()).isIn("STARTING", "RUNNING");
        assertThat(last.path("status").has("accuracy")).isTrue();
        assertThat(last.path("status").has("samplesPerSecond")).isTrue();
        assertThat(last.path("status").has("deadLetters")).isTrue();
        assertThat(last.path("learningPaused").isBoolean()).isTrue();
        assertThat(last.path("labelRequests").path("size").asInt()).isEqualTo(1);
        assertThat(last.path("labelRequests").path("newest").get(0).path("sampleId").asText()).isEqualTo("s-1");
        JsonNode alert = last.path("alerts").path("open").get(0);
        assertThat(alert.path("alertId").asText()).isEqualTo(alertId);
        assertThat(alert.path("verdict").asText()).isEqualTo("NOVEL_INPUTS");
        assertThat(alert.path("evidence").path("ood.after").asDouble()).isEqualTo(0.9);
        assertThat(Instant.parse(events.get(2).path("at").asText()))
                .isAfter(Instant.parse(events.get(0).path("at").asText()));
    }
}
