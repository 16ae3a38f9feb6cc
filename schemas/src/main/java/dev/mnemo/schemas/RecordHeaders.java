package dev.mnemo.schemas;

/** Names of the Kafka record headers Mnemo stages write for each other (values UTF-8). */
public final class RecordHeaders {

    /**
     * On a labelled sample that ingest built by joining a late label to an earlier unlabelled
     * sample: label event time minus sample event time, in milliseconds (decimal). The learner
     * predicted the sample when it first arrived, so it scores that prediction against the label
     * instead of predicting again.
     */
    public static final String LABEL_DELAY_MS = "mnemo.label.delay.ms";

    private RecordHeaders() {
    }
}
