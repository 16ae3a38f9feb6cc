package dev.mnemo.learner.strategy;

import java.util.Arrays;

/** Per-row class masks of the hard term, as the strategies' {@code classMask} hooks narrow them. */
final class ClassMasks {

    private ClassMasks() {
    }

    /**
     * A row's mask narrowed to {@code allowed} (1 = in, 0 = out): their product, or the row's own
     * mask (all classes for a null row) where the product would leave no class at all.
     */
    static float[] narrow(float[] allowed, float[] row, int classes) {
        float[] narrowed = allowed.clone();
        boolean open = false;
        for (int c = 0; c < classes; c++) {
            narrowed[c] *= row == null ? 1f : row[c];
            open |= narrowed[c] != 0f;
        }
        return open ? narrowed : orAll(row, classes);
    }

    /** The row's mask, or every class for a null row. */
    static float[] orAll(float[] row, int classes) {
        if (row != null) {
            return row;
        }
        float[] all = new float[classes];
        Arrays.fill(all, 1f);
        return all;
    }
}
