package dev.mnemo.learner.drift;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A plain timing loop for the drift detectors: nanoseconds per update and updates per second on
 * one thread, on seeded Bernoulli streams.
 *
 * <p>Two streams of 0/1 values are pre-computed so that drawing random numbers is not timed:
 * {@code stationary}, Bernoulli(0.2) throughout (the worst case for ADWIN, whose window then grows
 * without bound), and {@code drifting}, whose rate alternates between 0.2 and 0.8 every 100,000
 * values. Each detector runs a warm-up pass (to let the just-in-time compiler settle), then
 * {@code rounds} timed passes over {@code updates} values; the best round is reported, as the one
 * least disturbed by other processes. A checksum of the detections is printed so the work cannot be
 * optimised away.
 *
 * <pre>
 *   java -cp learner/target/classes dev.mnemo.learner.drift.DetectorBench [updates] [rounds]
 * </pre>
 * prints one line per detector and stream, for example
 * <pre>
 *   Adwin              stationary     16.98 ns/update      58.9 M updates/s   detections 6
 * </pre>
 */
public final class DetectorBench {

    private DetectorBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: number of updates per round (default 50,000,000), number of rounds
     *     (default 5)
     */
    public static void main(String[] args) {
        int updates = args.length > 0 ? Integer.parseInt(args[0]) : 50_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        double[] stationary = bernoulli(updates, 42L, 0);
        double[] drifting = bernoulli(updates, 42L, 100_000);
        List<Supplier<DriftDetector>> detectors = List.of(
                Adwin::create, PageHinkley::create, Ddm::create, HddmA::create, HddmW::create,
                () -> ScheduledDetector.every(1000));
        for (Supplier<DriftDetector> factory : detectors) {
            run(factory, "stationary", stationary, rounds);
            run(factory, "drifting", drifting, rounds);
        }
        // KSWIN runs an exact test at every update: time it on a shorter stream.
        int kswinUpdates = Math.min(updates, 200_000);
        run(Kswin::create, "stationary", java.util.Arrays.copyOf(stationary, kswinUpdates), rounds);
        run(Kswin::create, "drifting", java.util.Arrays.copyOf(drifting, kswinUpdates), rounds);
    }

    private static double[] bernoulli(int n, long seed, int period) {
        SplitMix64 rng = new SplitMix64(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double p = period > 0 && (i / period) % 2 == 1 ? 0.8 : 0.2;
            x[i] = rng.nextDouble() < p ? 1.0 : 0.0;
        }
        return x;
    }

    private static void run(Supplier<DriftDetector> factory, String streamName, double[] stream, int rounds) {
        long detections = pass(factory.get(), stream);
        long best = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            DriftDetector d = factory.get();
            long t0 = System.nanoTime();
            detections = pass(d, stream);
            best = Math.min(best, System.nanoTime() - t0);
        }
        double ns = (double) best / stream.length;
        System.out.println(String.format(Locale.ROOT, "%-18s %-11s %8.2f ns/update %9.1f M updates/s   detections %d",
                factory.get().getClass().getSimpleName(), streamName, ns, 1e3 / ns, detections));
    }

    private static long pass(DriftDetector d, double[] stream) {
        long detections = 0;
        for (double x : stream) {
            d.update(x);
            if (d.driftDetected()) {
                detections++;
            }
        }
        return detections;
    }
}
