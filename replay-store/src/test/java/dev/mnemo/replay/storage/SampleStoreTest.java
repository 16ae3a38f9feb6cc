package dev.mnemo.replay.storage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SampleStoreTest {

    @Test
    void uint8RoundsToTheNearest255th() {
        SampleStore store = new SampleStore(SampleFormat.uint8(4), 2);
        store.put(1, new float[] {0f, 0.5f, 1f, 0.2f}, 7, 3);
        assertThat(store.features(1)).containsExactly(0f, 128 / 255f, 1f, 51 / 255f);
        assertThat(store.label(1)).isEqualTo(7);
        assertThat(store.task(1)).isEqualTo(3);
        float[] any = {0.123f, 0.999f, 0.001f, 0.7f};
        float[] back = copy(store, any);
        for (int i = 0; i < any.length; i++) {
            assertThat(back[i]).isCloseTo(any[i], within(1 / 510f + 1e-7f));
        }
    }

    @Test
    void uint8RejectsValuesOutsideTheUnitInterval() {
        SampleStore store = new SampleStore(SampleFormat.uint8(2), 1);
        assertThatThrownBy(() -> store.validate(new float[] {0.5f, 1.01f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features[1] = 1.01").hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> store.validate(new float[] {-0.01f, 0f})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.validate(new float[] {Float.NaN, 0f})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.validate(new float[] {0f})).hasMessageContaining("length 2, got 1");
    }

    @Test
    void float16KeepsElevenBitsAndRejectsOverflow() {
        SampleStore store = new SampleStore(SampleFormat.float16(3), 1);
        float[] back = copy(store, new float[] {3.14159f, -1000.3f, Float.POSITIVE_INFINITY});
        assertThat(back[0]).isEqualTo(3.140625f);
        assertThat(back[1]).isEqualTo(-1000.5f);
        assertThat(back[2]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThatThrownBy(() -> store.validate(new float[] {0f, 70000f, 0f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features[1]");
    }

    @Test
    void float32IsExact() {
        SampleStore store = new SampleStore(SampleFormat.float32(3), 1);
        float[] values = {Float.MIN_VALUE, -123456.789f, Float.NaN};
        assertThat(copy(store, values)).containsExactly(values);
    }

    @Test
    void moveAndReallocateKeepSlots() {
        SampleStore store = new SampleStore(SampleFormat.float32(2), 3);
        store.put(0, new float[] {1, 2}, 1, 0);
        store.put(2, new float[] {5, 6}, 3, 1);
        store.move(2, 1);
        store.reallocate(5, 2);
        assertThat(store.capacity()).isEqualTo(5);
        assertThat(store.features(1)).containsExactly(5, 6);
        assertThat(store.label(1)).isEqualTo(3);
        assertThat(store.task(1)).isEqualTo(1);
        assertThatThrownBy(() -> store.reallocate(1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsStoresTooLargeForOneArray() {
        assertThatThrownBy(() -> new SampleStore(SampleFormat.float32(1 << 20), 1 << 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
        assertThatThrownBy(() -> new SampleStore(SampleFormat.uint8(1), 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> SampleFormat.uint8(0)).hasMessageContaining("at least 1");
    }

    @Test
    void uint8SlotCostsItsBytesPlusLabelAndTask() {
        SampleStore store = new SampleStore(SampleFormat.uint8(784), 1000);
        assertThat(store.bytesAllocated()).isEqualTo(1000L * (784 + 8) + 48);
    }

    private static float[] copy(SampleStore store, float[] values) {
        store.validate(values);
        store.put(0, values, 0, 0);
        return store.features(0);
    }
}
