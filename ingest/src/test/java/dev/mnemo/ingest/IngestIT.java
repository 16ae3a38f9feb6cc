package dev.mnemo.ingest;

import static dev.mnemo.ingest.SampleFixtures.avro;
import static dev.mnemo.ingest.SampleFixtures.jsonFeatures;
import static dev.mnemo.ingest.SampleFixtures.sample;
import static dev.mnemo.ingest.SampleFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.dataset.DatasetProducer;
import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.ingest.dataset.StreamOrder;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.RejectedRecord;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest against a real broker (the shared fixture of the deploy module), with real samples from
 * the first dataset installed here, two partitions and two stream threads.
 */
class IngestIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path stateDir;

    @Test
    void routesRealSamplesAndDeadLettersBadRecordsExactly() throws Exception {
        Optional<String> name = Datasets.firstAvailable(Datasets.FASHION_MNIST, Datasets.MNIST, Datasets.DIGITS);
        assumeTrue(name.isPresent(), "no dataset installed here; run ./mnemo data");
        DatasetSplit data = Datasets.load(name.get());
        int features = data.train().dimension();

        KafkaFixture kafka = KafkaFixture.shared();
        String prefix = kafka.uniquePrefix("IngestIT.routes");
        IngestConfig config = IngestConfig.defaults().withPrefix(prefix).withFeatures(features)
                .withApplicationId(prefix + "ingest");
        kafka.createTopics(2, IngestTopology.topics(config).toArray(String[]::new));

        Map<String, Object> streamsConfig = kafka.clientConfig();
        streamsConfig.put("commit.interval.ms", 200);
        streamsConfig.put("num.stream.threads", 2);
        try (IngestService ingest = IngestService.start(config, streamsConfig, stateDir)) {
            assertThat(ingest.awaitRunning(Duration.ofSeconds(60))).as("ingest reached RUNNING").isTrue();

            // Bad records first: the stream must keep going after them.
            Map<String, byte[]> bad = new HashMap<>();
            bad.put("bad-undecodable", utf8("not a sample at all"));
            bad.put("bad-schema", utf8("{\"id\":\"s1\",\"features\":" + jsonFeatures(features) + ",\"label\":\"3\"}"));
            bad.put("bad-missing-id", utf8("{\"features\":" + jsonFeatures(features) + "}"));
            bad.put("bad-dimension", avro(sample("d1", features - 1, 1, 1L)));
            bad.put("bad-non-finite", utf8("{\"id\":\"n1\",\"features\":[Infinity"
                    + jsonFeatures(features - 1).replace('[', ',') + "}"));
            bad.put("bad-label-range", avro(sample("l1", features, 10, 1L)));
            bad.put("bad-too-large", new byte[config.maxRecordBytes() + 1]);
            bad.put("bad-tombstone", null);
            Map<String, Object> producerConfig = kafka.clientConfig();
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (Map.Entry<String, byte[]> e : bad.entrySet()) {
                    raw.send(new ProducerRecord<>(config.topics().samplesRaw(), utf8(e.getKey()), e.getValue())).get();
                }
            }

            // 600 real training samples, class-incremental, 20% unlabelled, as Avro...
            LabelledData train = data.train();
            StreamOrder.OrderedStream order = StreamOrder.classIncremental(train, 2, 600, 17L);
            DatasetProducer.Result avroResult;
            try (DatasetProducer producer = DatasetProducer.connect(kafka.clientConfig(),
                    DatasetProducer.Options.to(config.topics().samplesRaw()).withUnlabelled(0.2, 5L))) {
                avroResult = producer.send(train, order, DatasetProducer.Progress.NONE);
            }
            // ...and 100 real test samples as JSON lines, half unlabelled.
            LabelledData test = data.test();
            DatasetProducer.Result jsonResult;
            try (DatasetProducer producer = DatasetProducer.connect(kafka.clientConfig(),
                    DatasetProducer.Options.to(config.topics().samplesRaw()).withUnlabelled(0.5, 6L)
                            .withFormat(DatasetProducer.Format.JSON))) {
                jsonResult = producer.send(test, StreamOrder.shuffled(test, 100, 3L));
            }
            assertThat(avroResult).isEqualTo(new DatasetProducer.Result(600, 480, 120));
            assertThat(jsonResult).isEqualTo(new DatasetProducer.Result(100, 50, 50));

            long labelledExpected = 530;
            long unlabelledExpected = 170;
            long rejectedExpected = bad.size();
            Map<String, List<ConsumerRecord<byte[], byte[]>>> out = OutputReader.read(kafka, config,
                    labelledExpected + unlabelledExpected + rejectedExpected, DEADLINE);

            List<ConsumerRecord<byte[], byte[]>> labelled = out.get(config.topics().samplesLabelled());
            List<ConsumerRecord<byte[], byte[]>> unlabelled = out.get(config.topics().samplesUnlabelled());
            List<ConsumerRecord<byte[], byte[]>> dlq = out.get(config.topics().samplesDlq());
            assertThat(labelled).hasSize((int) labelledExpected);
            assertThat(unlabelled).hasSize((int) unlabelledExpected);
            assertThat(dlq).hasSize((int) rejectedExpected);

            Set<String> expectedLabelledIds = new HashSet<>();
            Set<String> expectedTrainIds = new HashSet<>();
            for (int index : order.indices()) {
                expectedTrainIds.add(train.name() + "-" + index);
            }
            Set<String> seen = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : labelled) {
                Sample s = MnemoSerdes.sample().decode(r.value());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(s.getId());
                assertThat(s.getLabel()).isNotNull();
                float[] values = SampleFeatures.of(s);
                assertThat(values).hasSize(features);
                int index = Integer.parseInt(s.getId().substring(s.getId().lastIndexOf('-') + 1));
                LabelledData from = s.getId().startsWith(train.name() + "-") ? train : test;
                assertThat(s.getLabel()).isEqualTo(from.label(index));
                assertThat(values).containsExactly(from.feature(index));
                if (from == train) {
                    expectedLabelledIds.add(s.getId());
                    assertThat(s.getTask()).isEqualTo(String.valueOf(from.label(index) / 2 + 1));
                }
                assertThat(seen.add(s.getId())).as("no duplicate " + s.getId()).isTrue();
            }
            for (ConsumerRecord<byte[], byte[]> r : unlabelled) {
                Sample s = MnemoSerdes.sample().decode(r.value());
                assertThat(s.getLabel()).isNull();
                assertThat(seen.add(s.getId())).as("no duplicate " + s.getId()).isTrue();
            }
            assertThat(seen).containsAll(expectedTrainIds).hasSize(700);
            assertThat(expectedLabelledIds).hasSize(480);

            Map<String, String> reasonByKey = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dlq) {
                RejectedRecord letter = MnemoSerdes.rejectedRecord().decode(r.value());
                String reason = new String(r.headers().lastHeader(DeadLetters.HEADER_REASON).value(), StandardCharsets.UTF_8);
                assertThat(letter.getReason()).isEqualTo(reason);
                assertThat(letter.getTopic()).isEqualTo(config.topics().samplesRaw());
                assertThat(letter.getOffset()).isNotNegative();
                reasonByKey.put(new String(r.key(), StandardCharsets.UTF_8), reason);
            }
            assertThat(reasonByKey).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "bad-undecodable", DeadLetters.UNDECODABLE, "bad-schema", DeadLetters.SCHEMA,
                    "bad-missing-id", DeadLetters.MISSING_ID, "bad-dimension", DeadLetters.DIMENSION,
                    "bad-non-finite", DeadLetters.NON_FINITE, "bad-label-range", DeadLetters.LABEL_RANGE,
                    "bad-too-large", DeadLetters.TOO_LARGE, "bad-tombstone", DeadLetters.UNDECODABLE));

            IngestCounters.Snapshot counts = ingest.counters().snapshot();
            assertThat(counts.received()).isEqualTo(708);
            assertThat(counts.labelled()).isEqualTo(labelledExpected);
            assertThat(counts.unlabelled()).isEqualTo(unlabelledExpected);
            assertThat(counts.rejected()).isEqualTo(rejectedExpected);
            assertThat(counts.rejected(DeadLetters.UNDECODABLE)).isEqualTo(2);
            assertThat(metric(ingest, "received-total")).isEqualTo(708.0);
            assertThat(metric(ingest, "rejected-total")).isEqualTo((double) rejectedExpected);
            var jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            var mbeans = jmx.queryNames(new javax.management.ObjectName("kafka.streams:type="
                    + IngestCounters.METRICS_GROUP + ",application-id=" + config.applicationId()), null);
            assertThat(mbeans).as("the counters are exported to JMX").hasSize(1);
            assertThat(jmx.getAttribute(mbeans.iterator().next(), "received-total")).isEqualTo(708.0);
            assertThat(ingest.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static Double metric(IngestService ingest, String name) {
        for (var e : ingest.metrics().entrySet()) {
            MetricName m = e.getKey();
            if (m.group().equals(IngestCounters.METRICS_GROUP) && m.name().equals(name) && !m.tags().containsKey("reason")) {
                return (Double) e.getValue().metricValue();
            }
        }
        return null;
    }
}
