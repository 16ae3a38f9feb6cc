package dev.mnemo.learner.bench.cl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnemo.learner.eval.AccuracyMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The results of a benchmark: every run with its accuracy matrix, and the mean and standard
 * deviation over seeds of ACC, BWT, FWT, average forgetting and training samples/s per
 * (benchmark, scenario, strategy), as JSON and as Markdown tables. The MNIST tables show the
 * published average accuracies of van de Ven and Tolias (2019) beside Mnemo's.
 */
public final class ClReport {

    /** Published ACC (%) on MNIST, van de Ven and Tolias (2019), Table 2 and 3; key "benchmark scenario strategy". */
    private static final Map<String, String> PUBLISHED = Map.ofEntries(
            Map.entry("split-mnist task-il fine-tune", "87.19"),
            Map.entry("split-mnist domain-il fine-tune", "59.21"),
            Map.entry("split-mnist class-il fine-tune", "19.90"),
            Map.entry("perm-mnist task-il fine-tune", "81.79"),
            Map.entry("perm-mnist domain-il fine-tune", "78.51"),
            Map.entry("perm-mnist class-il fine-tune", "17.26"),
            Map.entry("split-mnist task-il lwf", "99.57"),
            Map.entry("split-mnist domain-il lwf", "71.50"),
            Map.entry("split-mnist class-il lwf", "23.85"),
            Map.entry("perm-mnist task-il lwf", "69.84"),
            Map.entry("perm-mnist domain-il lwf", "72.64"),
            Map.entry("perm-mnist class-il lwf", "22.64"),
            Map.entry("split-mnist class-il replay", "94.57 (iCaRL)"),
            Map.entry("split-mnist class-il lwf+replay", "94.57 (iCaRL)"),
            Map.entry("perm-mnist class-il replay", "94.85 (iCaRL)"),
            Map.entry("perm-mnist class-il lwf+replay", "94.85 (iCaRL)"),
            Map.entry("split-mnist task-il joint", "99.7"),
            Map.entry("split-mnist domain-il joint", "98.4"),
            Map.entry("split-mnist class-il joint", "97.9"));

    /** How {@link ClBench} starts the command lines it records. */
    static final String COMMAND_PREFIX = "./mnemo bench cl";

    private final List<ClRunResult> runs = new ArrayList<>();
    private final Map<String, Set<String>> protocols = new LinkedHashMap<>();
    private final List<String> commands = new ArrayList<>();

    /** @param command the command line that produced the results, for the reports */
    public ClReport(String command) {
        commands.add(command);
    }

    private ClReport(List<String> commandLines) {
        commands.addAll(commandLines);
    }

    /** Records the protocol line of a benchmark (several, when merged reports differ). */
    public synchronized void protocol(String benchmark, String description) {
        protocols.computeIfAbsent(benchmark, k -> new LinkedHashSet<>()).add(description);
    }

    /**
     * The runs of several reports written by {@link #toJson()}, in one report (for results produced
     * by several commands). Runs from reports written before runs carried their variant get it from
     * the report's command line.
     *
     * @throws UncheckedIOException if a file cannot be read or is not such a report
     */
    public static ClReport merge(List<Path> files) {
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        List<JsonNode> roots = new ArrayList<>();
        for (Path f : files) {
            try {
                JsonNode root = mapper.readTree(f.toFile());
                roots.add(root);
                JsonNode cs = root.path("commands");
                if (cs.isArray()) {
                    cs.forEach(c -> lines.add(c.asText()));
                } else {
                    lines.add(root.path("command").asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the report " + f + ": " + e.getMessage(), e);
            }
        }
        ClReport merged = new ClReport(lines);
        for (JsonNode root : roots) {
            root.path("protocols").fields().forEachRemaining(e -> {
                if (e.getValue().isArray()) {
                    e.getValue().forEach(v -> merged.protocol(e.getKey(), v.asText()));
                } else {
                    merged.protocol(e.getKey(), e.getValue().asText());
                }
            });
            ClOptions options = null;
            String command = root.path("command").asText("");
            // A merged report's command is several joined by "; ": its runs carry their variant.
            if (command.startsWith(COMMAND_PREFIX) && !command.contains(";")) {
                String rest = command.substring(COMMAND_PREFIX.length()).trim();
                options = ClBench.parse(rest.isEmpty() ? new String[0] : rest.split("\\s+")).options();
            }
            for (JsonNode r : root.path("runs")) {
                String strategy = r.path("strategy").asText();
                String variant = r.has("variant") ? r.path("variant").asText()
                        : options == null ? "" : options.variant(strategy);
                JsonNode rows = r.path("R");
                double[][] m = new double[rows.size()][];
                for (int i = 0; i < m.length; i++) {
                    m[i] = doubles(rows.get(i));
                }
                merged.add(new ClRunResult(r.path("benchmark").asText(), ClScenario.parse(r.path("scenario").asText()),
                        strategy, variant, r.path("seed").asLong(), r.path("iterationsPerTask").asInt(),
                        AccuracyMatrix.of(m, doubles(r.path("baseline"))), r.path("samplesPerSecond").asDouble(),
                        r.path("trainSeconds").asDouble(), r.path("wallSeconds").asDouble()));
            }
        }
        return merged;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).isNull() ? Double.NaN : array.get(i).asDouble();
        }
        return out;
    }

    /** Adds a finished run. */
    public synchronized void add(ClRunResult run) {
        runs.add(run);
    }

    /** The runs so far, in completion order. */
    public synchronized List<ClRunResult> runs() {
        return List.copyOf(runs);
    }

    /** Mean and sample standard deviation of one metric over the seeds of a configuration. */
    public record Stat(double mean, double std, int n) {
        static Stat of(List<ClRunResult> runs, ToDoubleFunction<ClRunResult> metric) {
            int n = runs.size();
            double mean = runs.stream().mapToDouble(metric).average().orElse(Double.NaN);
            double ss = runs.stream().mapToDouble(r -> Math.pow(metric.applyAsDouble(r) - mean, 2)).sum();
            return new Stat(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0, n);
        }
    }

    /** The runs of one (benchmark, scenario, strategy) with the default settings, in completion order. */
    public synchronized List<ClRunResult> runsOf(String benchmark, ClScenario scenario, String strategy) {
        return runs.stream()
                .filter(r -> r.benchmark().equals(benchmark) && r.scenario() == scenario && r.strategy().equals(strategy)
                        && r.variant().isEmpty())
                .toList();
    }

    /** ACC over the seeds of one configuration. */
    public Stat acc(String benchmark, ClScenario scenario, String strategy) {
        return Stat.of(runsOf(benchmark, scenario, strategy), r -> r.matrix().acc());
    }

    /** The report as JSON: protocols, a summary per configuration and every run with R and the baseline. */
    public synchronized String toJson() {
        StringBuilder b = new StringBuilder();
        b.append("{\n  \"command\": ").append(quote(String.join("; ", commands))).append(",\n  \"commands\": [");
        for (int i = 0; i < commands.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(quote(commands.get(i)));
        }
        b.append("],\n  \"protocols\": {");
        int k = 0;
        for (Map.Entry<String, Set<String>> e : protocols.entrySet()) {
            b.append(k++ == 0 ? "\n" : ",\n").append("    ").append(quote(e.getKey())).append(": [");
            int v = 0;
            for (String p : e.getValue()) {
                b.append(v++ == 0 ? "" : ", ").append(quote(p));
            }
            b.append(']');
        }
        b.append("\n  },\n  \"summary\": [");
        k = 0;
        for (List<ClRunResult> group : groups()) {
            ClRunResult first = group.get(0);
            b.append(k++ == 0 ? "\n" : ",\n").append("    {\"benchmark\": ").append(quote(first.benchmark()))
                    .append(", \"scenario\": ").append(quote(first.scenario().id()))
                    .append(", \"strategy\": ").append(quote(first.strategy()))
                    .append(", \"variant\": ").append(quote(first.variant()))
                    .append(", \"iterationsPerTask\": ").append(first.iterationsPerTask())
                    .append(", \"seeds\": ").append(group.size());
            metric(b, "acc", Stat.of(group, r -> r.matrix().acc()));
            metric(b, "bwt", Stat.of(group, r -> r.matrix().bwt()));
            metric(b, "fwt", Stat.of(group, r -> r.matrix().fwt()));
            metric(b, "forgetting", Stat.of(group, r -> r.matrix().forgetting()));
            metric(b, "samplesPerSecond", Stat.of(group, ClRunResult::samplesPerSecond));
            String published = first.variant().isEmpty() ? PUBLISHED.get(key(first)) : null;
            if (published != null) {
                b.append(", \"publishedAccPercent\": ").append(quote(published));
            }
            b.append('}');
        }
        b.append("\n  ],\n  \"runs\": [");
        k = 0;
        for (ClRunResult r : runs) {
            AccuracyMatrix m = r.matrix();
            b.append(k++ == 0 ? "\n" : ",\n").append("    {\"benchmark\": ").append(quote(r.benchmark()))
                    .append(", \"scenario\": ").append(quote(r.scenario().id()))
                    .append(", \"strategy\": ").append(quote(r.strategy()))
                    .append(", \"variant\": ").append(quote(r.variant()))
                    .append(", \"seed\": ").append(r.seed())
                    .append(", \"iterationsPerTask\": ").append(r.iterationsPerTask())
                    .append(", \"acc\": ").append(num(m.acc()))
                    .append(", \"bwt\": ").append(num(m.bwt()))
                    .append(", \"fwt\": ").append(num(m.fwt()))
                    .append(", \"forgetting\": ").append(num(m.forgetting()))
                    .append(", \"samplesPerSecond\": ").append(num(r.samplesPerSecond()))
                    .append(", \"trainSeconds\": ").append(num(r.trainSeconds()))
                    .append(", \"wallSeconds\": ").append(num(r.wallSeconds()))
                    .append(",\n      \"baseline\": ").append(array(m.baseline()))
                    .append(",\n      \"R\": [");
            double[][] rows = m.rows();
            for (int i = 0; i < rows.length; i++) {
                b.append(i == 0 ? "" : ", ").append(array(rows[i]));
            }
            b.append("]}");
        }
        return b.append("\n  ]\n}\n").toString();
    }

    /**
     * The report as Markdown: per benchmark, ACC (%, mean ± std over seeds) by strategy and scenario
     * with the published MNIST numbers in brackets, then BWT, FWT, forgetting and samples/s.
     */
    public synchronized String toMarkdown() {
        StringBuilder b = new StringBuilder("# Continual-learning benchmark\n\n");
        b.append(commands.size() == 1 ? "Command:\n\n" : "Commands:\n\n");
        for (String c : commands) {
            b.append("    ").append(c).append('\n');
        }
        b.append('\n');
        b.append("ACC = average test accuracy over all tasks after the last task (%), mean ± standard deviation"
                + " over seeds (n = seeds); in brackets the published number (van de Ven and Tolias 2019; for replay"
                + " the iCaRL row, 2000 exemplars). BWT, FWT and forgetting as in DESIGN.md §4, in points.\n");
        for (String benchmark : benchmarks()) {
            b.append("\n## ").append(benchmark).append("\n\n");
            for (String protocol : protocols.getOrDefault(benchmark, Set.of())) {
                b.append("Protocol: ").append(protocol).append(".\n\n");
            }
            b.append("| strategy |");
            List<ClScenario> scenarios = new ArrayList<>();
            for (ClScenario s : ClScenario.values()) {
                if (runs.stream().anyMatch(r -> r.benchmark().equals(benchmark) && r.scenario() == s)) {
                    scenarios.add(s);
                    b.append(' ').append(s.id()).append(" ACC |");
                }
            }
            b.append("\n|---|").append("---|".repeat(scenarios.size())).append('\n');
            for (String[] row : rows(benchmark)) {
                String strategy = row[0];
                String variant = row[1];
                int iterations = Integer.parseInt(row[2]);
                b.append("| ").append(label(strategy, variant, iterations, benchmark)).append(" |");
                for (ClScenario s : scenarios) {
                    List<ClRunResult> group = runs.stream()
                            .filter(r -> r.benchmark().equals(benchmark) && r.scenario() == s
                                    && r.strategy().equals(strategy) && r.variant().equals(variant)
                                    && r.iterationsPerTask() == iterations)
                            .toList();
                    if (group.isEmpty()) {
                        b.append(" - |");
                        continue;
                    }
                    Stat acc = Stat.of(group, r -> r.matrix().acc());
                    b.append(String.format(Locale.ROOT, " %.2f ± %.2f (n=%d)", 100 * acc.mean(), 100 * acc.std(),
                            acc.n()));
                    String published = variant.isEmpty() ? PUBLISHED.get(benchmark + " " + s.id() + " " + strategy) : null;
                    if (published != null) {
                        b.append(" [").append(published).append(']');
                    }
                    b.append(" |");
                }
                b.append('\n');
            }
            b.append("\n| scenario | strategy | iterations/task | seeds | BWT | FWT | forgetting | samples/s |\n")
                    .append("|---|---|---|---|---|---|---|---|\n");
            for (List<ClRunResult> group : groups()) {
                ClRunResult first = group.get(0);
                if (!first.benchmark().equals(benchmark)) {
                    continue;
                }
                b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s | %s | %.0f |\n",
                        first.scenario().id(), first.variant().isEmpty() ? first.strategy()
                                : first.strategy() + " (" + first.variant() + ")", first.iterationsPerTask(), group.size(),
                        points(Stat.of(group, r -> r.matrix().bwt())), points(Stat.of(group, r -> r.matrix().fwt())),
                        points(Stat.of(group, r -> r.matrix().forgetting())),
                        Stat.of(group, ClRunResult::samplesPerSecond).mean()));
            }
        }
        return b.toString();
    }

    private List<String> benchmarks() {
        List<String> out = new ArrayList<>();
        for (String name : ClBenchmark.NAMES) {
            if (runs.stream().anyMatch(r -> r.benchmark().equals(name))) {
                out.add(name);
            }
        }
        return out;
    }

    /** Table rows of a benchmark: {strategy, variant, iterations}, in strategy order. */
    private List<String[]> rows(String benchmark) {
        List<String[]> out = new ArrayList<>();
        for (String name : ClRunner.STRATEGIES) {
            runs.stream().filter(r -> r.benchmark().equals(benchmark) && r.strategy().equals(name))
                    .map(r -> r.variant() + "\u0000" + r.iterationsPerTask()).distinct().sorted()
                    .forEach(k -> out.add(new String[] {name, k.split("\u0000")[0], k.split("\u0000")[1]}));
        }
        return out;
    }

    private String label(String strategy, String variant, int iterations, String benchmark) {
        // Every cut of the published protocol is named, even when no run of the benchmark ran it whole.
        int common = ClBenchmark.parse(benchmark).iterationsPerTask();
        List<String> notes = new ArrayList<>();
        if (!variant.isEmpty()) {
            notes.add(variant);
        }
        if (iterations != common) {
            notes.add(iterations + " it/task");
        }
        return notes.isEmpty() ? strategy : strategy + " (" + String.join(", ", notes) + ")";
    }

    /** Runs grouped by configuration, in benchmark, scenario, strategy, variant order. */
    private List<List<ClRunResult>> groups() {
        List<List<ClRunResult>> out = new ArrayList<>();
        for (String benchmark : ClBenchmark.NAMES) {
            for (ClScenario s : ClScenario.values()) {
                for (String[] row : rows(benchmark)) {
                    List<ClRunResult> group = runs.stream()
                            .filter(r -> r.benchmark().equals(benchmark) && r.scenario() == s
                                    && r.strategy().equals(row[0]) && r.variant().equals(row[1])
                                    && r.iterationsPerTask() == Integer.parseInt(row[2]))
                            .toList();
                    if (!group.isEmpty()) {
                        out.add(group);
                    }
                }
            }
        }
        return out;
    }

    private static String key(ClRunResult r) {
        return r.benchmark() + " " + r.scenario().id() + " " + r.strategy();
    }

    private static String points(Stat s) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * s.mean(), 100 * s.std());
    }

    private static void metric(StringBuilder b, String name, Stat s) {
        b.append(", \"").append(name).append("\": {\"mean\": ").append(num(s.mean())).append(", \"std\": ")
                .append(num(s.std())).append('}');
    }

    private static String array(double[] values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ", ").append(num(values[i]));
        }
        return b.append(']').toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }
}
