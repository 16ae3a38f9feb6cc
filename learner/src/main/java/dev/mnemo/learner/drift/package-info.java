/**
 * Concept-drift detectors: small online tests that watch a stream of values (an error rate, a
 * feature, a confidence score) and say when its distribution has changed.
 *
 * <p>Every detector implements {@link dev.mnemo.learner.drift.DriftDetector}: {@code update(x)},
 * then read {@code driftDetected()} (and {@code warningDetected()} where the method has a warning
 * zone). Detectors for 0/1 error streams also implement
 * {@link dev.mnemo.learner.drift.BinaryDriftDetector}. All are plain Java, allocate nothing per
 * update (KSWIN aside, which copies its window on a detection), and can be checkpointed with
 * {@code snapshot()} / {@code restore(state)}.
 *
 * <table>
 *   <caption>Detectors</caption>
 *   <tr><th>class</th><th>input</th><th>watches</th><th>warning</th><th>defaults</th></tr>
 *   <tr><td>{@link dev.mnemo.learner.drift.Adwin}</td><td>real</td><td>mean, adaptive window</td>
 *       <td>no</td><td>delta 0.002, clock 32, 5 buckets, min length 5, grace 10</td></tr>
 *   <tr><td>{@link dev.mnemo.learner.drift.PageHinkley}</td><td>real</td><td>mean, cumulative sum</td>
 *       <td>no</td><td>30 instances, delta 0.005, threshold 50, alpha 1 - 0.0001, UP</td></tr>
 *   <tr><td>{@link dev.mnemo.learner.drift.Ddm}</td><td>0/1</td><td>error rate</td>
 *       <td>yes</td><td>30 instances, warning 2 sigma, drift 3 sigma</td></tr>
 *   <tr><td>{@link dev.mnemo.learner.drift.Kswin}</td><td>real</td><td>whole distribution</td>
 *       <td>no</td><td>alpha 0.005, window 100, stat size 30, seed 42</td></tr>
 *   <tr><td>{@link dev.mnemo.learner.drift.HddmA}</td><td>[0, 1]</td><td>mean, Hoeffding bound</td>
 *       <td>yes</td><td>drift 0.001, warning 0.005, a fall restarts silently</td></tr>
 *   <tr><td>{@link dev.mnemo.learner.drift.HddmW}</td><td>[0, 1]</td><td>weighted mean, McDiarmid bound</td>
 *       <td>yes</td><td>drift 0.001, warning 0.005, lambda 0.05, rises only</td></tr>
 *   <tr><td>{@link dev.mnemo.learner.drift.ScheduledDetector}</td><td>any</td><td>nothing</td>
 *       <td>no</td><td>baseline: fires every {@code period} updates</td></tr>
 * </table>
 *
 * <p>On Bernoulli(0.2) for 1,000 values then Bernoulli(0.8) (seed 42, see each class), the first
 * detections are at index 1055 (ADWIN), 1056 (Page-Hinkley), 1008 (DDM), 1051 (KSWIN), 1050
 * (HDDM-A) and 1008 (HDDM-W); a
 * schedule every 300 updates fires at 299, 599 and 899 before the change and 1199 after it.
 *
 * <pre>{@code
 * DriftDetector detector = Adwin.create();
 * DriftStream stream = Sea.abrupt(42, 0, 2, 10_000);   // known drift at sample 10,000
 * for (int i = 0; i < 20_000; i++) {
 *     Sample s = stream.next();
 *     detector.update(model.predict(s.x()) == s.y() ? 0 : 1);   // the error stream
 *     if (detector.driftDetected()) { ... }
 * }
 * }</pre>
 *
 * <p>For feature vectors, {@link dev.mnemo.learner.drift.ProjectedKswin} runs one KSWIN per
 * component of a seeded {@link dev.mnemo.learner.drift.RandomProjection} (for example of a
 * model's penultimate features); a plain KSWIN watches a scalar such as the model's confidence.
 *
 * <p>{@link dev.mnemo.learner.drift.DetectorBench} times them; the sub-package
 * {@code streams} generates labelled streams with known drift points (SEA, STAGGER, Agrawal,
 * rotating hyperplane).
 *
 * <h2>References</h2>
 * <ul>
 *   <li>A. Bifet and R. Gavalda, "Learning from time-changing data with adaptive windowing",
 *       SIAM International Conference on Data Mining (SDM), 443-448, 2007.</li>
 *   <li>E. S. Page, "Continuous inspection schemes", Biometrika 41(1/2), 100-115, 1954.</li>
 *   <li>J. Gama, P. Medas, G. Castillo and P. Rodrigues, "Learning with drift detection", SBIA
 *       2004, Lecture Notes in Computer Science 3171, Springer, 286-295, 2004.</li>
 *   <li>C. Raab, M. Heusinger and F.-M. Schleif, "Reactive soft prototype computing for concept
 *       drift streams", Neurocomputing 416, 340-351, 2020.</li>
 *   <li>I. Frias-Blanco, J. del Campo-Avila, G. Ramos-Jimenez, R. Morales-Bueno, A. Ortiz-Diaz and
 *       Y. Caballero-Mota, "Online and non-parametric drift detection methods based on Hoeffding's
 *       bounds", IEEE Transactions on Knowledge and Data Engineering 27(3), 810-823, 2015.</li>
 *   <li>J. Gama, I. Zliobaite, A. Bifet, M. Pechenizkiy and A. Bouchachia, "A survey on concept
 *       drift adaptation", ACM Computing Surveys 46(4), article 44, 2014.</li>
 * </ul>
 */
package dev.mnemo.learner.drift;
