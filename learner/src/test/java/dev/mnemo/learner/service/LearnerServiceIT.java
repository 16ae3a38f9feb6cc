package dev.mnemo.learner.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The packaged service on a real broker: health, status, metrics and predictions over HTTP. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class LearnerServiceIT {

    @Inject
    LearnerService service;

    // The test resource runs in another class loader than this test: take the broker from config.
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void servesHealthStatusMetricsAndPredictions() throws Exception {
        awaitReady();
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));

        LabelledData digits = Datasets.digits();
        int n = 600;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                List<Float> features = new ArrayList<>();
                for (float f : digits.features()[i]) {
                    features.add(f);
                }
                Sample s = Sample.newBuilder().setId("q-" + i).setEventTime(Instant.ofEpochMilli(i)).setFeatures(features)
                        .setLabel(i % 3 == 0 ? null : digits.labels()[i]).setTask("t" + (i * 2 / n)).build();
                String topic = s.getLabel() == null ? service.topics().samplesUnlabelled() : service.topics().samplesLabelled();
                producer.send(new ProducerRecord<>(topic, s.getId(), MnemoSerdes.sample().encode(s)));
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (service.status().orElseThrow().predicted() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(service.status().orElseThrow().predicted()).as("status %s, kafka %s", service.status(), service.kafkaConfigForDiagnostics()).isEqualTo(n);

        given().when().get("/status").then().statusCode(200)
                .body("state", equalTo("RUNNING"))
                .body("predicted", equalTo(n))
                .body("labelled", equalTo(400))
                .body("unlabelled", equalTo(200))
                .body("layers", equalTo(List.of(64, 32, 10)))
                .body("tasks.task", equalTo(List.of("t0", "t1")))
                .body("lastCheckpoint", org.hamcrest.Matchers.nullValue());
        // Checkpoints are off in this test (no mnemo.checkpoint.dir): no versions to list.
        given().when().get("/models/versions").then().statusCode(200).body("size()", equalTo(0));

        // Per-task meters are registered by a scheduled refresh (every 2 s): wait for them.
        String metrics = "";
        long metricsDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < metricsDeadline) {
            metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            if (metrics.contains("mnemo_learner_task_accuracy{task=\"t1\",window=\"sliding\"}")) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(metrics).contains("mnemo_learner_predictions_total 600.0");
        assertThat(metrics).contains("mnemo_learner_accuracy{window=\"all\"}");
        assertThat(metrics).contains("mnemo_learner_task_accuracy{task=\"t1\",window=\"sliding\"}");
        assertThat(metrics).contains("mnemo_learner_lag");

        float[] row = digits.features()[0];
        given().contentType(ContentType.JSON).body(new PredictResource.PredictRequest(List.of(row, row)))
                .when().post("/predict").then().statusCode(200)
                .body("predictions", hasSize(2))
                .body("predictions[0].probabilities", hasSize(10));
        given().contentType(ContentType.JSON).body("{\"features\": [[1, 2, 3]]}")
                .when().post("/predict").then().statusCode(400)
                .body("error", equalTo("row 0 has 3 features, the model takes 64"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("mnemo-model"));
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
