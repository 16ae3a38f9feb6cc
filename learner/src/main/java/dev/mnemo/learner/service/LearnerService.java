package dev.mnemo.learner.service;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.checkpoint.CheckpointStore;
import dev.mnemo.learner.engine.LearnerEngine;
import dev.mnemo.learner.model.Classifier;
import dev.mnemo.learner.model.MlpSpec;
import dev.mnemo.learner.strategy.ContinualTrainer;
import dev.mnemo.learner.strategy.StrategySpec;
import dev.mnemo.learner.stream.DeadLetterCounter;
import dev.mnemo.learner.stream.LearnerLoop;
import dev.mnemo.learner.stream.LearnerLoopConfig;
import dev.mnemo.learner.stream.LearnerStatus;
import dev.mnemo.schemas.TopicAdmin;
import dev.mnemo.schemas.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Owns the learner loop and the dead-letter counter for the lifetime of the application.
 *
 * <p>On start it creates missing topics (when configured), builds the model from configuration and
 * starts the loop on its own thread; on shutdown it stops the loop, which commits what it has
 * processed. REST resources, health checks and metrics read from here.
 */
@ApplicationScoped
public class LearnerService {

    private static final Logger LOG = Logger.getLogger(LearnerService.class);

    private final MnemoConfig config;
    private final Map<String, Object> kafka;
    private final Topics topics;
    private volatile LearnerLoop loop;
    private volatile DeadLetterCounter deadLetters;
    private volatile Thread loopThread;
    private volatile String startupError;
    private volatile boolean preparing;
    /** Steps on a throwaway trainer before the loop starts, so the JIT has compiled the training path. */
    private Runnable warmUp = () -> { };

    @Inject
    LabelRequestQueue labelRequests;

    @Inject
    public LearnerService(MnemoConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.kafka = Map.copyOf(kafka);
        this.topics = Topics.withPrefix(config.topics().prefix());
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.model().denseStep()) {
            // Read by every classifier created from now on (model files and copies included).
            System.setProperty(Classifier.DENSE_STEP_PROPERTY, "false");
        }
        if (!config.learner().enabled()) {
            LOG.info("Learner loop disabled (mnemo.learner.enabled=false)");
            return;
        }
        MlpSpec spec = modelSpec();
        StrategySpec strategy = LearnerSettings.strategy(config.strategy());
        ContinualTrainer trainer = strategy.trainer(spec);
        Classifier model = trainer.model();
        LearnerLoopConfig loopConfig = LearnerSettings.loop(config, topics);
        warmUp = () -> LearnerEngine.warmUp(strategy.trainer(spec), config.learner().warmUpSteps(),
                config.learner().trainBatchSize(), spec.seed());
        loop = new LearnerLoop(loopConfig, trainer, kafka, Clock.systemUTC());
        if (labelRequests != null) {
            loop.onLabelRequests(labelRequests::offer, labelRequests::answered);
        }
        deadLetters = new DeadLetterCounter(topics.samplesDlq(), kafka);
        loopThread = new Thread(this::prepareAndRun, "mnemo-learner");
        loopThread.start();
        LOG.infof("Learner started: model %s %d-%s-%d (%d parameters), strategy %s, bootstrap %s, topics prefix '%s'",
                config.model().name(), spec.inputs(), spec.hidden(), spec.classes(), model.parameterCount(), trainer,
                kafka.get("bootstrap.servers"), topics.prefix());
    }

    private void prepareAndRun() {
        preparing = true;
        if (config.topics().create()) {
            Duration backoff = Duration.ofSeconds(1);
            while (true) {
                try {
                    TopicAdmin.ensure(kafka, topics.all(), config.topics().partitions(), config.topics().replication());
                    startupError = null;
                    break;
                } catch (IllegalStateException e) {
                    startupError = e.getMessage();
                    LOG.warnf("Cannot create topics yet, retrying in %s: %s", backoff, e.getMessage());
                    try {
                        Thread.sleep(backoff.toMillis());
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                            ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
                }
            }
        }
        preparing = false;
        long start = System.nanoTime();
        warmUp.run();
        LOG.infof("Training path warmed up in %d ms (mnemo.learner.warm-up-steps=%d)",
                (System.nanoTime() - start) / 1_000_000, config.learner().warmUpSteps());
        Thread counter = new Thread(deadLetters, "mnemo-dlq-counter");
        counter.setDaemon(true);
        counter.start();
        loop.run();
    }

    void onStop(@Observes ShutdownEvent event) {
        LearnerLoop l = loop;
        if (l == null) {
            return;
        }
        l.stop();
        deadLetters.stop();
        Thread t = loopThread;
        if (t != null && preparing) {
            t.interrupt(); // still waiting for Kafka: stop retrying
        }
        try {
            if (!l.awaitStopped(Duration.ofSeconds(30))) {
                LOG.warn("Learner loop did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The model shape and optimiser settings, from configuration. */
    public MlpSpec modelSpec() {
        return LearnerSettings.model(config.model());
    }

    /** The Kafka client settings in use, without values that look like secrets. */
    public Map<String, Object> kafkaConfigForDiagnostics() {
        Map<String, Object> out = new java.util.TreeMap<>();
        kafka.forEach((k, v) -> out.put(k, k.contains("password") || k.contains("jaas") ? "***" : v));
        return out;
    }

    public Topics topics() {
        return topics;
    }

    public boolean enabled() {
        return loop != null;
    }

    /** The loop's latest figures, empty when the loop is disabled. */
    public Optional<LearnerStatus> status() {
        LearnerLoop l = loop;
        return l == null ? Optional.empty() : Optional.of(l.status());
    }

    /** The kept checkpoints whose manifest verifies, newest first; empty when checkpoints are off. */
    public List<CheckpointInfo> checkpointVersions() {
        LearnerLoop l = loop;
        CheckpointStore store = l == null ? null : l.checkpointStore();
        return store == null ? List.of() : store.list();
    }

    /**
     * Pins the newest kept checkpoint of a model version, so that it survives {@code keep}; see
     * {@link CheckpointStore#pin}.
     *
     * @throws java.util.NoSuchElementException when no kept checkpoint holds the version
     * @throws IllegalStateException            when the loop is disabled or checkpoints are off
     */
    public CheckpointInfo pin(long version) throws dev.mnemo.learner.checkpoint.CheckpointException {
        return store().pin(version);
    }

    /**
     * Unpins every kept checkpoint of a model version; see {@link CheckpointStore#unpin}.
     *
     * @return whether one was pinned
     * @throws java.util.NoSuchElementException when no kept checkpoint holds the version
     * @throws IllegalStateException            when the loop is disabled or checkpoints are off
     */
    public boolean unpin(long version) throws dev.mnemo.learner.checkpoint.CheckpointException {
        return store().unpin(version);
    }

    /** Whether the checkpoint is pinned (false when checkpoints are off). */
    public boolean isPinned(CheckpointInfo checkpoint) {
        LearnerLoop l = loop;
        CheckpointStore store = l == null ? null : l.checkpointStore();
        return store != null && store.isPinned(checkpoint);
    }

    private CheckpointStore store() {
        CheckpointStore store = running().checkpointStore();
        if (store == null) {
            throw new IllegalStateException("checkpoints are off (mnemo.checkpoint.dir is empty), so no version is kept");
        }
        return store;
    }

    /**
     * Asks the loop to roll back to the model of a kept checkpoint (performed on the loop thread; see
     * {@link LearnerLoop#requestRollback}).
     */
    public java.util.concurrent.CompletableFuture<CheckpointInfo> rollback(long version) {
        LearnerLoop l = loop;
        if (l == null) {
            return java.util.concurrent.CompletableFuture.failedFuture(
                    new IllegalStateException("the learner loop is disabled"));
        }
        return l.requestRollback(version);
    }

    /**
     * Pauses or resumes training (prediction goes on); see {@link LearnerLoop#pauseLearning}.
     *
     * @throws IllegalStateException when the loop is disabled
     */
    public void pauseLearning(boolean paused) {
        running().pauseLearning(paused);
    }

    /** True while training is paused (false when the loop is disabled). */
    public boolean learningPaused() {
        LearnerLoop l = loop;
        return l != null && l.learningPaused();
    }

    /** Asks the loop to promote a model version to serving; see {@link LearnerLoop#requestPromote}. */
    public java.util.concurrent.CompletableFuture<LearnerLoop.Promotion> promote(long version) {
        LearnerLoop l = loop;
        return l == null ? java.util.concurrent.CompletableFuture.failedFuture(
                new IllegalStateException("the learner loop is disabled")) : l.requestPromote(version);
    }

    /** Asks the loop to change safe strategy parameters; see {@link LearnerLoop#requestStrategyChange}. */
    public java.util.concurrent.CompletableFuture<Map<String, String>> changeStrategy(LearnerLoop.StrategyChange change) {
        LearnerLoop l = loop;
        return l == null ? java.util.concurrent.CompletableFuture.failedFuture(
                new IllegalStateException("the learner loop is disabled")) : l.requestStrategyChange(change);
    }

    private LearnerLoop running() {
        LearnerLoop l = loop;
        if (l == null) {
            throw new IllegalStateException("the learner loop is disabled (mnemo.learner.enabled=false)");
        }
        return l;
    }

    /** The copy of the model that serves predictions, empty when the loop is disabled. */
    public Optional<Classifier> servingModel() {
        LearnerLoop l = loop;
        return l == null ? Optional.empty() : Optional.of(l.servingModel());
    }

    /** Dead letters on the topic per (stage, reason); empty until the counter has read them. */
    public Map<DeadLetterCounter.Key, Long> deadLetterCounts() {
        DeadLetterCounter d = deadLetters;
        return d == null ? Map.of() : d.counts();
    }

    /** Why start-up is not complete (for example Kafka unreachable), or null. */
    public String startupError() {
        return startupError;
    }

    /** True while the loop thread is alive and has not failed. */
    public boolean alive() {
        Thread t = loopThread;
        LearnerLoop l = loop;
        return l == null || (t != null && t.isAlive() && !"FAILED".equals(l.status().state()));
    }
}
