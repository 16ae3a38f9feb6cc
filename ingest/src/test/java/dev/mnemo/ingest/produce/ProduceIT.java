package dev.mnemo.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestCounters;
import dev.mnemo.ingest.IngestService;
import dev.mnemo.ingest.IngestTopology;
import dev.mnemo.ingest.OutputReader;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The produce command streams a small CSV through the real topology on a real broker. */
class ProduceIT {

    @TempDir
    Path dir;

    @Test
    void producesACsvAndTheCountsAddUpDownstream() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        String prefix = kafka.uniquePrefix("ProduceIT.csv");
        IngestConfig config = IngestConfig.defaults().withPrefix(prefix).withFeatures(3)
                .withApplicationId(prefix + "ingest");
        kafka.createTopics(1, IngestTopology.topics(config).toArray(String[]::new));
        Path csv = dir.resolve("sensors.csv");
        Files.writeString(csv, String.join("\n",
                "id,x,y,z,label",
                "s1,0.1,0.2,0.3,0",
                "s2,0.1,0.2,0.3,1",
                "s3,0.1,0.2,0.3,2",
                "s4,0.1,0.2,0.3,",          // unlabelled
                "s5,0.1,oops,0.3,1",        // unreadable: never sent
                "s6,0.1,0.2,0.3,12",        // sent; the topology rejects it: label-range
                "s7,0.1,0.2,0.3,3",
                ""));
        Map<String, Object> streams = kafka.clientConfig();
        streams.put("commit.interval.ms", 100);
        try (IngestService ingest = IngestService.start(config, streams, dir.resolve("state"))) {
            assertThat(ingest.awaitRunning(Duration.ofSeconds(60))).isTrue();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ProduceMain.run(new String[] {csv.toString(), "--bootstrap", kafka.bootstrapServers(),
                    "--prefix", prefix, "--source", "plant"}, Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text).isEqualTo(1);
            assertThat(text).contains("sent 6 records; errors 1 (unreadable 1, not delivered 0)")
                    .contains("line 6: unreadable: column 3: 'oops' is not a number")
                    .contains("7/7 records");

            Map<String, List<ConsumerRecord<byte[], byte[]>>> out = OutputReader.read(kafka, config, 6,
                    Duration.ofSeconds(60));
            assertThat(out.get(config.topics().samplesLabelled())).hasSize(4);
            assertThat(out.get(config.topics().samplesUnlabelled())).hasSize(1);
            assertThat(out.get(config.topics().samplesDlq())).hasSize(1);
            Sample s4 = MnemoSerdes.sample().decode(out.get(config.topics().samplesUnlabelled()).get(0).value());
            assertThat(s4.getId()).isEqualTo("s4");
            assertThat(s4.getSource()).isEqualTo("plant");
            assertThat(SampleFeatures.of(s4)).containsExactly(0.1f, 0.2f, 0.3f);
            assertThat(new String(out.get(config.topics().samplesDlq()).get(0).headers()
                    .lastHeader(DeadLetters.HEADER_REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo(DeadLetters.LABEL_RANGE);
            IngestCounters.Snapshot counts = ingest.counters().snapshot();
            assertThat(counts.received()).isEqualTo(6);
            assertThat(counts.labelled()).isEqualTo(4);
            assertThat(counts.unlabelled()).isEqualTo(1);
            assertThat(counts.rejected()).isEqualTo(1);
        }
    }
}
