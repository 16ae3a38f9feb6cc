package dev.mnemo.schemas.serde;

import dev.mnemo.schemas.v1.AdminEvent;
import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.DriftEvent;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.LabelRequest;
import dev.mnemo.schemas.v1.ModelVersion;
import dev.mnemo.schemas.v1.Prediction;
import dev.mnemo.schemas.v1.RejectedRecord;
import dev.mnemo.schemas.v1.Sample;

/** Shared serdes for every Mnemo record; each is thread-safe and built once. */
public final class MnemoSerdes {

    private static final AvroSerde<Sample> SAMPLE = AvroSerde.of(Sample.class);
    private static final AvroSerde<LabelFeedback> LABEL_FEEDBACK = AvroSerde.of(LabelFeedback.class);
    private static final AvroSerde<Prediction> PREDICTION = AvroSerde.of(Prediction.class);
    private static final AvroSerde<DriftEvent> DRIFT_EVENT = AvroSerde.of(DriftEvent.class);
    private static final AvroSerde<DriftAlert> DRIFT_ALERT = AvroSerde.of(DriftAlert.class);
    private static final AvroSerde<LabelRequest> LABEL_REQUEST = AvroSerde.of(LabelRequest.class);
    private static final AvroSerde<ModelVersion> MODEL_VERSION = AvroSerde.of(ModelVersion.class);
    private static final AvroSerde<RejectedRecord> REJECTED_RECORD = AvroSerde.of(RejectedRecord.class);
    private static final AvroSerde<AdminEvent> ADMIN_EVENT = AvroSerde.of(AdminEvent.class);

    private MnemoSerdes() {
    }

    public static AvroSerde<Sample> sample() {
        return SAMPLE;
    }

    public static AvroSerde<LabelFeedback> labelFeedback() {
        return LABEL_FEEDBACK;
    }

    public static AvroSerde<Prediction> prediction() {
        return PREDICTION;
    }

    public static AvroSerde<DriftEvent> driftEvent() {
        return DRIFT_EVENT;
    }

    public static AvroSerde<DriftAlert> driftAlert() {
        return DRIFT_ALERT;
    }

    public static AvroSerde<LabelRequest> labelRequest() {
        return LABEL_REQUEST;
    }

    public static AvroSerde<ModelVersion> modelVersion() {
        return MODEL_VERSION;
    }

    public static AvroSerde<RejectedRecord> rejectedRecord() {
        return REJECTED_RECORD;
    }

    public static AvroSerde<AdminEvent> adminEvent() {
        return ADMIN_EVENT;
    }
}
