package dev.mnemo.learner.drift.bench;

import dev.mnemo.learner.drift.DriftDetector;
import java.util.function.DoublePredicate;
import java.util.function.Supplier;

/**
 * A detector entered in the benchmark: a name, where it comes from, and a factory of fresh
 * instances seen as a predicate that consumes one error value and answers whether it signalled a
 * drift. The predicate form lets implementations from outside this code base (such as the MOA
 * reference, in test scope) run on exactly the same error streams.
 *
 * @param name the detector's name in the tables, for example {@code ADWIN}
 * @param source {@link #MNEMO}, {@link #BASELINE} or another implementation's label
 * @param factory a new, history-free instance per call
 */
public record Contender(String name, String source, Supplier<DoublePredicate> factory) {

    /** Source label of Mnemo's detectors. */
    public static final String MNEMO = "Mnemo";
    /** Source label of yardsticks that ignore their input; they are never "best". */
    public static final String BASELINE = "baseline";

    /**
     * @param name the name in the tables
     * @param detectors a factory of Mnemo detectors
     * @return a contender from this code base
     */
    public static Contender mnemo(String name, Supplier<? extends DriftDetector> detectors) {
        return of(name, MNEMO, detectors);
    }

    /**
     * @param name the name in the tables
     * @param source where the detector comes from
     * @param detectors a factory of detectors
     * @return a contender that feeds each value to a fresh detector's {@code update}
     */
    public static Contender of(String name, String source, Supplier<? extends DriftDetector> detectors) {
        return new Contender(name, source, () -> {
            DriftDetector d = detectors.get();
            return x -> {
                d.update(x);
                return d.driftDetected();
            };
        });
    }
}
