package dev.mnemo.ingest.internals;

import java.util.Objects;

import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.Sample;

/**
 * The outcome of checking one raw record: an accepted sample, an accepted late label, or a
 * rejection with its reason.
 */
public sealed interface Verdict {

    /** A valid late label, in the current schema. */
    record LabelAccepted(LabelFeedback label) implements Verdict {
        public LabelAccepted {
            Objects.requireNonNull(label, "label");
        }
    }

    /** A valid sample, in the current schema. */
    record Accepted(Sample sample) implements Verdict {
        public Accepted {
            Objects.requireNonNull(sample, "sample");
        }
    }

    /**
     * A refused record.
     *
     * @param reason a reason code of {@link dev.mnemo.schemas.DeadLetters}
     * @param detail what was wrong, naming the field or value
     */
    record Rejected(String reason, String detail) implements Verdict {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
