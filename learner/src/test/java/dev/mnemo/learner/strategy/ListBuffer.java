package dev.mnemo.learner.strategy;

import dev.mnemo.replay.ReplayBatch;
import dev.mnemo.replay.ReplayBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** A tiny reservoir-sampling buffer for tests, coded against the {@link ReplayBuffer} contract only. */
final class ListBuffer implements ReplayBuffer {

    private final int capacity;
    private final RandomGenerator random;
    private final List<float[]> features = new ArrayList<>();
    private final List<int[]> labelAndTask = new ArrayList<>();
    private long seen;

    ListBuffer(int capacity, RandomGenerator random) {
        this.capacity = capacity;
        this.random = random;
    }

    @Override
    public boolean add(float[] x, int label, int task) {
        seen++;
        if (features.size() < capacity) {
            features.add(x.clone());
            labelAndTask.add(new int[] {label, task});
            return true;
        }
        long j = random.nextLong(seen);
        if (j < capacity) {
            features.set((int) j, x.clone());
            labelAndTask.set((int) j, new int[] {label, task});
            return true;
        }
        return false;
    }

    @Override
    public int size() {
        return features.size();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public ReplayBatch sample(int n, RandomGenerator rng) {
        int k = Math.min(n, size());
        int[] index = new int[size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        float[][] x = new float[k][];
        int[] y = new int[k];
        int[] t = new int[k];
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(index.length - i);
            int tmp = index[i];
            index[i] = index[j];
            index[j] = tmp;
            x[i] = features.get(index[i]).clone();
            y[i] = labelAndTask.get(index[i])[0];
            t[i] = labelAndTask.get(index[i])[1];
        }
        return new ReplayBatch(x, y, t);
    }
}
