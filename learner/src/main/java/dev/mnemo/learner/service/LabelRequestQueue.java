package dev.mnemo.learner.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.mnemo.schemas.v1.LabelRequest;

/**
 * The label requests waiting for a label, as shown on the dashboard: thread-safe, keyed by sample
 * id, bounded to {@value #CAPACITY} (the oldest request is dropped first and counted in
 * {@link #dropped()}).
 *
 * <p>Whatever chooses samples to label in the learner calls {@link #offer(LabelRequest)} when it
 * publishes a request on {@code label.requests}, and {@link #answered(String)} when the label of
 * that sample arrives; the dashboard reads {@link #size()} and {@link #newest(int)}.
 */
@ApplicationScoped
public class LabelRequestQueue {

    /** The most requests held. */
    public static final int CAPACITY = 10_000;

    private final Map<String, LabelRequest> waiting = new LinkedHashMap<>();
    private long dropped;

    /**
     * Adds a request (replacing one for the same sample).
     *
     * @throws IllegalArgumentException if the request or its sample id is null
     */
    public synchronized void offer(LabelRequest request) {
        if (request == null || request.getSampleId() == null) {
            throw new IllegalArgumentException("a label request with a sample id is required, got " + request);
        }
        waiting.remove(request.getSampleId());
        waiting.put(request.getSampleId(), request);
        if (waiting.size() > CAPACITY) {
            Iterator<String> oldest = waiting.keySet().iterator();
            oldest.next();
            oldest.remove();
            dropped++;
        }
    }

    /** Removes the request of a sample whose label arrived; true when one was waiting. */
    public synchronized boolean answered(String sampleId) {
        return waiting.remove(sampleId) != null;
    }

    /** Requests waiting. */
    public synchronized int size() {
        return waiting.size();
    }

    /** Requests dropped because the queue was full. */
    public synchronized long dropped() {
        return dropped;
    }

    /** At most {@code limit} waiting requests, newest first. */
    public synchronized List<LabelRequest> newest(int limit) {
        List<LabelRequest> all = new ArrayList<>(waiting.values());
        Collections.reverse(all);
        return List.copyOf(all.subList(0, Math.min(Math.max(limit, 0), all.size())));
    }
}
