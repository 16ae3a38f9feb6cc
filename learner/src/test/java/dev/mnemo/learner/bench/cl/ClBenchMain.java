package dev.mnemo.learner.bench.cl;

import dev.mnemo.ingest.dataset.DatasetSplit;
import dev.mnemo.ingest.dataset.Datasets;

/**
 * Entry point of {@code ./mnemo bench cl}: {@link ClBench} with MNIST and Fashion-MNIST read by the
 * ingest module's dataset readers (a test-scope dependency of the learner, so the learner service
 * does not carry them; the script runs this class on the test classpath, as {@code bench drift}
 * does).
 *
 * <pre>{@code
 * OMP_NUM_THREADS=1 java -cp <learner test classpath> dev.mnemo.learner.bench.cl.ClBenchMain --quick
 * }</pre>
 */
public final class ClBenchMain {

    private ClBenchMain() {}

    /** Loads {@code mnist} or {@code fashion-mnist} from the standard locations ({@code ./mnemo data}). */
    public static ClSourceData load(String name) {
        DatasetSplit split = Datasets.load(name);
        return new ClSourceData(name, split.train().features(), split.train().labels(), split.test().features(),
                split.test().labels());
    }

    /**
     * Runs the benchmark; see {@link ClBench} for the options. {@code --merge OUT A.json B.json ...}
     * instead merges reports of several commands into one in {@code OUT}.
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--merge")) {
            if (args.length < 3) {
                System.err.println("bench cl: usage: --merge OUT_DIR REPORT.json...");
                System.exit(2);
            }
            java.util.List<java.nio.file.Path> files = java.util.Arrays.stream(args, 2, args.length)
                    .map(java.nio.file.Path::of).toList();
            ClReport merged = ClReport.merge(files);
            ClBench.write(java.nio.file.Path.of(args[1]), merged);
            System.out.print(merged.toMarkdown());
            return;
        }
        ClBench.Config config;
        try {
            config = ClBench.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench cl: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.err.println("OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + "; " + config.command());
        ClReport report = ClBench.run(config, ClBenchMain::load, System.err);
        System.out.print(report.toMarkdown());
        System.err.println("wrote " + config.out().resolve("cl-benchmark.json") + " and "
                + config.out().resolve("cl-benchmark.md"));
    }
}
