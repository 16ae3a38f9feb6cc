package dev.mnemo.learner.watch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.mnemo.learner.drift.Adwin;
import dev.mnemo.learner.drift.DetectorState;
import dev.mnemo.learner.drift.DriftDetector;
import dev.mnemo.learner.drift.RisingAdwin;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.ood.QuantileThreshold;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.DriftLevel;
import dev.mnemo.schemas.v1.LabelRequest;
import dev.mnemo.schemas.v1.Verdict;

/**
 * Watches the learner's stream for drift, checks each detection, and says what to publish and
 * whether the strategy should start a new task.
 *
 * <h2>What it watches</h2>
 * Every sample the learner predicted, in stream order, before it trains on them:
 * <ul>
 *   <li><b>error rate</b>: on labelled samples, 1 when the prediction made on arrival was wrong, into
 *       an ADWIN that reports increases only ({@link RisingAdwin}): "the model got worse";</li>
 *   <li><b>novelty rate</b>: on every sample, 1 when its maximum-softmax novelty ({@code 1 - max p})
 *       is above the threshold calibrated on the last {@code calibration} samples before arming,
 *       into a second rising ADWIN: "more inputs than usual look unfamiliar". It needs no label.</li>
 * </ul>
 * Both detectors are armed after {@code warmup} samples, and again {@code warmup} samples after each
 * alert, with a fresh threshold: that re-arming is the hysteresis that turns one sustained drift into
 * one alert.
 *
 * <h2>What happens when a detector fires</h2>
 * <ol>
 *   <li>A {@link DriftEvent} is published, and the detectors pause.</li>
 *   <li>{@code afterWindow} samples later, the {@link DriftCheck} compares those samples with the
 *       {@code beforeWindow} samples that preceded the event by {@code detectionGap}, using the
 *       current model: Mahalanobis OOD scores, error rates and MC-dropout uncertainty. Its verdict
 *       goes out as a {@link DriftAlert} with the evidence.</li>
 *   <li>The most novel (for {@code NOVEL_INPUTS}) or most uncertain (otherwise) unlabelled samples of
 *       the after window go to {@code label.requests}, at most {@code labelRequestBudget}.</li>
 *   <li>{@code NOVEL_INPUTS} and {@code CONCEPT_CHANGE} are confirmed drifts: {@link Outcome#taskBoundary()}
 *       asks the learner to end the current task, so LwF takes a new teacher.</li>
 * </ol>
 *
 * <h2>Checkpoints</h2>
 * {@link #snapshot()} gives the stream position, the arming state, the novelty threshold and both
 * detectors' state as properties for the learner's checkpoint; {@link #restore} puts them back. The
 * recent samples are not kept: a check pending at the checkpoint is dropped (the detectors re-arm
 * after {@code warmup} samples), and a check whose reference window was lost in a restart (fewer
 * than {@value #MIN_REFERENCE} samples kept) is skipped the same way.
 *
 * <p><b>Not thread-safe</b>: the learner loop calls it from its one thread.
 *
 * <pre>{@code
 * DriftWatch watch = new DriftWatch(WatchConfig.defaults(), "default");
 * DriftWatch.Outcome out = watch.observe(model, seenBatch, Instant.now());
 * out.events();  out.alerts();  out.labelRequests();  // publish these
 * if (!out.events().isEmpty()) trainer.markBoundaryCandidate();
 * if (out.taskBoundary()) trainer.confirmBoundary(out.knownClasses());
 * }</pre>
 */
public final class DriftWatch {

    /** Id of the error-rate detector in events and alerts. */
    public static final String ERROR_DETECTOR = "error-rate.adwin";
    /** Id of the novelty-rate detector in events and alerts. */
    public static final String NOVELTY_DETECTOR = "novelty-rate.adwin";

    /** Reference samples a check needs; with fewer (after a restart) it is skipped. */
    static final int MIN_REFERENCE = 50;

    private final WatchConfig config;
    private final String modelName;
    private final DriftCheck check;
    private final Seen[] ring;
    private final double[] ringNovelty;
    private long position = -1;
    /** Position of the oldest sample observed by this instance (later than the snapshot it restored). */
    private long firstKept;

    private DriftDetector errors;
    private DriftDetector novelty;
    private long armAt;
    private boolean armed;
    private double noveltyThreshold = Double.NaN;
    private DriftEvent pending;
    private long checkAt = -1;
    private long alerts;
    private long events;

    /**
     * @param config    the settings
     * @param modelName the model's name, used in event and alert ids
     */
    public DriftWatch(WatchConfig config, String modelName) {
        this.config = Objects.requireNonNull(config, "config");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.check = new DriftCheck(config);
        this.ring = new Seen[config.history()];
        this.ringNovelty = new double[config.history()];
        this.armAt = config.warmup();
        this.errors = new RisingAdwin(Adwin.withDelta(config.errorDelta()));
        this.novelty = new RisingAdwin(Adwin.withDelta(config.noveltyDelta()));
    }

    /**
     * One predicted sample as the watch sees it.
     *
     * @param id            the sample id
     * @param source        the sample's source
     * @param eventTime     its event time, epoch milliseconds
     * @param features      its features (not copied: do not change them)
     * @param label         its label, or {@code -1} when unlabelled
     * @param probabilities the class probabilities predicted on arrival
     * @param predicted     the class predicted on arrival
     */
    public record Seen(String id, String source, long eventTime, float[] features, int label, float[] probabilities,
                       int predicted) {

        boolean labelled() {
            return label >= 0;
        }

        boolean wrong() {
            return label >= 0 && label != predicted;
        }

        /** Maximum-softmax novelty: {@code 1 - max p}. */
        double novelty() {
            float max = 0;
            for (float p : probabilities) {
                max = Math.max(max, p);
            }
            return 1.0 - max;
        }
    }

    /**
     * What one {@link #observe} call produced.
     *
     * @param events        drift events to publish on {@code drift.events}
     * @param alerts        alerts to publish on {@code alerts}
     * @param labelRequests samples to publish on {@code label.requests}
     * @param taskBoundary  whether a confirmed drift asks the strategy to start a new task
     * @param knownClasses  with a task boundary: the labels seen before the change (the old task's
     *                      classes), for {@code ContinualTrainer.confirmBoundary(int[])}; else null
     */
    public record Outcome(List<DriftEvent> events, List<DriftAlert> alerts, List<LabelRequest> labelRequests,
                          boolean taskBoundary, int[] knownClasses, List<DeferredCheck> deferred) {

        static final Outcome NOTHING = new Outcome(List.of(), List.of(), List.of(), false, null, List.of());

        /** Without deferred checks. */
        public Outcome(List<DriftEvent> events, List<DriftAlert> alerts, List<LabelRequest> labelRequests,
                       boolean taskBoundary, int[] knownClasses) {
            this(events, alerts, labelRequests, taskBoundary, knownClasses, List.of());
        }

        public boolean isEmpty() {
            return events.isEmpty() && alerts.isEmpty() && labelRequests.isEmpty() && !taskBoundary
                    && deferred.isEmpty();
        }
    }

    /**
     * A check that {@link #observeDeferred} did not run: everything it needs, taken when it fell due
     * (a copy of the model as it was then, both windows, the event), so it can run later on any
     * thread and give the alert that {@link #observe} would have raised at that point, to the bit.
     * A replay that only reports alerts runs them off its training thread this way.
     */
    public record DeferredCheck(Classifier model, DriftEvent event, List<Seen> before,
                                List<Seen> after, Instant now, WatchConfig config, String modelName) {

        /** Runs the check: the alert, as {@link #observe} would have raised it. */
        public DriftAlert run() {
            DriftCheck.Result result = new DriftCheck(config).run(model, event, before, after);
            return alert(result, event, modelName, model.version(), now);
        }
    }

    /**
     * Observes a batch of predicted samples in stream order, before the learner trains on them.
     *
     * @param model the model as it is now (the checks score with it); not changed
     * @param batch the samples
     * @param now   the time stamped on alerts
     */
    public Outcome observe(Classifier model, List<Seen> batch, Instant now) {
        return observe(model, batch, now, false);
    }

    /**
     * As {@link #observe}, but a check that falls due is not run: the outcome carries it as a
     * {@link DeferredCheck} instead of its alert, label requests and task boundary. For a caller
     * that only reports alerts and does not act on them (historical replay): the detectors re-arm
     * as they would after the check, whatever its verdict, so what the watch does next is the same.
     */
    public Outcome observeDeferred(Classifier model, List<Seen> batch, Instant now) {
        return observe(model, batch, now, true);
    }

    private Outcome observe(Classifier model, List<Seen> batch, Instant now, boolean defer) {
        if (!config.enabled() || batch.isEmpty()) {
            return Outcome.NOTHING;
        }
        List<DriftEvent> newEvents = new ArrayList<>();
        List<DriftAlert> newAlerts = new ArrayList<>();
        List<LabelRequest> requests = new ArrayList<>();
        List<DeferredCheck> deferred = new ArrayList<>();
        boolean boundary = false;
        int[] known = null;
        for (Seen s : batch) {
            position++;
            int slot = (int) (position % ring.length);
            ring[slot] = s;
            ringNovelty[slot] = s.novelty();
            if (!armed && pending == null && position + 1 >= armAt) {
                arm();
            }
            if (armed) {
                DriftEvent event = feed(s, ringNovelty[slot], model);
                if (event != null) {
                    newEvents.add(event);
                }
            }
            if (pending != null && position >= checkAt) {
                List<Seen> reference = window(pending.getPosition() - config.detectionGap() - config.beforeWindow(),
                        pending.getPosition() - config.detectionGap());
                if (reference.size() < MIN_REFERENCE) {
                    pending = null;
                    armAt = position + 1 + config.warmup();
                    continue;
                }
                List<Seen> after = window(pending.getPosition() + 1, position + 1);
                alerts++;
                if (defer) {
                    deferred.add(new DeferredCheck(model.copy(), pending, reference, after, now, config,
                            modelName));
                } else {
                    DriftCheck.Result result = check.run(model, pending, reference, after);
                    DriftAlert alert = alert(result, pending, modelName, model.version(), now);
                    newAlerts.add(alert);
                    requests.addAll(labelRequests(result, alert, model.version()));
                    if (result.verdict() == Verdict.NOVEL_INPUTS || result.verdict() == Verdict.CONCEPT_CHANGE) {
                        boundary = true;
                        known = result.referenceClasses();
                    }
                }
                pending = null;
                armAt = position + 1 + config.warmup();
            }
        }
        return newEvents.isEmpty() && newAlerts.isEmpty() && requests.isEmpty() && !boundary && deferred.isEmpty()
                ? Outcome.NOTHING : new Outcome(newEvents, newAlerts, requests, boundary, known, deferred);
    }

    /** Alerts raised so far. */
    public long alertCount() {
        return alerts;
    }

    /** Drift events raised so far. */
    public long eventCount() {
        return events;
    }

    /** Samples observed so far. */
    public long observed() {
        return position + 1;
    }

    /** The current novelty threshold on {@code 1 - max p}, {@code NaN} before the first arming. */
    public double noveltyThreshold() {
        return noveltyThreshold;
    }

    /** Whether the detectors are armed (not warming up, no check pending). */
    public boolean armed() {
        return armed;
    }

    /** The state to checkpoint, as properties; see {@link #restore}. */
    public Map<String, String> snapshot() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("position", Long.toString(position));
        p.put("arm-at", Long.toString(pending != null ? position + 1 + config.warmup() : armAt));
        p.put("armed", Boolean.toString(armed));
        p.put("novelty-threshold", Double.toString(noveltyThreshold));
        p.put("events", Long.toString(events));
        p.put("alerts", Long.toString(alerts));
        p.put("detector.error", Base64.getEncoder().encodeToString(errors.snapshot().toBytes()));
        p.put("detector.novelty", Base64.getEncoder().encodeToString(novelty.snapshot().toBytes()));
        return p;
    }

    /**
     * Continues from a {@link #snapshot()}; an empty map (a checkpoint written without the watch)
     * leaves the watch as new.
     *
     * @throws IllegalArgumentException if the properties are incomplete or malformed
     */
    public void restore(Map<String, String> state) {
        if (state.isEmpty()) {
            return;
        }
        try {
            long restoredPosition = Long.parseLong(required(state, "position"));
            long restoredArmAt = Long.parseLong(required(state, "arm-at"));
            boolean restoredArmed = Boolean.parseBoolean(required(state, "armed"));
            double threshold = Double.parseDouble(required(state, "novelty-threshold"));
            DriftDetector e = errors.fresh();
            e.restore(DetectorState.fromBytes(Base64.getDecoder().decode(required(state, "detector.error"))));
            DriftDetector n = novelty.fresh();
            n.restore(DetectorState.fromBytes(Base64.getDecoder().decode(required(state, "detector.novelty"))));
            position = restoredPosition;
            armAt = restoredArmAt;
            armed = restoredArmed;
            noveltyThreshold = threshold;
            events = Long.parseLong(required(state, "events"));
            alerts = Long.parseLong(required(state, "alerts"));
            errors = e;
            novelty = n;
            pending = null;
            firstKept = position + 1;
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("malformed drift-watch state " + state + ": " + ex.getMessage(), ex);
        }
    }

    private static String required(Map<String, String> state, String key) {
        String v = state.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + " is missing");
        }
        return v;
    }

    private void arm() {
        int n = (int) Math.min(config.calibration(), position + 1);
        double[] scores = new double[n];
        for (int k = 0; k < n; k++) {
            scores[k] = ringNovelty[(int) ((position - k) % ring.length)];
        }
        noveltyThreshold = QuantileThreshold.calibrate(scores, config.noveltyQuantile()).threshold();
        errors = errors.fresh();
        novelty = novelty.fresh();
        armed = true;
    }

    private DriftEvent feed(Seen s, double noveltyScore, Classifier model) {
        novelty.update(noveltyScore > noveltyThreshold ? 1.0 : 0.0);
        String fired = null;
        DriftDetector detector = null;
        if (novelty.driftDetected()) {
            fired = NOVELTY_DETECTOR;
            detector = novelty;
        }
        if (s.labelled()) {
            errors.update(s.wrong() ? 1.0 : 0.0);
            if (fired == null && errors.driftDetected()) {
                fired = ERROR_DETECTOR;
                detector = errors;
            }
        }
        if (fired == null) {
            return null;
        }
        armed = false;
        events++;
        long width = detector instanceof RisingAdwin r ? r.width() : 0;
        DriftEvent event = DriftEvent.newBuilder()
                .setEventId(modelName + "/" + fired + "/" + position)
                .setDetectorId(fired)
                .setDetector("ADWIN")
                .setSignal(fired.equals(ERROR_DETECTOR) ? "error-rate" : "novelty-rate")
                .setLevel(DriftLevel.DRIFT)
                .setEventTime(Instant.ofEpochMilli(s.eventTime()))
                .setPosition(position)
                .setWindowStart(Math.max(0, position - width + 1))
                .setWindowEnd(position)
                .setStatistic(detector instanceof RisingAdwin r ? r.estimation() : Double.NaN)
                .setPValue(null)
                .setModelVersion(model.version())
                .build();
        pending = event;
        checkAt = position + config.afterWindow();
        return event;
    }

    /** The kept samples with positions in {@code [from, to)}, oldest first; older ones are gone. */
    private List<Seen> window(long from, long to) {
        long oldest = Math.max(firstKept, position - ring.length + 1);
        List<Seen> out = new ArrayList<>();
        for (long p = Math.max(from, oldest); p < Math.min(to, position + 1); p++) {
            out.add(ring[(int) (p % ring.length)]);
        }
        return out;
    }

    private static DriftAlert alert(DriftCheck.Result result, DriftEvent pending, String modelName, long version,
                                    Instant now) {
        String action = switch (result.verdict()) {
            case NOVEL_INPUTS, CONCEPT_CHANGE -> "task-boundary";
            case UNCERTAIN -> "label-request";
            case FALSE_ALARM -> "none";
        };
        return DriftAlert.newBuilder()
                .setAlertId(modelName + "/alert/" + pending.getPosition())
                .setEventId(pending.getEventId())
                .setDetectorId(pending.getDetectorId())
                .setEventTime(now)
                .setVerdict(result.verdict())
                .setWindowStart(result.windowStart())
                .setWindowEnd(result.windowEnd())
                .setEvidence(result.evidence())
                .setAction(action)
                .setModelVersion(version)
                .build();
    }

    private List<LabelRequest> labelRequests(DriftCheck.Result result, DriftAlert alert, long version) {
        if (config.labelRequestBudget() == 0 || result.verdict() == Verdict.FALSE_ALARM) {
            return List.of();
        }
        boolean novel = result.verdict() == Verdict.NOVEL_INPUTS;
        double[] scores = novel ? result.afterOodScores() : result.afterMutualInformation();
        List<Seen> after = result.after();
        Integer[] order = new Integer[after.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        List<LabelRequest> out = new ArrayList<>();
        for (int i : order) {
            if (out.size() >= config.labelRequestBudget()) {
                break;
            }
            Seen s = after.get(i);
            if (s.labelled()) {
                continue;
            }
            out.add(LabelRequest.newBuilder()
                    .setSampleId(s.id())
                    .setSource(s.source())
                    .setEventTime(Instant.ofEpochMilli(s.eventTime()))
                    .setReason(novel ? "novelty" : "uncertainty")
                    .setScore(scores[i])
                    .setAlertId(alert.getAlertId())
                    .setModelVersion(version)
                    .build());
        }
        return out;
    }
}
