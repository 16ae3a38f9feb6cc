package dev.mnemo.learner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestCounters;
import dev.mnemo.ingest.IngestService;
import dev.mnemo.ingest.dataset.DatasetProducer;
import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.StreamOrder;
import dev.mnemo.ingest.demo.BadRecords;
import dev.mnemo.learner.eval.ClassificationMetrics;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.RejectedRecord;

/**
 * The whole path on a real broker: raw -> ingest -> learner -> predictions, with malformed records
 * of every reason mixed in, on real MNIST digits.
 */
class PipelineIT {

    private static final int SAMPLES = 6000;

    private final KafkaFixture kafka = KafkaFixture.shared();
    private Topics topics;
    private IngestService ingest;
    private LearnerLoop loop;
    private Thread loopThread;

    @BeforeEach
    void start(TestInfo info) throws Exception {
        topics = Topics.withPrefix(kafka.uniquePrefix(info.getTestMethod().orElseThrow().getName()));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 2, (short) 1);
        Path state = Files.createTempDirectory("ingest-state");
        ingest = IngestService.start(new IngestConfig(topics, 784, 10, IngestConfig.DEFAULT_MAX_RECORD_BYTES,
                "it-ingest-" + topics.prefix().replace('.', '-')), kafka.clientConfig(), state);
        assertThat(ingest.awaitRunning(Duration.ofSeconds(60))).as("ingest running").isTrue();
        loop = new LearnerLoop(LearnerLoopConfig.defaults(topics).withGroupId("it-learner-" + topics.prefix()),
                StrategySpec.parse("fine-tune").trainer(MlpSpec.defaults(784, 10)), kafka.clientConfig(), Clock.systemUTC());
        loopThread = new Thread(loop, "it-learner");
        loopThread.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stop();
            loop.awaitStopped(Duration.ofSeconds(30));
        }
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void everyRecordIsPredictedOrDeadLetteredAndTheModelLearnsRealDigits() throws Exception {
        DatasetSplit mnist = Datasets.mnist();
        StreamOrder.OrderedStream order = StreamOrder.classIncremental(mnist.train(), 10, SAMPLES, 11L);
        BadRecords bad = new BadRecords(784, 10, IngestConfig.DEFAULT_MAX_RECORD_BYTES, 5L, Clock.systemUTC());
        List<BadRecords.BadRecord> badRecords = new ArrayList<>();
        for (int i = 0; i < 2 * BadRecords.REASONS.size(); i++) {
            badRecords.add(bad.next());
        }

        DatasetProducer.Result sent;
        try (DatasetProducer producer = DatasetProducer.connect(kafka.clientConfig(),
                DatasetProducer.Options.to(topics.samplesRaw()).withUnlabelled(0.2, 3L));
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                     new ByteArraySerializer())) {
            sent = producer.send(mnist.train(), order);
            for (BadRecords.BadRecord r : badRecords) {
                raw.send(new ProducerRecord<>(topics.samplesRaw(), r.key(), r.value()));
            }
            raw.flush();
        }
        assertThat(sent.sent()).isEqualTo(SAMPLES);

        List<ConsumerRecord<String, byte[]>> predictions = TopicReader.readExactly(kafka, topics.predictions(), SAMPLES,
                Duration.ofSeconds(120));
        List<ConsumerRecord<String, byte[]>> deadLetters = TopicReader.readExactly(kafka, topics.samplesDlq(),
                badRecords.size(), Duration.ofSeconds(60));

        Set<String> ids = new HashSet<>();
        long labelled = 0;
        for (ConsumerRecord<String, byte[]> r : predictions) {
            Prediction p = MnemoSerdes.prediction().decode(r.value());
            ids.add(p.getSampleId());
            assertThat(p.getProbabilities()).hasSize(10);
            if (p.getLabel() != null) {
                labelled++;
            }
        }
        assertThat(ids).as("one prediction per valid sample").hasSize(SAMPLES);
        assertThat(labelled).isEqualTo(sent.labelled());

        Map<String, String> reasonByKey = new HashMap<>();
        badRecords.forEach(r -> reasonByKey.put(r.key(), r.reason()));
        for (ConsumerRecord<String, byte[]> r : deadLetters) {
            String header = new String(r.headers().lastHeader(DeadLetters.HEADER_REASON).value(), StandardCharsets.UTF_8);
            RejectedRecord rejected = MnemoSerdes.rejectedRecord().decode(r.value());
            assertThat(rejected.getReason()).isEqualTo(header);
            assertThat(rejected.getStage()).isEqualTo(DeadLetters.STAGE_INGEST);
            assertThat(header).as("reason of %s", r.key()).isEqualTo(reasonByKey.get(r.key()));
        }
        assertThat(deadLetters).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(reasonByKey.keySet());

        IngestCounters.Snapshot counters = ingest.counters().snapshot();
        assertThat(counters.received()).isEqualTo(SAMPLES + badRecords.size());
        assertThat(counters.received()).isEqualTo(counters.labelled() + counters.unlabelled() + counters.rejected());
        for (String reason : BadRecords.REASONS) {
            assertThat(counters.rejected(reason)).as("rejected for %s", reason).isEqualTo(2);
        }

        LearnerStatus status = awaitStatus(s -> s.predicted() == SAMPLES);
        assertThat(status.received()).isEqualTo(status.predicted() + status.rejectedTotal());
        assertThat(status.trainedSamples()).isEqualTo(sent.labelled());

        // One pass over 4,800 labelled digits: far above the 10% of chance on the 10,000 test digits.
        Classifier serving = awaitServingVersion(status.modelVersion());
        double testAccuracy = ClassificationMetrics.evaluate(serving, mnist.test().features(), mnist.test().labels()).accuracy();
        assertThat(testAccuracy).as("test accuracy after one streamed pass").isGreaterThan(0.85);
        assertThat(status.windowAccuracy()).as("prequential accuracy over the last 1000 labelled").isGreaterThan(0.8);
    }

    private LearnerStatus awaitStatus(java.util.function.Predicate<LearnerStatus> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            LearnerStatus s = loop.status();
            if (condition.test(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not met; last status " + loop.status());
    }

    private Classifier awaitServingVersion(long version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Classifier c = loop.servingModel();
            if (c.version() >= version) {
                return c;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serving model never reached version " + version);
    }
}
