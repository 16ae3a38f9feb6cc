package dev.mnemo.learner.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.message.MissingSchemaException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.mnemo.learner.watch.DriftWatch;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.LabelRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mnemo.learner.checkpoint.Checkpoint;
import dev.mnemo.learner.checkpoint.CheckpointContent;
import dev.mnemo.learner.checkpoint.CheckpointException;
import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.checkpoint.CheckpointStore;
import dev.mnemo.learner.checkpoint.ConsumedOffset;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.Predictions;
import dev.mnemo.learner.strategy.Batch;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.Lwf;
import dev.mnemo.learner.strategy.Replay;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.RecordHeaders;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.ModelVersion;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * The learner's consume-predict-train loop (test-then-train).
 *
 * <p>For each batch polled from {@code samples.labelled} and {@code samples.unlabelled}:
 * <ol>
 *   <li>decode and check every record; a record the model cannot take goes to the dead-letter topic
 *       with its reason;</li>
 *   <li>predict every valid sample with the current model and publish one {@link Prediction} each;
 *       labelled samples update the prequential accuracy. A sample whose label came late (ingest
 *       joined it, header {@link RecordHeaders#LABEL_DELAY_MS}) was predicted when it first arrived:
 *       that remembered prediction is scored against the label, and no second prediction is
 *       published (delayed-label prequential evaluation);</li>
 *   <li>train on the labelled samples, {@code trainBatchSize} at a time;</li>
 *   <li>wait until predictions and dead letters are acknowledged, then commit the batch's offsets.</li>
 * </ol>
 * Offsets are committed only after the outputs are durable, so a restart resumes from the first
 * record whose outputs were not all written: nothing is skipped (at-least-once). Every record is
 * accounted for: {@code received == predicted + lateLabelled + rejected}.
 *
 * <h2>Checkpoints</h2>
 * With a checkpoint directory ({@link LearnerLoopConfig.Checkpoints}), the loop no longer commits
 * after every batch. Every {@code everyBatches} batches or {@code interval}, whichever comes first
 * (and when partitions are revoked, and on {@link #stop()}), it flushes the producer, writes a
 * {@link CheckpointStore checkpoint} (model with optimiser state, LwF teacher, replay buffer,
 * strategy and task state, and the next offset of every assigned input partition), and only once
 * that is durable commits exactly those offsets. A checkpoint that changed the model also publishes
 * a {@link ModelVersion} to the compacted {@code models} topic. On start the loop restores the
 * newest checkpoint that verifies (logging the ones it skipped) and, as partitions are assigned,
 * seeks each to its checkpointed offset, so the model and the offsets always match: after a crash
 * the records processed since the last checkpoint are processed again (predicted and trained on
 * once more), at most {@code everyBatches} batches or {@code interval} of them.
 *
 * <p>The loop runs on one thread ({@link #run()}); {@link #status()} and {@link #servingModel()} are
 * safe to call from any thread. Operators may {@link #pauseLearning pause training} (prediction
 * goes on), {@link #requestPromote promote} a version and
 * {@link #requestStrategyChange change the safe strategy parameters}; the last two are queued and
 * performed by the loop thread between batches. Predictions for outside callers are served from a copy of the model
 * refreshed every {@code servingRefresh}, never from the network being trained.
 *
 * <pre>{@code
 * LearnerLoop loop = new LearnerLoop(LearnerLoopConfig.defaults(Topics.defaults()),
 *         StrategySpec.parse("lwf+replay").trainer(MlpSpec.defaults(784, 10)),
 *         Map.of("bootstrap.servers", "localhost:9092"), Clock.systemUTC());
 * new Thread(loop, "mnemo-learner").start();
 * }</pre>
 *
 * <p>References: J. Gama, R. Sebastiao, P. P. Rodrigues, "On evaluating stream learning
 * algorithms", Machine Learning 90(3), 2013 (prequential evaluation).
 */
public final class LearnerLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerLoop.class);

    private final LearnerLoopConfig config;
    private final ContinualTrainer trainer;
    private Classifier model;
    private final boolean distils;
    /** Index of each task tag, in order of first labelled appearance. */
    private final Map<String, Integer> taskIndex = new HashMap<>();
    private final Map<String, Object> kafkaConfig;
    private final Clock clock;
    private final LearnerStats stats;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Predicted class of recent unlabelled samples, by source and id, oldest first. */
    private final Map<String, Integer> firstPredictions;

    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopRequested;
    private volatile LearnerStatus status;
    private volatile Classifier serving;
    private Instant lastServingRefresh = Instant.MIN;
    private Instant lastLagCheck = Instant.MIN;

    // Checkpoints (null store: disabled). Only the loop thread touches these, except lastCheckpoint.
    private final CheckpointStore checkpoints;
    /** Next offset of every partition processed since the last restore, by this loop. */
    private final Map<TopicPartition, Long> consumed = new HashMap<>();
    /** Checkpointed offsets not yet sought to: each partition seeks once, when first assigned. */
    private final Map<TopicPartition, Long> restoredOffsets = new HashMap<>();
    private volatile CheckpointInfo lastCheckpoint;
    private volatile boolean abandon;
    private volatile boolean restored;
    private int batchesSinceCheckpoint;
    private boolean uncheckpointed;
    private Instant lastCheckpointAt;
    private long lastPublishedVersion = -1;
    /** Drift detection and checks; only the loop thread calls it. */
    private final DriftWatch driftWatch;
    private final AtomicLong driftEvents = new AtomicLong();
    private final AtomicLong driftAlerts = new AtomicLong();
    private final AtomicLong labelRequests = new AtomicLong();
    private volatile Consumer<DriftAlert> alertListener = a -> { };
    private volatile Consumer<LabelRequest> labelRequestListener = r -> { };
    private volatile Consumer<String> lateLabelListener = id -> { };
    /** Rollbacks asked for by other threads, performed by the loop thread between batches. */
    private final ConcurrentLinkedQueue<Rollback> rollbacks = new ConcurrentLinkedQueue<>();

    private record Rollback(long version, CompletableFuture<CheckpointInfo> done) {
    }

    /** Set by other threads: while true the loop predicts but does not train. */
    private volatile boolean learningPaused;
    /** Promotions and strategy changes asked for by other threads, performed by the loop thread between batches. */
    private final ConcurrentLinkedQueue<Command<?>> commands = new ConcurrentLinkedQueue<>();

    @FunctionalInterface
    private interface CommandBody<T> {
        T perform(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer) throws Exception;
    }

    private record Command<T>(CommandBody<T> body, CompletableFuture<T> done) {
        void run(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer) {
            try {
                done.complete(body.perform(c, producer));
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }
    }

    /**
     * A run-time change of strategy parameters; a null field is left as it is.
     *
     * @param replaySize replayed samples per step (replay strategies), at least 1
     * @param lwfLambda weight of the distillation term (LwF strategies), in [0, 1]
     */
    public record StrategyChange(Integer replaySize, Double lwfLambda) {
    }

    /**
     * The outcome of a promotion.
     *
     * @param version the model version now serving
     * @param checkpoint the checkpoint that holds it, null when checkpoints are off
     */
    public record Promotion(long version, CheckpointInfo checkpoint) {
    }

    public LearnerLoop(LearnerLoopConfig config, ContinualTrainer trainer, Map<String, Object> kafkaConfig, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.trainer = Objects.requireNonNull(trainer, "trainer");
        this.model = trainer.model();
        this.distils = trainer.strategies().stream().anyMatch(s -> s instanceof Lwf);
        this.kafkaConfig = Map.copyOf(Objects.requireNonNull(kafkaConfig, "kafkaConfig"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = new LearnerStats(clock, config.accuracyWindow(), Duration.ofSeconds(2));
        this.status = LearnerStatus.starting(clock.instant());
        this.serving = model.copy();
        this.driftWatch = new DriftWatch(config.watch(), config.modelName());
        int capacity = config.pendingPredictions();
        this.checkpoints = config.checkpoints().enabled()
                ? new CheckpointStore(config.checkpoints().directory(), config.checkpoints().keep(), clock) : null;
        this.lastCheckpointAt = clock.instant();
        this.firstPredictions = new java.util.LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Drift events published so far by this loop. */
    public long driftEvents() {
        return driftEvents.get();
    }

    /** Drift alerts published so far by this loop. */
    public long driftAlerts() {
        return driftAlerts.get();
    }

    /** Label requests published so far by this loop. */
    public long labelRequests() {
        return labelRequests.get();
    }

    /**
     * Calls {@code listener} on the loop thread with every alert the loop publishes (for example to
     * keep the alert list of the ops surface); it must be quick and must not throw.
     */
    public void onAlert(Consumer<DriftAlert> listener) {
        this.alertListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Calls {@code published} with every label request the loop publishes and {@code answered} with
     * the id of every sample whose late label arrives, both on the loop thread (for example to keep
     * the label-request queue of the ops surface); they must be quick and must not throw.
     */
    public void onLabelRequests(Consumer<LabelRequest> published, Consumer<String> answered) {
        this.labelRequestListener = Objects.requireNonNull(published, "published");
        this.lateLabelListener = Objects.requireNonNull(answered, "answered");
    }

    /** The latest snapshot of the loop's figures. */
    public LearnerStatus status() {
        return status;
    }

    /** A copy of the model for serving predictions; refreshed by the loop, never trained. */
    public Classifier servingModel() {
        return serving;
    }

    /** The last checkpoint written or restored, or null. */
    public CheckpointInfo lastCheckpoint() {
        return lastCheckpoint;
    }

    /** The checkpoint store, or null when checkpoints are off. */
    public CheckpointStore checkpointStore() {
        return checkpoints;
    }

    /**
     * Stops like a crash, for tests: no final checkpoint and no commit, so what was processed since
     * the last checkpoint is processed again by the next loop.
     */
    void abandon() {
        abandon = true;
        stop();
    }

    /**
     * Asks the loop to go back to the model of a kept checkpoint. The loop thread performs it between
     * batches: the checkpointed parameters (and optimiser state) come back under a NEW version, one
     * above the current one, whose parent is {@code version}; a checkpoint is written at once and the
     * new {@link ModelVersion} published. History is never rewritten, and the stream is not re-read:
     * the replay buffer, LwF state and offsets stay as they are.
     *
     * @return completes with the checkpoint of the new version; fails with
     *     {@link NoSuchElementException} when no kept checkpoint holds {@code version}, and
     *     {@link IllegalStateException} when checkpoints are off or the loop stops first
     */
    public CompletableFuture<CheckpointInfo> requestRollback(long version) {
        CompletableFuture<CheckpointInfo> done = new CompletableFuture<>();
        if (checkpoints == null) {
            done.completeExceptionally(new IllegalStateException("checkpoints are off (mnemo.checkpoint.dir is empty)"));
            return done;
        }
        rollbacks.add(new Rollback(version, done));
        if (stopRequested) {
            failRollbacks();
        }
        return done;
    }

    private void failRollbacks() {
        for (Rollback r = rollbacks.poll(); r != null; r = rollbacks.poll()) {
            r.done().completeExceptionally(new IllegalStateException("the learner loop is not running"));
        }
        for (Command<?> command = commands.poll(); command != null; command = commands.poll()) {
            command.done().completeExceptionally(new IllegalStateException("the learner loop is not running"));
        }
    }

    /**
     * Pauses or resumes training. While paused the loop still consumes, predicts, scores and commits;
     * it only skips the training steps (and so the task boundaries they would mark). Safe from any
     * thread; takes effect at the next batch.
     */
    public void pauseLearning(boolean paused) {
        this.learningPaused = paused;
    }

    /** True while training is paused. */
    public boolean learningPaused() {
        return learningPaused;
    }

    /**
     * Asks the loop to change strategy parameters that are safe to change at run time (the replay
     * size and the LwF weight); performed on the loop thread between batches, both or neither.
     *
     * @return completes with the values before and after ({@code replaySize.before}, ...); fails with
     *     {@link IllegalStateException} when the strategy has no such parameter or the loop stops, and
     *     {@link IllegalArgumentException} when a value is out of range
     */
    public CompletableFuture<Map<String, String>> requestStrategyChange(StrategyChange change) {
        Objects.requireNonNull(change, "change");
        return submit((c, producer) -> {
            Optional<Replay> replay = trainer.strategy(Replay.class);
            Optional<Lwf> lwf = trainer.strategy(Lwf.class);
            if (change.replaySize() != null && replay.isEmpty()) {
                throw new IllegalStateException("the strategy " + strategyName() + " does not replay; replaySize cannot be set");
            }
            if (change.lwfLambda() != null && lwf.isEmpty()) {
                throw new IllegalStateException("the strategy " + strategyName() + " does not distil; lwfLambda cannot be set");
            }
            if (change.replaySize() != null && change.replaySize() < 1) {
                throw new IllegalArgumentException("replaySize must be >= 1, got " + change.replaySize());
            }
            if (change.lwfLambda() != null && !(change.lwfLambda() >= 0 && change.lwfLambda() <= 1)) {
                throw new IllegalArgumentException("lwfLambda must be in [0, 1], got " + change.lwfLambda());
            }
            Map<String, String> applied = new java.util.TreeMap<>();
            if (change.replaySize() != null) {
                applied.put("replaySize.before", String.valueOf(replay.get().replaySize()));
                replay.get().setReplaySize(change.replaySize());
                applied.put("replaySize.after", String.valueOf(change.replaySize()));
            }
            if (change.lwfLambda() != null) {
                applied.put("lwfLambda.before", String.valueOf(lwf.get().lambda()));
                lwf.get().setLambda(change.lwfLambda());
                applied.put("lwfLambda.after", String.valueOf(change.lwfLambda()));
            }
            LOG.info("Strategy parameters changed at run time: {}", applied);
            return applied;
        });
    }

    /**
     * Asks the loop to promote a model version to serving. The current version (the one being
     * trained, which stays put while learning is paused) starts serving at once instead of at the
     * next refresh, and with checkpoints on a checkpoint is written and its {@link ModelVersion}
     * published. An older version held by a kept checkpoint is brought back as a rollback
     * ({@link #requestRollback}), under a new version.
     *
     * @return completes with the version now serving; fails with {@link NoSuchElementException} when
     *     the version is neither current nor kept, and {@link IllegalStateException} when the loop
     *     stops first
     */
    public CompletableFuture<Promotion> requestPromote(long version) {
        return submit((c, producer) -> {
            if (version == model.version()) {
                serving = model.copy();
                lastServingRefresh = clock.instant();
                CheckpointInfo info = checkpoints == null ? null : checkpoint(c, producer);
                LOG.info("Promoted model version {} to serving", version);
                return new Promotion(version, info);
            }
            if (checkpoints == null) {
                throw new NoSuchElementException("model version " + version + " is not the current one ("
                        + model.version() + ") and checkpoints are off, so no older version is kept");
            }
            CompletableFuture<CheckpointInfo> rolled = new CompletableFuture<>();
            rollback(c, producer, new Rollback(version, rolled));
            try {
                CheckpointInfo info = rolled.join();
                return new Promotion(info.modelVersion(), info);
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        });
    }

    private <T> CompletableFuture<T> submit(CommandBody<T> body) {
        CompletableFuture<T> done = new CompletableFuture<>();
        commands.add(new Command<>(body, done));
        if (stopRequested) {
            failRollbacks();
        }
        return done;
    }

    /** Asks the loop to finish its current batch, commit (checkpoint first, when on) and close. Returns at once. */
    public void stop() {
        stopRequested = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Waits until {@link #run()} has returned; true when it did within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        String state = "STOPPED";
        String error = null;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                     new ByteArraySerializer())) {
            consumer = c;
            if (checkpoints != null && !restored) {
                restore();
            }
            DeadLetterPublisher deadLetters = new DeadLetterPublisher(producer, config.topics().samplesDlq(), clock);
            Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
            c.subscribe(List.of(config.topics().samplesLabelled(), config.topics().samplesUnlabelled()),
                    checkpoints == null ? new CommitOnRevoke(c, pending) : new CheckpointOnRebalance(c, producer));
            status = stats.snapshot("RUNNING", model.version(), null, lastCheckpoint);
            LOG.info("Learner consuming {} and {} as group {}", config.topics().samplesLabelled(),
                    config.topics().samplesUnlabelled(), config.groupId());
            try {
                while (!stopRequested) {
                    ConsumerRecords<String, byte[]> records = c.poll(config.pollTimeout());
                    if (!records.isEmpty()) {
                        process(records, producer, deadLetters, pending);
                        producer.flush();
                        if (checkpoints == null) {
                            c.commitSync(pending);
                        } else {
                            pending.forEach((tp, om) -> consumed.put(tp, om.offset()));
                            batchesSinceCheckpoint++;
                            uncheckpointed = true;
                        }
                        pending.clear();
                    }
                    if (checkpoints != null && uncheckpointed && checkpointDue()) {
                        checkpoint(c, producer);
                    }
                    for (Rollback r = rollbacks.poll(); r != null; r = rollbacks.poll()) {
                        rollback(c, producer, r);
                    }
                    for (Command<?> command = commands.poll(); command != null; command = commands.poll()) {
                        command.run(c, producer);
                    }
                    housekeeping(c);
                    status = stats.snapshot("RUNNING", model.version(), null, lastCheckpoint);
                }
            } catch (WakeupException e) {
                if (!stopRequested) {
                    throw e;
                }
            }
            if (checkpoints != null && uncheckpointed && !abandon) {
                checkpoint(c, producer);
            }
        } catch (WakeupException e) {
            if (!stopRequested) {
                state = "FAILED";
                error = "unexpected wakeup";
            }
        } catch (RuntimeException e) {
            state = "FAILED";
            error = e.toString();
            LOG.error("Learner loop failed", e);
        } finally {
            consumer = null;
            failRollbacks();
            status = stats.snapshot(state, model.version(), error, lastCheckpoint);
            stopped.countDown();
            LOG.info("Learner loop {}", state.toLowerCase());
        }
    }

    private void process(ConsumerRecords<String, byte[]> records, KafkaProducer<String, byte[]> producer,
                         DeadLetterPublisher deadLetters, Map<TopicPartition, OffsetAndMetadata> pending) {
        stats.received(records.count());
        int inputs = model.spec().inputs();
        int classes = model.spec().classes();
        List<Sample> valid = new ArrayList<>(records.count());
        List<Boolean> late = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            pending.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
            Sample sample;
            try {
                sample = MnemoSerdes.sample().decode(record.value());
            } catch (SerializationException e) {
                String reason = e.getCause() instanceof MissingSchemaException ? DeadLetters.SCHEMA : DeadLetters.UNDECODABLE;
                reject(deadLetters, record, reason, e.getMessage());
                continue;
            }
            String problem = check(sample, inputs, classes);
            if (problem != null) {
                reject(deadLetters, record, problem.substring(0, problem.indexOf(':')), problem.substring(problem.indexOf(':') + 2));
                continue;
            }
            valid.add(sample);
            late.add(sample.getLabel() != null && record.headers().lastHeader(RecordHeaders.LABEL_DELAY_MS) != null);
        }
        if (valid.isEmpty()) {
            return;
        }
        float[][] x = new float[valid.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = toArray(valid.get(i), inputs);
        }
        long version = model.version();
        int[] tasks = new int[x.length];
        for (int i = 0; i < tasks.length; i++) {
            String tag = valid.get(i).getTask() == null ? "none" : valid.get(i).getTask();
            tasks[i] = taskIndex.getOrDefault(tag, 0);
        }
        Predictions predictions = trainer.predict(x, tasks);
        Instant now = clock.instant();
        int labelledCount = 0;
        for (int i = 0; i < x.length; i++) {
            Sample s = valid.get(i);
            int predicted = predictions.predictedClass()[i];
            String key = s.getSource() + "/" + s.getId();
            if (late.get(i)) {
                Integer first = firstPredictions.remove(key);
                lateLabelListener.accept(s.getId());
                stats.lateLabelled(s.getTask(), s.getLabel(), first != null ? first : predicted, first != null);
            } else {
                producer.send(new ProducerRecord<>(config.topics().predictions(), s.getId(),
                        MnemoSerdes.prediction().encode(prediction(s, predictions.probabilities()[i], predicted, version, now))));
                stats.predicted(s.getTask(), s.getLabel(), predicted);
                if (s.getLabel() == null && config.pendingPredictions() > 0) {
                    firstPredictions.put(key, predicted);
                }
            }
            if (s.getLabel() != null) {
                labelledCount++;
            }
        }
        watch(valid, late, x, predictions, producer, now);
        train(valid, x, labelledCount);
    }

    /**
     * Feeds the freshly predicted samples (not the late-labelled ones, predicted before) to the drift
     * watch; publishes its events, alerts and label requests; ends the task on a confirmed drift.
     */
    private void watch(List<Sample> valid, List<Boolean> late, float[][] x, Predictions predictions,
                       KafkaProducer<String, byte[]> producer, Instant now) {
        if (!config.watch().enabled()) {
            return;
        }
        List<DriftWatch.Seen> seen = new ArrayList<>(x.length);
        for (int i = 0; i < x.length; i++) {
            if (!late.get(i)) {
                Sample s = valid.get(i);
                seen.add(new DriftWatch.Seen(s.getId(), s.getSource(), s.getEventTime().toEpochMilli(), x[i],
                        s.getLabel() == null ? -1 : s.getLabel(), predictions.probabilities()[i],
                        predictions.predictedClass()[i]));
            }
        }
        DriftWatch.Outcome outcome = driftWatch.observe(model, seen, now);
        if (outcome.isEmpty()) {
            return;
        }
        for (DriftEvent e : outcome.events()) {
            LOG.info("Drift event {}: {} at position {} (model version {})", e.getEventId(), e.getSignal(),
                    e.getPosition(), e.getModelVersion());
            producer.send(new ProducerRecord<>(config.topics().driftEvents(), e.getDetectorId(),
                    MnemoSerdes.driftEvent().encode(e)));
        }
        for (DriftAlert a : outcome.alerts()) {
            LOG.warn("Drift alert {}: {} (action {}, evidence {})", a.getAlertId(), a.getVerdict(), a.getAction(),
                    a.getEvidence());
            producer.send(new ProducerRecord<>(config.topics().alerts(), a.getAlertId(), MnemoSerdes.driftAlert().encode(a)));
            alertListener.accept(a);
        }
        for (LabelRequest r : outcome.labelRequests()) {
            producer.send(new ProducerRecord<>(config.topics().labelRequests(), r.getSampleId(),
                    MnemoSerdes.labelRequest().encode(r)));
            labelRequestListener.accept(r);
        }
        driftEvents.addAndGet(outcome.events().size());
        driftAlerts.addAndGet(outcome.alerts().size());
        labelRequests.addAndGet(outcome.labelRequests().size());
        if (!outcome.events().isEmpty()) {
            // The change began before now; if the checks confirm it, the task ends here, not later.
            trainer.markBoundaryCandidate();
        }
        if (outcome.taskBoundary()) {
            trainer.confirmBoundary(outcome.knownClasses());
            stats.taskBoundary();
            LOG.info("Task boundary: confirmed drift, as of its event (model version {})", model.version());
        }
    }

    /**
     * Trains on the batch in order, {@code trainBatchSize} labelled samples per step. Unlabelled
     * samples ride along when a strategy distils (they carry the distillation term only). When task
     * boundaries come from tags, the first labelled sample of a task tag not seen before ends the
     * current task first, so LwF takes its teacher from the model as it was at the end of that task.
     */
    private void train(List<Sample> valid, float[][] x, int labelledCount) {
        if (learningPaused || (labelledCount == 0 && !distils)) {
            return;
        }
        List<Integer> chunk = new ArrayList<>();
        int chunkLabelled = 0;
        for (int i = 0; i < x.length; i++) {
            Sample s = valid.get(i);
            if (s.getLabel() == null && !distils) {
                continue;
            }
            String tag = s.getTask() == null ? "none" : s.getTask();
            if (s.getLabel() != null && config.taskBoundariesFromTags() && !taskIndex.containsKey(tag)
                    && !taskIndex.isEmpty()) {
                chunkLabelled = step(valid, x, chunk, chunkLabelled);
                trainer.taskBoundary();
                stats.taskBoundary();
                LOG.info("Task boundary: first labelled sample of task '{}' (model version {})", tag, model.version());
            }
            if (s.getLabel() != null) {
                taskIndex.putIfAbsent(tag, taskIndex.size());
                chunkLabelled++;
            }
            chunk.add(i);
            if (chunkLabelled >= config.trainBatchSize()) {
                chunkLabelled = step(valid, x, chunk, chunkLabelled);
            }
        }
        step(valid, x, chunk, chunkLabelled);
    }

    /** One trainer step on the chunk (cleared afterwards); returns 0, the new labelled count. */
    private int step(List<Sample> valid, float[][] x, List<Integer> chunk, int chunkLabelled) {
        if (chunk.isEmpty()) {
            return 0;
        }
        float[][] features = new float[chunk.size()][];
        int[] labels = new int[chunk.size()];
        int[] tasks = new int[chunk.size()];
        for (int k = 0; k < chunk.size(); k++) {
            Sample s = valid.get(chunk.get(k));
            features[k] = x[chunk.get(k)];
            labels[k] = s.getLabel() == null ? Batch.UNLABELLED : s.getLabel();
            tasks[k] = taskIndex.getOrDefault(s.getTask() == null ? "none" : s.getTask(), 0);
        }
        trainer.step(new Batch(features, labels, tasks));
        stats.trained(chunkLabelled);
        chunk.clear();
        return 0;
    }

    /**
     * Restores the newest valid checkpoint into the trainer now, instead of when {@link #run()}
     * starts; call it before starting the loop thread, at most once. Checkpoints that fail
     * verification are logged as warnings with their reasons.
     *
     * @return the checkpoint restored, empty when there is none or checkpoints are off
     * @throws IllegalStateException if the loop has already restored (or started)
     * @throws IllegalArgumentException if the checkpoint does not fit the trainer
     */
    public Optional<CheckpointInfo> restoreCheckpoint() {
        if (restored) {
            throw new IllegalStateException("the loop has already restored its checkpoint");
        }
        if (checkpoints == null) {
            restored = true;
            return Optional.empty();
        }
        restore();
        return Optional.ofNullable(lastCheckpoint);
    }

    /** Restores the newest valid checkpoint, if any; the ones skipped are logged with their reasons. */
    private void restore() {
        restored = true;
        long start = System.nanoTime();
        CheckpointStore.Recovery recovery = checkpoints.latestValid();
        for (CheckpointStore.Skipped s : recovery.skipped()) {
            LOG.warn("Skipped checkpoint {}: {}", s.directory(), s.reason());
        }
        if (recovery.checkpoint().isEmpty()) {
            LOG.info("No checkpoint under {}: starting from a new model", checkpoints.root());
            return;
        }
        Checkpoint checkpoint = recovery.checkpoint().get();
        checkpoint.restoreInto(trainer);
        model = trainer.model();
        serving = model.copy();
        taskIndex.clear();
        taskIndex.putAll(checkpoint.content().state().taskIndex());
        driftWatch.restore(checkpoint.content().state().watch());
        for (ConsumedOffset o : checkpoint.offsets()) {
            TopicPartition tp = new TopicPartition(o.topic(), o.partition());
            restoredOffsets.put(tp, o.nextOffset());
            consumed.put(tp, o.nextOffset());
        }
        lastCheckpoint = checkpoint.info();
        lastPublishedVersion = checkpoint.info().modelVersion();
        LOG.info("Restored checkpoint {} (model version {}, {} partitions) in {} ms", checkpoint.info().directory(),
                model.version(), restoredOffsets.size(), (System.nanoTime() - start) / 1_000_000);
    }

    private boolean checkpointDue() {
        return batchesSinceCheckpoint >= config.checkpoints().everyBatches()
                || Duration.between(lastCheckpointAt, clock.instant()).compareTo(config.checkpoints().interval()) >= 0;
    }

    /**
     * Flushes the outputs, writes a checkpoint of the model, buffer, state and the offsets of the
     * assigned partitions, and once it is durable commits exactly those offsets. A checkpoint that
     * cannot be written is logged and retried at the next due time; nothing is committed meanwhile.
     */
    private CheckpointInfo checkpoint(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer) {
        return checkpoint(c, producer, lastPublishedVersion);
    }

    private void rollback(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer, Rollback r) {
        try {
            CheckpointInfo target = checkpoints.list().stream().filter(i -> i.modelVersion() == r.version())
                    .findFirst().orElseThrow(() -> new NoSuchElementException("no kept checkpoint holds model version "
                            + r.version() + "; kept: " + checkpoints.list().stream().map(CheckpointInfo::modelVersion).toList()));
            Checkpoint chosen = checkpoints.read(target.directory());
            Classifier back = chosen.model().copyAsVersion(model.version() + 1);
            trainer.restore(back, trainer.tasksEnded());
            model = trainer.model();
            serving = model.copy();
            lastServingRefresh = clock.instant();
            CheckpointInfo info = checkpoint(c, producer, r.version());
            if (info == null) {
                throw new IllegalStateException("the rollback to version " + r.version()
                        + " is in effect but its checkpoint failed; see the log");
            }
            LOG.info("Rolled back to the model of version {} as version {}", r.version(), info.modelVersion());
            r.done().complete(info);
        } catch (CheckpointException | RuntimeException e) {
            r.done().completeExceptionally(e);
        }
    }

    /** As above; {@code parent} is the version the model came from. Returns null when the write failed. */
    private CheckpointInfo checkpoint(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> producer,
                                      long parent) {
        producer.flush();
        Set<TopicPartition> assigned = c.assignment();
        List<ConsumedOffset> offsets = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        consumed.forEach((tp, next) -> {
            if (assigned.contains(tp)) {
                offsets.add(new ConsumedOffset(tp.topic(), tp.partition(), next));
                commit.put(tp, new OffsetAndMetadata(next));
            }
        });
        long start = System.nanoTime();
        CheckpointInfo info;
        try {
            info = checkpoints.write(CheckpointContent.capture(trainer, taskIndex, offsets, driftWatch.snapshot()),
                    parent);
        } catch (CheckpointException e) {
            LOG.error("Checkpoint failed; offsets stay uncommitted until one succeeds: {}", e.getMessage(), e);
            lastCheckpointAt = clock.instant();
            batchesSinceCheckpoint = 0;
            return null;
        }
        long wroteAt = System.nanoTime();
        if (!commit.isEmpty()) {
            try {
                c.commitSync(commit);
            } catch (WakeupException e) {
                // stop() woke the consumer while the loop was not polling; the wake-up is spent now.
                if (!stopRequested) {
                    throw e;
                }
                c.commitSync(commit);
            }
        }
        lastCheckpoint = info;
        lastCheckpointAt = clock.instant();
        batchesSinceCheckpoint = 0;
        uncheckpointed = false;
        LOG.info("Checkpoint {} (model version {}) written in {} ms, {} offsets committed", info.sequence(),
                info.modelVersion(), (wroteAt - start) / 1_000_000, commit.size());
        if (info.modelVersion() != lastPublishedVersion) {
            publishVersion(producer, info);
        }
        return info;
    }

    /** Publishes the checkpointed model as a {@link ModelVersion}, keyed by model name. */
    private void publishVersion(KafkaProducer<String, byte[]> producer, CheckpointInfo info) {
        LearnerStatus s = status;
        Map<String, Double> metrics = new java.util.TreeMap<>();
        if (Double.isFinite(s.accuracy())) {
            metrics.put("accuracy.prequential", s.accuracy());
        }
        if (Double.isFinite(s.windowAccuracy())) {
            metrics.put("accuracy.window", s.windowAccuracy());
        }
        metrics.put("samples.trained", (double) s.trainedSamples());
        metrics.put("checkpoint.sequence", (double) info.sequence());
        ModelVersion version = ModelVersion.newBuilder()
                .setModelName(config.modelName())
                .setVersion(info.modelVersion())
                .setParent(info.parentVersion() >= 0 ? info.parentVersion() : null)
                .setStrategy(strategyName())
                .setCreatedAt(info.createdAt())
                .setMetrics(metrics)
                .setCheckpointUri(info.uri())
                .build();
        producer.send(new ProducerRecord<>(config.topics().models(), config.modelName(),
                MnemoSerdes.modelVersion().encode(version)), (metadata, e) -> {
                    if (e != null) {
                        LOG.warn("Cannot publish model version {}: {}", info.modelVersion(), e.toString());
                    }
                });
        lastPublishedVersion = info.modelVersion();
    }

    /** fine-tune, lwf, replay or lwf+replay, from the trainer's strategies. */
    private String strategyName() {
        boolean lwf = trainer.strategy(Lwf.class).isPresent();
        boolean replay = trainer.strategy(Replay.class).isPresent();
        return lwf && replay ? "lwf+replay" : lwf ? "lwf" : replay ? "replay" : "fine-tune";
    }

    private Prediction prediction(Sample s, float[] probabilities, int predicted, long version, Instant now) {
        List<Float> probs = new ArrayList<>(probabilities.length);
        for (float p : probabilities) {
            probs.add(p);
        }
        return Prediction.newBuilder()
                .setSampleId(s.getId())
                .setSource(s.getSource())
                .setEventTime(s.getEventTime())
                .setPredictedAt(now)
                .setModelName(config.modelName())
                .setModelVersion(version)
                .setPredictedClass(predicted)
                .setProbabilities(probs)
                .setLabel(s.getLabel())
                .setTask(s.getTask())
                .build();
    }

    private void reject(DeadLetterPublisher deadLetters, ConsumerRecord<String, byte[]> record, String reason, String detail) {
        deadLetters.reject(record, reason, detail);
        long n = stats.rejected(reason);
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("Rejected record {}-{}@{} ({} so far for '{}'): {}", record.topic(), record.partition(),
                    record.offset(), n, reason, detail);
        }
    }

    /**
     * Checks that the model can take the sample. Ingest validates too; the learner checks again
     * because it may read topics written by other producers, and a bad record must never stop it.
     *
     * @return null when the sample is usable, else {@code "<reason>: <detail>"}
     */
    static String check(Sample s, int inputs, int classes) {
        if (s.getId() == null || s.getId().isBlank()) {
            return DeadLetters.MISSING_ID + ": the sample has no id";
        }
        SampleFeatures.Problem problem = SampleFeatures.check(s, inputs);
        if (problem != null) {
            return problem.reason() + ": sample " + s.getId() + ": " + problem.detail()
                    + (DeadLetters.DIMENSION.equals(problem.reason()) ? " (the model takes " + inputs + ")" : "");
        }
        Integer label = s.getLabel();
        if (label != null && (label < 0 || label >= classes)) {
            return DeadLetters.LABEL_RANGE + ": sample " + s.getId() + " label " + label + " is outside [0, "
                    + classes + ")";
        }
        return null;
    }

    private static float[] toArray(Sample sample, int length) {
        float[] out = new float[length];
        SampleFeatures.copyInto(sample, out, 0, length);
        return out;
    }

    private void housekeeping(KafkaConsumer<String, byte[]> c) {
        Instant now = clock.instant();
        if (Duration.between(lastServingRefresh, now).compareTo(config.servingRefresh()) >= 0
                && serving.version() != model.version()) {
            serving = model.copy();
            lastServingRefresh = now;
        }
        if (Duration.between(lastLagCheck, now).compareTo(config.lagInterval()) >= 0) {
            long lag = 0;
            boolean known = !c.assignment().isEmpty();
            for (TopicPartition tp : c.assignment()) {
                var partitionLag = c.currentLag(tp);
                if (partitionLag.isPresent()) {
                    lag += partitionLag.getAsLong();
                } else {
                    known = false;
                }
            }
            if (known) {
                stats.lag(lag);
            }
            lastLagCheck = now;
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "mnemo-learner-" + config.groupId());
        return props;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "mnemo-learner-out-" + config.groupId());
        return props;
    }

    /**
     * With checkpoints: checkpoints (and commits) what was processed before a rebalance takes
     * partitions away, and seeks newly assigned partitions to their checkpointed offsets.
     */
    private final class CheckpointOnRebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;
        private final KafkaProducer<String, byte[]> producer;

        CheckpointOnRebalance(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer) {
            this.consumer = consumer;
            this.producer = producer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (uncheckpointed && !abandon && !partitions.isEmpty()) {
                checkpoint(consumer, producer);
            }
            consumed.keySet().removeAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another member may own them already: nothing can be committed for them.
            consumed.keySet().removeAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Long offset = restoredOffsets.remove(tp);
                if (offset != null) {
                    consumer.seek(tp, offset);
                    consumed.put(tp, offset);
                }
            }
            LOG.info("Learner assigned {}", partitions);
        }
    }

    /** Commits what was processed before a rebalance takes partitions away. */
    private static final class CommitOnRevoke implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<TopicPartition, OffsetAndMetadata> pending;

        CommitOnRevoke(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> pending) {
            this.consumer = consumer;
            this.pending = pending;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Batches are committed as soon as they are processed, so pending is empty between polls;
            // this guards the window in which a rebalance interrupts a commit.
            if (!pending.isEmpty()) {
                consumer.commitSync(pending);
                pending.clear();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("Learner assigned {}", partitions);
        }
    }
}
