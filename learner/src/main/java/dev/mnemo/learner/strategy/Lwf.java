package dev.mnemo.learner.strategy;

import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.DistillationLoss;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Learning without Forgetting: keep the outputs of the model from the last task boundary on the
 * new data, by knowledge distillation.
 *
 * <h2>Method</h2>
 * At each task boundary the current model is copied and frozen as the teacher, together with the
 * set of classes it was trained on (the old tasks' outputs). On every later step the teacher's
 * soft labels {@code q = softmax(z_teacher / T)} over those old classes are computed on the samples
 * being trained on (the new data; with replay configured as well, also on the replayed rows), and
 * the loss becomes {@code (1 - lambda) * CE(y, softmax(z)) + lambda * T^2 * CE(q, softmax(z / T))}
 * ({@link DistillationLoss}, which holds the maths). Which classes the student's distillation
 * softmax runs over is the {@link Scope}:
 * <ul>
 *   <li>{@link Scope#OLD_CLASSES} (the default): the old classes only. This is the paper's rule
 *       that the old outputs keep their responses on new data while the new outputs are learnt
 *       from the labels alone, written for one shared output layer.</li>
 *   <li>{@link Scope#SEEN_CLASSES}: on the labelled stream rows (the new data), also every seen
 *       class that competes with the old ones in the row's hard term, with a target of 0, as in
 *       van de Ven and Tolias's class-incremental LwF (teacher scores zero-padded to the active
 *       classes). The term then also holds the new
 *       classes' logits down on new data, against the hard term, which keeps old and new classes
 *       competing in one head (class-incremental: Split-MNIST ends near 28% instead of 20%). A
 *       class competes when the row's class mask (the scenario's, narrowed by the strategies)
 *       allows it together with a teacher class: so nothing is added in a task-incremental
 *       scenario, where a sample of the new task is never scored against old classes, nothing
 *       where every task has the same classes (domain-incremental), and nothing with replay's
 *       asymmetric loss, whose stream rows learn against their own classes only. Replayed rows
 *       keep the old-classes rule: once the new classes are in the buffer, holding their logits
 *       down on their own replayed samples would stop them from being learnt at all. The price
 *       is plasticity: the new classes are learnt only as far as the hard term outweighs the
 *       distillation. With the thousands of steps per task of an offline benchmark they are; with
 *       the few hundred of a live stream they are not (the online Split-MNIST demo's prequential
 *       accuracy fell to 0.25 with it), so it is a benchmark option, not the service default.</li>
 * </ul>
 * How much the distillation term weighs is the {@link Weighting}: {@code lambda} throughout
 * ({@link Weighting#FIXED}, the default), or {@code 1 - 1/t} on the t-th task
 * ({@link Weighting#BY_TASKS}), so that the t - 1 earlier tasks, which the teacher speaks for, weigh
 * t - 1 times the new one. The second is the weighting of van de Ven and Tolias's LwF, against
 * whose numbers the benchmarks compare.
 * The scenario's class mask restricts the hard term only. Before the first boundary there is no
 * teacher and the step is plain cross-entropy. Unlabelled samples carry the distillation term only. An
 * optional warm-up trains only the output layer for the first {@code warmupSteps} steps after a
 * boundary, as the paper does for its new-task head.
 *
 * <p>Its {@link #state()} (id {@value #ID}, version 1) keeps the properties {@code seen} (classes
 * trained on), {@code teacher} (the teacher's classes, only with a teacher) and {@code warmup-left},
 * and the network {@code teacher}. Its run-time parameter is {@code lwfLambda} ({@link Settings}).
 *
 * <pre>{@code
 * new Lwf();                       // T = 2, lambda = 0.5, no warm-up
 * new Lwf(2.0, 0.5, 50);           // 50 head-only steps after each boundary
 * }</pre>
 *
 * <h2>References</h2>
 * <ul>
 *   <li>Z. Li and D. Hoiem, "Learning without Forgetting", ECCV 2016; IEEE TPAMI 40(12),
 *       2935-2947, 2018.</li>
 *   <li>G. Hinton, O. Vinyals and J. Dean, "Distilling the Knowledge in a Neural Network",
 *       arXiv:1503.02531, 2015.</li>
 * </ul>
 */
public final class Lwf implements ContinualStrategy {

    /** The {@link #id()}. */
    public static final String ID = "lwf";
    private static final int STATE_VERSION = 1;
    private static final String SEEN = "seen";
    private static final String TEACHER = "teacher";
    private static final String WARMUP_LEFT = "warmup-left";

    private final double temperature;
    private volatile double lambda;
    private final int warmupSteps;
    private final BitSet seenClasses = new BitSet();
    private Classifier teacher;
    private float[] teacherClasses;
    /** The model and seen classes at the last boundary candidate, until it is confirmed (not checkpointed). */
    private Classifier candidate;
    private BitSet candidateSeen;
    private int warmupLeft;
    private Scope scope = Scope.OLD_CLASSES;
    private Weighting weighting = Weighting.FIXED;
    /** Boundaries that took a teacher since this strategy was made (not checkpointed). */
    private int teachersTaken;

    /** How the distillation term is weighed against the hard term. */
    public enum Weighting {
        /** {@code lambda} on every task (the default). */
        FIXED,
        /**
         * {@code 1 - 1/t} on the t-th task (t - 1 boundaries that took a teacher so far), whatever
         * {@code lambda} is: the loss is {@code (1/t) CE + (1 - 1/t) T^2 CE_T}, the weighting of
         * van de Ven and Tolias (2019). The weight grows towards 1 with every boundary, so on a
         * live stream with a boundary at every drift it ends by stopping learning; it is a
         * benchmark option. A restored strategy counts boundaries from 1 if it has a teacher.
         */
        BY_TASKS
    }

    /** Which classes the student's distillation softmax {@code softmax(z / T)} runs over. */
    public enum Scope {
        /** The teacher's classes only: the new classes are left to the hard term (the default). */
        OLD_CLASSES,
        /**
         * On the labelled stream rows, also every class seen so far (the stream batch's included)
         * that the row's class mask lets compete with a teacher class: those take part with a target of 0,
         * so the distillation term also holds their logits down on new data, against the hard
         * term. This is the class-incremental LwF of van de Ven and Tolias (2019), whose
         * student runs over all active classes with the teacher's targets zero-padded.
         */
        SEEN_CLASSES
    }

    /** {@code T = 2}, {@code lambda = 0.5}, no warm-up. */
    public Lwf() {
        this(DistillationLoss.DEFAULT_TEMPERATURE, DistillationLoss.DEFAULT_LAMBDA, 0);
    }

    /**
     * @param temperature {@code T}, finite and {@code > 0}
     * @param lambda weight of the distillation term, in {@code [0, 1]}
     * @param warmupSteps head-only steps after each boundary, at least 0
     * @throws IllegalArgumentException if a value is out of range
     */
    public Lwf(double temperature, double lambda, int warmupSteps) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        this.temperature = temperature;
        this.lambda = lambda;
        this.warmupSteps = warmupSteps;
    }

    /** Weight of the distillation term as configured ({@link Weighting#FIXED}). */
    public double lambda() {
        return lambda;
    }

    /** The weight the distillation term has on the next step, under the {@link #weighting()}. */
    public double effectiveLambda() {
        return weighting == Weighting.FIXED ? lambda : 1.0 - 1.0 / (teachersTaken + 1);
    }

    /** How the distillation term is weighed. */
    public Weighting weighting() {
        return weighting;
    }

    /** Sets how the distillation term is weighed from the next step on. */
    public void setWeighting(Weighting weighting) {
        if (weighting == null) {
            throw new IllegalArgumentException("weighting must be non-null");
        }
        this.weighting = weighting;
    }

    /** The distillation softmax's classes. */
    public Scope scope() {
        return scope;
    }

    /** Sets the distillation softmax's classes from the next step on. */
    public void setScope(Scope scope) {
        if (scope == null) {
            throw new IllegalArgumentException("scope must be non-null");
        }
        this.scope = scope;
    }

    /**
     * Changes the weight of the distillation term from the next step on (safe at run time: the
     * teacher and the temperature stay as they are). Meant to be called by the thread that trains,
     * between steps; the field is volatile so a reader on another thread sees the new value.
     *
     * @throws IllegalArgumentException if {@code lambda} is not in {@code [0, 1]}
     */
    public void setLambda(double lambda) {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
        }
        this.lambda = lambda;
    }

    /**
     * What a checkpoint keeps of this strategy besides its teacher network: the classes trained on so
     * far, the classes the teacher was trained on (null when there is no teacher) and the head-only
     * warm-up steps left.
     *
     * @param seenClasses    classes with at least one trained label, ascending
     * @param teacherClasses classes the teacher distils over, ascending; null without a teacher
     * @param warmupLeft     head-only steps left, at least 0
     */
    public record State(int[] seenClasses, int[] teacherClasses, int warmupLeft) {
        public State {
            if (seenClasses == null || warmupLeft < 0) {
                throw new IllegalArgumentException("seenClasses must be non-null and warmupLeft >= 0, got "
                        + warmupLeft);
            }
            seenClasses = seenClasses.clone();
            teacherClasses = teacherClasses == null ? null : teacherClasses.clone();
        }
    }

    /**
     * The run-time parameters of LwF: the weight of the distillation term, which can change between
     * steps without touching the teacher or the temperature.
     *
     * @param lambda {@code lwfLambda}, in {@code [0, 1]}
     */
    public record Settings(double lambda) implements StrategySettings {

        /** The parameter's name. */
        public static final String LAMBDA = "lwfLambda";

        public Settings {
            if (!(lambda >= 0 && lambda <= 1)) {
                throw new IllegalArgumentException(LAMBDA + " must be in [0, 1], got " + lambda);
            }
        }

        @Override
        public Map<String, String> values() {
            return Map.of(LAMBDA, String.valueOf(lambda));
        }

        @Override
        public Settings with(Map<String, String> changes) {
            String text = StrategySettings.single(changes, LAMBDA, "LwF");
            if (text == null) {
                return this;
            }
            try {
                return new Settings(Double.parseDouble(text.trim()));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(LAMBDA + " must be a number in [0, 1], got '" + text + "'");
            }
        }
    }

    /** {@value #ID}. */
    @Override
    public String id() {
        return ID;
    }

    @Override
    public Settings settings() {
        return new Settings(lambda);
    }

    /** Sets {@code lwfLambda} from the next step on (see {@link #setLambda}). */
    @Override
    public void apply(StrategySettings settings) {
        if (!(settings instanceof Settings s)) {
            throw new IllegalArgumentException("LwF takes Lwf.Settings, got " + settings);
        }
        setLambda(s.lambda());
    }

    /**
     * The classes, teacher classes and warm-up left, with the teacher as the network
     * {@code teacher} (the live one: do not train it).
     */
    @Override
    public StrategyState state() {
        State small = snapshot();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(SEEN, ClassLists.format(small.seenClasses()));
        if (small.teacherClasses() != null) {
            properties.put(TEACHER, ClassLists.format(small.teacherClasses()));
        }
        properties.put(WARMUP_LEFT, Integer.toString(small.warmupLeft()));
        StrategyState state = StrategyState.of(STATE_VERSION, properties);
        return teacher == null ? state : state.withNetwork(TEACHER, teacher);
    }

    /**
     * @throws IllegalArgumentException if the version is not 1, a property is missing or garbled,
     *                                  or the teacher network and the teacher classes disagree
     */
    @Override
    public void restore(StrategyState state) {
        if (state == null || state.version() != STATE_VERSION) {
            throw new IllegalArgumentException(ID + " reads state version " + STATE_VERSION + ", got "
                    + (state == null ? null : state.version()));
        }
        String seen = state.property(SEEN).orElseThrow(
                () -> new IllegalArgumentException(ID + " state has no property " + SEEN));
        String left = state.property(WARMUP_LEFT).orElseThrow(
                () -> new IllegalArgumentException(ID + " state has no property " + WARMUP_LEFT));
        int warmup;
        try {
            warmup = Integer.parseInt(left.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(WARMUP_LEFT + " must be an integer >= 0, got '" + left + "'");
        }
        int[] teacherSet = state.property(TEACHER).map(t -> ClassLists.parse(TEACHER, t)).orElse(null);
        restore(new State(ClassLists.parse(SEEN, seen), teacherSet, warmup), state.network(TEACHER).orElse(null));
    }

    /** The small state (see {@link State}), typed; the teacher is {@link #teacher()}. */
    public State snapshot() {
        int[] teacherSet = null;
        if (teacher != null) {
            int n = 0;
            for (float v : teacherClasses) {
                n += v != 0f ? 1 : 0;
            }
            teacherSet = new int[n];
            for (int c = 0, k = 0; c < teacherClasses.length; c++) {
                if (teacherClasses[c] != 0f) {
                    teacherSet[k++] = c;
                }
            }
        }
        return new State(seenClasses.stream().toArray(), teacherSet, warmupLeft);
    }

    /** The frozen teacher (not a copy: do not train it), empty before the first useful boundary. */
    public Optional<Classifier> teacher() {
        return Optional.ofNullable(teacher);
    }

    /**
     * Puts this strategy back in a checkpointed state.
     *
     * @param state   from {@link #snapshot()}
     * @param teacher the teacher saved with it; required exactly when {@code state.teacherClasses()}
     *                is non-null
     * @throws IllegalArgumentException if the teacher and the state disagree, or a class is out of the
     *                                  teacher's range
     */
    public void restore(State state, Classifier teacher) {
        if (state == null || (state.teacherClasses() == null) != (teacher == null)) {
            throw new IllegalArgumentException("a teacher is required exactly when the state names teacher classes");
        }
        seenClasses.clear();
        for (int c : state.seenClasses()) {
            if (c < 0) {
                throw new IllegalArgumentException("class must be >= 0, got " + c);
            }
            seenClasses.set(c);
        }
        if (teacher == null) {
            this.teacher = null;
            this.teacherClasses = null;
            this.teachersTaken = 0;
        } else {
            int classes = teacher.spec().classes();
            float[] mask = new float[classes];
            for (int c : state.teacherClasses()) {
                if (c < 0 || c >= classes) {
                    throw new IllegalArgumentException("teacher class must be in [0, " + classes + "), got " + c);
                }
                mask[c] = 1f;
            }
            this.teacher = teacher;
            this.teacherClasses = mask;
            this.teachersTaken = Math.max(1, teachersTaken);
        }
        this.warmupLeft = state.warmupLeft();
    }

    /** Whether a teacher has been taken (a task boundary has passed). */
    public boolean hasTeacher() {
        return teacher != null;
    }

    @Override
    public void taskBoundary(Classifier model) {
        takeTeacher(model.copy(), seenClasses);
    }

    /** Remembers a copy of the model and the classes seen so far, for {@link #taskBoundaryAtCandidate}. */
    @Override
    public void boundaryCandidate(Classifier model) {
        candidate = model.copy();
        candidateSeen = (BitSet) seenClasses.clone();
    }

    /**
     * The teacher is the model remembered at the last candidate, distilling over the classes seen by
     * then that are among {@code knownClasses} (when given): a class first trained on between the
     * change and the candidate is the new task's, and the teacher knows too little of it.
     */
    @Override
    public void taskBoundaryAtCandidate(Classifier model, int[] knownClasses) {
        Classifier frozen = candidate != null ? candidate : model.copy();
        BitSet classes = (BitSet) (candidate != null ? candidateSeen : seenClasses).clone();
        if (knownClasses != null) {
            BitSet known = new BitSet();
            for (int c : knownClasses) {
                if (c >= 0) {
                    known.set(c);
                }
            }
            classes.and(known);
        }
        takeTeacher(frozen, classes);
        candidate = null;
        candidateSeen = null;
    }

    private void takeTeacher(Classifier frozen, BitSet classesSeen) {
        teacher = frozen;
        int classes = frozen.spec().classes();
        teacherClasses = new float[classes];
        for (int c = classesSeen.nextSetBit(0); c >= 0 && c < classes; c = classesSeen.nextSetBit(c + 1)) {
            teacherClasses[c] = 1f;
        }
        if (classesSeen.isEmpty()) {
            // Nothing was learnt before this boundary: the teacher's outputs carry no knowledge.
            teacher = null;
        } else {
            teachersTaken++;
        }
        warmupLeft = warmupSteps;
    }

    @Override
    public Optional<double[]> learningRateScales(int layers) {
        if (warmupLeft == 0) {
            return Optional.empty();
        }
        double[] headOnly = new double[layers];
        headOnly[layers - 1] = 1.0;
        return Optional.of(headOnly);
    }

    @Override
    public Optional<SoftTargets> softTargets(Batch stream, Batch batch, float[][] classMask) {
        if (teacher == null) {
            return Optional.empty();
        }
        float[][] mask = new float[batch.size()][];
        Arrays.fill(mask, teacherClasses);
        float[][] q = DistillationLoss.softTargets(teacher.logits(batch.features()), temperature, mask);
        if (scope == Scope.SEEN_CLASSES) {
            addCompetingSeenClasses(stream, q, classMask);
        }
        return Optional.of(new SoftTargets(q, temperature, effectiveLambda()));
    }

    /**
     * The {@link Scope#SEEN_CLASSES} rule: on each labelled stream row whose class mask lets a seen
     * class compete with a teacher class, that class joins the distillation softmax with target 0.
     * Unlabelled rows have no hard term to compete in (the rule would only push every other class
     * to 0 there), and replayed rows keep the old-classes rule.
     */
    private void addCompetingSeenClasses(Batch stream, float[][] q, float[][] classMask) {
        BitSet student = (BitSet) seenClasses.clone();
        for (int label : stream.labels()) {
            if (label != Batch.UNLABELLED) {
                student.set(label);
            }
        }
        for (int i = 0; i < stream.size(); i++) {
            float[] allowed = classMask == null ? null : classMask[i];
            if (stream.labels()[i] == Batch.UNLABELLED || (allowed != null && !competes(allowed))) {
                continue;
            }
            float[] row = q[i];
            for (int c = student.nextSetBit(0); c >= 0 && c < row.length; c = student.nextSetBit(c + 1)) {
                if (teacherClasses[c] == 0f && (allowed == null || allowed[c] != 0f)) {
                    row[c] = DistillationLoss.IN_SUPPORT_ZERO;
                }
            }
        }
    }

    /** Whether a sample restricted to {@code allowed} can be predicted as one of the teacher's classes. */
    private boolean competes(float[] allowed) {
        for (int c = 0; c < allowed.length && c < teacherClasses.length; c++) {
            if (allowed[c] != 0f && teacherClasses[c] != 0f) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void afterStep(Batch stream, Batch trained, StepResult result) {
        if (result.trained()) {
            for (int label : trained.labels()) {
                if (label != Batch.UNLABELLED) {
                    seenClasses.set(label);
                }
            }
        }
        if (warmupLeft > 0 && result.trained()) {
            warmupLeft--;
        }
    }

    @Override
    public String toString() {
        return "Lwf[T=" + temperature + ", lambda=" + (weighting == Weighting.FIXED ? lambda : "1-1/t")
                + ", warmupSteps=" + warmupSteps + "]";
    }
}
