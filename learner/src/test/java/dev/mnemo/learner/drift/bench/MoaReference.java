package dev.mnemo.learner.drift.bench;

import dev.mnemo.learner.ood.OodBench;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;
import java.util.function.Supplier;
import moa.classifiers.core.driftdetection.ADWINChangeDetector;
import moa.classifiers.core.driftdetection.AbstractChangeDetector;
import moa.classifiers.core.driftdetection.DDM;
import moa.classifiers.core.driftdetection.HDDM_A_Test;
import moa.classifiers.core.driftdetection.HDDM_W_Test;
import moa.classifiers.core.driftdetection.PageHinkleyDM;

/**
 * The drift benchmark with the MOA reference beside Mnemo's detectors: MOA's ADWIN, DDM,
 * Page-Hinkley, HDDM-A and HDDM-W, with their default options, run on exactly the same error arrays, in the
 * same run, and scored by the same code ({@link DriftBench}).
 *
 * <p>With MNIST and Fashion-MNIST available it adds the spliced image streams of
 * {@link ImageStreams} to the synthetic ones, and appends the OOD and MC-dropout tables of
 * {@code OodBench} (both directions).
 *
 * <p>Test scope only: the MOA reference is GPL-3.0 and never part of what ships. It runs with all
 * of its own dependencies excluded.
 *
 * <pre>
 *   mvn -B -pl learner test-compile dependency:build-classpath \
 *       -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 *   java -cp learner/target/test-classes:learner/target/classes:$(cat learner/target/test-classpath.txt) \
 *       dev.mnemo.learner.drift.bench.MoaReference \
 *       --out learner/bench-results/drift.md --json learner/bench-results/drift.json
 * </pre>
 * ({@code mdep.outputFile} is relative to the module; {@code --quick} runs the reduced
 * configuration of the unit test.)
 *
 * <h2>References</h2>
 * <ul>
 *   <li>A. Bifet, G. Holmes, R. Kirkby and B. Pfahringer, "MOA: Massive Online Analysis", Journal of
 *       Machine Learning Research 11, 1601-1604, 2010.</li>
 *   <li>I. Frias-Blanco, J. del Campo-Avila, G. Ramos-Jimenez, R. Morales-Bueno, A. Ortiz-Diaz and
 *       Y. Caballero-Mota, "Online and non-parametric drift detection methods based on Hoeffding's
 *       bounds", IEEE Transactions on Knowledge and Data Engineering 27(3), 810-823, 2015
 *       (HDDM-A, HDDM-W).</li>
 * </ul>
 */
public final class MoaReference {

    /** Source label of the MOA reference's detectors in the tables. */
    public static final String SOURCE = "MOA reference";

    private MoaReference() {
    }

    /** @return whether the MOA reference is on the class path */
    public static boolean available() {
        try {
            Class.forName("moa.classifiers.core.driftdetection.ADWINChangeDetector", false,
                    MoaReference.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** @return the MOA reference's ADWIN, DDM, Page-Hinkley, HDDM-A and HDDM-W with default options */
    public static List<Contender> contenders() {
        return List.of(
                contender("ADWIN", ADWINChangeDetector::new),
                contender("DDM", DDM::new),
                contender("Page-Hinkley", PageHinkleyDM::new),
                contender("HDDM-A", HDDM_A_Test::new),
                contender("HDDM-W", HDDM_W_Test::new));
    }

    private static Contender contender(String name, Supplier<? extends AbstractChangeDetector> detectors) {
        return new Contender(name, SOURCE, () -> {
            AbstractChangeDetector d = detectors.get();
            d.prepareForUse();
            DoublePredicate signal = x -> {
                d.input(x);
                return d.getChange();
            };
            return signal;
        });
    }

    /** @return Mnemo's contenders followed by the MOA reference's */
    public static List<Contender> all() {
        List<Contender> all = new ArrayList<>(DriftBench.contenders());
        all.addAll(contenders());
        return all;
    }

    /**
     * Runs the side-by-side benchmark.
     *
     * @param args as {@link DriftBench#main(String[])}: {@code --quick}, {@code --out FILE},
     *     {@code --json FILE}; and {@code --synthetic-only} to leave out the image streams and the
     *     OOD and MC-dropout tables (which need MNIST and Fashion-MNIST)
     */
    public static void main(String[] args) {
        boolean quick = java.util.Arrays.asList(args).contains("--quick");
        boolean images = !java.util.Arrays.asList(args).contains("--synthetic-only");
        String[] rest = java.util.Arrays.stream(args).filter(x -> !x.equals("--synthetic-only")).toArray(String[]::new);
        DriftBench.Options o = DriftBench.Options.parse(rest);
        List<DriftBench.Scenario> scenarios = new ArrayList<>(DriftBench.scenarios(o.config()));
        java.util.Optional<ImageStreams.Data> data = images ? ImageStreams.load() : java.util.Optional.empty();
        data.ifPresent(d -> scenarios.addAll(ImageStreams.scenarios(d, quick, o.config().gradualWidth())));
        DriftBench.Report report = DriftBench.run(o.config(), scenarios, all(), System.err);
        String more = "";
        if (data.isPresent()) {
            System.err.println("OOD and MC-dropout evaluation ...");
            List<OodBench.Direction> directions = List.of(
                    OodBench.run(data.get().mnist(), data.get().fashion(), "MNIST", "Fashion-MNIST", quick),
                    OodBench.run(data.get().fashion(), data.get().mnist(), "Fashion-MNIST", "MNIST", quick));
            more = OodBench.markdown(directions, quick);
        }
        o.write(report, "mvn -B -pl learner test-compile dependency:build-classpath "
                + "-Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test && "
                + "java -cp learner/target/test-classes:learner/target/classes:$(cat learner/target/test-classpath.txt) "
                + "dev.mnemo.learner.drift.bench.MoaReference " + String.join(" ", args), SOURCE, more);
    }
}
