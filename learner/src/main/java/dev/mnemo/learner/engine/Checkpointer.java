package dev.mnemo.learner.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

import dev.mnemo.learner.checkpoint.Checkpoint;
import dev.mnemo.learner.checkpoint.CheckpointContent;
import dev.mnemo.learner.checkpoint.CheckpointException;
import dev.mnemo.learner.checkpoint.CheckpointInfo;
import dev.mnemo.learner.checkpoint.CheckpointStore;

/**
 * When and how the engine's state goes to disk: a checkpoint every {@code everyBlocks} blocks or
 * {@code interval}, whichever comes first, captured on the engine's thread between blocks (a deep
 * copy, tens of milliseconds) and written by another thread (serialising and forcing to disk, the
 * costly part); the newest checkpoint that verifies restored at start; kept checkpoints found by
 * model version for rollbacks. The engine's thread calls everything but {@link #write}.
 */
public final class Checkpointer {

    /** What a restore found: the checkpoint restored, if any, and those skipped with the reason. */
    public record Restored(Optional<Checkpoint> checkpoint, List<CheckpointStore.Skipped> skipped) {
    }

    private final CheckpointStore store;
    private final int everyBlocks;
    private final Duration interval;
    private final Clock clock;
    private int blocksSince;
    private boolean dirty;
    private Instant lastAt;
    private volatile boolean retry;
    private volatile long nanos;
    private volatile long written;

    /**
     * @param store       where checkpoints go
     * @param everyBlocks blocks between checkpoints, at least 1
     * @param interval    the longest time between checkpoints while blocks arrive, positive
     * @param clock       the time source of the interval
     */
    public Checkpointer(CheckpointStore store, int everyBlocks, Duration interval, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        if (everyBlocks < 1) {
            throw new IllegalArgumentException("everyBlocks must be >= 1, got " + everyBlocks);
        }
        if (interval == null || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be a positive duration, got " + interval);
        }
        this.everyBlocks = everyBlocks;
        this.interval = interval;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lastAt = clock.instant();
    }

    public CheckpointStore store() {
        return store;
    }

    /** A block was processed since the last checkpoint. */
    public void blockProcessed() {
        blocksSince++;
        dirty = true;
    }

    /** Whether something was processed since the last checkpoint. */
    public boolean dirty() {
        return dirty;
    }

    /**
     * Whether a checkpoint is due: something to save, and enough blocks or time since the last; or
     * the last write failed.
     */
    public boolean due() {
        return (dirty || retry) && (retry || blocksSince >= everyBlocks
                || Duration.between(lastAt, clock.instant()).compareTo(interval) >= 0);
    }

    /**
     * Restores the newest checkpoint that verifies into {@code engine}.
     *
     * @throws IllegalArgumentException if it does not fit the engine's trainer
     */
    public Restored restoreLatest(LearnerEngine engine) {
        CheckpointStore.Recovery recovery = store.latestValid();
        recovery.checkpoint().ifPresent(engine::restore);
        return new Restored(recovery.checkpoint(), recovery.skipped());
    }

    /**
     * Takes a copy of the engine's state to write, on the engine's thread: the cadence restarts. The
     * copy is independent of the engine, so {@link #write} may run on another thread while the
     * engine trains on.
     */
    public CheckpointContent capture(LearnerEngine engine) {
        blocksSince = 0;
        lastAt = clock.instant();
        dirty = false;
        retry = false;
        return engine.capture().detached();
    }

    /**
     * Writes a captured state; safe from another thread than the engine's (one write at a time).
     * After a failure the next {@link #due()} is true, so the state is written again soon.
     *
     * @param parent the model version the captured model came from
     * @throws CheckpointException when it cannot be written (nothing may be committed for it)
     */
    public CheckpointInfo write(CheckpointContent content, long parent) throws CheckpointException {
        long start = System.nanoTime();
        try {
            CheckpointInfo info = store.write(content, parent);
            written++;
            return info;
        } catch (CheckpointException | RuntimeException e) {
            retry = true;
            throw e;
        } finally {
            nanos += System.nanoTime() - start;
        }
    }

    /**
     * The kept checkpoint that holds model {@code version}.
     *
     * @throws NoSuchElementException when none does
     * @throws CheckpointException when it cannot be read
     */
    public Checkpoint find(long version) throws CheckpointException {
        List<CheckpointInfo> kept = store.list();
        CheckpointInfo target = kept.stream().filter(i -> i.modelVersion() == version).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no kept checkpoint holds model version " + version
                        + "; kept: " + kept.stream().map(CheckpointInfo::modelVersion).toList()));
        return store.read(target.directory());
    }

    /** Time spent writing checkpoints so far (off the engine's thread), in nanoseconds. */
    public long nanos() {
        return nanos;
    }

    /** Checkpoints written so far. */
    public long written() {
        return written;
    }
}
