package dev.mnemo.learner.stream;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mnemo.learner.checkpoint.Checkpoint;
import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.engine.Checkpointer;
import dev.mnemo.learner.engine.LearnerEngine;

/**
 * Operators' commands (promote, roll back, change strategy parameters), asked for from any thread
 * and performed by the engine's thread between blocks, so that nothing else touches the model.
 */
final class AdminCommands {

    private static final Logger LOG = LoggerFactory.getLogger(AdminCommands.class);

    /** What a command needs from the loop, on the engine's thread. */
    interface Hooks {
        /** The serving copy must be taken from the model now. */
        void servingChanged();

        /** Writes a checkpoint now whose model descends from {@code parent}; null when it failed or checkpoints are off. */
        CheckpointInfo checkpoint(long parent);

        /** Writes a checkpoint now whose model descends from the last version published; null as above. */
        CheckpointInfo checkpoint();
    }

    @FunctionalInterface
    private interface Body<T> {
        T perform() throws Exception;
    }

    private record Command<T>(Body<T> body, CompletableFuture<T> done) {
        void run() {
            try {
                done.complete(body.perform());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }

        void fail() {
            done.completeExceptionally(new IllegalStateException("the learner loop is not running"));
        }
    }

    private final LearnerEngine engine;
    private final Checkpointer checkpointer;
    private final Hooks hooks;
    private final ConcurrentLinkedQueue<Command<?>> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    AdminCommands(LearnerEngine engine, Checkpointer checkpointer, Hooks hooks) {
        this.engine = engine;
        this.checkpointer = checkpointer;
        this.hooks = hooks;
    }

    /** Performs the queued commands; on the engine's thread. */
    void drain() {
        for (Command<?> c = queue.poll(); c != null; c = queue.poll()) {
            c.run();
        }
    }

    /** Fails the queued commands and every later one: the loop has stopped. */
    void failAll() {
        closed = true;
        for (Command<?> c = queue.poll(); c != null; c = queue.poll()) {
            c.fail();
        }
    }

    private <T> CompletableFuture<T> submit(Body<T> body, boolean stopping) {
        Command<T> command = new Command<>(body, new CompletableFuture<>());
        queue.add(command);
        if (closed || stopping) {
            for (Command<?> c = queue.poll(); c != null; c = queue.poll()) {
                c.fail();
            }
        }
        return command.done();
    }

    CompletableFuture<CheckpointInfo> rollback(long version, boolean stopping) {
        if (checkpointer == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("checkpoints are off (mnemo.checkpoint.dir is empty)"));
        }
        return submit(() -> rollbackNow(version), stopping);
    }

    private CheckpointInfo rollbackNow(long version) throws Exception {
        Checkpoint chosen = checkpointer.find(version);
        engine.replaceModel(chosen.model());
        hooks.servingChanged();
        CheckpointInfo info = hooks.checkpoint(version);
        if (info == null) {
            throw new IllegalStateException("the rollback to version " + version
                    + " is in effect but its checkpoint failed; see the log");
        }
        LOG.info("Rolled back to the model of version {} as version {}", version, info.modelVersion());
        return info;
    }

    CompletableFuture<LearnerLoop.Promotion> promote(long version, boolean stopping) {
        return submit(() -> {
            if (version == engine.model().version()) {
                hooks.servingChanged();
                CheckpointInfo info = checkpointer == null ? null : hooks.checkpoint();
                LOG.info("Promoted model version {} to serving", version);
                return new LearnerLoop.Promotion(version, info);
            }
            if (checkpointer == null) {
                throw new NoSuchElementException("model version " + version + " is not the current one ("
                        + engine.model().version() + ") and checkpoints are off, so no older version is kept");
            }
            CheckpointInfo info = rollbackNow(version);
            return new LearnerLoop.Promotion(info.modelVersion(), info);
        }, stopping);
    }

    CompletableFuture<Map<String, String>> strategyChange(LearnerLoop.StrategyChange change, boolean stopping) {
        Map<String, String> changes = new java.util.LinkedHashMap<>();
        if (change.replaySize() != null) {
            changes.put("replaySize", change.replaySize().toString());
        }
        if (change.lwfLambda() != null) {
            changes.put("lwfLambda", change.lwfLambda().toString());
        }
        return submit(() -> {
            Map<String, String> applied = engine.trainer().changeSettings(changes);
            LOG.info("Strategy parameters changed at run time: {}", applied);
            return applied;
        }, stopping);
    }

    /** The configuration's name ({@code lwf+replay}, ...), from the trainer's strategies. */
    String strategyName() {
        return engine.trainer().name();
    }
}
