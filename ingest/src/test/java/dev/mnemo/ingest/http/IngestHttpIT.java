package dev.mnemo.ingest.http;

import static dev.mnemo.ingest.SampleFixtures.jsonFeatures;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnemo.deploy.testing.KafkaFixture;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.IngestService;
import dev.mnemo.ingest.IngestTopology;
import dev.mnemo.ingest.OutputReader;
import dev.mnemo.ingest.SampleFixtures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP intake on a real broker: samples through the topology, and a real producer's back-pressure. */
class IngestHttpIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void postedSamplesGoThroughTheTopology() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        String prefix = kafka.uniquePrefix("IngestHttpIT.post");
        IngestConfig config = IngestConfig.defaults().withPrefix(prefix).withFeatures(8)
                .withApplicationId(prefix + "ingest");
        kafka.createTopics(1, IngestTopology.topics(config).toArray(String[]::new));
        Map<String, Object> streams = kafka.clientConfig();
        streams.put("commit.interval.ms", 100);
        try (IngestService ingest = IngestService.start(config, streams, dir);
             IngestHttpServer http = IngestHttpServer.start(config, kafka.clientConfig(),
                     IngestHttpServer.Options.onPort(0),
                     () -> new IngestHttpServer.Health(true, Map.of("ingest", ingest.state().name())))) {
            assertThat(ingest.awaitRunning(Duration.ofSeconds(60))).isTrue();
            HttpClient client = HttpClient.newHttpClient();
            String body = "{\"samples\":["
                    + "{\"id\":\"h1\",\"source\":\"web\",\"features\":" + jsonFeatures(8) + ",\"label\":1},"
                    + "{\"id\":\"h2\",\"source\":\"web\",\"features\":" + jsonFeatures(8) + ",\"label\":2},"
                    + "{\"id\":\"h3\",\"source\":\"web\",\"features\":" + jsonFeatures(8) + "}]}";
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + http.port() + "/samples"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("{\"accepted\":3,\"labelled\":2,\"unlabelled\":1}"));

            Map<String, List<ConsumerRecord<byte[], byte[]>>> out = OutputReader.read(kafka, config, 3,
                    Duration.ofSeconds(60));
            assertThat(out.get(config.topics().samplesLabelled())).extracting(c -> MnemoSerdes.sample()
                    .decode(c.value()).getId()).containsExactlyInAnyOrder("h1", "h2");
            Sample h3 = MnemoSerdes.sample().decode(out.get(config.topics().samplesUnlabelled()).get(0).value());
            assertThat(h3.getId()).isEqualTo("h3");
            assertThat(h3.getSource()).isEqualTo("web");
            assertThat(out.get(config.topics().samplesDlq())).isEmpty();

            HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + http.port() + "/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(health.body()).get("ingest").asText()).isEqualTo("RUNNING");
        }
    }

    @Test
    void aFullProducerBufferRefusesAtOnceInsteadOfBlocking() throws Exception {
        KafkaFixture kafka = KafkaFixture.shared();
        String topic = kafka.uniquePrefix("IngestHttpIT.full") + "samples.raw";
        kafka.createTopics(1, topic);
        Map<String, Object> client = kafka.clientConfig();
        client.put("batch.size", 64 * 1024);   // one batch takes the whole buffer
        client.put("linger.ms", 10_000);
        byte[] value = MnemoSerdes.sample().encode(SampleFixtures.sample("x", 784, 1, 1L));
        List<CompletableFuture<Void>> accepted = new ArrayList<>();
        SendRefusedException refused = null;
        try (KafkaSampleSender sender = new KafkaSampleSender(client, topic, 64 * 1024, Duration.ofSeconds(30))) {
            long start = System.nanoTime();
            for (int i = 0; i < 2_000 && refused == null; i++) {
                try {
                    accepted.add(sender.send("x" + i, value, 1L));
                } catch (SendRefusedException e) {
                    refused = e;
                }
            }
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(refused).as("a 64 KiB buffer cannot take 2,000 samples of 3 KiB at once").isNotNull();
            assertThat(refused.why()).isEqualTo(SendRefusedException.Cause.BUFFER_FULL);
            assertThat(tookMillis).as("max.block.ms=0: refused at once, not after a wait").isLessThan(5_000);
            for (CompletableFuture<Void> f : accepted) {
                f.get();   // what was accepted is delivered
            }
        }
        assertThat(accepted).isNotEmpty();
    }
}
