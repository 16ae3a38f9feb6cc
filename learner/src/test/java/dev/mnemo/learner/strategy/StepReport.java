package dev.mnemo.learner.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code ./mnemo bench step}'s table: Mnemo's training step ({@link ContinualStepBench}) beside the
 * PyTorch reference ({@code bench/torch_step.py}), from the JSON files their rounds wrote.
 *
 * <h2>Method</h2>
 * Each side ran in alternating rounds (one file per round). For each side, configuration and
 * stream batch size the best round is kept (the most stream samples per second: the least
 * disturbed one on a shared machine), and so is the best sgemm round. The ratio is Mnemo's best
 * samples/s over the reference's; each side's share of sgemm is its best step GFLOP/s over its own
 * best sgemm GFLOP/s ({@code Nd4j.gemm} for Mnemo, {@code torch.mm} for the reference). Both sides
 * must have measured the same network, with the same FLOP count per sample and the same rows per
 * step, or the report refuses to compare them.
 *
 * <pre>{@code
 * java -cp <test classpath> dev.mnemo.learner.strategy.StepReport \
 *     --mnemo r1/mnemo.json,r2/mnemo.json --reference r1/torch.json,r2/torch.json --out results
 * // writes results/step.md and results/step.json, prints the table
 * }</pre>
 */
public final class StepReport {

    private static final String USAGE = """
            usage: StepReport --mnemo FILE[,FILE...] [--reference FILE[,FILE...]] [--out DIR] [--machine TEXT]
              --mnemo FILES      ContinualStepBench --json files, one per round
              --reference FILES  bench/torch_step.py --json files, one per round (optional)
              --out DIR          write DIR/step.md and DIR/step.json (default: print only)
              --machine TEXT     a line describing the machine, for the report""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StepReport() {}

    /**
     * One configuration at one batch size, as one run measured it.
     *
     * @param config configuration name
     * @param batch stream rows per step
     * @param rows rows trained on per step (stream plus replay)
     * @param teacher whether the step includes a teacher's forward pass
     * @param samplesPerSecond stream samples per second
     * @param stepMillis milliseconds per step
     * @param gflops step GFLOP/s
     */
    public record Figure(
            String config, int batch, int rows, boolean teacher, double samplesPerSecond, double stepMillis,
            double gflops) {

        String key() {
            return config + "@" + batch;
        }
    }

    /**
     * One side (Mnemo or the reference) over its rounds: the best round of everything.
     *
     * @param implementation {@code mnemo} or {@code pytorch}
     * @param version the runtime's version
     * @param blas the BLAS behind the matrix multiplies
     * @param network layer widths
     * @param macsPerSample multiply-adds of one sample's forward pass
     * @param seconds measured seconds per configuration and round
     * @param rounds rounds over all files
     * @param sgemmGflops the best sgemm GFLOP/s
     * @param figures the best round per configuration and batch size, in the order first seen
     */
    public record Side(
            String implementation,
            String version,
            String blas,
            List<Integer> network,
            long macsPerSample,
            double seconds,
            int rounds,
            double sgemmGflops,
            List<Figure> figures) {

        public Side {
            network = List.copyOf(network);
            figures = List.copyOf(figures);
        }

        Figure figure(String key) {
            return figures.stream().filter(f -> f.key().equals(key)).findFirst().orElse(null);
        }

        /** {@code figure}'s GFLOP/s over this side's best sgemm. */
        double sgemmFraction(Figure figure) {
            return figure.gflops() / sgemmGflops;
        }

        /**
         * The best of rounds of one side: the highest sgemm and, per configuration and batch size,
         * the round with the most samples per second.
         *
         * @throws IllegalArgumentException if there is no round, or the rounds disagree on the
         *     implementation, the network or the rows of a configuration
         */
        public static Side best(List<Side> rounds) {
            if (rounds.isEmpty()) {
                throw new IllegalArgumentException("no round to report");
            }
            Side first = rounds.get(0);
            Map<String, Figure> best = new LinkedHashMap<>();
            double sgemm = 0;
            int count = 0;
            for (Side r : rounds) {
                if (!r.implementation().equals(first.implementation()) || !r.network().equals(first.network())
                        || r.macsPerSample() != first.macsPerSample()) {
                    throw new IllegalArgumentException("the rounds of " + first.implementation()
                            + " measured different things: " + describe(first) + " and " + describe(r));
                }
                sgemm = Math.max(sgemm, r.sgemmGflops());
                count += r.rounds();
                for (Figure f : r.figures()) {
                    Figure seen = best.get(f.key());
                    if (seen != null && (seen.rows() != f.rows() || seen.teacher() != f.teacher())) {
                        throw new IllegalArgumentException(f.config() + " at batch " + f.batch()
                                + " trained on different rows in two rounds");
                    }
                    if (seen == null || f.samplesPerSecond() > seen.samplesPerSecond()) {
                        best.put(f.key(), f);
                    }
                }
            }
            return new Side(first.implementation(), first.version(), first.blas(), first.network(),
                    first.macsPerSample(), first.seconds(), count, sgemm, new ArrayList<>(best.values()));
        }

        private static String describe(Side s) {
            return s.implementation() + " " + s.network() + " (" + s.macsPerSample() + " MACs per sample)";
        }
    }

    /**
     * One line of the table.
     *
     * @param config configuration
     * @param batch stream batch size
     * @param rows rows per step
     * @param teacher with a teacher's forward pass
     * @param mnemo Mnemo's best figure, or null
     * @param reference the reference's best figure, or null
     * @param ratio Mnemo's samples/s over the reference's, or NaN when one is missing
     * @param mnemoSgemmFraction Mnemo's GFLOP/s over ND4J's sgemm, or NaN
     * @param referenceSgemmFraction the reference's GFLOP/s over its sgemm, or NaN
     */
    public record Row(
            String config, int batch, int rows, boolean teacher, Figure mnemo, Figure reference, double ratio,
            double mnemoSgemmFraction, double referenceSgemmFraction) {}

    /**
     * The table: Mnemo's configurations in its order, then any the reference alone measured.
     *
     * @param mnemo Mnemo's best rounds
     * @param reference the reference's best rounds, or null when it did not run
     * @throws IllegalArgumentException if the two measured different networks or different rows
     *     for a configuration
     */
    public static List<Row> rows(Side mnemo, Side reference) {
        if (reference != null && (!mnemo.network().equals(reference.network())
                || mnemo.macsPerSample() != reference.macsPerSample())) {
            throw new IllegalArgumentException("Mnemo measured " + Side.describe(mnemo) + ", the reference "
                    + Side.describe(reference) + "; they are not comparable");
        }
        List<String> keys = new ArrayList<>();
        mnemo.figures().forEach(f -> keys.add(f.key()));
        if (reference != null) {
            reference.figures().stream().map(Figure::key).filter(k -> !keys.contains(k)).forEach(keys::add);
        }
        List<Row> out = new ArrayList<>();
        for (String key : keys) {
            Figure m = mnemo.figure(key);
            Figure r = reference == null ? null : reference.figure(key);
            if (m != null && r != null && (m.rows() != r.rows() || m.teacher() != r.teacher())) {
                throw new IllegalArgumentException(m.config() + " at batch " + m.batch() + ": Mnemo trains on "
                        + m.rows() + " rows" + (m.teacher() ? " with" : " without") + " a teacher, the reference on "
                        + r.rows() + (r.teacher() ? " with" : " without") + "; they are not comparable");
            }
            Figure any = m != null ? m : r;
            out.add(new Row(any.config(), any.batch(), any.rows(), any.teacher(), m, r,
                    m != null && r != null ? m.samplesPerSecond() / r.samplesPerSecond() : Double.NaN,
                    m != null ? mnemo.sgemmFraction(m) : Double.NaN,
                    r != null ? reference.sgemmFraction(r) : Double.NaN));
        }
        return out;
    }

    /** The Markdown report. */
    public static String markdown(Side mnemo, Side reference, String machine) {
        List<Row> rows = rows(mnemo, reference);
        StringBuilder md = new StringBuilder(2048);
        md.append("# Training step: Mnemo and the PyTorch reference\n\n");
        md.append("`./mnemo bench step`: MLP ")
                .append(mnemo.network().stream().map(String::valueOf).collect(Collectors.joining("-")))
                .append(", Adam 1e-3, float32, one thread (`OMP_NUM_THREADS=1`), random data. ")
                .append("fine-tune: cross-entropy on the stream batch; lwf: LwF's distillation loss (T 2, lambda 0.5), ")
                .append("the frozen teacher's forward pass on every trained row; replay: the stream batch plus as many rows ")
                .append("drawn from a 4096-sample buffer, one step. Mnemo runs `ContinualTrainer` (`ContinualStepBench`), ")
                .append("the reference `bench/torch_step.py`. ")
                .append(String.format(Locale.ROOT, "Rounds of %s s per configuration: %d of Mnemo", plain(mnemo.seconds()),
                        mnemo.rounds()))
                .append(reference == null ? "" : String.format(Locale.ROOT,
                        " and %d of the reference, alternating", reference.rounds()))
                .append("; the best round of each is kept.\n\n");
        if (machine != null && !machine.isBlank()) {
            md.append("Machine: ").append(machine.strip()).append(".\n\n");
        }
        md.append("| config | batch | Mnemo samples/s | reference samples/s | Mnemo / reference "
                + "| Mnemo % of ND4J sgemm | reference % of its sgemm |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ").append(r.config())
                    .append(" | ").append(r.batch())
                    .append(" | ").append(r.mnemo() == null ? "—" : count(r.mnemo().samplesPerSecond()))
                    .append(" | ").append(r.reference() == null ? "—" : count(r.reference().samplesPerSecond()))
                    .append(" | ").append(Double.isNaN(r.ratio()) ? "—" : String.format(Locale.ROOT, "%.2f", r.ratio()))
                    .append(" | ").append(percent(r.mnemoSgemmFraction()))
                    .append(" | ").append(percent(r.referenceSgemmFraction()))
                    .append(" |\n");
        }
        md.append('\n');
        md.append(String.format(Locale.ROOT, "sgemm, float 1024 x 1024 into a preallocated output, best round: "
                + "ND4J `Nd4j.gemm` %.1f GFLOP/s", mnemo.sgemmGflops()));
        if (reference != null) {
            md.append(String.format(Locale.ROOT, "; PyTorch `torch.mm` %.1f GFLOP/s", reference.sgemmGflops()));
        }
        md.append(".\n\n");
        md.append("Samples/s counts stream samples (replayed rows are extra work per step). GFLOP/s per step: ")
                .append("(6 + 2 with a teacher) x rows x ").append(String.format(Locale.ROOT, "%,d", mnemo.macsPerSample()))
                .append(" multiply-adds, rows = stream + replay batch.\n\n");
        md.append("Mnemo: ").append(mnemo.version()).append(", ").append(mnemo.blas()).append(".\n");
        if (reference != null) {
            md.append("Reference: PyTorch ").append(reference.version()).append(", BLAS ").append(reference.blas())
                    .append(".\n");
        } else {
            md.append("Reference: not run (it needs PyTorch; on Debian: `python3-torch` and `libopenblas0-pthread`).\n");
        }
        return md.toString();
    }

    /** The combined figures as JSON. */
    public static String json(Side mnemo, Side reference, String machine) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("machine", machine);
        out.put("network", mnemo.network());
        out.put("macsPerSample", mnemo.macsPerSample());
        out.put("seconds", mnemo.seconds());
        out.put("mnemo", side(mnemo));
        out.put("reference", reference == null ? null : side(reference));
        List<Map<String, Object>> table = new ArrayList<>();
        for (Row r : rows(mnemo, reference)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("config", r.config());
            row.put("batch", r.batch());
            row.put("rows", r.rows());
            row.put("teacher", r.teacher());
            row.put("mnemoSamplesPerSecond", r.mnemo() == null ? null : r.mnemo().samplesPerSecond());
            row.put("referenceSamplesPerSecond", r.reference() == null ? null : r.reference().samplesPerSecond());
            row.put("ratio", finite(r.ratio()));
            row.put("mnemoStepMillis", r.mnemo() == null ? null : r.mnemo().stepMillis());
            row.put("referenceStepMillis", r.reference() == null ? null : r.reference().stepMillis());
            row.put("mnemoSgemmFraction", finite(r.mnemoSgemmFraction()));
            row.put("referenceSgemmFraction", finite(r.referenceSgemmFraction()));
            table.add(row);
        }
        out.put("rows", table);
        try {
            return JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> side(Side s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("implementation", s.implementation());
        out.put("version", s.version());
        out.put("blas", s.blas());
        out.put("rounds", s.rounds());
        out.put("sgemmGflops", s.sgemmGflops());
        return out;
    }

    /**
     * Reads one round's file, as {@link ContinualStepBench} or {@code bench/torch_step.py} wrote it.
     *
     * @throws IllegalArgumentException naming the file when a field is missing
     */
    public static Side read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** As {@link #read(Path)}, from the text of the file; {@code source} names it in errors. */
    public static Side parse(String text, String source) throws IOException {
        JsonNode root = JSON.readTree(text);
        List<Integer> network = new ArrayList<>();
        required(root, "network", source).forEach(n -> network.add(n.asInt()));
        List<Figure> figures = new ArrayList<>();
        for (JsonNode r : required(root, "results", source)) {
            figures.add(new Figure(
                    required(r, "config", source).asText(),
                    required(r, "batch", source).asInt(),
                    required(r, "rows", source).asInt(),
                    required(r, "teacher", source).asBoolean(),
                    required(r, "samplesPerSecond", source).asDouble(),
                    required(r, "stepMillis", source).asDouble(),
                    required(r, "gflops", source).asDouble()));
        }
        return new Side(
                required(root, "implementation", source).asText(),
                root.path("version").asText("unknown"),
                root.path("blas").asText("unknown"),
                network,
                required(root, "macsPerSample", source).asLong(),
                root.path("seconds").asDouble(Double.NaN),
                root.path("rounds").asInt(1),
                required(root, "sgemmGflops", source).asDouble(),
                figures);
    }

    private static JsonNode required(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + " has no field '" + field + "'");
        }
        return v;
    }

    /** Reads the rounds, writes {@code step.md} and {@code step.json} when asked, prints the Markdown. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        List<Path> mnemoFiles = List.of();
        List<Path> referenceFiles = List.of();
        Path out = null;
        String machine = null;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length) {
                fail(args[i] + " needs a value");
            }
            String value = args[++i];
            switch (args[i - 1]) {
                case "--mnemo" -> mnemoFiles = paths(value);
                case "--reference" -> referenceFiles = paths(value);
                case "--out" -> out = Path.of(value);
                case "--machine" -> machine = value;
                default -> fail("unknown option " + args[i - 1] + "; known: --mnemo --reference --out --machine");
            }
        }
        if (mnemoFiles.isEmpty()) {
            fail("--mnemo names no file");
        }
        String md;
        String json;
        try {
            Side mnemo = Side.best(readAll(mnemoFiles));
            Side reference = referenceFiles.isEmpty() ? null : Side.best(readAll(referenceFiles));
            md = markdown(mnemo, reference, machine);
            json = json(mnemo, reference, machine);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        System.out.print(md);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("step.md"), md);
            Files.writeString(out.resolve("step.json"), json);
            System.out.println();
            System.out.println("wrote " + out.resolve("step.md") + " and " + out.resolve("step.json"));
        }
    }

    private static List<Side> readAll(List<Path> files) throws IOException {
        List<Side> sides = new ArrayList<>();
        for (Path f : files) {
            sides.add(read(f));
        }
        return sides;
    }

    private static List<Path> paths(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    private static void fail(String message) {
        System.err.println("StepReport: " + message);
        System.err.println(USAGE);
        System.exit(2);
    }

    private static String count(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "—" : String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
