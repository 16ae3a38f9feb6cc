package dev.mnemo.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import dev.mnemo.ingest.dataset.DatasetFormatException;
import dev.mnemo.schemas.SampleFeatures;
import dev.mnemo.schemas.serde.MnemoSerdes;
import dev.mnemo.schemas.v1.LabelFeedback;
import dev.mnemo.schemas.v1.Sample;
import org.junit.jupiter.api.Test;

class CsvRecordsTest {

    private static CsvRecords csv(String text, CsvRecords.Target target, Unlabelling unlabelling) throws IOException {
        return new CsvRecords(new BufferedReader(new StringReader(text)), "digits", "src", "label", target,
                unlabelling, () -> 1_000L, OptionalLong.empty());
    }

    private static List<Item> all(RecordSource source) throws IOException {
        List<Item> items = new ArrayList<>();
        for (Item i = source.next(); i != null; i = source.next()) {
            items.add(i);
        }
        return items;
    }

    @Test
    void readsFeaturesLabelAndIdByName() throws IOException {
        List<Item> items = all(csv("f0,label,id,f1\n0.5,3,r1,1\n\n0.25,,r2,2e-1\n", CsvRecords.Target.SAMPLES,
                Unlabelling.none()));
        assertThat(items).hasSize(2);
        Item.Ready first = (Item.Ready) items.get(0);
        Sample s = MnemoSerdes.sample().decode(first.value());
        assertThat(first.key()).isEqualTo("r1");
        assertThat(first.position()).isEqualTo("line 2");
        assertThat(s.getId()).isEqualTo("r1");
        assertThat(s.getSource()).isEqualTo("src");
        assertThat(SampleFeatures.of(s)).containsExactly(0.5f, 1f);
        assertThat(s.getLabel()).isEqualTo(3);
        assertThat(s.getEventTime().toEpochMilli()).isEqualTo(1_000L);
        Sample second = MnemoSerdes.sample().decode(((Item.Ready) items.get(1)).value());
        assertThat(second.getLabel()).as("an empty label cell is unlabelled").isNull();
        assertThat(SampleFeatures.of(second)).containsExactly(0.25f, 0.2f);
        assertThat(((Item.Ready) items.get(1)).position()).isEqualTo("line 4");
    }

    @Test
    void generatesIdsFromTheFileNameAndRow() throws IOException {
        List<Item> items = all(csv("a,b,label\n1,2,0\n3,4,1.0\n", CsvRecords.Target.SAMPLES, Unlabelling.none()));
        assertThat(items).extracting(i -> ((Item.Ready) i).key()).containsExactly("digits-0", "digits-1");
        assertThat(MnemoSerdes.sample().decode(((Item.Ready) items.get(1)).value()).getLabel()).isEqualTo(1);
    }

    @Test
    void badRowsAreUnreadableWithAReasonAndReadingGoesOn() throws IOException {
        List<Item> items = all(csv("a,b,label\n1,x,0\n1,2\n1,2,-1\n1,2,2.5\n\"1\",\"2\",4\n",
                CsvRecords.Target.SAMPLES, Unlabelling.none()));
        assertThat(items).hasSize(5);
        assertThat(items.subList(0, 4)).allMatch(i -> i instanceof Item.Unreadable);
        assertThat(((Item.Unreadable) items.get(0)).reason()).isEqualTo("column 2: 'x' is not a number");
        assertThat(((Item.Unreadable) items.get(0)).position()).isEqualTo("line 2");
        assertThat(((Item.Unreadable) items.get(1)).reason()).isEqualTo("has 2 cells, the header has 3");
        assertThat(((Item.Unreadable) items.get(2)).reason()).isEqualTo("label '-1' is not a non-negative integer");
        assertThat(((Item.Unreadable) items.get(3)).reason()).isEqualTo("label '2.5' is not a non-negative integer");
        assertThat(items.get(4)).isInstanceOf(Item.Ready.class);
    }

    @Test
    void headerWithoutTheLabelColumnIsRefused() {
        assertThatThrownBy(() -> csv("a,b,class\n1,2,3\n", CsvRecords.Target.SAMPLES, Unlabelling.none()))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("digits, line 1: no label column 'label' in the header [a, b, class] "
                        + "(choose it with --label-column)");
        assertThatThrownBy(() -> csv("", CsvRecords.Target.SAMPLES, Unlabelling.none()))
                .hasMessage("digits: the file is empty; expected a header line");
        assertThatThrownBy(() -> csv("a,label\n1,2\n", CsvRecords.Target.LABELS, Unlabelling.none()))
                .hasMessage("digits, line 1: labels need an 'id' column, header is [a, label]");
    }

    @Test
    void labelRowsBecomeLabelFeedback() throws IOException {
        List<Item> items = all(csv("id,label\ncam-1,7\ncam-2,\n", CsvRecords.Target.LABELS, Unlabelling.none()));
        LabelFeedback label = MnemoSerdes.labelFeedback().decode(((Item.Ready) items.get(0)).value());
        assertThat(label.getSampleId()).isEqualTo("cam-1");
        assertThat(label.getLabel()).isEqualTo(7);
        assertThat(label.getSource()).isEqualTo("src");
        assertThat(((Item.Unreadable) items.get(1)).reason()).isEqualTo("the label cell is empty");
    }

    @Test
    void unlabellingIsSeededAndNearTheFraction() throws IOException {
        StringBuilder text = new StringBuilder("a,label\n");
        for (int i = 0; i < 2_000; i++) {
            text.append(i).append(",1\n");
        }
        List<Item> first = all(csv(text.toString(), CsvRecords.Target.SAMPLES, new Unlabelling(0.25, 9L)));
        List<Item> second = all(csv(text.toString(), CsvRecords.Target.SAMPLES, new Unlabelling(0.25, 9L)));
        long unlabelled = first.stream()
                .filter(i -> MnemoSerdes.sample().decode(((Item.Ready) i).value()).getLabel() == null).count();
        assertThat(unlabelled).isBetween(440L, 560L);
        assertThat(second).extracting(i -> MnemoSerdes.sample().decode(((Item.Ready) i).value()).getLabel())
                .containsExactlyElementsOf(first.stream()
                        .map(i -> MnemoSerdes.sample().decode(((Item.Ready) i).value()).getLabel()).toList());
        assertThatThrownBy(() -> new Unlabelling(1.5, 1L)).hasMessage("unlabelled fraction must be in [0, 1], got 1.5");
    }

    @Test
    void splitsQuotedCells() {
        assertThat(CsvRecords.split("a,\"b,c\",\"d\"\"e\", f ")).containsExactly("a", "b,c", "d\"e", "f");
    }
}
