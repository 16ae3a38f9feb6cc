package dev.mnemo.replay;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable picture of a buffer at one moment.
 *
 * @param size          samples stored
 * @param capacity      the most samples the buffer holds
 * @param seen          samples offered since the buffer was created (restores keep counting)
 * @param countPerClass stored samples per label, ordered by label
 * @param countPerTask  stored samples per task, ordered by task
 * @param bytesUsed     heap bytes held by the buffer's storage and policy bookkeeping; it depends on
 *                      the capacity, not on how full the buffer is
 */
public record ReplayStats(int size, int capacity, long seen, Map<Integer, Integer> countPerClass,
                          Map<Integer, Integer> countPerTask, long bytesUsed) {

    public ReplayStats {
        countPerClass = Collections.unmodifiableMap(new TreeMap<>(countPerClass));
        countPerTask = Collections.unmodifiableMap(new TreeMap<>(countPerTask));
    }

    /** {@link #bytesUsed} divided by the capacity: what one slot costs when the buffer is full. */
    public double bytesPerSlot() {
        return (double) bytesUsed / capacity;
    }
}
