package dev.mnemo.ingest.http;

import static dev.mnemo.ingest.SampleFixtures.jsonFeatures;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The intake's answers, on a real HTTP server, with a recording {@link SampleSender} in place of
 * Kafka: the back-pressure decision is the sender refusing a record (see {@code IngestHttpIT} for
 * the real producer).
 */
class IngestHttpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FEATURES = 4;

    /** Records what it is given; refuses from the {@code refuseFrom}-th send on. */
    private static final class RecordingSender implements SampleSender {
        final List<Sample> sent = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();
        int refuseFrom = Integer.MAX_VALUE;
        SendRefusedException.Cause refusal = SendRefusedException.Cause.BUFFER_FULL;
        boolean closed;

        @Override
        public synchronized CompletableFuture<Void> send(String key, byte[] value, long timestamp) {
            if (sent.size() >= refuseFrom) {
                throw new SendRefusedException(refusal, "full", null);
            }
            Sample s = MnemoSerdes.sample().decode(value);
            assertThat(key).isEqualTo(s.getId());
            sent.add(s);
            timestamps.add(timestamp);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final RecordingSender sender = new RecordingSender();
    private IngestHttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    private void start(IngestHttpServer.Options options) throws IOException {
        server = IngestHttpServer.start(IngestConfig.defaults().withFeatures(FEATURES), sender, options,
                () -> new IngestHttpServer.Health(true, Map.of("ingest", "RUNNING")), () -> 1_000L);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
            assertThat(sender.closed).isTrue();
        }
    }

    private HttpResponse<String> post(String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/samples"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sample(String id, Integer label) {
        return "{\"id\":\"" + id + "\",\"features\":" + jsonFeatures(FEATURES) + (label == null ? "" : ",\"label\":" + label)
                + "}";
    }

    @Test
    void acceptsValidSamplesAndSendsThemAsAvro() throws Exception {
        start(IngestHttpServer.Options.onPort(0));
        HttpResponse<String> r = post("{\"samples\":[" + sample("a", 1) + "," + sample("b", null) + ","
                + "{\"id\":\"c\",\"source\":\"cam\",\"eventTime\":77,\"features\":" + jsonFeatures(FEATURES) + ",\"label\":2}]}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("{\"accepted\":3,\"labelled\":2,\"unlabelled\":1}"));
        assertThat(sender.sent).extracting(Sample::getId).containsExactly("a", "b", "c");
        assertThat(sender.sent.get(0).getEventTime().toEpochMilli()).as("no eventTime: the clock").isEqualTo(1_000L);
        assertThat(sender.sent.get(2).getSource()).isEqualTo("cam");
        assertThat(sender.timestamps).containsExactly(1_000L, 1_000L, 77L);
    }

    @Test
    void rejectsTheWholeRequestWhenAnySampleIsBadWithTheTopologysReasons() throws Exception {
        start(IngestHttpServer.Options.onPort(0));
        HttpResponse<String> r = post("{\"samples\":[" + sample("ok", 1) + ","
                + "{\"id\":\"d\",\"features\":[1,2]},"
                + "{\"id\":\"n\",\"features\":[NaN,0,0,0]},"
                + "{\"features\":[0,0,0,0]},"
                + "{\"id\":\"l\",\"features\":[0,0,0,0],\"label\":10},"
                + "{\"id\":\"s\",\"features\":[0,0,0,0],\"label\":\"3\"},"
                + "[1]]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("6 of 7 samples are invalid; nothing was sent");
        assertThat(body.get("rejected")).isEqualTo(JSON.readTree("["
                + "{\"index\":1,\"id\":\"d\",\"reason\":\"dimension\",\"detail\":\"features has 2 values, expected 4\"},"
                + "{\"index\":2,\"id\":\"n\",\"reason\":\"non-finite\",\"detail\":\"features[0] is NaN\"},"
                + "{\"index\":3,\"id\":null,\"reason\":\"missing-id\",\"detail\":\"field 'id' is missing\"},"
                + "{\"index\":4,\"id\":\"l\",\"reason\":\"label-range\",\"detail\":\"label 10 is outside [0, 10)\"},"
                + "{\"index\":5,\"id\":\"s\",\"reason\":\"schema\",\"detail\":\"field 'label' must be an integer or null, got string\"},"
                + "{\"index\":6,\"id\":null,\"reason\":\"schema\",\"detail\":\"expected a JSON object, got array\"}]"));
        assertThat(sender.sent).as("nothing of a bad request is sent").isEmpty();
    }

    @Test
    void refusesBodiesThatAreNotASampleList() throws Exception {
        start(IngestHttpServer.Options.onPort(0));
        HttpResponse<String> notJson = post("{oops");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJson.body()).get("error").asText()).startsWith("the body is not valid JSON: ");
        HttpResponse<String> noList = post("{\"sample\":[]}");
        assertThat(noList.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noList.body()).get("error").asText()).isEqualTo("expected a JSON object {\"samples\":[...]}");
        assertThat(post("{\"samples\":[]}").statusCode()).isEqualTo(400);
    }

    @Test
    void answers413OverTheSizeOrCountLimit() throws Exception {
        start(IngestHttpServer.Options.onPort(0).withMaxSamples(2).withMaxBodyBytes(2_048));
        HttpResponse<String> many = post("{\"samples\":[" + sample("a", 1) + "," + sample("b", 1) + "," + sample("c", 1)
                + "]}");
        assertThat(many.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(many.body()).get("error").asText())
                .isEqualTo("3 samples, more than the limit of 2 per request");
        HttpResponse<String> big = post("{\"samples\":[" + sample("a", 1) + "],\"pad\":\"" + "x".repeat(3_000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(big.body()).get("error").asText()).startsWith("the body is ");
        assertThat(sender.sent).isEmpty();
    }

    @Test
    void answers429WithRetryAfterWhenTheBufferIsFull() throws Exception {
        start(IngestHttpServer.Options.onPort(0));
        sender.refuseFrom = 1;
        HttpResponse<String> r = post("{\"samples\":[" + sample("a", 1) + "," + sample("b", 1) + "," + sample("c", 1)
                + "]}");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(1);
        assertThat(body.get("retryFrom").asInt()).isEqualTo(1);
        assertThat(body.get("delivered").asInt()).isEqualTo(1);
        assertThat(body.get("error").asText()).startsWith("ingest is busy (the producer buffer is full)");

        sender.refusal = SendRefusedException.Cause.NOT_READY;
        sender.refuseFrom = 0;
        sender.sent.clear();
        HttpResponse<String> notReady = post("{\"samples\":[" + sample("a", 1) + "]}");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("Retry-After")).contains("1");
    }

    @Test
    void reportsHealthAndRefusesOtherMethods() throws Exception {
        start(IngestHttpServer.Options.onPort(0));
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body())).isEqualTo(JSON.readTree("{\"status\":\"UP\",\"ingest\":\"RUNNING\"}"));
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + "/samples")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }
}
