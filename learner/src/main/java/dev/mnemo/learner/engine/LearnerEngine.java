package dev.mnemo.learner.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import dev.mnemo.learner.checkpoint.Checkpoint;
import dev.mnemo.learner.checkpoint.CheckpointContent;
import dev.mnemo.learner.checkpoint.ConsumedOffset;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.Predictions;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StepResult;
import dev.mnemo.learner.watch.DriftWatch;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.LabelRequest;

/**
 * The learner's prequential engine: predict, watch, adapt and train, in stream order, with no
 * Kafka and no Quarkus. The live Kafka adapter and historical replay both drive it, so a replay
 * trains exactly as the live learner does, by construction.
 *
 * <h2>One block</h2>
 * The stream is cut into training chunks: a chunk ends after {@code trainBatchSize} labelled
 * samples, and before the first labelled sample of a new task tag (when boundaries come from tags).
 * Chunks do not depend on how the stream was cut into blocks: a chunk that a block leaves unfinished
 * is continued by the next one (or processed by {@link #flush}), so a replay that cuts the same
 * records into other blocks trains the same steps. For each chunk, in order:
 * <ol>
 *   <li><b>Predict</b> every sample with the model as it is now (test-then-train): each sample is
 *       predicted by the model just before the step that trains on it. A late label (its sample was
 *       predicted when it arrived) is scored against the prediction remembered then.</li>
 *   <li><b>Watch</b>: the drift watch observes the freshly predicted samples; a drift event marks a
 *       boundary candidate, and a drift the checks confirm (novel inputs or a concept change) ends
 *       the task as of that candidate, when {@link EngineSettings#driftBoundaries()} is on.</li>
 *   <li><b>Train</b>: one {@link ContinualTrainer#step} on the chunk's labelled samples, with the
 *       unlabelled ones riding along when a strategy learns from them (distillation); nothing while
 *       learning is paused.</li>
 * </ol>
 * A new task tag ends the current task before its first labelled sample, after the chunk before it
 * trained, so LwF takes its teacher from the model as it was at the end of that task.
 *
 * <h2>Threads</h2>
 * Not thread-safe: one thread owns the engine and its model ({@link #setLearningPaused} excepted).
 * Serve predictions from a {@link Classifier#copy()}.
 *
 * <pre>{@code
 * LearnerEngine engine = new LearnerEngine(StrategySpec.parse("lwf+replay").trainer(MlpSpec.defaults(784, 10)),
 *         new EngineSettings("default", 64, true, true, 100_000, WatchConfig.defaults()));
 * BlockOutcome out = engine.process(Block.of(samples), Instant.now());
 * out.scored();  out.alerts();  out.steps();
 * }</pre>
 *
 * <p>References: J. Gama, R. Sebastiao, P. P. Rodrigues, "On evaluating stream learning
 * algorithms", Machine Learning 90(3), 2013 (prequential evaluation).
 */
public final class LearnerEngine {

    private final ContinualTrainer trainer;
    private final EngineSettings settings;
    private final DriftWatch watch;
    private final boolean learnsFromUnlabelled;
    /** Index of each task tag, in order of first labelled appearance. */
    private final Map<String, Integer> taskIndex = new LinkedHashMap<>();
    /** Predicted class of recent unlabelled samples, by source and id, oldest first. */
    private final Map<String, Integer> firstPredictions;
    /** The next offset after every record taken, by "topic/partition". */
    private final Map<String, ConsumedOffset> taken = new LinkedHashMap<>();
    /** Blocks not yet fully processed, oldest first. */
    private final java.util.ArrayDeque<Open> open = new java.util.ArrayDeque<>();
    /** Samples waiting for a full chunk, and the block of each. */
    private List<StreamSample> chunk = new ArrayList<>();
    private final List<Open> chunkOwners = new ArrayList<>();
    private int chunkLabelled;
    private volatile boolean learningPaused;
    private Consumer<Classifier> taskEndListener = m -> { };

    private long predictNanos;
    private long watchNanos;
    private long trainNanos;
    private long blocks;
    private long samples;
    private long steps;

    /**
     * @param trainer  the trainer (model and strategies) the engine owns from now on
     * @param settings how to run
     */
    public LearnerEngine(ContinualTrainer trainer, EngineSettings settings) {
        this.trainer = Objects.requireNonNull(trainer, "trainer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.watch = new DriftWatch(settings.watch(), settings.modelName());
        this.learnsFromUnlabelled = trainer.learnsFromUnlabelled();
        int capacity = settings.pendingPredictions();
        this.firstPredictions = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Calls {@code listener} with the model (not a copy) just before a task ends because of a new
     * task tag, on the engine's thread; a listener that keeps the model must copy it.
     */
    public void onTaskEnd(Consumer<Classifier> listener) {
        this.taskEndListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Takes one block: cuts it into training chunks (a chunk may begin in an earlier block) and, for
     * each chunk that is complete, predicts, watches and trains, as the class comment describes. The
     * samples after the last complete chunk wait for the next block, or for {@link #flush}, so that
     * training does not depend on how the stream was cut into blocks.
     *
     * @param block the samples, in stream order
     * @param now   the time stamped on drift events and alerts
     * @return what was done, for the samples of this and earlier blocks processed now
     */
    public BlockOutcome process(Block block, Instant now) {
        Run run = new Run(now);
        Open owner = new Open(block);
        open.addLast(owner);
        for (ConsumedOffset o : block.through()) {
            taken.put(o.topic() + "/" + o.partition(), o);
        }
        for (StreamSample s : block.samples()) {
            if (s.labelled()) {
                String tag = s.taskTag();
                if (!taskIndex.containsKey(tag)) {
                    if (settings.taskBoundariesFromTags() && !taskIndex.isEmpty()) {
                        run.chunk();
                        run.tagBoundary();
                    }
                    taskIndex.put(tag, taskIndex.size());
                }
                chunkLabelled++;
            }
            chunk.add(s);
            chunkOwners.add(owner);
            if (chunkLabelled >= settings.trainBatchSize()) {
                run.chunk();
            }
        }
        run.complete();
        blocks++;
        return run.outcome();
    }

    /**
     * Processes the samples that wait for a full chunk now (the stream paused, a rebalance, a stop):
     * a shorter training step.
     */
    public BlockOutcome flush(Instant now) {
        Run run = new Run(now);
        run.chunk();
        run.complete();
        return run.outcome();
    }

    /** Whether samples wait for a full chunk; {@link #flush} processes them. */
    public boolean hasPending() {
        return !chunk.isEmpty();
    }

    /** A block whose samples are not all processed yet. */
    private static final class Open {
        final Block block;
        int remaining;

        Open(Block block) {
            this.block = block;
            this.remaining = block.size();
        }
    }

    /** One call's work in progress. */
    private final class Run {
        private final Instant now;
        private final List<Scored> scored = new ArrayList<>();
        private final List<DriftEvent> events = new ArrayList<>();
        private final List<DriftAlert> alerts = new ArrayList<>();
        private final List<LabelRequest> requests = new ArrayList<>();
        private final List<Block> completed = new ArrayList<>();
        private int[] watched = new int[16];
        private int watchedCount;
        private final long firstWatched;
        private int steps;
        private int trainedSamples;
        private int tagBoundaries;
        private int driftBoundaries;

        Run(Instant now) {
            this.now = now;
            this.firstWatched = watch.observed();
        }

        /** Predict, watch and train on the pending chunk, then clear it. */
        void chunk() {
            int n = chunk.size();
            if (n == 0) {
                return;
            }
            List<StreamSample> in = chunk;
            long t0 = System.nanoTime();
            float[][] x = new float[n][];
            int[] tasks = new int[n];
            for (int k = 0; k < n; k++) {
                StreamSample s = in.get(k);
                x[k] = s.features();
                tasks[k] = taskIndex.getOrDefault(s.taskTag(), 0);
            }
            Classifier model = trainer.model();
            long version = model.version();
            Predictions p = trainer.predict(x, tasks);
            List<DriftWatch.Seen> seen = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                StreamSample s = in.get(k);
                int predicted = p.predictedClass()[k];
                boolean matched = true;
                if (s.lateLabel()) {
                    Integer first = firstPredictions.remove(s.key());
                    matched = first != null;
                    if (matched) {
                        predicted = first;
                    }
                } else {
                    if (!s.labelled() && settings.pendingPredictions() > 0) {
                        firstPredictions.put(s.key(), predicted);
                    }
                    seen.add(new DriftWatch.Seen(s.id(), s.source(), s.eventTime(), s.features(), s.label(),
                            p.probabilities()[k], predicted));
                    if (watchedCount == watched.length) {
                        watched = java.util.Arrays.copyOf(watched, watched.length * 2);
                    }
                    watched[watchedCount++] = scored.size();
                }
                scored.add(new Scored(s, chunkOwners.get(k).block, predicted, p.probabilities()[k], version, matched));
            }
            long t1 = System.nanoTime();
            predictNanos += t1 - t0;
            watch(model, seen);
            long t2 = System.nanoTime();
            watchNanos += t2 - t1;
            train(in, x, tasks);
            trainNanos += System.nanoTime() - t2;
            for (Open o : chunkOwners) {
                o.remaining--;
            }
            samples += n;
            chunk = new ArrayList<>();
            chunkOwners.clear();
            chunkLabelled = 0;
        }

        /** Retires the blocks at the head whose samples are all processed; their positions advance. */
        void complete() {
            while (!open.isEmpty() && open.peekFirst().remaining == 0) {
                completed.add(open.removeFirst().block);
            }
        }

        private void watch(Classifier model, List<DriftWatch.Seen> seen) {
            if (seen.isEmpty()) {
                return;
            }
            DriftWatch.Outcome o = watch.observe(model, seen, now);
            if (o.isEmpty()) {
                return;
            }
            events.addAll(o.events());
            alerts.addAll(o.alerts());
            requests.addAll(o.labelRequests());
            if (settings.driftBoundaries()) {
                if (!o.events().isEmpty()) {
                    // The change began before now; if the checks confirm it, the task ends here, not later.
                    trainer.markBoundaryCandidate();
                }
                if (o.taskBoundary()) {
                    trainer.confirmBoundary(o.knownClasses());
                    driftBoundaries++;
                }
            }
        }

        private void train(List<StreamSample> in, float[][] x, int[] tasks) {
            if (learningPaused) {
                return;
            }
            int rows = 0;
            int labelledRows = 0;
            for (StreamSample s : in) {
                if (s.labelled()) {
                    labelledRows++;
                    rows++;
                } else if (learnsFromUnlabelled) {
                    rows++;
                }
            }
            if (rows == 0) {
                return;
            }
            float[][] features = new float[rows][];
            int[] labels = new int[rows];
            int[] taskOf = new int[rows];
            int r = 0;
            for (int k = 0; k < in.size(); k++) {
                StreamSample s = in.get(k);
                if (s.labelled() || learnsFromUnlabelled) {
                    features[r] = x[k];
                    labels[r] = s.labelled() ? s.label() : Batch.UNLABELLED;
                    taskOf[r++] = tasks[k];
                }
            }
            StepResult result = trainer.step(new Batch(features, labels, taskOf));
            if (result.trained()) {
                steps++;
                LearnerEngine.this.steps++;
            }
            trainedSamples += labelledRows;
        }

        void tagBoundary() {
            long t0 = System.nanoTime();
            if (!learningPaused) {
                taskEndListener.accept(trainer.model());
                trainer.taskBoundary();
                tagBoundaries++;
            }
            trainNanos += System.nanoTime() - t0;
        }

        BlockOutcome outcome() {
            return new BlockOutcome(completed, scored, java.util.Arrays.copyOf(watched, watchedCount), firstWatched,
                    events, alerts, requests, steps, trainedSamples, tagBoundaries, driftBoundaries);
        }
    }

    /** Pauses or resumes training (prediction and the watch go on); safe from any thread. */
    public void setLearningPaused(boolean paused) {
        this.learningPaused = paused;
    }

    public boolean learningPaused() {
        return learningPaused;
    }

    /** The model being trained (not a copy). */
    public Classifier model() {
        return trainer.model();
    }

    /** The trainer (model and strategies). */
    public ContinualTrainer trainer() {
        return trainer;
    }

    public EngineSettings settings() {
        return settings;
    }

    /** The drift watch's figures (alerts and events so far, whether it is armed). */
    public DriftWatch watch() {
        return watch;
    }

    /** The task tags in order of first labelled appearance. */
    public List<String> tasks() {
        return List.copyOf(taskIndex.keySet());
    }

    /**
     * Where a restart must read from, per partition: the first sample still waiting for a full
     * chunk, else the next offset after every record taken. Everything before it is predicted and
     * trained on (or rejected), and nothing after it is.
     */
    public List<ConsumedOffset> position() {
        Map<String, ConsumedOffset> out = new LinkedHashMap<>(taken);
        for (StreamSample s : chunk) {
            String key = s.topic() + "/" + s.partition();
            ConsumedOffset o = out.get(key);
            if (o != null && s.offset() < o.nextOffset()) {
                out.put(key, new ConsumedOffset(s.topic(), s.partition(), s.offset()));
            }
        }
        return List.copyOf(out.values());
    }

    /** Forgets the positions of partitions this engine no longer reads ("topic/partition"). */
    public void forgetPositions(Collection<String> partitions) {
        taken.keySet().removeAll(partitions);
    }

    /** Where the engine's time went so far. */
    public EngineTimes times() {
        return new EngineTimes(predictNanos, watchNanos, trainNanos, blocks, samples, steps);
    }

    /**
     * The engine's state for a checkpoint: the live objects (model, strategies' state, buffer), so
     * write it on the engine's thread, between blocks.
     */
    public CheckpointContent capture() {
        return CheckpointContent.capture(trainer, taskIndex, position(), watch.snapshot());
    }

    /**
     * Puts the engine in a checkpoint's state: model, strategies, task tags, drift watch and the
     * positions trained through.
     *
     * @throws IllegalArgumentException if the checkpoint does not fit the trainer
     */
    public void restore(Checkpoint checkpoint) {
        checkpoint.restoreInto(trainer);
        taskIndex.clear();
        taskIndex.putAll(checkpoint.content().state().taskIndex());
        watch.restore(checkpoint.content().state().watch());
        taken.clear();
        for (ConsumedOffset o : checkpoint.offsets()) {
            taken.put(o.topic() + "/" + o.partition(), o);
        }
    }

    /**
     * Trains {@code model} from now on (a rollback), under a new version one above the current
     * one; strategies, buffer, task tags and positions stay as they are.
     */
    public void replaceModel(Classifier model) {
        trainer.restore(model.copyAsVersion(trainer.model().version() + 1), trainer.tasksEnded());
    }

    /**
     * Runs {@code steps} test-then-train steps on {@code throwaway}, a trainer built like the real
     * one, with random inputs, so that the JIT has compiled the predict and training paths before
     * the first real sample arrives. The real engine is not involved.
     *
     * @param throwaway a trainer of the same configuration, discarded afterwards
     * @param steps     steps to run, at least 0
     * @param batch     samples per step, at least 1
     * @param seed      seed of the random inputs
     */
    public static void warmUp(ContinualTrainer throwaway, int steps, int batch, long seed) {
        if (steps < 0 || batch < 1) {
            throw new IllegalArgumentException("steps must be >= 0 and batch >= 1, got " + steps + " and " + batch);
        }
        int inputs = throwaway.model().spec().inputs();
        int classes = throwaway.model().spec().classes();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < steps; i++) {
            float[][] x = new float[batch][inputs];
            int[] y = new int[batch];
            for (int r = 0; r < batch; r++) {
                for (int c = 0; c < inputs; c++) {
                    x[r][c] = (float) random.nextDouble();
                }
                y[r] = random.nextInt(classes);
            }
            throwaway.predict(x, new int[batch]);
            throwaway.step(Batch.labelled(x, y, 0));
        }
    }
}
