package dev.mnemo.learner.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

import dev.mnemo.schemas.v1.DriftAlert;
import dev.mnemo.schemas.v1.Verdict;

class AlertBookTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void acknowledgingMovesAnAlertAndKeepsTheFirstAcknowledgement() {
        AlertBook book = new AlertBook(10, CLOCK);
        book.record(alert("a"));
        book.record(alert("b"));
        assertThat(book.open()).extracting(e -> e.alert().getAlertId()).containsExactly("b", "a");

        AlertBook.Entry acked = book.acknowledge("a", "ops");
        assertThat(acked.acknowledgedBy()).isEqualTo("ops");
        assertThat(acked.acknowledgedAt()).isEqualTo(CLOCK.instant());
        assertThat(book.acknowledge("a", "someone-else").acknowledgedBy()).isEqualTo("ops");
        assertThat(book.open()).extracting(e -> e.alert().getAlertId()).containsExactly("b");
        assertThat(book.acknowledged()).extracting(e -> e.alert().getAlertId()).containsExactly("a");

        // A repeated delivery does not reopen it.
        book.record(alert("a"));
        assertThat(book.get("a").orElseThrow().acknowledged()).isTrue();
        assertThatThrownBy(() -> book.acknowledge("zzz", "ops")).isInstanceOf(NoSuchElementException.class)
                .hasMessage("no alert with id 'zzz' is held (2 alerts held)");
    }

    @Test
    void whenFullTheOldestAcknowledgedGoFirstThenTheOldestOpen() {
        AlertBook book = new AlertBook(3, CLOCK);
        book.record(alert("1"));
        book.record(alert("2"));
        book.record(alert("3"));
        book.acknowledge("2", "ops");
        book.record(alert("4"));
        assertThat(book.get("2")).isEmpty();
        assertThat(book.size()).isEqualTo(3);
        book.record(alert("5"));
        assertThat(book.get("1")).isEmpty();
        assertThat(book.open()).extracting(e -> e.alert().getAlertId()).containsExactly("5", "4", "3");
        assertThatThrownBy(() -> new AlertBook(0, CLOCK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alert book capacity must be >= 1, got 0");
    }

    private static DriftAlert alert(String id) {
        return DriftAlert.newBuilder().setAlertId(id).setEventId("e-" + id).setDetectorId("d").setEventTime(Instant.EPOCH)
                .setVerdict(Verdict.UNCERTAIN).setWindowStart(0).setWindowEnd(10).setEvidence(Map.of())
                .setAction("none").setModelVersion(1).build();
    }
}
