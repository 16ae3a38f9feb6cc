package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;
import dev.mnemo.replay.storage.SampleStore;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A {@link ReplayBuffer} over compact {@link SampleStore} slots, with a seeded policy, resizing,
 * statistics and snapshots ({@link ReplaySnapshots}).
 *
 * <p>Stored samples always occupy slots {@code [0, size())}. The policy ({@link ReservoirBuffer},
 * {@link ClassBalancedBuffer}, {@link TaskQuotaBuffer}) decides whether an offered sample is kept and
 * which slot it overwrites; it draws from the buffer's own generator, seeded at construction, so a
 * buffer fed the same stream makes the same choices, and a restored snapshot continues identically.
 *
 * <p>Not thread-safe: one writer, or external locking. The policy hooks are package-private, so the
 * three policies here are the only subclasses.
 */
public abstract class CompactReplayBuffer implements ReplayBuffer {

    private final SampleStore store;
    private final SplitMix64 rng;
    private int size;
    private long seen;

    CompactReplayBuffer(SampleFormat format, int capacity, long seed) {
        this.store = new SampleStore(format, capacity);
        this.rng = new SplitMix64(seed);
    }

    /** The policy's name in snapshot manifests, such as {@code "reservoir"}. */
    abstract String policyName();

    /**
     * The slot the sample offered now goes to, or -1 to drop it. {@link #seen()} does not yet count
     * it. Returning {@link #size()} appends (only when the buffer is not full).
     */
    abstract int chooseSlot(int label, int task);

    /** The content of {@code slot} is about to leave the buffer or be overwritten. */
    void forget(int slot) {
    }

    /** {@code slot} now holds a sample (new, or moved there). */
    void remember(int slot) {
    }

    /** The slot to evict next while shrinking; by default uniform over the stored slots. */
    int victimForShrink() {
        return rng.nextInt(size);
    }

    /** The policy's bookkeeping after a capacity change; the slots are already in place. */
    void capacityChanged(int newCapacity) {
    }

    /** Bytes of the policy's own bookkeeping. */
    long policyBytes() {
        return 0;
    }

    /** Writes the policy's own state; the slots are already written. */
    void writePolicyState(DataOutput out) throws IOException {
    }

    /** Reads what {@link #writePolicyState} wrote; the slots are already read. */
    void readPolicyState(DataInput in) throws IOException {
    }

    @Override
    public final boolean add(float[] features, int label, int task) {
        if (label < 0) {
            throw new IllegalArgumentException("label must be at least 0, got " + label);
        }
        if (task < 0) {
            throw new IllegalArgumentException("task must be at least 0, got " + task);
        }
        store.validate(features);
        int slot = chooseSlot(label, task);
        seen++;
        if (slot < 0) {
            return false;
        }
        if (slot == size) {
            size++;
        } else {
            forget(slot);
        }
        store.put(slot, features, label, task);
        remember(slot);
        return true;
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final int capacity() {
        return store.capacity();
    }

    /** Samples offered so far, stored or not. */
    public final long seen() {
        return seen;
    }

    public final SampleFormat format() {
        return store.format();
    }

    /**
     * Draws {@code min(n, size())} distinct stored samples, each subset equally likely, in random
     * order. Uses Floyd's algorithm when the batch is small against the buffer, so a batch of 128 from
     * 100 000 slots costs O(128), not O(100 000).
     *
     * <p>References: J. Bentley, R. Floyd, "Programming Pearls: A Sample of Brilliance",
     * Communications of the ACM 30(9), 1987.
     *
     * @throws IllegalArgumentException when {@code n < 0} or {@code rng} is null
     */
    @Override
    public final ReplayBatch sample(int n, RandomGenerator rng) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be at least 0, got " + n);
        }
        if (rng == null) {
            throw new IllegalArgumentException("rng must not be null");
        }
        int k = Math.min(n, size);
        int[] slots = new int[k];
        if (2 * k > size) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            for (int i = 0; i < k; i++) {
                int j = i + rng.nextInt(size - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
            }
            System.arraycopy(all, 0, slots, 0, k);
        } else {
            Set<Integer> chosen = new HashSet<>(2 * k);
            int i = 0;
            for (int j = size - k; j < size; j++) {
                int t = rng.nextInt(j + 1);
                slots[i++] = chosen.add(t) ? t : addReturning(chosen, j);
            }
            for (int a = k - 1; a > 0; a--) {
                int b = rng.nextInt(a + 1);
                int t = slots[a];
                slots[a] = slots[b];
                slots[b] = t;
            }
        }
        return rows(slots);
    }

    private static int addReturning(Set<Integer> set, int value) {
        set.add(value);
        return value;
    }

    /** All stored samples in slot order (a copy). */
    public final ReplayBatch contents() {
        int[] slots = new int[size];
        for (int i = 0; i < size; i++) {
            slots[i] = i;
        }
        return rows(slots);
    }

    private ReplayBatch rows(int[] slots) {
        float[][] features = new float[slots.length][];
        int[] labels = new int[slots.length];
        int[] tasks = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            features[i] = store.features(slots[i]);
            labels[i] = store.label(slots[i]);
            tasks[i] = store.task(slots[i]);
        }
        return new ReplayBatch(features, labels, tasks);
    }

    /**
     * Changes the capacity. Growing keeps every sample. Shrinking evicts, one at a time, the slot the
     * policy names: a uniformly random one for the reservoir (so the survivors are a uniform subset, and
     * still a uniform sample of the stream), a random one of the largest group for the balanced
     * policies. The draws come from the buffer's own seeded generator.
     *
     * @param newCapacity at least 1
     * @throws IllegalArgumentException when {@code newCapacity < 1} or the storage would be too large
     */
    public final void resize(int newCapacity) {
        if (newCapacity < 1) {
            throw new IllegalArgumentException("newCapacity must be at least 1, got " + newCapacity);
        }
        while (size > newCapacity) {
            removeSlot(victimForShrink());
        }
        store.reallocate(newCapacity, size);
        capacityChanged(newCapacity);
    }

    private void removeSlot(int slot) {
        int last = size - 1;
        forget(slot);
        if (slot != last) {
            forget(last);
            store.move(last, slot);
            remember(slot);
        }
        size--;
    }

    /** Counts per class and per task, and the bytes the buffer holds. */
    public final ReplayStats stats() {
        Map<Integer, Integer> perClass = new TreeMap<>();
        Map<Integer, Integer> perTask = new TreeMap<>();
        for (int s = 0; s < size; s++) {
            perClass.merge(store.label(s), 1, Integer::sum);
            perTask.merge(store.task(s), 1, Integer::sum);
        }
        return new ReplayStats(size, capacity(), seen, perClass, perTask, store.bytesAllocated() + policyBytes());
    }

    final RandomGenerator random() {
        return rng;
    }

    final SampleStore store() {
        return store;
    }

    final void writeState(DataOutput out) throws IOException {
        out.writeInt(size);
        out.writeLong(seen);
        out.writeLong(rng.state());
        store.writeSlots(out, size);
        writePolicyState(out);
    }

    final void readState(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > capacity()) {
            throw new IOException("size " + n + " outside [0, " + capacity() + "]");
        }
        size = n;
        seen = in.readLong();
        rng.setState(in.readLong());
        store.readSlots(in, size);
        readPolicyState(in);
    }
}
