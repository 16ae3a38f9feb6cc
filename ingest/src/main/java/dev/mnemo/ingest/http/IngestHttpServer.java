package dev.mnemo.ingest.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mnemo.ingest.IngestConfig;
import dev.mnemo.ingest.internals.SampleValidator;
import dev.mnemo.ingest.internals.Verdict;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP intake for samples, on the JDK's built-in HTTP server: {@code POST /samples} and
 * {@code GET /health}.
 *
 * <p>{@code POST /samples} takes {@code {"samples":[{...}, ...]}}, each element a sample in the
 * JSON form that {@code samples.raw} accepts ({@code id}, {@code features}, optional
 * {@code label}, {@code source}, {@code task}, {@code eventTime}, {@code shape}). Each is checked
 * with the topology's own {@link SampleValidator}, so reasons and details are the same as on the
 * dead-letter topic. Answers:
 * <ul>
 *   <li>{@code 202} {@code {"accepted":n,"labelled":l,"unlabelled":u}}: every sample was valid and
 *       the broker acknowledged every record (Avro, key = id, timestamp = event time);</li>
 *   <li>{@code 400} {@code {"error":..,"rejected":[{"index":i,"id":..,"reason":..,"detail":..}]}}:
 *       at least one sample is invalid; then <em>nothing</em> of the request is sent, so the client
 *       can fix and resend the whole request. Also for a body that is not JSON or has no
 *       {@code samples} array;</li>
 *   <li>{@code 413}: the body is longer than {@code maxBodyBytes}, or holds more than
 *       {@code maxSamples} samples;</li>
 *   <li>{@code 429} with {@code Retry-After} (seconds): the producer buffer is full. Samples are
 *       handed over in order; the body says how many were taken before the buffer filled
 *       ({@code "accepted":k,"retryFrom":k}): resend from index k (resending all is also safe:
 *       the topology dead-letters the copies as {@code duplicate});</li>
 *   <li>{@code 503} with {@code Retry-After}: no metadata for the topic yet, or a delivery
 *       failed (the body says how many were delivered).</li>
 * </ul>
 * {@code GET /health} answers {@code 200 {"status":"UP",...}} or {@code 503 {"status":"DOWN",...}}
 * from the health supplier.
 *
 * <pre>{@code
 * try (IngestHttpServer http = IngestHttpServer.start(IngestConfig.defaults(),
 *         Map.of("bootstrap.servers", "localhost:9092"), IngestHttpServer.Options.onPort(8081))) {
 *     // curl -X POST localhost:8081/samples -d '{"samples":[{"id":"a1","features":[...],"label":3}]}'
 * }
 * }</pre>
 */
public final class IngestHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHttpServer.class);

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // NaN and Infinity stay numbers when a sample is handed to the validator, so they are non-finite
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    /**
     * Settings of the intake.
     *
     * @param port            the port, 0 for a free one
     * @param maxSamples      most samples per request
     * @param maxBodyBytes    longest request body
     * @param bufferMemory    the producer buffer ({@code buffer.memory}), the back-pressure threshold
     * @param threads         request threads
     * @param retryAfter      what {@code Retry-After} says on 429 and 503
     * @param deliveryTimeout how long a request waits for the broker's acknowledgements
     */
    public record Options(int port, int maxSamples, int maxBodyBytes, long bufferMemory, int threads,
                          Duration retryAfter, Duration deliveryTimeout) {

        public static final int DEFAULT_MAX_SAMPLES = 1_000;
        public static final int DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
        public static final long DEFAULT_BUFFER_MEMORY = 64L * 1024 * 1024;

        /**
         * @throws IllegalArgumentException when a value is out of its range
         */
        public Options {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            if (maxSamples < 1) {
                throw new IllegalArgumentException("maxSamples must be >= 1, got " + maxSamples);
            }
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be >= 1024, got " + maxBodyBytes);
            }
            if (bufferMemory < 1024) {
                throw new IllegalArgumentException("bufferMemory must be >= 1024, got " + bufferMemory);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            if (retryAfter.toSeconds() < 1) {
                throw new IllegalArgumentException("retryAfter must be at least 1 second, got " + retryAfter);
            }
            if (deliveryTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("deliveryTimeout must be positive, got " + deliveryTimeout);
            }
        }

        /** 1,000 samples and 32 MiB per request, a 64 MiB buffer, 4 threads, Retry-After 1 s, 60 s to deliver. */
        public static Options onPort(int port) {
            return new Options(port, DEFAULT_MAX_SAMPLES, DEFAULT_MAX_BODY_BYTES, DEFAULT_BUFFER_MEMORY, 4,
                    Duration.ofSeconds(1), Duration.ofSeconds(60));
        }

        public Options withMaxSamples(int newMaxSamples) {
            return new Options(port, newMaxSamples, maxBodyBytes, bufferMemory, threads, retryAfter, deliveryTimeout);
        }

        public Options withMaxBodyBytes(int newMaxBodyBytes) {
            return new Options(port, maxSamples, newMaxBodyBytes, bufferMemory, threads, retryAfter, deliveryTimeout);
        }

        public Options withBufferMemory(long newBufferMemory) {
            return new Options(port, maxSamples, maxBodyBytes, newBufferMemory, threads, retryAfter, deliveryTimeout);
        }
    }

    /** What {@code GET /health} reports: up or down, with details. */
    public record Health(boolean up, Map<String, Object> details) {
        public Health {
            details = Map.copyOf(details);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final SampleSender sender;
    private final SampleValidator validator;
    private final Options options;
    private final Supplier<Health> health;
    private final LongSupplier clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();

    private IngestHttpServer(IngestConfig config, SampleSender sender, Options options, Supplier<Health> health,
                             LongSupplier clock) throws IOException {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.options = Objects.requireNonNull(options, "options");
        this.health = Objects.requireNonNull(health, "health");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.validator = new SampleValidator(config);
        this.server = HttpServer.create(new InetSocketAddress(options.port()), 64);
        this.executor = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "mnemo-ingest-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/samples", this::samples);
        server.createContext("/health", this::health);
        server.start();
    }

    /**
     * Starts the intake with its own producer to {@code samples.raw} of the config.
     *
     * @param clientConfig at least {@code bootstrap.servers}
     * @param health       what {@code GET /health} reports
     */
    public static IngestHttpServer start(IngestConfig config, Map<String, ?> clientConfig, Options options,
                                         Supplier<Health> health) throws IOException {
        SampleSender sender = new KafkaSampleSender(clientConfig, config.topics().samplesRaw(), options.bufferMemory(),
                Duration.ofSeconds(30));
        try {
            return new IngestHttpServer(config, sender, options, health, System::currentTimeMillis);
        } catch (IOException | RuntimeException e) {
            sender.close();
            throw e;
        }
    }

    /** Starts the intake with its own producer, always healthy. */
    public static IngestHttpServer start(IngestConfig config, Map<String, ?> clientConfig, Options options)
            throws IOException {
        return start(config, clientConfig, options, () -> new Health(true, Map.of()));
    }

    /**
     * Starts the intake on a sender the server owns (and closes).
     *
     * @param clock epoch milliseconds: the event time of samples that have none
     */
    public static IngestHttpServer start(IngestConfig config, SampleSender sender, Options options,
                                         Supplier<Health> health, LongSupplier clock) throws IOException {
        return new IngestHttpServer(config, sender, options, health, clock);
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 405, Map.of("error", "use GET /health"), null);
                return;
            }
            Health h = health.get();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", h.up() ? "UP" : "DOWN");
            body.putAll(h.details());
            respond(exchange, h.up() ? 200 : 503, body, null);
        }
    }

    private void samples(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            if (stopping.get()) {
                respond(exchange, 503, Map.of("error", "the intake is stopping"), options.retryAfter());
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, Map.of("error", "use POST /samples"), null);
                return;
            }
            Response r = handle(exchange);
            respond(exchange, r.status(), r.body(), r.retryAfter() ? options.retryAfter() : null);
        } catch (RuntimeException e) {
            LOG.error("POST /samples failed", e);
            throw e;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private record Response(int status, Map<String, Object> body, boolean retryAfter) {
    }

    private Response handle(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > options.maxBodyBytes()) {
                    return tooLarge("the body is " + length.strip() + " bytes, more than the limit of "
                            + options.maxBodyBytes());
                }
            } catch (NumberFormatException e) {
                return bad("Content-Length '" + length + "' is not a number");
            }
        }
        byte[] body = readAtMost(exchange.getRequestBody(), options.maxBodyBytes());
        if (body == null) {
            return tooLarge("the body is longer than the limit of " + options.maxBodyBytes() + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return bad("the body is not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode samples = root == null ? null : root.get("samples");
        if (samples == null || !samples.isArray()) {
            return bad("expected a JSON object {\"samples\":[...]}");
        }
        if (samples.size() > options.maxSamples()) {
            return tooLarge(samples.size() + " samples, more than the limit of " + options.maxSamples()
                    + " per request");
        }
        if (samples.isEmpty()) {
            return bad("'samples' is empty");
        }
        long now = clock.getAsLong();
        List<Sample> valid = new ArrayList<>(samples.size());
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            JsonNode element = samples.get(i);
            Verdict verdict = validator.validate(JSON.writeValueAsBytes(element), now);
            if (verdict instanceof Verdict.Accepted accepted) {
                valid.add(accepted.sample());
            } else if (verdict instanceof Verdict.Rejected no) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("index", i);
                JsonNode id = element.get("id");
                entry.put("id", id != null && id.isTextual() ? id.textValue() : null);
                entry.put("reason", no.reason());
                entry.put("detail", no.detail());
                rejected.add(entry);
            }
        }
        if (!rejected.isEmpty()) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("error", rejected.size() + " of " + samples.size() + " samples are invalid; nothing was sent");
            answer.put("rejected", rejected);
            return new Response(400, answer, false);
        }
        return send(valid);
    }

    private Response send(List<Sample> valid) {
        List<CompletableFuture<Void>> pending = new ArrayList<>(valid.size());
        long labelled = 0;
        SendRefusedException refused = null;
        for (Sample s : valid) {
            try {
                pending.add(sender.send(s.getId(), MnemoSerdes.sample().encode(s), s.getEventTime().toEpochMilli()));
            } catch (SendRefusedException e) {
                refused = e;
                break;
            }
            if (s.getLabel() != null) {
                labelled++;
            }
        }
        int delivered = 0;
        String failure = null;
        long deadline = System.nanoTime() + options.deliveryTimeout().toNanos();
        for (CompletableFuture<Void> f : pending) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                delivered++;
            } catch (ExecutionException e) {
                failure = failure != null ? failure : String.valueOf(e.getCause().getMessage());
            } catch (java.util.concurrent.TimeoutException e) {
                failure = failure != null ? failure : "no acknowledgement within " + options.deliveryTimeout();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : "interrupted";
                break;
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        if (refused != null) {
            boolean full = refused.why() == SendRefusedException.Cause.BUFFER_FULL;
            answer.put("error", (full ? "ingest is busy (the producer buffer is full)" : "ingest is not ready")
                    + "; resend from index " + pending.size() + " after the Retry-After delay");
            answer.put("accepted", pending.size());
            answer.put("retryFrom", pending.size());
            answer.put("delivered", delivered);
            return new Response(full ? 429 : 503, answer, true);
        }
        if (failure != null) {
            answer.put("error", "delivery to Kafka failed: " + failure);
            answer.put("delivered", delivered);
            answer.put("failed", pending.size() - delivered);
            return new Response(503, answer, true);
        }
        answer.put("accepted", valid.size());
        answer.put("labelled", labelled);
        answer.put("unlabelled", valid.size() - labelled);
        return new Response(202, answer, false);
    }

    private static Response bad(String error) {
        return new Response(400, Map.of("error", error), false);
    }

    private static Response tooLarge(String error) {
        return new Response(413, Map.of("error", error), false);
    }

    /** The body, or null when it is longer than {@code limit}. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        return bytes.length > limit ? null : bytes;
    }

    private static void respond(HttpExchange exchange, int status, Map<String, Object> body, Duration retryAfter)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(retryAfter.toSeconds()));
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Answers new requests with 503, lets running ones finish (up to 10 seconds), then stops the
     * server and closes the sender.
     */
    @Override
    public void close() {
        stopping.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        executor.shutdownNow();
        sender.close();
    }

    @Override
    public String toString() {
        return "IngestHttpServer[port=" + port() + "]";
    }

}
