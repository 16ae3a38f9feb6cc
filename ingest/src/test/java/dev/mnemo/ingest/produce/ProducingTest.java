package dev.mnemo.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class ProducingTest {

    /** A source over fixed items. */
    private static RecordSource source(List<Item> items) {
        Iterator<Item> it = items.iterator();
        return new RecordSource() {
            @Override
            public Item next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public OptionalLong size() {
                return OptionalLong.of(items.size());
            }

            @Override
            public void close() {
            }
        };
    }

    private static Item ready(int i) {
        return new Item.Ready("k" + i, new byte[] {(byte) i}, "line " + i);
    }

    @Test
    void countsDeliveredUnreadableAndUndeliveredWithReasons() throws IOException {
        List<Item> items = List.of(ready(1), new Item.Unreadable("line 2", "label 'x' is not a non-negative integer"),
                ready(3), ready(4), ready(5));
        List<String> keys = new ArrayList<>();
        Producing producing = new Producing((key, value, ts, done) -> {
            keys.add(key);
            if (key.equals("k3")) {
                done.completed(new IllegalStateException("broker said no"));
            } else if (key.equals("k4")) {
                throw new IllegalArgumentException("too big");
            } else {
                done.completed(null);
            }
        }, () -> 0L, () -> 5L, nanos -> { });
        Tally.Snapshot s = producing.run(source(items), Producing.Limits.none(), new Tally(), (t, e) -> { }, 1)
                .snapshot();
        assertThat(keys).containsExactly("k1", "k3", "k4", "k5");
        assertThat(s.read()).isEqualTo(5);
        assertThat(s.handedOver()).isEqualTo(4);
        assertThat(s.delivered()).isEqualTo(2);
        assertThat(s.unreadable()).isEqualTo(1);
        assertThat(s.undelivered()).isEqualTo(2);
        assertThat(s.errors()).isEqualTo(3);
        assertThat(s.complete()).isFalse();
        assertThat(s.reasons()).containsExactlyInAnyOrderEntriesOf(Map.of("unreadable", 1L,
                "not delivered: IllegalStateException", 1L, "not delivered: IllegalArgumentException", 1L));
        assertThat(s.examples()).containsExactly(
                "line 2: unreadable: label 'x' is not a non-negative integer",
                "line 3: not delivered: IllegalStateException: broker said no",
                "line 4: not delivered: IllegalArgumentException: too big");
    }

    @Test
    void completeWhenEverythingWasDelivered() throws IOException {
        Producing producing = new Producing((key, value, ts, done) -> done.completed(null), () -> 0L, () -> 5L,
                nanos -> { });
        Tally.Snapshot s = producing.run(source(List.of(ready(1), ready(2))), Producing.Limits.none(), new Tally(),
                (t, e) -> { }, 1).snapshot();
        assertThat(s.complete()).isTrue();
        assertThat(s.delivered()).isEqualTo(2);
    }

    @Test
    void stopsAtMaxAndPacesToTheRate() throws IOException {
        long[] now = {0};
        List<Long> sleeps = new ArrayList<>();
        Producing producing = new Producing((key, value, ts, done) -> done.completed(null), () -> now[0], () -> 5L,
                nanos -> {
                    sleeps.add(nanos);
                    now[0] += nanos;
                });
        List<Item> items = List.of(ready(1), ready(2), ready(3), ready(4), ready(5));
        Tally.Snapshot s = producing.run(source(items), new Producing.Limits(4, 3), new Tally(), (t, e) -> { }, 1)
                .snapshot();
        assertThat(s.read()).isEqualTo(3);
        assertThat(sleeps).containsExactly(250_000_000L, 250_000_000L);
    }

    @Test
    void tallyKeepsAtMostTwentyExamples() {
        Tally tally = new Tally();
        for (int i = 0; i < 25; i++) {
            tally.unreadable("line " + i, "bad");
        }
        assertThat(tally.snapshot().examples()).hasSize(Tally.MAX_EXAMPLES);
        assertThat(tally.snapshot().reasons()).containsEntry("unreadable", 25L);
    }

    @Test
    void rendersProgress() {
        assertThat(ProgressBar.render(4_500, 3, OptionalLong.of(10_000), 2.0))
                .isEqualTo("[#########...........]  45.0%  4,500/10,000 records  2,250 rec/s  ETA 0:02  errors 3");
        assertThat(ProgressBar.render(10, 0, OptionalLong.empty(), 0.5)).isEqualTo("10 records  20 rec/s  errors 0");
        assertThat(ProgressBar.clock(3_725)).isEqualTo("1:02:05");
    }
}
