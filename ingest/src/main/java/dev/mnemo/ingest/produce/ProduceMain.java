package dev.mnemo.ingest.produce;

import dev.mnemo.ingest.CommandLine;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;

import dev.mnemo.ingest.dataset.DatasetFormatException;
import dev.mnemo.ingest.dataset.IdxReader;
import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Streams a file into {@code samples.raw} or {@code labels}.
 *
 * <pre>
 * java -cp mnemo-ingest.jar dev.mnemo.ingest.produce.ProduceMain [options] FILE
 *   --bootstrap host:port          default $KAFKA_BOOTSTRAP_SERVERS, else localhost:9092
 *   --prefix mnemo.                topic prefix
 *   --topic raw|labels             samples.raw (default) or labels
 *   --format csv|jsonl|idx         default from the extension (.csv, .jsonl/.ndjson/.json, idx/ubyte; .gz allowed)
 *   --source NAME                  source of CSV and IDX records (default the file name without extension)
 *   --label-column NAME            CSV label column (default label)
 *   --labels FILE                  IDX label file (default: the image file name with images-idx3 -> labels-idx1)
 *   --rate N                       at most N records/s (default no limit)
 *   --unlabelled-fraction F        CSV and IDX samples: share sent without label (default 0)
 *   --seed S                       seed of that choice (default 1)
 *   --max N                        read at most N records (default all)
 * </pre>
 *
 * <p>Prints a progress line on stderr (records, records/s, ETA), then the counts: sent, and
 * errors with their reasons (entries that could not be read, records that could not be
 * delivered). Exit code 0 when every record read was delivered, 1 when any error occurred, 2
 * for a bad command line or an input that cannot be opened.
 */
public final class ProduceMain {

    private ProduceMain() {
    }

    /** The input formats. */
    public enum Format {
        CSV, JSONL, IDX;

        static Format of(String value) {
            return switch (value) {
                case "csv" -> CSV;
                case "jsonl" -> JSONL;
                case "idx" -> IDX;
                default -> throw new IllegalArgumentException("--format must be csv, jsonl or idx, got '" + value + "'");
            };
        }

        /** The format a file name implies. */
        static Format fromName(String fileName) {
            String n = fileName.toLowerCase(Locale.ROOT);
            if (n.endsWith(".gz")) {
                n = n.substring(0, n.length() - 3);
            }
            if (n.endsWith(".csv")) {
                return CSV;
            }
            if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
                return JSONL;
            }
            if (n.contains("idx") || n.endsWith("-ubyte")) {
                return IDX;
            }
            throw new IllegalArgumentException("cannot tell the format of '" + fileName
                    + "' from its name; give --format csv|jsonl|idx");
        }
    }

    /**
     * The command line.
     *
     * @param bootstrap          Kafka bootstrap servers
     * @param topics             topic names
     * @param labels             whether to write to {@code labels} instead of {@code samples.raw}
     * @param format             input format
     * @param file               the input file
     * @param source             source of CSV and IDX records, or null for the file name
     * @param labelColumn        the CSV label column
     * @param labelFile          the IDX label file, or null to derive it
     * @param limits             rate and maximum
     * @param unlabelledFraction share of dataset samples sent without label
     * @param seed               seed of that choice
     */
    public record Arguments(String bootstrap, Topics topics, boolean labels, Format format, Path file, String source,
                            String labelColumn, Path labelFile, Producing.Limits limits, double unlabelledFraction,
                            long seed) {

        public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
        public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

        public Arguments {
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(labelColumn, "labelColumn");
            Objects.requireNonNull(limits, "limits");
            if (!(unlabelledFraction >= 0 && unlabelledFraction <= 1)) {
                throw new IllegalArgumentException("--unlabelled-fraction must be in [0, 1], got " + unlabelledFraction);
            }
            if (labels && unlabelledFraction > 0) {
                throw new IllegalArgumentException("--unlabelled-fraction applies to samples, not to --topic labels");
            }
            if (format == Format.JSONL && unlabelledFraction > 0) {
                throw new IllegalArgumentException("--unlabelled-fraction applies to csv and idx datasets; "
                        + "JSON lines are sent as they are");
            }
            if (source != null && source.isBlank()) {
                throw new IllegalArgumentException("--source must not be blank");
            }
        }

        /** The topic records go to. */
        public String topic() {
            return labels ? topics.labels() : topics.samplesRaw();
        }

        /** The source of CSV and IDX records: --source, else the file name without extensions. */
        public String sourceName() {
            return source != null ? source : stem(file);
        }

        /**
         * Parses the arguments.
         *
         * @throws IllegalArgumentException for an unknown option, a missing value or a value out of range
         */
        public static Arguments parse(String[] args, Map<String, String> env) {
            CommandLine line = CommandLine.parse(args, List.of("--bootstrap", "--prefix", "--topic", "--format",
                    "--source", "--label-column", "--labels", "--rate", "--unlabelled-fraction", "--seed", "--max"), true);
            Map<String, String> options = line.options();
            if (line.positional().size() > 1) {
                throw new IllegalArgumentException("one input file, got '" + line.positional().get(0) + "' and '"
                        + line.positional().get(1) + "'");
            }
            Path file = line.positional().isEmpty() ? null : Path.of(line.positional().get(0));
            if (file == null) {
                throw new IllegalArgumentException("give the file to send");
            }
            String topic = options.getOrDefault("--topic", "raw");
            if (!topic.equals("raw") && !topic.equals("labels")) {
                throw new IllegalArgumentException("--topic must be raw or labels, got '" + topic + "'");
            }
            Format format = options.containsKey("--format") ? Format.of(options.get("--format"))
                    : Format.fromName(file.getFileName().toString());
            double rate = number(options, "--rate", 0);
            double max = number(options, "--max", 0);
            if (max != Math.rint(max)) {
                throw new IllegalArgumentException("--max must be a whole number, got " + options.get("--max"));
            }
            return new Arguments(
                    options.getOrDefault("--bootstrap", env.getOrDefault(BOOTSTRAP_ENV, DEFAULT_BOOTSTRAP)),
                    Topics.withPrefix(options.getOrDefault("--prefix", Topics.DEFAULT_PREFIX)),
                    topic.equals("labels"), format, file, options.get("--source"),
                    options.getOrDefault("--label-column", "label"),
                    options.containsKey("--labels") ? Path.of(options.get("--labels")) : null,
                    new Producing.Limits(rate, (long) max), number(options, "--unlabelled-fraction", 0),
                    (long) number(options, "--seed", 1));
        }

        private static double number(Map<String, String> options, String name, double fallback) {
            String value = options.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                return Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
            }
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.err));
    }

    /** Runs the command; returns the exit code. */
    static int run(String[] args, Map<String, String> env, PrintStream err) {
        Arguments a;
        RecordSource source;
        try {
            a = Arguments.parse(args, env);
            source = open(a, System::currentTimeMillis);
        } catch (IllegalArgumentException | DatasetFormatException | IOException e) {
            err.println("mnemo produce: " + e.getMessage());
            return 2;
        }
        Map<String, Object> config = new HashMap<>(dev.mnemo.ingest.KafkaSecurity.clientConfig(a.bootstrap(), env));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        Tally tally = new Tally();
        OptionalLong total = total(source.size(), a.limits().max());
        boolean console = System.console() != null;
        long started = System.nanoTime();
        try (source; KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            String topic = a.topic();
            Producing producing = new Producing(
                    (key, value, timestamp, done) -> producer.send(
                            new ProducerRecord<>(topic, null, timestamp, key, value),
                            (meta, error) -> done.completed(error)),
                    System::nanoTime, System::currentTimeMillis, LockSupport::parkNanos);
            err.println("Sending " + a.file() + " (" + a.format().name().toLowerCase(Locale.ROOT) + ") to " + topic
                    + " at " + a.bootstrap());
            producing.run(source, a.limits(), tally, (s, seconds) -> err.print((console ? "\r" : "")
                    + ProgressBar.render(s.read(), s.errors(), total, seconds) + (console ? "" : "\n")), 1_000_000_000L);
            producer.flush();
        } catch (IOException e) {
            err.println();
            err.println("mnemo produce: reading " + a.file() + " failed: " + e.getMessage());
            summary(tally.snapshot(), err);
            return 1;
        } catch (RuntimeException e) {
            err.println();
            err.println("mnemo produce: " + e.getMessage());
            summary(tally.snapshot(), err);
            return 1;
        }
        Tally.Snapshot s = tally.snapshot();
        err.println((console ? "\r" : "") + ProgressBar.render(s.read(), s.errors(), total,
                (System.nanoTime() - started) / 1e9));
        summary(s, err);
        return s.complete() ? 0 : 1;
    }

    /** Prints the final counts and the error reasons. */
    static void summary(Tally.Snapshot s, PrintStream err) {
        err.printf(Locale.ROOT, "sent %,d records; errors %,d (unreadable %,d, not delivered %,d)%n", s.delivered(),
                s.errors(), s.unreadable(), s.undelivered());
        s.reasons().forEach((reason, count) -> err.printf(Locale.ROOT, "  %,d %s%n", count, reason));
        for (String example : s.examples()) {
            err.println("  " + example);
        }
    }

    private static OptionalLong total(OptionalLong size, long max) {
        if (max > 0) {
            return OptionalLong.of(size.isPresent() ? Math.min(size.getAsLong(), max) : max);
        }
        return size;
    }

    /** Opens the input of the arguments. */
    static RecordSource open(Arguments a, LongSupplier clock) throws IOException {
        if (!Files.isRegularFile(a.file())) {
            throw new IOException("no such file: " + a.file());
        }
        Unlabelling unlabelling = new Unlabelling(a.unlabelledFraction(), a.seed());
        CsvRecords.Target target = a.labels() ? CsvRecords.Target.LABELS : CsvRecords.Target.SAMPLES;
        String stem = stem(a.file());
        return switch (a.format()) {
            case CSV -> {
                OptionalLong lines = countLines(a.file());
                yield new CsvRecords(reader(a.file()), stem, a.sourceName(), a.labelColumn(), target, unlabelling,
                        clock, lines.isPresent() ? OptionalLong.of(Math.max(0, lines.getAsLong() - 1)) : lines);
            }
            case JSONL -> new JsonLinesRecords(reader(a.file()), stem, a.labels() ? "sampleId" : "id",
                    countLines(a.file()));
            case IDX -> {
                Path labelFile = a.labelFile() != null ? a.labelFile() : labelFileFor(a.file());
                LabelledData data = IdxReader.read(stem, a.file(), labelFile, 256);
                yield new IdxRecords(data, a.sourceName(), target, unlabelling, clock);
            }
        };
    }

    /** The label file beside an IDX image file: {@code images-idx3} becomes {@code labels-idx1}. */
    static Path labelFileFor(Path images) {
        String name = images.getFileName().toString();
        String labels = name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1");
        if (labels.equals(name)) {
            throw new IllegalArgumentException("cannot derive the label file from '" + name
                    + "' (expected images-idx3 in the name); give --labels FILE");
        }
        return images.resolveSibling(labels);
    }

    /** The file name without {@code .gz} and its last extension. */
    static String stem(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static BufferedReader reader(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8), 1 << 16);
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1F && b1 == 0x8B ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Non-blank lines of a plain file (a quick byte scan); unknown for a gzip file. */
    static OptionalLong countLines(Path file) throws IOException {
        long lines = 0;
        boolean content = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            boolean first = true;
            while ((n = in.read(buffer)) > 0) {
                if (first && n >= 2 && (buffer[0] & 0xFF) == 0x1F && (buffer[1] & 0xFF) == 0x8B) {
                    return OptionalLong.empty();
                }
                first = false;
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        if (content) {
                            lines++;
                        }
                        content = false;
                    } else if (b != '\r' && b != ' ' && b != '\t') {
                        content = true;
                    }
                }
            }
        }
        return OptionalLong.of(content ? lines + 1 : lines);
    }
}
