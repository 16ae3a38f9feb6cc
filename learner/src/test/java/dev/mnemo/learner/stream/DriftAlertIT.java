package dev.mnemo.learner.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.ingest.dataset.StreamOrder;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.learner.watch.WatchConfig;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.LabelRequest;
import dev.mnemo.schemas.v1.Sample;
import dev.mnemo.schemas.v1.Verdict;

/**
 * The drift watch end to end on a real broker, with the learner the demo runs (784-400-400 MLP,
 * LwF + replay, default drift settings): real image streams with a change at a known index.
 * <ul>
 *   <li>Fashion-MNIST, then MNIST: a {@code NOVEL_INPUTS} alert within 1,000 samples of the switch;</li>
 *   <li>Fashion-MNIST, then the same images with permuted labels: a {@code CONCEPT_CHANGE} alert
 *       within 1,000 labelled samples;</li>
 *   <li>50,000 samples of Fashion-MNIST in random order: no alert at all.</li>
 * </ul>
 * One partition, so that a sample's stream position is its index. A fifth of the samples carry no
 * label, so that label requests have candidates. Events, alerts and label requests are read back
 * with a plain consumer and decoded as Avro.
 */
class DriftAlertIT {

    private static final int BEFORE = 8000;
    private static final int AFTER = 2000;
    private static final double UNLABELLED = 0.2;

    private static DatasetSplit fashion;
    private static DatasetSplit mnist;

    private final KafkaFixture kafka = KafkaFixture.shared();
    private Topics topics;
    private LearnerLoop loop;

    @BeforeAll
    static void load() {
        fashion = Datasets.fashionMnist();
        mnist = Datasets.mnist();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stop();
            loop.awaitStopped(Duration.ofSeconds(30));
        }
    }

    @Test
    void newKindsOfInputsRaiseANovelInputsAlert(TestInfo info) throws Exception {
        List<Row> stream = rows(fashion.train(), 0, BEFORE, 1L, null);
        stream.addAll(rows(mnist.train(), 0, AFTER, 2L, null));

        run(info, stream);

        List<DriftAlert> alerts = read(topics.alerts(), MnemoSerdes.driftAlert()::decode);
        report("Fashion-MNIST -> MNIST", alerts);
        assertThat(alerts).as("no alert before the switch").allMatch(a -> eventPosition(a) >= BEFORE);
        assertThat(alerts).as("an alert after the switch").isNotEmpty();
        DriftAlert first = alerts.get(0);
        assertThat(first.getVerdict()).as("evidence %s", first.getEvidence()).isEqualTo(Verdict.NOVEL_INPUTS);
        assertThat(first.getWindowEnd() - BEFORE).as("samples from the switch to the alert").isLessThanOrEqualTo(1000);
        assertThat(first.getAction()).isEqualTo("task-boundary");
        assertThat(first.getEvidence()).containsKeys("ood.before", "ood.after", "ood.pValue", "entropy.after",
                "mi.after", "error.after");
        assertThat(first.getEvidence().get("ood.auroc")).isGreaterThanOrEqualTo(0.75);
        assertThat(loop.status().taskBoundaries()).as("the confirmed drift ended a task").isPositive();

        List<DriftEvent> events = read(topics.driftEvents(), MnemoSerdes.driftEvent()::decode);
        assertThat(events).extracting(DriftEvent::getEventId).contains(first.getEventId());
        List<LabelRequest> requests = read(topics.labelRequests(), MnemoSerdes.labelRequest()::decode);
        assertThat(requests).as("the most novel unlabelled samples of the window").isNotEmpty()
                .hasSizeLessThanOrEqualTo(WatchConfig.defaults().labelRequestBudget() * alerts.size())
                .allMatch(r -> "novelty".equals(r.getReason()));
        assertThat(requests).filteredOn(r -> first.getAlertId().equals(r.getAlertId()))
                .allMatch(r -> Integer.parseInt(r.getSampleId().substring(2)) >= BEFORE);
    }

    @Test
    void permutedLabelsRaiseAConceptChangeAlert(TestInfo info) throws Exception {
        int[] permutation = {3, 7, 0, 9, 1, 8, 2, 5, 4, 6};
        List<Row> stream = rows(fashion.train(), 0, BEFORE, 1L, null);
        stream.addAll(rows(fashion.train(), BEFORE, AFTER, 3L, permutation));

        run(info, stream);

        List<DriftAlert> alerts = read(topics.alerts(), MnemoSerdes.driftAlert()::decode);
        report("Fashion-MNIST, labels permuted", alerts);
        assertThat(alerts).as("no alert before the switch").allMatch(a -> eventPosition(a) >= BEFORE);
        assertThat(alerts).as("an alert after the switch").isNotEmpty();
        DriftAlert first = alerts.get(0);
        assertThat(first.getVerdict()).as("evidence %s", first.getEvidence()).isEqualTo(Verdict.CONCEPT_CHANGE);
        long labelledUntilAlert = stream.subList(BEFORE, (int) first.getWindowEnd() + 1).stream()
                .filter(r -> r.label >= 0).count();
        System.out.printf("concept change: alert after %d labelled samples of the new concept%n", labelledUntilAlert);
        assertThat(labelledUntilAlert).as("labelled samples from the switch to the alert").isLessThanOrEqualTo(1000);
        assertThat(first.getEvidence().get("error.after")).isGreaterThan(first.getEvidence().get("error.before") + 0.2);
    }

    @Test
    void aStableStreamRaisesNoAlert(TestInfo info) throws Exception {
        int n = 50_000;
        List<Row> stream = rows(fashion.train(), 0, n, 4L, null);

        run(info, stream);

        List<DriftAlert> alerts = read(topics.alerts(), MnemoSerdes.driftAlert()::decode);
        List<DriftEvent> events = read(topics.driftEvents(), MnemoSerdes.driftEvent()::decode);
        report("Fashion-MNIST, stable", alerts);
        System.out.printf("stable stream: %d samples, %d drift events, %d alerts%n", n, events.size(), alerts.size());
        assertThat(alerts).as("alerts on %d samples of a stable stream", n).isEmpty();
        assertThat(loop.driftAlerts()).isZero();
    }

    /** A sample of the stream: its features and its label, -1 when sent without one. */
    private record Row(float[] features, int label) {
    }

    /**
     * {@code count} rows of {@code data}, starting at {@code from} in a seeded random order, a fifth
     * without labels, labels mapped through {@code permutation} when given.
     */
    private static List<Row> rows(LabelledData data, int from, int count, long seed, int[] permutation) {
        int[] order = StreamOrder.shuffled(data, 11L).indices();
        SplittableRandom unlabelled = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>(count);
        for (int k = from; k < from + count; k++) {
            int i = order[k % order.length];
            int label = permutation == null ? data.labels()[i] : permutation[data.labels()[i]];
            out.add(new Row(data.features()[i], unlabelled.nextDouble() < UNLABELLED ? -1 : label));
        }
        return out;
    }

    private void run(TestInfo info, List<Row> stream) throws Exception {
        topics = Topics.withPrefix(kafka.uniquePrefix(info.getTestMethod().orElseThrow().getName()));
        TopicAdmin.ensure(kafka.clientConfig(), topics.all(), 1, (short) 1);
        AtomicInteger failed = new AtomicInteger();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < stream.size(); i++) {
                Row row = stream.get(i);
                Sample s = Sample.newBuilder().setId("s-" + i).setSource("drift-it").setEventTime(Instant.ofEpochMilli(i))
                        .setFeatures(List.of()).setPacked(SampleFeatures.pack(row.features))
                        .setLabel(row.label < 0 ? null : row.label).build();
                producer.send(new ProducerRecord<>(topics.samplesLabelled(), s.getId(), MnemoSerdes.sample().encode(s)),
                        (metadata, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
        }
        assertThat(failed.get()).as("samples the producer could not send").isZero();
        loop = new LearnerLoop(LearnerLoopConfig.defaults(topics).withGroupId("drift-it-" + topics.prefix()),
                StrategySpec.parse("lwf+replay").trainer(MlpSpec.defaults(784, 10)), kafka.clientConfig(),
                Clock.systemUTC());
        Thread thread = new Thread(loop, "drift-it-learner");
        thread.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
        while (loop.status().predicted() < stream.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(loop.status().predicted()).as("samples predicted; status %s", loop.status()).isEqualTo(stream.size());
        loop.stop();
        assertThat(loop.awaitStopped(Duration.ofSeconds(30))).isTrue();
    }

    private <T> List<T> read(String topic, java.util.function.Function<byte[], T> decode) {
        List<T> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(kafka, topic, Duration.ofSeconds(30))) {
            out.add(decode.apply(r.value()));
        }
        return out;
    }

    private static long eventPosition(DriftAlert alert) {
        return alert.getEvidence().get("event.position").longValue();
    }

    private static void report(String stream, List<DriftAlert> alerts) {
        for (DriftAlert a : alerts) {
            System.out.printf("%s: alert %s %s by %s, window %d-%d, evidence %s%n", stream, a.getAlertId(),
                    a.getVerdict(), a.getDetectorId(), a.getWindowStart(), a.getWindowEnd(), a.getEvidence());
        }
    }
}
