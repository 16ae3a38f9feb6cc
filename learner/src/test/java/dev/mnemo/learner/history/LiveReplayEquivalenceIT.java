package dev.mnemo.learner.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.ingest.dataset.StreamOrder;
import dev.mnemo.learner.checkpoint.CheckpointStore;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.stream.LearnerLoop;
import dev.mnemo.learner.stream.LearnerLoopConfig;
import dev.mnemo.learner.stream.TopicReader;
import dev.mnemo.learner.watch.WatchConfig;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * The live learner and historical replay run one engine: on the same records, with the same seed
 * and strategy, they make the same predictions and end with the same weights, to the bit. The live
 * loop polls the topic in whatever batches Kafka hands it; the replay cuts it into blocks of another
 * size; training chunks do not depend on either.
 *
 * <p>The stream: the digits set, class-incremental (5 tasks of 2 classes, task tags), a fifth of the
 * samples without a label (they carry LwF's distillation term), on one partition; LwF + replay with
 * the drift watch on.
 */
class LiveReplayEquivalenceIT {

    private static final long SEED = 7L;

    private final KafkaFixture kafka = KafkaFixture.shared();

    @Test
    void liveAndReplayPredictAndTrainIdentically() throws Exception {
        assumeTrue(Datasets.firstAvailable(Datasets.DIGITS).isPresent(), "digits not found; ./mnemo data fetches it");
        Topics topics = Topics.withPrefix(kafka.uniquePrefix("same"));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 1, (short) 1);
        LabelledData digits = Datasets.digits();
        StreamOrder.OrderedStream order = StreamOrder.classIncremental(digits, 2, digits.size(), 3L);
        int n = order.size();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int k = 0; k < n; k++) {
                int i = order.indices()[k];
                List<Float> f = new java.util.ArrayList<>();
                for (float v : digits.feature(i)) {
                    f.add(v);
                }
                Sample s = Sample.newBuilder().setId("d-" + k).setSource("it").setEventTime(Instant.ofEpochMilli(1_000 + k))
                        .setFeatures(f).setLabel(k % 5 == 4 ? null : digits.label(i))
                        .setTask(Integer.toString(order.taskIds()[k])).build();
                producer.send(new ProducerRecord<>(topics.samplesLabelled(), null, 1_000L + k, s.getId(),
                        MnemoSerdes.sample().encode(s)));
            }
        }
        ReplayConfig replay = ReplayConfig.of(List.of("lwf+replay"), SEED).withBatchSize(32).withBlockSize(100)
                .withParallel(false);

        // Live: the learner's Kafka adapter, polls of up to 150 records; the stream is idle only at its end.
        Path dir = Files.createTempDirectory("mnemo-same-it");
        LearnerLoopConfig live = new LearnerLoopConfig(topics, "same-" + topics.prefix(), "default", 150, 32, 1000,
                Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(2), 100_000, true,
                LearnerLoopConfig.Checkpoints.in(dir), WatchConfig.defaults());
        LearnerLoop loop = new LearnerLoop(live, replay.strategies().get(0).trainer(replay.freshModel(64)),
                kafka.clientConfig(), Clock.systemUTC());
        Thread t = new Thread(loop, "same-live");
        t.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (loop.status().predicted() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            loop.stop();
            assertThat(loop.awaitStopped(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(loop.status().predicted()).as("live status %s", loop.status()).isEqualTo(n);
        Classifier liveModel = new CheckpointStore(dir, 3, Clock.systemUTC()).latestValid().checkpoint().orElseThrow()
                .model();
        Map<String, Prediction> livePredictions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readExactly(kafka, topics.predictions(), n,
                Duration.ofSeconds(60))) {
            Prediction p = MnemoSerdes.prediction().decode(r.value());
            livePredictions.put(p.getSampleId(), p);
        }

        // Replay: the same records read back from the topic, blocks of 100.
        ReplayResult result;
        try (RangeReader reader = RangeReader.open(kafka.clientConfig(),
                ReplayRange.topics(List.of(topics.samplesLabelled())))) {
            result = HistoricalReplay.run(new KafkaSamples(reader, 64, 10), null, replay, StartingModel.fresh(),
                    HistoricalReplay.Progress.NONE);
        }
        ReplayResult.LaneResult lane = result.lanes().get(0);

        // The same predictions: per class, how many labelled samples each predicted right.
        long[] liveCorrect = new long[10];
        long liveScored = 0;
        for (Prediction p : livePredictions.values()) {
            if (p.getLabel() != null) {
                liveScored++;
                if (p.getPredictedClass() == p.getLabel()) {
                    liveCorrect[p.getLabel()]++;
                }
            }
        }
        assertThat(lane.scored()).isEqualTo(liveScored);
        for (ReplayResult.ClassScore c : lane.perClass()) {
            assertThat(c.correct()).as("class %d right", c.label()).isEqualTo(liveCorrect[c.label()]);
        }
        assertThat(lane.correct()).isPositive();
        // The same training: as many steps and task ends, and the same weights to the bit.
        assertThat(lane.finalVersion()).isEqualTo(liveModel.version()).isEqualTo(loop.status().modelVersion());
        assertThat(lane.taskBoundaries()).isGreaterThanOrEqualTo(4);
        for (int layer = 0; layer < liveModel.layerCount(); layer++) {
            assertThat(lane.model().layerParameters(layer)).as("layer %d", layer)
                    .containsExactly(liveModel.layerParameters(layer));
        }
        // And the same predictions of the final model, so the outputs agree as well as the weights.
        float[][] probe = new float[50][];
        for (int i = 0; i < probe.length; i++) {
            probe[i] = digits.feature(i * 31 % digits.size());
        }
        assertThat(lane.model().predict(probe).probabilities()).isDeepEqualTo(liveModel.predict(probe).probabilities());
    }
}
