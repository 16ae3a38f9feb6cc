package dev.mnemo.ingest.produce;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

import dev.mnemo.ingest.dataset.LabelledData;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.Sample;

/**
 * Streams an IDX image file and its label file (read with {@link dev.mnemo.ingest.dataset.IdxReader},
 * pixels scaled to [0, 1]) as Avro records: image i becomes a {@link Sample} with id
 * {@code <name>-<i>}, its pixels packed one byte each ({@link SampleFeatures#pack}), its shape and its label (or none, as the {@link Unlabelling} chooses), or,
 * for {@code labels}, a {@link LabelFeedback} for that id.
 */
public final class IdxRecords implements RecordSource {

    private final LabelledData data;
    private final String source;
    private final CsvRecords.Target target;
    private final Unlabelling unlabelling;
    private final LongSupplier clock;
    private final List<Integer> shape;
    private int next;

    public IdxRecords(LabelledData data, String source, CsvRecords.Target target, Unlabelling unlabelling,
                      LongSupplier clock) {
        this.data = Objects.requireNonNull(data, "data");
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.unlabelling = Objects.requireNonNull(unlabelling, "unlabelling");
        this.clock = Objects.requireNonNull(clock, "clock");
        List<Integer> dims = new ArrayList<>();
        for (int d : data.shape()) {
            dims.add(d);
        }
        this.shape = List.copyOf(dims);
    }

    @Override
    public Item next() {
        if (next >= data.size()) {
            return null;
        }
        int i = next++;
        String id = data.name() + "-" + i;
        Instant now = Instant.ofEpochMilli(clock.getAsLong());
        if (target == CsvRecords.Target.LABELS) {
            LabelFeedback label = LabelFeedback.newBuilder().setSampleId(id).setSource(source)
                    .setLabel(data.label(i)).setEventTime(now).setLabeller(null).build();
            return new Item.Ready(id, MnemoSerdes.labelFeedback().encode(label), "image " + i);
        }
        Sample sample = Sample.newBuilder().setId(id).setSource(source).setEventTime(now).setFeatures(List.of())
                .setPacked(SampleFeatures.pack(data.feature(i))).setShape(shape).setLabel(unlabelling.drop() ? null : data.label(i)).setTask(null).build();
        return new Item.Ready(id, MnemoSerdes.sample().encode(sample), "image " + i);
    }

    @Override
    public OptionalLong size() {
        return OptionalLong.of(data.size());
    }

    @Override
    public void close() throws IOException {
        // everything is in memory
    }
}
