package dev.mnemo.learner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestService;
import dev.mnemo.ingest.dataset.DatasetProducer;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.ingest.dataset.StreamOrder;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.Prediction;

/**
 * Delayed labels on a real broker: samples arrive unlabelled and are predicted; their labels arrive
 * later on the labels topic, ingest joins them, and the learner scores the prediction it made at
 * arrival (it does not predict again) and trains on the now-labelled samples.
 */
class LateLabelIT {

    private static final int SAMPLES = 1200;

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void lateLabelsScoreTheFirstPredictionAndAreTrainedOn() throws Exception {
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("late-labels"));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 2, (short) 1);
        LabelledData digits = Datasets.digits();
        IngestConfig ingestConfig = IngestConfig.defaults().withTopics(topics).withFeatures(64)
                .withApplicationId("late-" + topics.prefix().replace('.', '-'));
        LearnerLoop loop = new LearnerLoop(LearnerLoopConfig.defaults(topics).withGroupId("late-" + topics.prefix()),
                StrategySpec.parse("fine-tune").trainer(MlpSpec.defaults(64, 10)), kafka.clientConfig(), Clock.systemUTC());
        Thread thread = new Thread(loop, "late-learner");
        try (IngestService ingest = IngestService.start(ingestConfig, kafka.clientConfig(),
                Files.createTempDirectory("late-ingest"))) {
            assertThat(ingest.awaitRunning(Duration.ofSeconds(60))).isTrue();
            thread.start();
            try (DatasetProducer producer = DatasetProducer.connect(kafka.clientConfig(),
                    DatasetProducer.Options.to(topics.samplesRaw()).withSource("it").withUnlabelled(1.0, 1L))) {
                producer.send(digits, StreamOrder.shuffled(digits, SAMPLES, 9L));
            }
            List<ConsumerRecord<String, byte[]>> first = TopicReader.readExactly(kafka, topics.predictions(), SAMPLES,
                    Duration.ofSeconds(90));
            Map<String, Integer> firstPrediction = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : first) {
                Prediction p = MnemoSerdes.prediction().decode(r.value());
                assertThat(p.getLabel()).as("sent unlabelled").isNull();
                firstPrediction.put(p.getSampleId(), p.getPredictedClass());
            }
            assertThat(firstPrediction).hasSize(SAMPLES);

            long correctAtArrival = 0;
            try (KafkaProducer<String, byte[]> labels = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                    new ByteArraySerializer())) {
                for (String id : firstPrediction.keySet()) {
                    int label = digits.labels()[Integer.parseInt(id.substring(id.lastIndexOf('-') + 1))];
                    if (label == firstPrediction.get(id)) {
                        correctAtArrival++;
                    }
                    LabelFeedback feedback = LabelFeedback.newBuilder().setSampleId(id).setSource("it").setLabel(label)
                            .setEventTime(Instant.now()).setLabeller("it").build();
                    labels.send(new ProducerRecord<>(topics.labels(), id, MnemoSerdes.labelFeedback().encode(feedback)));
                }
            }

            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (loop.status().lateLabelled() < SAMPLES && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            LearnerStatus status = loop.status();
            assertThat(status.lateLabelled()).isEqualTo(SAMPLES);
            assertThat(status.lateUnmatched()).as("every first prediction was remembered").isZero();
            assertThat(status.predicted()).as("no second prediction for a late label").isEqualTo(SAMPLES);
            assertThat(status.trainedSamples()).isEqualTo(SAMPLES);
            assertThat(status.received()).isEqualTo(status.predicted() + status.lateLabelled() + status.rejectedTotal());
            assertThat(status.accuracy()).as("prequential accuracy scores the predictions made at arrival")
                    .isEqualTo((double) correctAtArrival / SAMPLES);
            assertThat(TopicReader.readExactly(kafka, topics.predictions(), SAMPLES, Duration.ofSeconds(10)))
                    .hasSize(SAMPLES);
        } finally {
            loop.stop();
            loop.awaitStopped(Duration.ofSeconds(30));
        }
    }
}
