package dev.mnemo.learner.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.AdminEvent;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.Sample;
import dev.mnemo.schemas.v1.Verdict;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The admin API on a real broker: every admin endpoint refuses anonymous callers and wrong
 * passwords with 401 and a user without the role admin with 403; the admin's actions take effect
 * (pause stops training while predictions go on, strategy parameters change, promote and rollback)
 * and each lands on the admin events topic as an {@link AdminEvent}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestProfile(AdminApiIT.LwfReplayWithCheckpoints.class)
class AdminApiIT {

    /** A strategy with both run-time parameters, and checkpoints so that versions are kept. */
    public static class LwfReplayWithCheckpoints implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of("mnemo.strategy.name", "lwf+replay",
                        "mnemo.checkpoint.dir", Files.createTempDirectory("mnemo-admin-it").toString(),
                        "mnemo.checkpoint.every-batches", "1",
                        "mnemo.checkpoint.keep", "5");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "mnemo-admin";

    /** Every admin endpoint: method, path, JSON body or null. */
    private static final List<String[]> ENDPOINTS = List.of(
            new String[] {"POST", "/admin/alerts/any/ack", null},
            new String[] {"POST", "/admin/learning/pause", null},
            new String[] {"POST", "/admin/learning/resume", null},
            new String[] {"POST", "/admin/models/1/promote", null},
            new String[] {"POST", "/admin/models/rollback/1", null},
            new String[] {"POST", "/models/rollback/1", null},
            new String[] {"POST", "/admin/models/1/pin", null},
            new String[] {"DELETE", "/admin/models/1/pin", null},
            new String[] {"PUT", "/admin/strategy", "{\"replaySize\": 8}"});

    @Inject
    LearnerService service;

    @Inject
    AlertBook alerts;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void adminEndpointsRefuseAnonymousWrongPasswordAndNonAdminCallers() {
        for (String[] e : ENDPOINTS) {
            call(given(), e).then().statusCode(401);
            call(given().auth().preemptive().basic(ADMIN, "wrong-password"), e).then().statusCode(401);
            call(given().auth().preemptive().basic("viewer", "mnemo-viewer"), e).then().statusCode(403);
        }
        // Read-only endpoints are open by default (mnemo.security.read-policy=permit).
        given().when().get("/status").then().statusCode(200);
        given().when().get("/alerts").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void adminActionsTakeEffectAndAreRecordedOnTheAdminTopic() throws Exception {
        awaitReady();
        try (KafkaConsumer<String, byte[]> audit = auditConsumer()) {
            // Acknowledge an alert recorded by the drift checks.
            String alertId = "alert-" + UUID.randomUUID();
            alerts.record(alert(alertId));
            given().when().get("/alerts").then().statusCode(200).body("open.alertId", org.hamcrest.Matchers.hasItem(alertId));
            admin().post("/admin/alerts/" + alertId + "/ack").then().statusCode(200)
                    .body("result.acknowledgedBy", equalTo(ADMIN))
                    .body("auditEventId", notNullValue());
            assertThat(alerts.get(alertId).orElseThrow().acknowledgedBy()).isEqualTo(ADMIN);
            given().when().get("/alerts").then().body("acknowledged.alertId", org.hamcrest.Matchers.hasItem(alertId));
            admin().post("/admin/alerts/no-such-alert/ack").then().statusCode(404)
                    .body("error", org.hamcrest.Matchers.startsWith("no alert with id 'no-such-alert' is held ("));

            // Pause: predictions go on, training stops.
            send(0, 200);
            awaitPredicted(200);
            admin().post("/admin/learning/pause").then().statusCode(200).body("result.learningPaused", equalTo(true));
            assertThat(given().when().get("/q/metrics").then().statusCode(200).extract().asString())
                    .contains("mnemo_learner_learning_paused 1.0");
            awaitLoopTurn();
            long trained = service.status().orElseThrow().trainedSamples();
            long version = service.status().orElseThrow().modelVersion();
            send(200, 200);
            awaitPredicted(400);
            assertThat(service.status().orElseThrow().trainedSamples()).as("no training while paused").isEqualTo(trained);
            assertThat(service.status().orElseThrow().modelVersion()).isEqualTo(version);

            // Promote the (held) current version.
            admin().post("/admin/models/" + version + "/promote").then().statusCode(200)
                    .body("result.modelVersion", equalTo((int) version));
            assertThat(service.servingModel().orElseThrow().version()).isEqualTo(version);

            // Resume: training goes on.
            admin().post("/admin/learning/resume").then().statusCode(200).body("result.learningPaused", equalTo(false));
            send(400, 200);
            awaitPredicted(600);
            assertThat(service.status().orElseThrow().trainedSamples()).isGreaterThan(trained);

            // Strategy parameters: safe ones change, values out of range are refused.
            admin().contentType(ContentType.JSON).body("{\"replaySize\": 16, \"lwfLambda\": 0.25}")
                    .put("/admin/strategy").then().statusCode(200)
                    .body("result.'replaySize.before'", equalTo("64"))
                    .body("result.'replaySize.after'", equalTo("16"))
                    .body("result.'lwfLambda.before'", equalTo("0.5"))
                    .body("result.'lwfLambda.after'", equalTo("0.25"));
            admin().contentType(ContentType.JSON).body("{\"lwfLambda\": 2}")
                    .put("/admin/strategy").then().statusCode(400)
                    .body("error", equalTo("lwfLambda must be in [0, 1], got 2.0"));

            // Pin the oldest kept version: the listing says so, and it is still kept after more
            // checkpoints than keep (5) allows.
            long kept = awaitKeptVersion();
            int pinnedCheckpoint = admin().post("/admin/models/" + kept + "/pin").then().statusCode(200)
                    .body("result.version", equalTo((int) kept)).body("result.pinned", equalTo(true))
                    .extract().path("result.checkpoint");
            admin().post("/admin/models/999999/pin").then().statusCode(404);
            for (int from = 600; from < 1200; from += 100) {
                send(from, 100);
                awaitPredicted(from + 100);
            }
            awaitCheckpoint(pinnedCheckpoint + 6);
            assertThat(given().when().get("/models/versions").then().statusCode(200).extract().jsonPath()
                    .getList("findAll { it.pinned }.version", Integer.class)).containsExactly((int) kept);

            // Roll back to the pinned version, older than keep would hold.
            admin().post("/admin/models/rollback/" + kept).then().statusCode(200)
                    .body("result.parent", equalTo((int) kept));

            Map<String, AdminEvent> byAction = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (byAction.size() < 7 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : audit.poll(Duration.ofMillis(200))) {
                    AdminEvent event = MnemoSerdes.adminEvent().decode(r.value());
                    if ("ok".equals(event.getOutcome())) {
                        byAction.put(event.getAction(), event);
                    }
                }
            }
            assertThat(byAction).containsKeys("alert.acknowledge", "learning.pause", "learning.resume", "model.promote",
                    "strategy.update", "model.pin", "model.rollback");
            assertThat(byAction.values()).allSatisfy(e -> assertThat(e.getWho()).isEqualTo(ADMIN));
            assertThat(byAction.get("alert.acknowledge").getTarget()).isEqualTo(alertId);
            assertThat(byAction.get("strategy.update").getDetails()).containsEntry("replaySize.after", "16");
            assertThat(byAction.get("model.rollback").getTarget()).isEqualTo("default@" + kept);
        }
    }

    private long awaitKeptVersion() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> versions = given().when().get("/models/versions").then().statusCode(200)
                    .extract().jsonPath().getList("version", Integer.class);
            if (versions.size() >= 2) {
                return versions.get(versions.size() - 1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("fewer than 2 kept versions after 30 s: " + given().get("/models/versions").asString());
    }

    /** Waits until the newest listed checkpoint has at least the given sequence number. */
    private void awaitCheckpoint(int sequence) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> sequences = given().when().get("/models/versions").then().statusCode(200)
                    .extract().jsonPath().getList("checkpoint", Integer.class);
            if (!sequences.isEmpty() && sequences.get(0) >= sequence) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no checkpoint " + sequence + " after 60 s: " + given().get("/models/versions").asString());
    }

    private RequestSpecification admin() {
        return given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).when();
    }

    private static io.restassured.response.Response call(RequestSpecification spec, String[] e) {
        if (e[2] != null) {
            spec = spec.contentType(ContentType.JSON).body(e[2]);
        }
        return switch (e[0]) {
            case "PUT" -> spec.when().put(e[1]);
            case "DELETE" -> spec.when().delete(e[1]);
            default -> spec.when().post(e[1]);
        };
    }

    private KafkaConsumer<String, byte[]> auditConsumer() {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "admin-it-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(service.topics().adminEvents()));
        return c;
    }

    private static DriftAlert alert(String id) {
        return DriftAlert.newBuilder().setAlertId(id).setEventId("event-1").setDetectorId("adwin-error")
                .setEventTime(Instant.now()).setVerdict(Verdict.CONCEPT_CHANGE).setWindowStart(100).setWindowEnd(200)
                .setEvidence(Map.of("error.before", 0.1, "error.after", 0.4)).setAction("task-boundary")
                .setModelVersion(3).build();
    }

    private void send(int from, int count) {
        LabelledData digits = Datasets.digits();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < from + count; i++) {
                List<Float> features = new ArrayList<>();
                for (float f : digits.features()[i]) {
                    features.add(f);
                }
                Sample s = Sample.newBuilder().setId("a-" + i).setEventTime(Instant.ofEpochMilli(i)).setFeatures(features)
                        .setLabel(digits.labels()[i]).build();
                producer.send(new ProducerRecord<>(service.topics().samplesLabelled(), s.getId(), MnemoSerdes.sample().encode(s)));
            }
        }
    }

    private void awaitPredicted(long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (service.status().orElseThrow().predicted() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(service.status().orElseThrow().predicted()).as("status %s", service.status()).isEqualTo(n);
    }

    /** Waits until the loop has taken at least one more turn (a batch being trained has finished). */
    private void awaitLoopTurn() throws InterruptedException {
        Instant before = service.status().orElseThrow().updatedAt();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!service.status().orElseThrow().updatedAt().isAfter(before) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
    }

    private static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (given().when().get("/q/health/ready").statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
