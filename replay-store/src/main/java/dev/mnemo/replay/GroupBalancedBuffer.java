package dev.mnemo.replay;

import dev.mnemo.replay.storage.SampleFormat;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Class-balanced reservoir over groups (classes or tasks): equal quota per seen group, evict from the
 * largest.
 *
 * <p>When the buffer is full and a sample of group g arrives: if g is not among the largest groups,
 * a uniformly random sample of a largest group (ties broken uniformly) is replaced by it; if g is
 * already among the largest, reservoir sampling runs inside g: with {@code n_g} samples of g seen
 * (this one included) and {@code m_g} stored, it replaces a uniformly random stored sample of g with
 * probability {@code m_g / n_g}. Each group's stored samples stay a uniform sample of that group's
 * stream, and the groups converge to {@code M / k} each for k seen groups.
 */
abstract class GroupBalancedBuffer extends CompactReplayBuffer {

    /** The slots of one group, in an order that only this class changes (swap-remove). */
    private static final class Group {
        long seen;
        int count;
        int[] slots = new int[4];
    }

    private final Map<Integer, Group> groups = new TreeMap<>();
    private int[] position;

    GroupBalancedBuffer(SampleFormat format, int capacity, long seed) {
        super(format, capacity, seed);
        position = new int[capacity];
    }

    /** The group of a sample: its label or its task. */
    abstract int groupOf(int label, int task);

    private int groupOfSlot(int slot) {
        return groupOf(store().label(slot), store().task(slot));
    }

    @Override
    final int chooseSlot(int label, int task) {
        Group g = groups.computeIfAbsent(groupOf(label, task), k -> new Group());
        g.seen++;
        if (size() < capacity()) {
            return size();
        }
        int largest = 0;
        int ties = 0;
        for (Group other : groups.values()) {
            if (other.count > largest) {
                largest = other.count;
                ties = 1;
            } else if (other.count == largest) {
                ties++;
            }
        }
        if (g.count < largest) {
            int pick = random().nextInt(ties);
            for (Group other : groups.values()) {
                if (other.count == largest && pick-- == 0) {
                    return other.slots[random().nextInt(other.count)];
                }
            }
            throw new IllegalStateException("no largest group");
        }
        long j = random().nextLong(g.seen);
        return j < g.count ? g.slots[(int) j] : -1;
    }

    @Override
    final void forget(int slot) {
        Group g = groups.get(groupOfSlot(slot));
        int pos = position[slot];
        int moved = g.slots[--g.count];
        g.slots[pos] = moved;
        position[moved] = pos;
    }

    @Override
    final void remember(int slot) {
        Group g = groups.computeIfAbsent(groupOfSlot(slot), k -> new Group());
        if (g.count == g.slots.length) {
            g.slots = Arrays.copyOf(g.slots, Math.min(Math.max(4, 2 * g.count), capacity()));
        }
        position[slot] = g.count;
        g.slots[g.count++] = slot;
    }

    @Override
    final int victimForShrink() {
        Group largest = null;
        for (Group g : groups.values()) {
            if (largest == null || g.count > largest.count) {
                largest = g;
            }
        }
        return largest.slots[random().nextInt(largest.count)];
    }

    @Override
    final void capacityChanged(int newCapacity) {
        position = Arrays.copyOf(position, newCapacity);
        for (Group g : groups.values()) {
            if (g.slots.length > newCapacity) {
                g.slots = Arrays.copyOf(g.slots, Math.max(g.count, newCapacity));
            }
        }
    }

    @Override
    final long policyBytes() {
        long bytes = 16 + 4L * position.length;
        for (Group g : groups.values()) {
            bytes += 64 + 16 + 4L * g.slots.length; // map entry and group object, then the slot array
        }
        return bytes;
    }

    /** Stored samples per seen group, for tests of the balance. */
    final Map<Integer, Integer> countPerGroup() {
        Map<Integer, Integer> counts = new TreeMap<>();
        groups.forEach((k, g) -> counts.put(k, g.count));
        return counts;
    }

    @Override
    final void writePolicyState(DataOutput out) throws IOException {
        out.writeInt(groups.size());
        for (Map.Entry<Integer, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            out.writeInt(e.getKey());
            out.writeLong(g.seen);
            out.writeInt(g.count);
            for (int i = 0; i < g.count; i++) {
                out.writeInt(g.slots[i]);
            }
        }
    }

    @Override
    final void readPolicyState(DataInput in) throws IOException {
        groups.clear();
        int n = in.readInt();
        boolean[] placed = new boolean[size()];
        int total = 0;
        for (int i = 0; i < n; i++) {
            int key = in.readInt();
            Group g = new Group();
            g.seen = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > size() - total) {
                throw new IOException("group " + key + " holds " + count + " slots, more than stored");
            }
            g.slots = new int[Math.max(4, count)];
            groups.put(key, g);
            for (int s = 0; s < count; s++) {
                int slot = in.readInt();
                if (slot < 0 || slot >= size() || placed[slot] || groupOfSlot(slot) != key) {
                    throw new IOException("group " + key + " lists slot " + slot + " that is not its own");
                }
                placed[slot] = true;
                remember(slot);
            }
            total += count;
        }
        if (total != size()) {
            throw new IOException("groups list " + total + " slots, the buffer holds " + size());
        }
    }
}
