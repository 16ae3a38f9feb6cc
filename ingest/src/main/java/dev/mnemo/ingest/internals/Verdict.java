package dev.mnemo.ingest.internals;

import java.util.Objects;

import dev.mnemo.schemas.v1.Sample;

/** The outcome of checking one raw record: an accepted sample, or a rejection with its reason. */
public sealed interface Verdict {

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
