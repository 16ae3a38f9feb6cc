/**
 * Seeded synthetic classification streams with a known drift point, written from their published
 * definitions: {@link dev.mnemo.learner.drift.streams.Sea}, {@link
 * dev.mnemo.learner.drift.streams.Stagger}, {@link dev.mnemo.learner.drift.streams.Agrawal} and
 * {@link dev.mnemo.learner.drift.streams.RotatingHyperplane}. Each switches from one concept to
 * another at a given index, abruptly or over a given width (see {@link
 * dev.mnemo.learner.drift.streams.DriftStream}), and yields {@link
 * dev.mnemo.learner.drift.streams.Sample}s of {@code (double[] x, int y)}.
 *
 * <pre>{@code
 * DriftStream stream = Sea.abrupt(42, 0, 2, 10_000);   // theta 8, then 7 from sample 10,000
 * for (int i = 0; i < 20_000; i++) {
 *     Sample s = stream.next();
 *     // test-then-train on s.x(), s.y()
 * }
 * }</pre>
 */
package dev.mnemo.learner.drift.streams;
