package dev.mnemo.learner.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mnemo.learner.checkpoint.CheckpointContent;
import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.checkpoint.CheckpointStore;
import dev.mnemo.learner.checkpoint.ConsumedOffset;
import dev.mnemo.learner.engine.Block;
import dev.mnemo.learner.engine.BlockOutcome;
import dev.mnemo.learner.engine.Checkpointer;
import dev.mnemo.learner.engine.LearnerEngine;
import dev.mnemo.learner.engine.StreamSample;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.schemas.DeadLetters;
import dev.mnemo.schemas.RecordHeaders;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.LabelRequest;
import dev.mnemo.schemas.v1.ModelVersion;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.Sample;

/**
 * The learner's Kafka adapter: it reads {@code samples.labelled} and {@code samples.unlabelled},
 * drives the {@link LearnerEngine} (predict, watch, train, test-then-train) and publishes what the
 * engine returns. Three threads keep the engine busy:
 * <pre>
 *  poller (run()):  poll -> decode -> check (bad -> dead letter) ==> engine thread: process block ==> publisher:
 *                   commit what is committable          (bounded)   checkpoint when due        (bounded)   encode, send
 * </pre>
 * <ul>
 *   <li>The <b>poller</b> (the thread that calls {@link #run()}) owns the consumer. It decodes and
 *       checks every record; a record the model cannot take goes to the dead-letter topic with its
 *       reason. Valid samples go to the engine as one {@link Block} per poll. A sample whose label came
 *       late (ingest joined it, header {@link RecordHeaders#LABEL_DELAY_MS}) was predicted when it
 *       first arrived: the engine scores that prediction and trains on the label, and no second
 *       prediction is published.</li>
 *   <li>The <b>engine thread</b> owns the model. It processes blocks in poll order, performs admin
 *       commands between blocks, refreshes the serving copy and captures checkpoints. A training
 *       chunk left open by a poll waits for the next one, unless the poller had caught up with its
 *       partitions or the stream pauses for a poll timeout: then it is trained at once.</li>
 *   <li>The <b>publisher</b> encodes predictions, drift events, alerts and label requests and sends
 *       them.</li>
 * </ul>
 * Both queues are bounded, so memory stays bounded when a stage falls behind (back-pressure).
 *
 * <h2>Commits</h2>
 * An offset is committed once its records are predicted and trained on, every record they caused is
 * acknowledged by the broker, and, with checkpoints on, a durable checkpoint covers them
 * ({@link CommitTracker}). Every record is accounted for: {@code received == predicted +
 * lateLabelled + rejected}.
 *
 * <h2>Checkpoints</h2>
 * With a checkpoint directory ({@link LearnerLoopConfig.Checkpoints}), every {@code everyBatches}
 * polls or {@code interval}, whichever comes first (and when partitions are revoked, and on
 * {@link #stop()}), the engine thread waits for the outputs of what it processed to be acknowledged,
 * writes a checkpoint (model with optimiser state, the strategies' state, the drift watch and the
 * next offset of every partition it trained through) and only then lets those offsets be committed.
 * A checkpoint that changed the model also publishes a {@link ModelVersion} to the compacted
 * {@code models} topic. On start the loop restores the newest checkpoint that verifies and seeks
 * each partition to its checkpointed offset as it is assigned: after a crash the records processed
 * since the last durable checkpoint are processed again: the interval it closes, plus what was
 * processed while the next one was being written; at most two intervals, since a checkpoint that
 * falls due while the previous one is still being written waits for it. The engine thread only
 * captures a copy of its state (tens of milliseconds); a writer thread serialises it and forces it
 * to disk.
 *
 * <p>{@link #status()}, {@link #servingModel()} and the {@code request*} methods are safe from any
 * thread; commands are performed by the engine thread between blocks. Predictions for outside
 * callers are served from a copy of the model, refreshed at most every {@code servingRefresh} while
 * someone reads it, never from the network being trained.
 *
 * <pre>{@code
 * LearnerLoop loop = new LearnerLoop(LearnerLoopConfig.defaults(Topics.defaults()),
 *         StrategySpec.parse("lwf+replay").trainer(MlpSpec.defaults(784, 10)),
 *         Map.of("bootstrap.servers", "localhost:9092"), Clock.systemUTC());
 * new Thread(loop, "mnemo-learner").start();
 * }</pre>
 */
public final class LearnerLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerLoop.class);
    /** Blocks queued between the poller and the engine thread, and between it and the publisher. */
    private static final int QUEUE_BLOCKS = 4;

    private final LearnerLoopConfig config;
    private final LearnerEngine engine;
    private final Map<String, Object> kafkaConfig;
    private final Clock clock;
    private final LearnerStats stats;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Checkpointer checkpointer;
    private final CommitTracker tracker;
    private final AdminCommands commands;
    /** The engine thread's work, while {@link #run()} runs. */
    private volatile EngineWorker worker;

    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopRequested;
    private volatile boolean abandon;
    private volatile boolean restored;
    private volatile LearnerStatus status;
    private volatile Classifier serving;
    private volatile boolean servingRead;
    private volatile CheckpointInfo lastCheckpoint;
    private volatile PipelineFigures figures = PipelineFigures.NONE;
    private volatile Consumer<DriftAlert> alertListener = a -> { };
    private volatile Consumer<LabelRequest> labelRequestListener = r -> { };
    private volatile Consumer<String> lateLabelListener = id -> { };
    private final AtomicLong driftEvents = new AtomicLong();
    private final AtomicLong driftAlerts = new AtomicLong();
    private final AtomicLong labelRequests = new AtomicLong();
    private final AtomicLong pollNanos = new AtomicLong();
    private final AtomicLong publishNanos = new AtomicLong();
    private final AtomicLong records = new AtomicLong();

    /** Offsets restored from the checkpoint, sought to once each, as their partitions are assigned. */
    private final Map<TopicPartition, Long> restoredOffsets = new HashMap<>();
    /** Engine-thread state. */
    private Instant lastServingRefresh = Instant.MIN;
    private volatile long lastPublishedVersion = -1;
    private long lastProcessedSeq = -1;

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
        this.engine = new LearnerEngine(Objects.requireNonNull(trainer, "trainer"), config.engineSettings());
        this.kafkaConfig = Map.copyOf(Objects.requireNonNull(kafkaConfig, "kafkaConfig"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = new LearnerStats(clock, config.accuracyWindow(), Duration.ofSeconds(2));
        this.status = LearnerStatus.starting(clock.instant());
        this.serving = engine.model().copy();
        LearnerLoopConfig.Checkpoints c = config.checkpoints();
        this.checkpointer = c.enabled()
                ? new Checkpointer(new CheckpointStore(c.directory(), c.keep(), clock), c.everyBatches(), c.interval(),
                        clock)
                : null;
        this.tracker = new CommitTracker(checkpointer != null);
        this.commands = new AdminCommands(engine, checkpointer, new AdminCommands.Hooks() {
            @Override
            public void servingChanged() {
                serving = engine.model().copy();
                lastServingRefresh = clock.instant();
            }

            @Override
            public CheckpointInfo checkpoint(long parent) {
                EngineWorker w = worker;
                return checkpointer == null || w == null ? null : w.checkpoint(parent);
            }

            @Override
            public CheckpointInfo checkpoint() {
                EngineWorker w = worker;
                return checkpointer == null || w == null ? null : w.checkpoint();
            }
        });
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
     * Calls {@code listener} on the publisher thread with every alert the loop publishes (for
     * example to keep the alert list of the ops surface); it must be quick and must not throw.
     */
    public void onAlert(Consumer<DriftAlert> listener) {
        this.alertListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Calls {@code published} with every label request the loop publishes and {@code answered} with
     * the id of every sample whose late label arrives, both on the publisher thread (for example to
     * keep the label-request queue of the ops surface); they must be quick and must not throw.
     */
    public void onLabelRequests(Consumer<LabelRequest> published, Consumer<String> answered) {
        this.labelRequestListener = Objects.requireNonNull(published, "published");
        this.lateLabelListener = Objects.requireNonNull(answered, "answered");
    }

    /** The latest snapshot of the loop's figures. */
    public LearnerStatus status() {
        return status;
    }

    /** Where the pipeline's time went so far. */
    public PipelineFigures pipeline() {
        return figures;
    }

    /**
     * A copy of the model for serving predictions, never trained. Reading it asks the engine thread
     * to refresh it at most every {@code servingRefresh}.
     */
    public Classifier servingModel() {
        servingRead = true;
        return serving;
    }

    /** The last checkpoint written or restored, or null. */
    public CheckpointInfo lastCheckpoint() {
        return lastCheckpoint;
    }

    /** The checkpoint store, or null when checkpoints are off. */
    public CheckpointStore checkpointStore() {
        return checkpointer == null ? null : checkpointer.store();
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
     * Asks the loop to go back to the model of a kept checkpoint. The engine thread performs it between
     * blocks: the checkpointed parameters (and optimiser state) come back under a NEW version, one
     * above the current one, whose parent is {@code version}; a checkpoint is written at once and the
     * new {@link ModelVersion} published. History is never rewritten, and the stream is not re-read:
     * the replay buffer, LwF state and offsets stay as they are.
     *
     * @return completes with the checkpoint of the new version; fails with
     *     {@link NoSuchElementException} when no kept checkpoint holds {@code version}, and
     *     {@link IllegalStateException} when checkpoints are off or the loop stops first
     */
    public CompletableFuture<CheckpointInfo> requestRollback(long version) {
        return commands.rollback(version, stopRequested);
    }

    /**
     * Pauses or resumes training. While paused the loop still consumes, predicts, scores and commits;
     * it only skips the training steps (and so the task boundaries they would mark). Safe from any
     * thread; takes effect at the next training chunk.
     */
    public void pauseLearning(boolean paused) {
        engine.setLearningPaused(paused);
    }

    /** True while training is paused. */
    public boolean learningPaused() {
        return engine.learningPaused();
    }

    /**
     * Asks the loop to change strategy parameters that are safe to change at run time (the replay
     * size and the LwF weight); performed on the engine thread between blocks, both or neither.
     *
     * @return completes with the values before and after ({@code replaySize.before}, ...); fails with
     *     {@link IllegalStateException} when the strategy has no such parameter or the loop stops, and
     *     {@link IllegalArgumentException} when a value is out of range
     */
    public CompletableFuture<Map<String, String>> requestStrategyChange(StrategyChange change) {
        return commands.strategyChange(Objects.requireNonNull(change, "change"), stopRequested);
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
        return commands.promote(version, stopRequested);
    }

    /** Asks the loop to finish what it polled, commit (checkpoint first, when on) and close. Returns at once. */
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
        restore();
        return Optional.ofNullable(lastCheckpoint);
    }

    private void restore() {
        restored = true;
        if (checkpointer == null) {
            return;
        }
        long start = System.nanoTime();
        Checkpointer.Restored r = checkpointer.restoreLatest(engine);
        for (CheckpointStore.Skipped s : r.skipped()) {
            LOG.warn("Skipped checkpoint {}: {}", s.directory(), s.reason());
        }
        if (r.checkpoint().isEmpty()) {
            LOG.info("No checkpoint under {}: starting from a new model", checkpointer.store().root());
            return;
        }
        var checkpoint = r.checkpoint().get();
        serving = engine.model().copy();
        for (ConsumedOffset o : checkpoint.offsets()) {
            restoredOffsets.put(new TopicPartition(o.topic(), o.partition()), o.nextOffset());
        }
        lastCheckpoint = checkpoint.info();
        lastPublishedVersion = checkpoint.info().modelVersion();
        LOG.info("Restored checkpoint {} (model version {}, {} partitions) in {} ms", checkpoint.info().directory(),
                engine.model().version(), restoredOffsets.size(), (System.nanoTime() - start) / 1_000_000);
    }

    // ------------------------------------------------------------------ the poller (run)

    /** What the poller hands the engine thread: a polled block, a rebalance barrier, or the end. */
    private sealed interface Item permits Polled, Barrier, End {
    }

    /** A poll; {@code caughtUp}: nothing more was waiting on its partitions, so an open chunk is trained now. */
    private record Polled(CommitTracker.Entry entry, Block block, boolean caughtUp) implements Item {
    }

    /** Everything before it is processed; checkpoint (when asked) and forget the partitions. */
    private record Barrier(Collection<TopicPartition> partitions, boolean checkpoint,
                           CompletableFuture<Void> done) implements Item {
    }

    private record End() implements Item {
    }

    /** What the publisher sends: the outcome, the commit entry of each scored sample, the entries finished. */
    private record Published(BlockOutcome outcome, CommitTracker.Entry[] owners, List<CommitTracker.Entry> completed,
                             Instant at) {
        /** Tells the publisher to stop. */
        static final Published END = new Published(null, new CommitTracker.Entry[0], List.of(), null);
    }

    @Override
    public void run() {
        String state = "STOPPED";
        String error = null;
        BlockingQueue<Item> toEngine = new ArrayBlockingQueue<>(QUEUE_BLOCKS);
        BlockingQueue<Published> toPublisher = new ArrayBlockingQueue<>(QUEUE_BLOCKS);
        Thread engineThread = null;
        Thread publisherThread = null;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
                     new ByteArraySerializer())) {
            consumer = c;
            if (!restored) {
                restore();
            }
            Publisher publisher = new Publisher(producer, toPublisher);
            worker = new EngineWorker(toEngine, toPublisher, producer);
            engineThread = new Thread(worker, Thread.currentThread().getName() + "-engine");
            publisherThread = new Thread(publisher, Thread.currentThread().getName() + "-publisher");
            engineThread.setDaemon(true);
            publisherThread.setDaemon(true);
            engineThread.start();
            publisherThread.start();
            DeadLetterPublisher deadLetters = new DeadLetterPublisher(producer, config.topics().samplesDlq(), clock);
            c.subscribe(List.of(config.topics().samplesLabelled(), config.topics().samplesUnlabelled()),
                    new Rebalance(c, toEngine, producer, worker));
            status = stats.snapshot("RUNNING", engine.model().version(), null, lastCheckpoint);
            LOG.info("Learner consuming {} and {} as group {}", config.topics().samplesLabelled(),
                    config.topics().samplesUnlabelled(), config.groupId());
            try {
                pollUntilStopped(c, toEngine, deadLetters);
                putUninterruptibly(toEngine, new End());
                join(engineThread);
                worker.rethrow();
                if (!abandon) {
                    producer.flush();
                    tracker.awaitPublished(lastProcessedSeq);
                    commitReady(c, true);
                }
            } finally {
                stopThreads(engineThread, publisherThread, toPublisher);
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
            commands.failAll();
            status = stats.snapshot(state, engine.model().version(), error, lastCheckpoint);
            stopped.countDown();
            LOG.info("Learner loop {}", state.toLowerCase());
        }
    }

    /** The poller's loop: poll, decode, hand to the engine, commit what is committable, measure lag. */
    private void pollUntilStopped(KafkaConsumer<String, byte[]> c, BlockingQueue<Item> toEngine,
                                  DeadLetterPublisher deadLetters) {
        Instant lastLagCheck = Instant.MIN;
        try {
            while (!stopRequested) {
                ConsumerRecords<String, byte[]> polled = c.poll(config.pollTimeout());
                if (!polled.isEmpty()) {
                    hand(toEngine, decode(polled, deadLetters, caughtUp(c)), c, worker);
                }
                commitReady(c, false);
                worker.rethrow();
                Instant now = clock.instant();
                if (Duration.between(lastLagCheck, now).compareTo(config.lagInterval()) >= 0) {
                    lag(c);
                    lastLagCheck = now;
                }
            }
        } catch (WakeupException e) {
            if (!stopRequested) {
                throw e;
            }
        }
    }

    /**
     * Stops the engine thread (at once, when it is still running after a failure) and then the
     * publisher, which first sends what the engine gave it: what was predicted is published before
     * the producer closes, even after an abandon.
     */
    private void stopThreads(Thread engineThread, Thread publisherThread, BlockingQueue<Published> toPublisher) {
        if (engineThread.isAlive()) {
            worker.halt();
            engineThread.interrupt();
            join(engineThread);
        }
        putUninterruptibly(toPublisher, Published.END);
        join(publisherThread);
    }

    /** Whether the consumer has read everything there is on its partitions (the lag it knows is 0). */
    private static boolean caughtUp(KafkaConsumer<String, byte[]> c) {
        for (TopicPartition tp : c.assignment()) {
            var lag = c.currentLag(tp);
            if (lag.isEmpty() || lag.getAsLong() > 0) {
                return false;
            }
        }
        return true;
    }

    /** Decodes and checks one poll; bad records go to the dead-letter topic. */
    private Polled decode(ConsumerRecords<String, byte[]> polled, DeadLetterPublisher deadLetters, boolean caughtUp) {
        long start = System.nanoTime();
        stats.received(polled.count());
        records.addAndGet(polled.count());
        int inputs = engine.model().spec().inputs();
        int classes = engine.model().spec().classes();
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : polled) {
            next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        }
        CommitTracker.Entry entry = tracker.register(next);
        List<StreamSample> samples = new ArrayList<>(polled.count());
        for (ConsumerRecord<String, byte[]> r : polled) {
            Sample sample;
            try {
                sample = MnemoSerdes.sample().decode(r.value());
            } catch (SerializationException e) {
                String reason = e.getCause() instanceof MissingSchemaException ? DeadLetters.SCHEMA : DeadLetters.UNDECODABLE;
                reject(deadLetters, entry, r, reason, e.getMessage());
                continue;
            }
            String problem = check(sample, inputs, classes);
            if (problem != null) {
                reject(deadLetters, entry, r, problem.substring(0, problem.indexOf(':')),
                        problem.substring(problem.indexOf(':') + 2));
                continue;
            }
            float[] x = new float[inputs];
            SampleFeatures.copyInto(sample, x, 0, inputs);
            boolean late = sample.getLabel() != null && r.headers().lastHeader(RecordHeaders.LABEL_DELAY_MS) != null;
            samples.add(new StreamSample(sample.getId(), sample.getSource(), sample.getEventTime().toEpochMilli(), x,
                    sample.getLabel() == null ? StreamSample.UNLABELLED : sample.getLabel(), sample.getTask(), late,
                    r.topic(), r.partition(), r.offset()));
        }
        List<ConsumedOffset> through = new ArrayList<>(next.size());
        next.forEach((tp, offset) -> through.add(new ConsumedOffset(tp.topic(), tp.partition(), offset)));
        pollNanos.addAndGet(System.nanoTime() - start);
        return new Polled(entry, new Block(samples, through), caughtUp);
    }

    private void reject(DeadLetterPublisher deadLetters, CommitTracker.Entry entry, ConsumerRecord<String, byte[]> record,
                        String reason, String detail) {
        tracker.sending(entry);
        deadLetters.reject(record, reason, detail, (metadata, e) -> tracker.acknowledged(entry, e));
        long n = stats.rejected(reason);
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("Rejected record {}-{}@{} ({} so far for '{}'): {}", record.topic(), record.partition(),
                    record.offset(), n, reason, detail);
        }
    }

    /** Hands a block to the engine thread; while its queue is full, keeps committing. */
    private void hand(BlockingQueue<Item> toEngine, Item item, KafkaConsumer<String, byte[]> c, EngineWorker worker) {
        try {
            while (!toEngine.offer(item, 50, TimeUnit.MILLISECONDS)) {
                commitReady(c, false);
                worker.rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing a block to the engine", e);
        }
    }

    private void commitReady(KafkaConsumer<String, byte[]> c, boolean sync) {
        Exception failure = tracker.failure();
        if (failure != null) {
            throw new IllegalStateException("an output could not be written; nothing after it is committed: " + failure,
                    failure);
        }
        Map<TopicPartition, OffsetAndMetadata> commit = tracker.takeCommittable();
        commit.keySet().retainAll(c.assignment());
        if (commit.isEmpty()) {
            return;
        }
        if (sync) {
            c.commitSync(commit);
        } else {
            c.commitAsync(commit, (offsets, e) -> {
                if (e != null) {
                    LOG.warn("Offset commit failed (the next one covers it): {}", e.toString());
                }
            });
        }
    }

    private void lag(KafkaConsumer<String, byte[]> c) {
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
    }

    // ------------------------------------------------------------------ the engine thread

    /** Processes blocks in order, performs commands and checkpoints; owns the model. */
    private final class EngineWorker implements Runnable {
        private final BlockingQueue<Item> in;
        private final BlockingQueue<Published> out;
        private final KafkaProducer<String, byte[]> producer;
        private volatile RuntimeException failure;
        private volatile boolean halted;
        private volatile boolean finished;
        /** The checkpoint being written, or a done one. */
        private CompletableFuture<CheckpointInfo> writing = CompletableFuture.completedFuture(null);
        /** Writes checkpoints off the engine's thread. */
        private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mnemo-checkpoint-writer");
            t.setDaemon(true);
            return t;
        });
        /** The commit entry of every block the engine has not finished. */
        private final java.util.IdentityHashMap<Block, CommitTracker.Entry> owners = new java.util.IdentityHashMap<>();
        private long firstBlockAt;
        private long waitingNanos;
        private long checkpointNanos;
        private long blockedNanos;

        EngineWorker(BlockingQueue<Item> in, BlockingQueue<Published> out, KafkaProducer<String, byte[]> producer) {
            this.in = in;
            this.out = out;
            this.producer = producer;
        }

        void halt() {
            halted = true;
        }

        void rethrow() {
            RuntimeException e = failure;
            if (e != null) {
                throw new IllegalStateException("the engine thread failed: " + e, e);
            }
        }

        @Override
        public void run() {
            try {
                while (!halted) {
                    long t0 = System.nanoTime();
                    Item item = in.poll(config.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    if (firstBlockAt != 0) {
                        waitingNanos += System.nanoTime() - t0;
                    }
                    if (item == null) {
                        flush();
                    }
                    if (item instanceof End) {
                        if (!abandon) {
                            flush();
                        }
                        break;
                    }
                    if (item instanceof Polled p) {
                        process(p);
                    } else if (item instanceof Barrier b) {
                        barrier(b);
                    }
                    commands.drain();
                    if (checkpointer != null && checkpointer.due()) {
                        // On cadence: a write still running (a slow disk) holds the engine back here, so
                        // checkpoints stay one interval apart.
                        checkpointAsync(() -> lastPublishedVersion);
                    }
                    between();
                }
                if (!halted && !abandon && checkpointer != null && checkpointer.dirty()) {
                    checkpoint();
                }
                writing.join();
                finished = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                finished = true;
                failure = e;
                LOG.error("Engine thread failed", e);
                KafkaConsumer<String, byte[]> c = consumer;
                if (c != null) {
                    c.wakeup();
                }
            } finally {
                writer.shutdown();
            }
        }

        private void process(Polled p) throws InterruptedException {
            if (firstBlockAt == 0) {
                firstBlockAt = System.nanoTime();
            }
            owners.put(p.block(), p.entry());
            Instant now = clock.instant();
            handle(engine.process(p.block(), now), now);
            if (p.caughtUp()) {
                flush();
            }
        }

        /**
         * The poller caught up or the stream paused (or a rebalance, or the stop): process the samples
         * waiting for a full chunk, so none waits for more input that is not there.
         */
        private void flush() throws InterruptedException {
            if (engine.hasPending()) {
                Instant now = clock.instant();
                handle(engine.flush(now), now);
            }
        }

        private void handle(BlockOutcome outcome, Instant now) throws InterruptedException {
            stats.processed(outcome);
            CommitTracker.Entry[] scoredOwners = new CommitTracker.Entry[outcome.scored().size()];
            for (int i = 0; i < scoredOwners.length; i++) {
                scoredOwners[i] = owners.get(outcome.scored().get(i).block());
            }
            List<CommitTracker.Entry> completed = new ArrayList<>(outcome.completed().size());
            for (Block b : outcome.completed()) {
                CommitTracker.Entry e = owners.remove(b);
                tracker.trained(e);
                completed.add(e);
                lastProcessedSeq = e.seq;
            }
            long t0 = System.nanoTime();
            out.put(new Published(outcome, scoredOwners, completed, now));
            blockedNanos += System.nanoTime() - t0;
            if (checkpointer != null) {
                checkpointer.blockProcessed();
            }
        }

        private void barrier(Barrier b) throws InterruptedException {
            flush();
            if (b.checkpoint() && !abandon && checkpointer != null && checkpointer.dirty()) {
                checkpoint();
            }
            List<String> keys = new ArrayList<>();
            for (TopicPartition tp : b.partitions()) {
                keys.add(tp.topic() + "/" + tp.partition());
            }
            engine.forgetPositions(keys);
            b.done().complete(null);
        }

        /** Statistics, the serving copy and the figures, between blocks. */
        private void between() {
            Instant now = clock.instant();
            if (servingRead && Duration.between(lastServingRefresh, now).compareTo(config.servingRefresh()) >= 0
                    && serving.version() != engine.model().version()) {
                serving = engine.model().copy();
                lastServingRefresh = now;
                servingRead = false;
            }
            status = stats.snapshot("RUNNING", engine.model().version(), null, lastCheckpoint);
            if (firstBlockAt != 0) {
                var t = engine.times();
                figures = new PipelineFigures(System.nanoTime() - firstBlockAt, waitingNanos, t.predictNanos(),
                        t.watchNanos(), t.trainNanos(), checkpointNanos, blockedNanos,
                        checkpointer == null ? 0 : checkpointer.written(), records.get(), t.samples(), pollNanos.get(),
                        publishNanos.get());
            }
        }

        /** Writes a checkpoint now and waits for it: admin commands (with the parent they name). */
        CheckpointInfo checkpoint(long parent) {
            return checkpointAsync(() -> parent).join();
        }

        /** Writes a checkpoint now and waits for it, its parent the last version published: rebalances, the stop. */
        CheckpointInfo checkpoint() {
            return checkpointAsync(() -> lastPublishedVersion).join();
        }

        /**
         * Captures the engine's state now (a copy) and has the writer thread wait for the outputs of
         * what was processed, write the copy and let its offsets be committed. One write at a time:
         * a capture waits for the write before it.
         */
        CompletableFuture<CheckpointInfo> checkpointAsync(java.util.function.LongSupplier parentVersion) {
            long t0 = System.nanoTime();
            try {
                writing.join();
                // After the previous write: it may have published the version this one descends from.
                long parent = parentVersion.getAsLong();
                long seq = lastProcessedSeq;
                CheckpointContent content = checkpointer.capture(engine);
                writing = CompletableFuture.supplyAsync(() -> write(content, seq, parent, t0), writer);
                return writing;
            } finally {
                checkpointNanos += System.nanoTime() - t0;
            }
        }

        private CheckpointInfo write(CheckpointContent content, long seq, long parent, long capturedAt) {
            producer.flush();
            if (!tracker.awaitPublished(seq)) {
                LOG.error("Checkpoint skipped: the outputs it would cover were not all written");
                return null;
            }
            CheckpointInfo info;
            try {
                info = checkpointer.write(content, parent);
            } catch (dev.mnemo.learner.checkpoint.CheckpointException | RuntimeException e) {
                LOG.error("Checkpoint failed; offsets stay uncommitted until one succeeds: {}", e.getMessage(), e);
                return null;
            }
            tracker.checkpointed(seq);
            lastCheckpoint = info;
            LOG.info("Checkpoint {} (model version {}) written in {} ms", info.sequence(), info.modelVersion(),
                    (System.nanoTime() - capturedAt) / 1_000_000);
            if (info.modelVersion() != lastPublishedVersion) {
                publishVersion(producer, info);
            }
            return info;
        }
    }

    // ------------------------------------------------------------------ the publisher thread

    /** Encodes and sends what the engine returned; acknowledges into the commit tracker. */
    private final class Publisher implements Runnable {
        private final KafkaProducer<String, byte[]> producer;
        private final BlockingQueue<Published> in;

        Publisher(KafkaProducer<String, byte[]> producer, BlockingQueue<Published> in) {
            this.producer = producer;
            this.in = in;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Published p = in.take();
                    if (p == Published.END) {
                        return;
                    }
                    long t0 = System.nanoTime();
                    publish(p);
                    publishNanos.addAndGet(System.nanoTime() - t0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void publish(Published p) {
            BlockOutcome o = p.outcome();
            for (int i = 0; i < o.scored().size(); i++) {
                var s = o.scored().get(i);
                if (!s.published()) {
                    lateLabelListener.accept(s.sample().id());
                    continue;
                }
                CommitTracker.Entry owner = p.owners()[i];
                tracker.sending(owner);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.topics().predictions(),
                        s.sample().id(), MnemoSerdes.prediction().encode(prediction(s, p.at()))),
                        (metadata, e) -> tracker.acknowledged(owner, e));
            }
            // Events, alerts and requests come with the last sample scored: they hold its batch back.
            CommitTracker.Entry entry = p.owners().length == 0 ? null : p.owners()[p.owners().length - 1];
            org.apache.kafka.clients.producer.Callback ack = (metadata, e) -> {
                if (entry != null) {
                    tracker.acknowledged(entry, e);
                }
            };
            for (var e : o.events()) {
                LOG.info("Drift event {}: {} at position {} (model version {})", e.getEventId(), e.getSignal(),
                        e.getPosition(), e.getModelVersion());
                sending(entry);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.topics().driftEvents(),
                        e.getDetectorId(), MnemoSerdes.driftEvent().encode(e)), ack);
            }
            for (DriftAlert a : o.alerts()) {
                LOG.warn("Drift alert {}: {} (action {}, evidence {})", a.getAlertId(), a.getVerdict(), a.getAction(),
                        a.getEvidence());
                sending(entry);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.topics().alerts(),
                        a.getAlertId(), MnemoSerdes.driftAlert().encode(a)), ack);
                alertListener.accept(a);
            }
            for (LabelRequest r : o.labelRequests()) {
                sending(entry);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.topics().labelRequests(),
                        r.getSampleId(), MnemoSerdes.labelRequest().encode(r)), ack);
                labelRequestListener.accept(r);
            }
            driftEvents.addAndGet(o.events().size());
            driftAlerts.addAndGet(o.alerts().size());
            labelRequests.addAndGet(o.labelRequests().size());
            if (o.driftBoundaries() > 0) {
                LOG.info("Task boundary: confirmed drift, as of its event (model version {})", engine.model().version());
            }
            for (CommitTracker.Entry done : p.completed()) {
                tracker.sealed(done);
            }
        }
    }

    private void sending(CommitTracker.Entry entry) {
        if (entry != null) {
            tracker.sending(entry);
        }
    }

    private Prediction prediction(dev.mnemo.learner.engine.Scored s, Instant now) {
        List<Float> probs = new ArrayList<>(s.probabilities().length);
        for (float p : s.probabilities()) {
            probs.add(p);
        }
        StreamSample in = s.sample();
        return Prediction.newBuilder()
                .setSampleId(in.id())
                .setSource(in.source())
                .setEventTime(Instant.ofEpochMilli(in.eventTime()))
                .setPredictedAt(now)
                .setModelName(config.modelName())
                .setModelVersion(s.modelVersion())
                .setPredictedClass(s.predicted())
                .setProbabilities(probs)
                .setLabel(in.labelled() ? in.label() : null)
                .setTask(in.task())
                .build();
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
                .setStrategy(commands.strategyName())
                .setCreatedAt(info.createdAt())
                .setMetrics(metrics)
                .setCheckpointUri(info.uri())
                .build();
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.topics().models(),
                config.modelName(), MnemoSerdes.modelVersion().encode(version)), (metadata, e) -> {
                    if (e != null) {
                        LOG.warn("Cannot publish model version {}: {}", info.modelVersion(), e.toString());
                    }
                });
        lastPublishedVersion = info.modelVersion();
    }

    // ------------------------------------------------------------------ rebalances

    /**
     * Before partitions go away, everything polled from them is processed, checkpointed (when on),
     * published and committed; newly assigned partitions seek to their checkpointed offsets.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;
        private final BlockingQueue<Item> toEngine;
        private final KafkaProducer<String, byte[]> producer;
        private final EngineWorker worker;

        Rebalance(KafkaConsumer<String, byte[]> consumer, BlockingQueue<Item> toEngine,
                  KafkaProducer<String, byte[]> producer, EngineWorker worker) {
            this.consumer = consumer;
            this.toEngine = toEngine;
            this.producer = producer;
            this.worker = worker;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty() || abandon) {
                return;
            }
            drain(partitions, true);
            producer.flush();
            tracker.awaitPublished(lastProcessedSeq);
            commitReady(consumer, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another member may own them already: nothing can be committed for them.
            if (!partitions.isEmpty()) {
                drain(partitions, false);
            }
        }

        private void drain(Collection<TopicPartition> partitions, boolean checkpoint) {
            if (worker.finished) {
                return; // closing: the engine thread has finished and the loop committed what it could
            }
            Barrier b = new Barrier(List.copyOf(partitions), checkpoint, new CompletableFuture<>());
            putUninterruptibly(toEngine, b);
            while (!b.done().isDone()) {
                worker.rethrow();
                try {
                    b.done().get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // still draining
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Long offset = restoredOffsets.remove(tp);
                if (offset != null) {
                    consumer.seek(tp, offset);
                }
            }
            LOG.info("Learner assigned {}", partitions);
        }
    }

    private static <T> void putUninterruptibly(BlockingQueue<T> queue, T item) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(item);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
}
