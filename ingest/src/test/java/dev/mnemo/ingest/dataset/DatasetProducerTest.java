package dev.mnemo.ingest.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnemo.ingest.IngestException;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.Sample;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Unit tests with the client library's in-memory producer; the real-broker path is in IngestIT. */
class DatasetProducerTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    /** 20 rows of 4 features, label = index mod 4, shape 2 x 2. */
    private static LabelledData rows() {
        float[][] features = new float[20][];
        int[] labels = new int[20];
        for (int i = 0; i < 20; i++) {
            features[i] = new float[] {i / 20f, 0f, 1f, 0.5f};
            labels[i] = i % 4;
        }
        return new LabelledData("toy-train", features, labels, 4, new int[] {2, 2});
    }

    private static MockProducer<String, byte[]> mock() {
        return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Test
    void sendsAvroSamplesInStreamOrderWithTaskTags() {
        LabelledData data = rows();
        StreamOrder.OrderedStream order = StreamOrder.classIncremental(data, 2, 3L);
        MockProducer<String, byte[]> mock = mock();
        DatasetProducer.Result result = new DatasetProducer(mock, DatasetProducer.Options.to("raw"), CLOCK).send(data, order);
        assertThat(result).isEqualTo(new DatasetProducer.Result(20, 20, 0));
        List<ProducerRecord<String, byte[]>> sent = mock.history();
        assertThat(sent).hasSize(20);
        for (int k = 0; k < 20; k++) {
            ProducerRecord<String, byte[]> r = sent.get(k);
            int index = order.indices()[k];
            Sample s = MnemoSerdes.sample().decode(r.value());
            assertThat(r.topic()).isEqualTo("raw");
            assertThat(r.key()).isEqualTo("toy-train-" + index).isEqualTo(s.getId());
            assertThat(r.timestamp()).isEqualTo(NOW);
            assertThat(s.getEventTime()).isEqualTo(Instant.ofEpochMilli(NOW));
            assertThat(s.getSource()).isEqualTo("toy-train");
            assertThat(s.getTask()).isEqualTo(String.valueOf(order.taskIds()[k]));
            assertThat(s.getLabel()).isEqualTo(data.label(index));
            assertThat(s.getShape()).containsExactly(2, 2);
            assertThat(s.getFeatures()).as("values travel packed").isEmpty();
            assertThat(SampleFeatures.of(s)).containsExactly(index / 20f, 0f, 1f, 0.5f);
        }
    }

    @Test
    void sendsAnExactSeededFractionWithoutLabel() {
        LabelledData data = rows();
        MockProducer<String, byte[]> first = mock();
        DatasetProducer.Options options = DatasetProducer.Options.to("raw").withUnlabelled(0.3, 9L).withSource("cam-1");
        DatasetProducer.Result result = new DatasetProducer(first, options, CLOCK).send(data);
        assertThat(result).isEqualTo(new DatasetProducer.Result(20, 14, 6));
        List<String> unlabelled = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : first.history()) {
            Sample s = MnemoSerdes.sample().decode(r.value());
            assertThat(s.getSource()).isEqualTo("cam-1");
            assertThat(s.getTask()).isNull();
            if (s.getLabel() == null) {
                unlabelled.add(s.getId());
            }
        }
        assertThat(unlabelled).hasSize(6);
        MockProducer<String, byte[]> second = mock();
        new DatasetProducer(second, options, CLOCK).send(data);
        List<String> again = second.history().stream()
                .filter(r -> MnemoSerdes.sample().decode(r.value()).getLabel() == null).map(ProducerRecord::key).toList();
        assertThat(again).isEqualTo(unlabelled);
    }

    @Test
    void jsonModeWritesTheFormIngestReads() throws Exception {
        MockProducer<String, byte[]> mock = mock();
        new DatasetProducer(mock, DatasetProducer.Options.to("raw").withFormat(DatasetProducer.Format.JSON), CLOCK)
                .send(rows(), StreamOrder.inOrder(rows()));
        byte[] value = mock.history().get(5).value();
        JsonNode json = new ObjectMapper().readTree(value);
        assertThat(json.get("id").asText()).isEqualTo("toy-train-5");
        assertThat(json.get("label").asInt()).isEqualTo(1);
        assertThat(json.get("task").asText()).isEqualTo("1");
        assertThat(json.get("eventTime").asLong()).isEqualTo(NOW);
        assertThat(json.get("features").size()).isEqualTo(4);
        assertThat((float) json.get("features").get(0).asDouble()).isEqualTo(0.25f);
        assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("\n");
    }

    @Test
    void reportsProgress() {
        List<long[]> calls = new ArrayList<>();
        new DatasetProducer(mock(), DatasetProducer.Options.to("raw").withProgressEvery(8), CLOCK)
                .send(rows(), StreamOrder.inOrder(rows()), (sent, total) -> calls.add(new long[] {sent, total}));
        assertThat(calls).extracting(c -> c[0]).containsExactly(8L, 16L, 20L);
        assertThat(calls).extracting(c -> c[1]).containsOnly(20L);
    }

    @Test
    void failsWhenDeliveryFails() {
        MockProducer<String, byte[]> failing = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                while (errorNext(new IllegalStateException("broker went away"))) {
                    // fail every pending record
                }
            }
        };
        DatasetProducer producer = new DatasetProducer(failing, DatasetProducer.Options.to("raw"), CLOCK);
        assertThatThrownBy(() -> producer.send(rows()))
                .isInstanceOf(IngestException.class)
                .hasMessage("20 of 20 records to raw could not be delivered: broker went away");
    }

    @Test
    void chooseUnlabelledIsExact() {
        boolean[] chosen = DatasetProducer.chooseUnlabelled(1000, 0.25, 1L);
        int n = 0;
        for (boolean b : chosen) {
            n += b ? 1 : 0;
        }
        assertThat(n).isEqualTo(250);
        assertThat(DatasetProducer.chooseUnlabelled(10, 0.0, 1L)).containsOnly(false);
        assertThat(DatasetProducer.chooseUnlabelled(10, 1.0, 1L)).containsOnly(true);
    }

    @Test
    void validatesOptions() {
        assertThatThrownBy(() -> DatasetProducer.Options.to("raw").withUnlabelled(1.5, 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unlabelledFraction must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> DatasetProducer.Options.to("raw").withMaxRate(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatasetProducer.Options.to(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
