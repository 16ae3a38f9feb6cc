package dev.mnemo.learner.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.mnemo.schemas.v1.DriftAlert;

/**
 * The alerts the learner shows to operators: open ones, and those acknowledged, with who
 * acknowledged them and when. Thread-safe; bounded to {@code mnemo.alerts.capacity} entries.
 *
 * <p>Whatever produces {@link DriftAlert}s in the learner (the checks that follow a drift event)
 * calls {@link #record(DriftAlert)} with each one; the dashboard and {@code GET /alerts} read
 * {@link #open()} and {@link #acknowledged()}, and the admin API calls {@link #acknowledge}. When
 * the book is full, recording a new alert forgets the oldest acknowledged one first, and only when
 * none is acknowledged the oldest open one.
 *
 * <pre>{@code
 * alerts.record(alert);                          // open, keyed by alert.getAlertId()
 * alerts.acknowledge(alert.getAlertId(), "ops"); // moves it to acknowledged
 * alerts.open();                                 // newest first
 * }</pre>
 */
@ApplicationScoped
public class AlertBook {

    /** Default number of alerts kept. */
    public static final int DEFAULT_CAPACITY = 500;

    /**
     * One alert as held by the book.
     *
     * @param alert the alert as recorded
     * @param recordedAt when the book received it
     * @param acknowledgedBy who acknowledged it, null while open
     * @param acknowledgedAt when it was acknowledged, null while open
     */
    public record Entry(DriftAlert alert, Instant recordedAt, String acknowledgedBy, Instant acknowledgedAt) {

        /** True once acknowledged. */
        public boolean acknowledged() {
            return acknowledgedBy != null;
        }
    }

    private final int capacity;
    private final Clock clock;
    /** By alert id, in order of recording. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** A book of {@code mnemo.alerts.capacity} entries (default {@value #DEFAULT_CAPACITY}). */
    @Inject
    public AlertBook(MnemoConfig config) {
        this(config.alerts().capacity(), Clock.systemUTC());
    }

    /**
     * @param capacity the most alerts kept, at least 1
     * @param clock the source of recording and acknowledgement times
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public AlertBook(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("alert book capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records an alert as open. An alert whose id is already held replaces the held one but keeps its
     * acknowledgement, so a repeated delivery does not reopen it.
     *
     * @throws IllegalArgumentException if the alert or its id is null or blank
     */
    public synchronized Entry record(DriftAlert alert) {
        if (alert == null || alert.getAlertId() == null || alert.getAlertId().isBlank()) {
            throw new IllegalArgumentException("an alert with a non-blank alertId is required, got " + alert);
        }
        String id = alert.getAlertId();
        Entry previous = entries.get(id);
        Entry entry = previous == null ? new Entry(alert, clock.instant(), null, null)
                : new Entry(alert, previous.recordedAt(), previous.acknowledgedBy(), previous.acknowledgedAt());
        entries.put(id, entry);
        while (entries.size() > capacity) {
            evictOne();
        }
        return entry;
    }

    /**
     * Marks an alert acknowledged. Acknowledging an acknowledged alert again keeps the first
     * acknowledgement and returns it.
     *
     * @param who the principal acknowledging it
     * @return the entry after acknowledgement
     * @throws NoSuchElementException if no alert with that id is held
     */
    public synchronized Entry acknowledge(String alertId, String who) {
        return acknowledge(alertId, who, clock.instant());
    }

    /**
     * As {@link #acknowledge(String, String)}, at a given time (for acknowledgements replayed from
     * the admin events topic).
     */
    public synchronized Entry acknowledge(String alertId, String who, Instant at) {
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(at, "at");
        Entry entry = entries.get(alertId);
        if (entry == null) {
            throw new NoSuchElementException("no alert with id '" + alertId + "' is held (" + entries.size()
                    + " alerts held)");
        }
        if (entry.acknowledged()) {
            return entry;
        }
        Entry acked = new Entry(entry.alert(), entry.recordedAt(), who, at);
        entries.put(alertId, acked);
        return acked;
    }

    /** The alert with that id, if held. */
    public synchronized Optional<Entry> get(String alertId) {
        return Optional.ofNullable(entries.get(alertId));
    }

    /** Open alerts, newest recorded first. */
    public synchronized List<Entry> open() {
        return select(false);
    }

    /** Acknowledged alerts, most recently acknowledged first. */
    public synchronized List<Entry> acknowledged() {
        List<Entry> out = select(true);
        out.sort(Comparator.comparing(Entry::acknowledgedAt).reversed());
        return out;
    }

    /** Open alerts held. */
    public synchronized int openCount() {
        int n = 0;
        for (Entry e : entries.values()) {
            if (!e.acknowledged()) {
                n++;
            }
        }
        return n;
    }

    /** Alerts held, open and acknowledged. */
    public synchronized int size() {
        return entries.size();
    }

    /** The most alerts kept. */
    public int capacity() {
        return capacity;
    }

    private List<Entry> select(boolean acknowledged) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.acknowledged() == acknowledged) {
                out.add(e);
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private void evictOne() {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            if (it.next().acknowledged()) {
                it.remove();
                return;
            }
        }
        Iterator<Entry> oldest = entries.values().iterator();
        oldest.next();
        oldest.remove();
    }
}
