/**
 * The drift benchmark: detection delay, false alarms, missed drifts and update cost of the
 * detectors of {@code dev.mnemo.learner.drift} on streams with known drift points.
 *
 * <p>{@link dev.mnemo.learner.drift.bench.DriftBench} splices the generators of
 * {@code drift.streams} into streams with a drift every few thousand samples
 * ({@link dev.mnemo.learner.drift.bench.RecurringDriftStream}), runs a small deterministic learner
 * on them ({@link dev.mnemo.learner.drift.bench.WindowedNaiveBayes}), and feeds the same 0/1 error
 * stream to every {@link dev.mnemo.learner.drift.bench.Contender}. Other implementations, such as
 * the MOA reference, enter as contenders from test scope; nothing here depends on them.
 *
 * <pre>
 *   java -cp learner/target/classes dev.mnemo.learner.drift.bench.DriftBench --out drift.md --json drift.json
 * </pre>
 */
package dev.mnemo.learner.drift.bench;
