package dev.mnemo.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The de-duplication tests again with a label retention shorter than twice the window, so the
 * topology keeps a de-duplication store of its own.
 */
class DedupOwnStoreTopologyTest extends DedupTopologyTest {

    @Override
    IngestConfig config() {
        return super.config().withLabelRetention(WINDOW);
    }

    @Test
    void usesItsOwnStore() {
        assertThat(IngestTopology.sharesLabelStore(config())).isFalse();
        assertThat(IngestTopology.sharesLabelStore(super.config())).isTrue();
        assertThat(IngestTopology.build(config()).describe().toString()).contains(IngestTopology.DEDUP_STORE);
        assertThat(IngestTopology.build(super.config()).describe().toString()).doesNotContain(IngestTopology.DEDUP_STORE);
    }
}
