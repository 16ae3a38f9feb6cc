package dev.mnemo.learner.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnemo.replay.CompactReplayBuffer;
import dev.mnemo.replay.ReplayBatch;

/** Assertions on replay buffers shared by the checkpoint tests. */
public final class BufferAssertions {

    private BufferAssertions() {
    }

    /** The two buffers hold the same, non-empty contents: slots, labels, tasks and the count seen. */
    public static void assertSameContents(CompactReplayBuffer actual, CompactReplayBuffer expected) {
        ReplayBatch a = actual.contents();
        ReplayBatch e = expected.contents();
        assertThat(actual.size()).isEqualTo(expected.size()).isPositive();
        assertThat(actual.seen()).isEqualTo(expected.seen());
        assertThat(a.labels()).containsExactly(e.labels());
        assertThat(a.tasks()).containsExactly(e.tasks());
        assertThat(a.features()).isDeepEqualTo(e.features());
    }
}
