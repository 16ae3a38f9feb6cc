package dev.mnemo.learner.stream;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which offsets may be committed. A polled batch's offsets may be committed once, for it and
 * every batch polled before it:
 * <ol>
 *   <li>its records are predicted and trained on (the engine is through it);</li>
 *   <li>every record it sent (predictions, events, alerts, dead letters) is acknowledged by the
 *       broker;</li>
 *   <li>with checkpoints on, a durable checkpoint covers it.</li>
 * </ol>
 * A crash then repeats at most the batches since the last checkpoint, and never skips one whose
 * outputs were not all written.
 *
 * <p>Thread-safe: the poller registers batches and takes what is committable, the engine thread
 * marks them trained and checkpointed, the producer's callbacks acknowledge sends.
 */
final class CommitTracker {

    /** One polled batch, in poll order. */
    static final class Entry {
        final long seq;
        final Map<TopicPartition, Long> next;
        private int pendingSends;
        private boolean sealed;
        private boolean trained;
        private boolean checkpointed;

        Entry(long seq, Map<TopicPartition, Long> next) {
            this.seq = seq;
            this.next = next;
        }
    }

    private final boolean checkpoints;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextSeq;
    private volatile Exception failure;

    /** @param checkpoints whether a batch must be inside a checkpoint before it is committed */
    CommitTracker(boolean checkpoints) {
        this.checkpoints = checkpoints;
    }

    synchronized Entry register(Map<TopicPartition, Long> next) {
        Entry e = new Entry(nextSeq++, next);
        entries.addLast(e);
        return e;
    }

    /** A send of the entry is under way; call {@link #acknowledged} from its callback. */
    synchronized void sending(Entry e) {
        e.pendingSends++;
    }

    /** A send finished; a failure is kept and fails the loop (nothing after it is committed). */
    synchronized void acknowledged(Entry e, Exception error) {
        e.pendingSends--;
        if (error != null && failure == null) {
            failure = error;
        }
        notifyAll();
    }

    /** Every send of the entry has been issued. */
    synchronized void sealed(Entry e) {
        e.sealed = true;
        notifyAll();
    }

    /** The engine is through the entry. */
    synchronized void trained(Entry e) {
        e.trained = true;
    }

    /** A durable checkpoint covers every entry up to and including {@code seq}. */
    synchronized void checkpointed(long seq) {
        for (Entry e : entries) {
            if (e.seq > seq) {
                break;
            }
            e.checkpointed = true;
        }
    }

    /** The first failed send, or null. */
    Exception failure() {
        return failure;
    }

    /**
     * Waits until every entry up to and including {@code seq} has all its sends issued and
     * acknowledged.
     *
     * @return false when interrupted or a send failed
     */
    synchronized boolean awaitPublished(long seq) {
        while (failure == null) {
            boolean done = true;
            for (Entry e : entries) {
                if (e.seq > seq) {
                    break;
                }
                if (!e.sealed || e.pendingSends > 0) {
                    done = false;
                    break;
                }
            }
            if (done) {
                return true;
            }
            try {
                wait(100);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * Removes the committable prefix of entries and returns the offsets to commit for it (empty
     * when there is none).
     */
    synchronized Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        if (failure != null) {
            return out;
        }
        while (!entries.isEmpty()) {
            Entry e = entries.peekFirst();
            if (!e.trained || !e.sealed || e.pendingSends > 0 || (checkpoints && !e.checkpointed)) {
                break;
            }
            entries.removeFirst();
            e.next.forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
        }
        return out;
    }

    /** Batches registered and not yet committable. */
    synchronized int inFlight() {
        return entries.size();
    }
}
