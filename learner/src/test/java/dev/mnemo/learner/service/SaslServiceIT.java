package dev.mnemo.learner.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.mnemo.deploy.kafka.EmbeddedKafka;
import dev.mnemo.deploy.kafka.EmbeddedKafkaOptions;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The packaged service on a broker that accepts only SASL/SCRAM-SHA-512 on the address it is
 * given: the settings under {@code kafka.*} (security.protocol, sasl.mechanism, sasl.jaas.config)
 * reach every client of the service (topic set-up, the loop, the dead-letter counter, the alert
 * feed), and samples sent over SASL are predicted. Bad credentials are covered by
 * {@code dev.mnemo.learner.stream.SaslScramIT}.
 */
@QuarkusTest
@TestProfile(SaslServiceIT.Sasl.class)
class SaslServiceIT {

    /** Only the SCRAM broker: the shared test broker of the other service tests is left out. */
    public static class Sasl implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ScramBroker.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    static final String USER = "mnemo-service";
    static final String PASSWORD = "service-secret";

    /** Its own embedded broker with a SCRAM listener; the service sees only the SASL address. */
    public static class ScramBroker implements QuarkusTestResourceLifecycleManager {
        private EmbeddedKafka kafka;

        @Override
        public Map<String, String> start() {
            kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withScramUser(USER, PASSWORD));
            Map<String, String> config = new HashMap<>();
            kafka.scramClientConfig(USER, PASSWORD).forEach((k, v) -> config.put("kafka." + k, String.valueOf(v)));
            config.put("mnemo.topics.prefix", "sasl.");
            config.put("mnemo.model.inputs", "64");
            config.put("mnemo.model.hidden", "32");
            return config;
        }

        @Override
        public void stop() {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Inject
    LearnerService service;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "kafka.sasl.jaas.config")
    String jaas;

    @Test
    void theServiceConsumesAndPredictsOverSaslScram() throws Exception {
        assertThat(service.kafkaConfigForDiagnostics()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("sasl.jaas.config", "***");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && given().when().get("/q/health/ready").statusCode() != 200) {
            Thread.sleep(200);
        }
        given().when().get("/q/health/ready").then().statusCode(200);

        LabelledData digits = Datasets.digits();
        int n = 100;
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap, "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                List<Float> features = new ArrayList<>();
                for (float f : digits.features()[i]) {
                    features.add(f);
                }
                Sample s = Sample.newBuilder().setId("sasl-" + i).setEventTime(Instant.ofEpochMilli(i))
                        .setFeatures(features).setLabel(digits.labels()[i]).build();
                producer.send(new ProducerRecord<>(service.topics().samplesLabelled(), s.getId(), MnemoSerdes.sample().encode(s)));
            }
        }
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (service.status().orElseThrow().predicted() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        given().when().get("/status").then().statusCode(200)
                .body("state", equalTo("RUNNING"))
                .body("predicted", equalTo(n))
                .body("error", org.hamcrest.Matchers.nullValue());
    }
}
