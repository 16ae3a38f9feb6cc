package dev.mnemo.learner.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.mnemo.deploy.kafka.EmbeddedKafka;
import dev.mnemo.deploy.kafka.EmbeddedKafkaOptions;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * The learner on a broker that requires SASL/SCRAM-SHA-512: the Kafka settings the service passes
 * through from {@code kafka.*} (security.protocol, sasl.mechanism, sasl.jaas.config) reach the topic
 * set-up and the loop's consumer and producer. Good credentials: a sample goes in and its
 * prediction comes out. Bad credentials: topic set-up and the loop fail at once with Kafka's
 * authentication error instead of waiting.
 *
 * <p>This test runs its own embedded broker (the shared test broker has no SASL listener).
 */
class SaslScramIT {

    private static final String USER = "mnemo-learner";
    private static final String PASSWORD = "learner-secret";
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(EmbeddedKafkaOptions.defaults().withScramUser(USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void goodCredentialsCarryASampleToItsPrediction() throws Exception {
        Map<String, Object> client = kafka.scramClientConfig(USER, PASSWORD);
        Topics topics = Topics.withPrefix("sasl-good.");
        TopicAdmin.ensure(client, topics.all(), 1, (short) 1);
        LabelledData digits = Datasets.digits();
        LearnerLoop loop = new LearnerLoop(LearnerLoopConfig.defaults(topics).withGroupId("sasl-good"),
                StrategySpec.parse("fine-tune").trainer(MlpSpec.defaults(digits.features()[0].length, 10)), client,
                Clock.systemUTC());
        Thread thread = new Thread(loop, "sasl-learner");
        thread.start();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(),
                new ByteArraySerializer());
             KafkaConsumer<String, byte[]> predictions = new KafkaConsumer<>(consumer(client, "sasl-reader"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            List<Float> features = new ArrayList<>();
            for (float f : digits.features()[0]) {
                features.add(f);
            }
            Sample sample = Sample.newBuilder().setId("sasl-1").setEventTime(Instant.EPOCH).setFeatures(features)
                    .setLabel(digits.labels()[0]).build();
            producer.send(new ProducerRecord<>(topics.samplesLabelled(), sample.getId(),
                    MnemoSerdes.sample().encode(sample))).get();
            predictions.subscribe(List.of(topics.predictions()));
            Prediction prediction = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (prediction == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : predictions.poll(Duration.ofMillis(200))) {
                    prediction = MnemoSerdes.prediction().decode(r.value());
                }
            }
            assertThat(prediction).as("a prediction over SASL, loop status %s", loop.status()).isNotNull();
            assertThat(prediction.getSampleId()).isEqualTo("sasl-1");
            assertThat(prediction.getLabel()).isEqualTo(digits.labels()[0]);
            assertThat(loop.status().state()).isEqualTo("RUNNING");
        } finally {
            loop.stop();
            assertThat(loop.awaitStopped(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void badCredentialsFailClearlyAndFast() throws Exception {
        Map<String, Object> wrongPassword = kafka.scramClientConfig(USER, "not-the-password");
        Topics topics = Topics.withPrefix("sasl-bad.");
        long start = System.nanoTime();
        assertThatThrownBy(() -> TopicAdmin.ensure(wrongPassword, topics.all(), 1, (short) 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach Kafka at " + kafka.saslBootstrapServers())
                .hasMessageContaining("SaslAuthenticationException")
                .hasMessageContaining("Authentication failed during authentication due to invalid credentials "
                        + "with SASL mechanism SCRAM-SHA-512");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails instead of waiting for the timeout")
                .isLessThan(Duration.ofSeconds(20));

        Map<String, Object> unknownUser = kafka.scramClientConfig("nobody", PASSWORD);
        LearnerLoop loop = new LearnerLoop(LearnerLoopConfig.defaults(topics).withGroupId("sasl-bad"),
                StrategySpec.parse("fine-tune").trainer(MlpSpec.defaults(8, 2)), unknownUser, Clock.systemUTC());
        Thread thread = new Thread(loop, "sasl-learner-bad");
        thread.start();
        boolean stopped = loop.awaitStopped(Duration.ofSeconds(30));
        if (!stopped) {
            loop.stop();
        }
        assertThat(stopped).as("the loop stops on its own, status %s", loop.status()).isTrue();
        assertThat(loop.status().state()).isEqualTo("FAILED");
        assertThat(loop.status().error())
                .startsWith("org.apache.kafka.common.errors.SaslAuthenticationException: ")
                .contains("invalid credentials with SASL mechanism SCRAM-SHA-512");
    }

    private static Map<String, Object> consumer(Map<String, Object> client, String group) {
        Map<String, Object> props = new HashMap<>(client);
        props.put("group.id", group);
        props.put("auto.offset.reset", "earliest");
        return props;
    }
}
