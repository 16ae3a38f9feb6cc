package dev.mnemo.learner.service;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.model.TrainingStepBench;
import dev.mnemo.learner.ood.Mahalanobis;
import dev.mnemo.learner.ood.SampleSpaceReference;
import dev.mnemo.learner.uncertainty.McDropout;
import dev.mnemo.learner.watch.WatchConfig;

/**
 * {@code ./mnemo bench serving}: the serving paths and the drift check's costly parts, each against
 * {@code Nd4j.gemm} measured in the same run.
 *
 * <p>On one network (default 784-400-400-10, the demo profile's and the Split-MNIST protocol's;
 * {@code --hidden 256,128} is {@code MnemoConfig}'s default):
 * <ol>
 *   <li><b>predict</b>: {@link Classifier#predict} on {@code --batch} rows (256).</li>
 *   <li><b>/predict in-process</b>: what the endpoint does for one request, without HTTP: the JSON
 *       body read into {@link PredictResource.PredictRequest}, the resource's logic
 *       ({@link PredictResource#answer}: checks, predict, the response rows), and the response
 *       written as JSON. Twice: with the service's body reader ({@link PredictRequestReader}, which
 *       reads the rows straight from the bytes with {@link FeatureRows}) and with Jackson's reading
 *       of the body, which the service used before, so the speed-up shows as a ratio within one
 *       run.</li>
 *   <li><b>/predict over HTTP</b>, with {@code --learner-jar}: the packaged service
 *       ({@code quarkus-run.jar}) started as a child process with no broker (its learner loop waits
 *       for Kafka and stays idle, and the serving copy of the model answers), and the same request
 *       posted back to back on one connection. Client and server share the machine. With
 *       {@code --baseline-jar}, another build (an older commit's) is timed beside it, in alternate
 *       rounds, for a before/after ratio within one run.</li>
 *   <li><b>MC dropout</b>: {@link McDropout#estimate} with the drift check's passes (T = 20) and
 *       keep probability (0.9) on {@code --batch} samples.</li>
 *   <li><b>Mahalanobis drift check</b>: the OOD part of the drift check as {@code DriftCheck} runs
 *       it with the default windows: {@link Mahalanobis#fit(Classifier, int, float[][], int[])} on
 *       all hidden layers of the older 60% of the before window (300 samples), then
 *       {@link Mahalanobis#score(Classifier, float[][])} on the rest of the before window (200) and
 *       on the after window (200).</li>
 * </ol>
 * Each figure also comes split into its parts (each timed alone), so the dominant part shows.
 *
 * <h2>FLOPs counted</h2>
 * With {@code M} the network's multiply-adds per sample ({@link MlpSpec#multiplyAddsPerSample()})
 * and {@code M1} those of the first hidden layer: predict, {@code 2 B M}; MC dropout, {@code
 * 2 B (M1 + T (M - M1))} (the first layer's output is shared by the passes); the Mahalanobis check,
 * the hidden layers' forward pass on the fitted and scored rows, plus the sample-space fit
 * ({@code n(n+1)/2 d} for the Gram matrix, {@code n^3/6} for its Cholesky factor, {@code n^2 d / 2}
 * for the triangular solve, {@code C n d} for the projected means) and scoring ({@code n d +
 * C (d + n)} per row), two FLOPs per multiply-add, with {@code n} fitted rows, {@code d} features
 * and {@code C} classes. A figure's share of sgemm is its FLOP rate over the best of two sgemm
 * measurements of this run (one at the start, one at the end).
 *
 * <h2>Data</h2>
 * Image-like rows: each feature 0 with probability 0.81 (the share of black pixels in MNIST), else
 * {@code k / 255} for a uniform {@code k} in 1..255, as the ingest module sends pixels. The JSON
 * body is those rows as Jackson writes floats. The timings depend on shapes, and the JSON ones on
 * the text, not on what the network has learnt, so the network is a fresh seeded one.
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -cp <test classpath> dev.mnemo.learner.service.ServingBench --seconds 1 \
 *     --learner-jar learner/target/quarkus-app/quarkus-run.jar --out .mnemo/bench-serving
 * }</pre>
 */
public final class ServingBench {

    /** Per cent of the before window the drift check fits the scorer on (DriftCheck.FIT_SHARE). */
    private static final int FIT_SHARE = 60;
    private static final double ZERO_SHARE = 0.81;

    /** Results land here so that the JIT cannot drop the calls. */
    private static volatile Object sink;

    private ServingBench() {
    }

    /**
     * Settings.
     *
     * @param seconds measured seconds per figure
     * @param warmup warm-up seconds before each figure
     * @param hidden hidden widths of the 784-...-10 network
     * @param batch rows per predict call and samples per MC-dropout call
     * @param learnerJar the packaged service to measure over HTTP, or null
     * @param baselineJar another build of the packaged service to measure beside it, or null
     * @param json where to write the JSON report, or null
     * @param out folder for serving.md and serving.json, or null
     */
    record Options(double seconds, double warmup, List<Integer> hidden, int batch, Path learnerJar, Path baselineJar,
                   Path json, Path out) {

        static final String USAGE = """
                usage: ServingBench [--seconds S] [--warmup S] [--hidden W,W] [--batch N] [--learner-jar FILE]
                                    [--baseline-jar FILE] [--json FILE] [--out DIR]
                  --seconds S          measured seconds per figure (default 1)
                  --warmup S           warm-up seconds before each figure (default 0.5)
                  --hidden W,W         hidden widths of the 784-...-10 network (default 400,400; the
                                       service's own default is 256,128)
                  --batch N            rows per /predict call and samples per MC-dropout call (default 256)
                  --learner-jar FILE   also time POST /predict over HTTP against this packaged service
                                       (quarkus-run.jar), started here as a child process without a broker
                  --baseline-jar FILE  with --learner-jar: also time another build of the service (an older
                                       commit's quarkus-run.jar), in alternate rounds with the first
                  --json FILE          also write the figures as JSON
                  --out DIR            write DIR/serving.md and DIR/serving.json
                """;

        static Options parse(String[] args) {
            Map<String, String> opt = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --option value, got '" + a + "'\n" + USAGE);
                }
                opt.put(a.substring(2), args[++i]);
            }
            for (String key : opt.keySet()) {
                if (!List.of("seconds", "warmup", "hidden", "batch", "learner-jar", "baseline-jar", "json", "out")
                        .contains(key)) {
                    throw new IllegalArgumentException("unknown option --" + key + "\n" + USAGE);
                }
            }
            double seconds = Double.parseDouble(opt.getOrDefault("seconds", "1"));
            double warmup = Double.parseDouble(opt.getOrDefault("warmup", "0.5"));
            if (!(seconds > 0) || !(warmup >= 0)) {
                throw new IllegalArgumentException("--seconds must be > 0 and --warmup >= 0");
            }
            List<Integer> hidden = Arrays.stream(opt.getOrDefault("hidden", "400,400").split(","))
                    .map(String::trim).map(Integer::valueOf).toList();
            int batch = Integer.parseInt(opt.getOrDefault("batch", "256"));
            if (opt.containsKey("baseline-jar") && !opt.containsKey("learner-jar")) {
                throw new IllegalArgumentException("--baseline-jar needs --learner-jar");
            }
            if (batch < 1 || batch > PredictResource.MAX_ROWS) {
                throw new IllegalArgumentException("--batch must be in [1, " + PredictResource.MAX_ROWS + "]");
            }
            return new Options(seconds, warmup, hidden, batch,
                    opt.containsKey("learner-jar") ? Path.of(opt.get("learner-jar")) : null,
                    opt.containsKey("baseline-jar") ? Path.of(opt.get("baseline-jar")) : null,
                    opt.containsKey("json") ? Path.of(opt.get("json")) : null,
                    opt.containsKey("out") ? Path.of(opt.get("out")) : null);
        }
    }

    /**
     * One timed figure.
     *
     * @param name short name
     * @param rows rows (samples) per call
     * @param flops floating-point operations per call, 0 where none are counted
     * @param calls calls timed
     * @param seconds seconds they took
     */
    record Figure(String name, int rows, double flops, long calls, double seconds) {

        double callsPerSecond() {
            return calls / seconds;
        }

        double rowsPerSecond() {
            return rows * callsPerSecond();
        }

        double msPerCall() {
            return 1e3 * seconds / calls;
        }
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(Options.USAGE);
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(o, System.out);
    }

    static void run(Options o, PrintStream log) throws Exception {
        int classes = 10;
        MlpSpec spec = new MlpSpec(784, o.hidden(), classes, 1e-3, 1.0, 42L);
        Classifier model = Classifier.create(spec);
        WatchConfig watch = WatchConfig.defaults();
        int passes = watch.mcPasses();
        double keep = McDropout.DEFAULT_KEEP;
        int fitRows = watch.beforeWindow() * FIT_SHARE / 100;
        int heldOut = watch.beforeWindow() - fitRows;
        int after = watch.afterWindow();
        SplittableRandom random = new SplittableRandom(7L);
        float[][] batch = rows(o.batch(), spec.inputs(), random);
        float[][] fitX = rows(fitRows, spec.inputs(), random);
        int[] fitY = random.ints(fitRows, 0, classes).toArray();
        float[][] heldOutX = rows(heldOut, spec.inputs(), random);
        float[][] afterX = rows(after, spec.inputs(), random);

        log.printf(Locale.ROOT, "ServingBench: MLP %s, batch %d, MC dropout T=%d keep %.2f, Mahalanobis fit %d + score %d"
                        + " + %d, %.1f s per figure, OMP_NUM_THREADS=%s%n", shape(spec), o.batch(), passes, keep, fitRows,
                heldOut, after, o.seconds(), System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));

        double sgemmStart = TrainingStepBench.sgemmFlopsPerSecond(o.warmup(), o.seconds());
        log.printf(Locale.ROOT, "  sgemm 1024^3: %.1f GFLOP/s%n", sgemmStart / 1e9);
        List<Task> tasks = new ArrayList<>();
        long macs = spec.multiplyAddsPerSample();
        long firstMacs = (long) spec.inputs() * spec.hidden().get(0);
        long hiddenMacs = macs - (long) spec.hidden().get(spec.hidden().size() - 1) * classes;

        // (a) Classifier.predict alone.
        tasks.add(new Task("predict", o.batch(), 2.0 * o.batch() * macs, () -> model.predict(batch)));

        // (b) /predict in-process: Jackson in, the resource's logic, Jackson out.
        // The service's body reader (PredictRequestReader: FeatureRows on the bytes), and Jackson's reading of
        // the same body, which the service used before, for the before/after ratio in this run.
        ObjectMapper plain = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        PredictRequestReader reader = new PredictRequestReader(plain);
        byte[] body = plain.writeValueAsBytes(new PredictResource.PredictRequest(Arrays.asList(batch)));
        PredictResource.PredictResponse answer = PredictResource.answer(model, parse(plain, body));
        check(answer, o.batch(), classes);
        log.printf(Locale.ROOT, "  request body %.2f MB, response %.1f kB%n", body.length / 1e6,
                plain.writeValueAsBytes(answer).length / 1e3);
        List<Map.Entry<String, Supplier<Object>>> readers = List.of(
                Map.entry("Jackson's reader", () -> parse(plain, body)),
                Map.entry("service: PredictRequestReader", () -> read(reader, body)));
        for (Map.Entry<String, Supplier<Object>> r : readers) {
            String tag = " (" + r.getKey() + ")";
            Supplier<Object> parse = r.getValue();
            tasks.add(new Task("/predict in-process" + tag, o.batch(), 2.0 * o.batch() * macs,
                    () -> write(plain, PredictResource.answer(model, (PredictResource.PredictRequest) parse.get()))));
            tasks.add(new Task("  read request" + tag, o.batch(), 0, parse));
        }
        tasks.add(new Task("  write response", o.batch(), 0, () -> write(plain, answer)));
        PredictResource.PredictRequest parsed = parse(plain, body);
        tasks.add(new Task("  resource logic (checks, predict, rows)", o.batch(), 2.0 * o.batch() * macs,
                () -> PredictResource.answer(model, parsed)));

        int httpAt = tasks.size();

        // (c) MC dropout, T passes over the tiled batch.
        McDropout mc = new McDropout(passes, keep, 42L);
        double mcFlops = 2.0 * o.batch() * (firstMacs + (double) passes * (macs - firstMacs));
        tasks.add(new Task("MC dropout T=" + passes, o.batch(), mcFlops, () -> mc.estimate(model, batch)));
        tasks.add(new Task("  dropoutLogits (network)", o.batch(), mcFlops,
                () -> model.dropoutLogits(batch, passes, keep, 42L)));
        double[][] probabilities = softmax(model.dropoutLogits(batch, passes, keep, 42L));
        tasks.add(new Task("  summarise (entropy, MI, std)", o.batch(), 0,
                () -> McDropout.summarise(probabilities, passes, o.batch())));

        // (d) the Mahalanobis part of the drift check.
        int d = spec.hidden().stream().mapToInt(Integer::intValue).sum();
        double n = fitRows;
        int scored = heldOut + after;
        double fitMath = n * (n + 1) / 2 * d + n * n * n / 6 + n * n * d / 2 + classes * n * d;
        double scoreMath = scored * (n * d + classes * (d + n));
        double forward = (double) (fitRows + scored) * hiddenMacs;
        tasks.add(new Task("Mahalanobis check (fit " + fitRows + ", score " + scored + ")", fitRows + scored,
                2 * (forward + fitMath + scoreMath), () -> {
                    Mahalanobis m = Mahalanobis.fit(model, Mahalanobis.ALL_HIDDEN_LAYERS, fitX, fitY);
                    return new double[][] {m.score(model, heldOutX), m.score(model, afterX)};
                }));
        tasks.add(new Task("  hidden features of the fitted rows", fitRows, 2.0 * fitRows * hiddenMacs,
                () -> concat(model.hiddenActivations(fitX))));
        float[][] fitFeatures = concat(model.hiddenActivations(fitX));
        tasks.add(new Task("  fit on features (sample space)", fitRows, 2 * fitMath,
                () -> Mahalanobis.fit(fitFeatures, fitY, classes, Mahalanobis.DEFAULT_SHRINKAGE, 0L)));
        tasks.add(new Task("  fit on features, previous computation", fitRows, 2 * fitMath,
                () -> SampleSpaceReference.fit(fitFeatures, fitY, classes, Mahalanobis.DEFAULT_SHRINKAGE)));
        tasks.add(new Task("  hidden features of the scored rows", scored, 2.0 * scored * hiddenMacs,
                () -> new Object[] {concat(model.hiddenActivations(heldOutX)), concat(model.hiddenActivations(afterX))}));
        Mahalanobis fitted = Mahalanobis.fit(fitFeatures, fitY, classes, Mahalanobis.DEFAULT_SHRINKAGE, 0L);
        float[][] heldOutFeatures = concat(model.hiddenActivations(heldOutX));
        float[][] afterFeatures = concat(model.hiddenActivations(afterX));
        tasks.add(new Task("  score features", scored, 2 * scoreMath,
                () -> new Object[] {fitted.score(heldOutFeatures), fitted.score(afterFeatures)}));

        // One warm-up round over every figure first, so that the JIT has compiled all the paths before
        // any is measured; then each figure is measured in turn.
        for (Task t : tasks) {
            run(t.call(), o.warmup());
        }
        List<Figure> figures = new ArrayList<>();
        for (Task t : tasks) {
            figures.add(measure(t, o, log));
        }
        // Over HTTP, against the packaged service, last: its start-up would disturb the others.
        if (o.learnerJar() != null) {
            figures.addAll(httpAt, http(o, spec, body, log));
        }
        double sgemmEnd = TrainingStepBench.sgemmFlopsPerSecond(o.warmup(), o.seconds());
        log.printf(Locale.ROOT, "  sgemm 1024^3: %.1f GFLOP/s (end)%n", sgemmEnd / 1e9);
        double sgemm = Math.max(sgemmStart, sgemmEnd);
        double predictRate = figures.get(0).callsPerSecond();

        String markdown = markdown(o, spec, figures, sgemmStart, sgemmEnd, predictRate, body.length);
        log.println();
        log.print(markdown);
        Map<String, Object> json = json(o, spec, figures, sgemmStart, sgemmEnd, predictRate, body.length);
        ObjectMapper writer = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (o.out() != null) {
            Files.createDirectories(o.out());
            Files.writeString(o.out().resolve("serving.md"), markdown, StandardCharsets.UTF_8);
            writer.writeValue(o.out().resolve("serving.json").toFile(), json);
            log.println("wrote " + o.out().resolve("serving.md") + " and serving.json");
        }
        if (o.json() != null) {
            if (o.json().toAbsolutePath().getParent() != null) {
                Files.createDirectories(o.json().toAbsolutePath().getParent());
            }
            writer.writeValue(o.json().toFile(), json);
            log.println("wrote " + o.json());
        }
        sink = null;
    }

    /** A figure to measure: a call and what it counts. */
    private record Task(String name, int rows, double flops, Supplier<Object> call) {
    }

    private static void run(Supplier<Object> call, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        do {
            sink = call.get();
        } while (System.nanoTime() < deadline);
    }

    private static Figure measure(Task t, Options o, PrintStream log) {
        run(t.call(), o.warmup());
        long calls = 0;
        long start = System.nanoTime();
        long end = start + (long) (o.seconds() * 1e9);
        long now;
        do {
            sink = t.call().get();
            calls++;
            now = System.nanoTime();
        } while (now < end);
        Figure f = new Figure(t.name(), t.rows(), t.flops(), calls, (now - start) / 1e9);
        log.printf(Locale.ROOT, "  %-58s %9.3f ms/call %10.0f rows/s%n", t.name(), f.msPerCall(), f.rowsPerSecond());
        return f;
    }

    /**
     * POST /predict against the packaged service, and against the baseline build when there is one,
     * each in a child process; both are stopped at the end. With a baseline the two are measured in
     * alternate rounds, and each one's best round is kept (the least disturbed on a shared machine).
     */
    private static List<Figure> http(Options o, MlpSpec spec, byte[] body, PrintStream log) throws Exception {
        List<ChildService> services = new ArrayList<>();
        try {
            services.add(ChildService.start(o.learnerJar(), spec, body, log));
            if (o.baselineJar() != null) {
                services.add(ChildService.start(o.baselineJar(), spec, body, log));
            }
            List<Task> posts = new ArrayList<>();
            for (int k = 0; k < services.size(); k++) {
                ChildService service = services.get(k);
                posts.add(new Task(k == 0 ? "/predict over HTTP (packaged service)"
                        : "/predict over HTTP (baseline: " + o.baselineJar() + ")", o.batch(),
                        2.0 * o.batch() * spec.multiplyAddsPerSample(), service::post));
                // The service's JIT starts cold: a longer warm-up than the in-process figures get.
                run(service::post, Math.max(2.0, 4 * o.warmup()));
            }
            Figure[] best = new Figure[posts.size()];
            for (int round = 0; round < (posts.size() > 1 ? 2 : 1); round++) {
                for (int k = 0; k < posts.size(); k++) {
                    Figure f = measure(posts.get(k), o, log);
                    if (best[k] == null || f.callsPerSecond() > best[k].callsPerSecond()) {
                        best[k] = f;
                    }
                }
            }
            return List.of(best);
        } finally {
            for (ChildService service : services) {
                service.stop();
            }
        }
    }

    /** A packaged service in a child process, without a broker: its learner loop waits, its serving copy answers. */
    private record ChildService(Process process, HttpClient client, HttpRequest request) {

        static ChildService start(Path jar, MlpSpec spec, byte[] body, PrintStream log) throws Exception {
            Path dir = Files.createTempDirectory("mnemo-serving-bench");
            int port = freePort();
            // A port nobody listens on: the learner loop waits for Kafka, the serving copy answers.
            int noBroker = freePort();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(java, "-Xmx1g", "-Dquarkus.http.port=" + port,
                    "-Dkafka.bootstrap.servers=127.0.0.1:" + noBroker,
                    "-Dmnemo.model.hidden=" + String.join(",", spec.hidden().stream().map(String::valueOf).toList()),
                    "-Dmnemo.model.inputs=" + spec.inputs(), "-Dmnemo.checkpoint.dir=" + dir.resolve("checkpoints"),
                    "-jar", jar.toString());
            Path logFile = dir.resolve("learner.log");
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile())
                    .start();
            ChildService service = new ChildService(child,
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                            .build(),
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
            try {
                long started = System.nanoTime();
                long deadline = started + TimeUnit.SECONDS.toNanos(120);
                int status = -1;
                while (System.nanoTime() < deadline && status != 200) {
                    if (!child.isAlive()) {
                        throw new IllegalStateException("the service exited during start-up; see " + logFile);
                    }
                    try {
                        status = service.client.send(service.request, HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                    } catch (IOException e) {
                        Thread.sleep(250);   // not listening yet
                    }
                }
                if (status != 200) {
                    throw new IllegalStateException("POST /predict did not answer 200 within 120 s (last " + status
                            + "); see " + logFile);
                }
                log.printf(Locale.ROOT, "  %s answering after %.1f s (log %s)%n", jar,
                        (System.nanoTime() - started) / 1e9, logFile);
                return service;
            } catch (Exception | Error e) {
                service.stop();
                throw e;
            }
        }

        Object post() {
            try {
                HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("POST /predict answered " + r.statusCode());
                }
                return r.body();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static PredictResource.PredictRequest read(PredictRequestReader reader, byte[] body) {
        try {
            return reader.read(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PredictResource.PredictRequest parse(ObjectMapper mapper, byte[] body) {
        try {
            return mapper.readValue(body, PredictResource.PredictRequest.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(PredictResource.PredictResponse r, int rows, int classes) {
        if (r.predictions().size() != rows || r.predictions().get(0).probabilities().length != classes) {
            throw new IllegalStateException("unexpected /predict answer shape");
        }
    }

    private static float[][] rows(int n, int width, SplittableRandom random) {
        float[][] x = new float[n][width];
        for (float[] row : x) {
            for (int j = 0; j < width; j++) {
                row[j] = random.nextDouble() < ZERO_SHARE ? 0f : (1 + random.nextInt(255)) / 255f;
            }
        }
        return x;
    }

    /** The hidden layers side by side, as Mahalanobis fits them with ALL_HIDDEN_LAYERS. */
    private static float[][] concat(float[][][] layers) {
        int n = layers[0].length;
        int width = 0;
        for (float[][] l : layers) {
            width += l[0].length;
        }
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            int at = 0;
            for (float[][] l : layers) {
                System.arraycopy(l[i], 0, out[i], at, l[i].length);
                at += l[i].length;
            }
        }
        return out;
    }

    private static double[][] softmax(float[][] logits) {
        double[][] p = new double[logits.length][];
        for (int r = 0; r < logits.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits[r]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            p[r] = new double[logits[r].length];
            for (int c = 0; c < p[r].length; c++) {
                p[r][c] = Math.exp(logits[r][c] - max);
                sum += p[r][c];
            }
            for (int c = 0; c < p[r].length; c++) {
                p[r][c] /= sum;
            }
        }
        return p;
    }

    private static String shape(MlpSpec spec) {
        StringBuilder s = new StringBuilder().append(spec.inputs());
        spec.hidden().forEach(w -> s.append('-').append(w));
        return s.append('-').append(spec.classes()).toString();
    }

    private static String markdown(Options o, MlpSpec spec, List<Figure> figures, double sgemmStart, double sgemmEnd,
                                   double predictRate, int bodyBytes) {
        double sgemm = Math.max(sgemmStart, sgemmEnd);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "# Serving and checks, MLP %s%n%n", shape(spec)));
        s.append(String.format(Locale.ROOT, "sgemm 1024^3 in this run: %.1f GFLOP/s at the start, %.1f at the end (the"
                + " best is the baseline); OMP_NUM_THREADS=%s; %.1f s per figure; /predict body %.2f MB for %d rows.%n%n",
                sgemmStart / 1e9, sgemmEnd / 1e9, System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"),
                o.seconds(), bodyBytes / 1e6, o.batch()));
        s.append("| figure | ms/call | rows/s | GFLOP/s | share of sgemm | calls/s over predict's |\n");
        s.append("|---|---:|---:|---:|---:|---:|\n");
        for (Figure f : figures) {
            String gflops = f.flops() > 0 ? String.format(Locale.ROOT, "%.1f", f.flops() * f.callsPerSecond() / 1e9) : "";
            String share = f.flops() > 0 ? String.format(Locale.ROOT, "%.1f%%",
                    100 * f.flops() * f.callsPerSecond() / sgemm) : "";
            String vsPredict = f.name().contains("predict") ? String.format(Locale.ROOT, "%.3f",
                    f.callsPerSecond() / predictRate) : "";
            s.append(String.format(Locale.ROOT, "| %s | %.3f | %.0f | %s | %s | %s |%n",
                    (f.name().startsWith("  ") ? "- " : "") + f.name().strip().replace("|", "/"), f.msPerCall(),
                    f.rowsPerSecond(), gflops, share, vsPredict));
        }
        List<String[]> ratios = speedUps(figures);
        if (!ratios.isEmpty()) {
            s.append("\nSpeed-ups in this run (calls/s of the first over the second):\n\n");
            for (String[] r : ratios) {
                s.append("- ").append(r[0]).append(" over ").append(r[1]).append(": ").append(r[2]).append("x\n");
            }
        }
        s.append("\nFigures marked - are parts of the figure above them, each timed alone. FLOPs counted as the"
                + " ServingBench javadoc says; rows are samples (MC dropout: samples, each run T times).\n");
        return s.toString();
    }

    /** Pairs of figures whose ratio is a speed-up measured in this run: {new, old, ratio}. */
    private static List<String[]> speedUps(List<Figure> figures) {
        String[][] pairs = {
            {"/predict in-process (service: PredictRequestReader)", "/predict in-process (Jackson's reader)"},
            {"read request (service: PredictRequestReader)", "read request (Jackson's reader)"},
            {"fit on features (sample space)", "fit on features, previous computation"},
            {"/predict over HTTP (packaged service)", "/predict over HTTP (baseline"},
        };
        List<String[]> out = new ArrayList<>();
        for (String[] pair : pairs) {
            Figure faster = null;
            Figure slower = null;
            for (Figure f : figures) {
                faster = f.name().strip().equals(pair[0]) ? f : faster;
                slower = f.name().strip().startsWith(pair[1]) ? f : slower;
            }
            if (faster != null && slower != null) {
                out.add(new String[] {faster.name().strip(), slower.name().strip(),
                    String.format(Locale.ROOT, "%.2f", faster.callsPerSecond() / slower.callsPerSecond())});
            }
        }
        return out;
    }

    private static Map<String, Object> json(Options o, MlpSpec spec, List<Figure> figures, double sgemmStart,
                                            double sgemmEnd, double predictRate, int bodyBytes) {
        double sgemm = Math.max(sgemmStart, sgemmEnd);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("network", shape(spec));
        root.put("batch", o.batch());
        root.put("secondsPerFigure", o.seconds());
        root.put("ompNumThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", ""));
        root.put("sgemmGflopsStart", sgemmStart / 1e9);
        root.put("sgemmGflopsEnd", sgemmEnd / 1e9);
        root.put("requestBytes", bodyBytes);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name().strip());
            m.put("part", f.name().startsWith("  "));
            m.put("rowsPerCall", f.rows());
            m.put("calls", f.calls());
            m.put("seconds", f.seconds());
            m.put("msPerCall", f.msPerCall());
            m.put("rowsPerSecond", f.rowsPerSecond());
            if (f.flops() > 0) {
                m.put("flopsPerCall", f.flops());
                m.put("gflops", f.flops() * f.callsPerSecond() / 1e9);
                m.put("shareOfSgemm", f.flops() * f.callsPerSecond() / sgemm);
            }
            if (f.name().contains("predict")) {
                m.put("ratioToPredict", f.callsPerSecond() / predictRate);
            }
            list.add(m);
        }
        root.put("figures", list);
        List<Map<String, Object>> speedUps = new ArrayList<>();
        for (String[] r : speedUps(figures)) {
            speedUps.add(Map.of("faster", r[0], "than", r[1], "ratio", Double.parseDouble(r[2])));
        }
        root.put("speedUps", speedUps);
        return root;
    }
}
