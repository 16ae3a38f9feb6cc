package dev.mnemo.learner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/** A learner stopped mid-stream and started again, broker still up, resumes where it stopped. */
class RestartIT {

    private static final int SAMPLES = 4000;
    private static final int BATCH = 100;

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void aRestartedLearnerSkipsNoSample() throws Exception {
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("restart"));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 2, (short) 1);
        LabelledData digits = Datasets.digits();
        Map<String, Object> producerConfig = kafka.clientConfig();
        // Fail within the test's time instead of retrying for minutes on a topic that just appeared.
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < SAMPLES; i++) {
                int row = i % digits.size();
                Sample s = Sample.newBuilder().setId("s-" + i).setSource("it").setEventTime(Instant.ofEpochMilli(i))
                        .setFeatures(boxed(digits.features()[row])).setLabel(digits.labels()[row]).build();
                producer.send(new ProducerRecord<>(topics.samplesLabelled(), s.getId(), MnemoSerdes.sample().encode(s)));
            }
        }
        LearnerLoopConfig base = LearnerLoopConfig.defaults(topics).withGroupId("restart-" + topics.prefix());
        LearnerLoopConfig config = base.withMaxPollRecords(BATCH);

        LearnerLoop first = new LearnerLoop(config, StrategySpec.parse("fine-tune").trainer(MlpSpec.defaults(64, 10)), kafka.clientConfig(),
                Clock.systemUTC());
        Thread t1 = new Thread(first, "first");
        t1.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (first.status().predicted() < SAMPLES / 4 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(first.status().predicted()).as("predicted before the stop").isGreaterThanOrEqualTo(SAMPLES / 4);
        first.stop();
        assertThat(first.awaitStopped(Duration.ofSeconds(30))).isTrue();
        long firstPredicted = first.status().predicted();
        assertThat(firstPredicted).as("the first learner stopped mid-stream").isLessThan(SAMPLES);

        LearnerLoop second = new LearnerLoop(config, StrategySpec.parse("fine-tune").trainer(MlpSpec.defaults(64, 10)), kafka.clientConfig(),
                Clock.systemUTC());
        Thread t2 = new Thread(second, "second");
        t2.start();
        try {
            List<ConsumerRecord<String, byte[]>> predictions = TopicReader.readExactly(kafka, topics.predictions(),
                    SAMPLES, Duration.ofSeconds(90));
            Map<String, Integer> perId = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : predictions) {
                Prediction p = MnemoSerdes.prediction().decode(r.value());
                perId.merge(p.getSampleId(), 1, Integer::sum);
            }
            assertThat(perId).as("every sample predicted").hasSize(SAMPLES);
            assertThat(perId.values()).as("offsets were committed after each batch, so nothing is predicted twice")
                    .allMatch(n -> n == 1);
            assertThat(firstPredicted + second.status().predicted()).isEqualTo(SAMPLES);
        } finally {
            second.stop();
            second.awaitStopped(Duration.ofSeconds(30));
        }
    }

    private static List<Float> boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return List.of(out);
    }
}
