package dev.mnemo.learner.history;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What a replay reads: one or more topics, optionally only some partitions, between two
 * timestamps or two offsets.
 *
 * <p>Time bounds are record timestamps in epoch milliseconds: {@code fromTime} inclusive,
 * {@code toTime} exclusive. Offset bounds are {@code fromOffset} inclusive and {@code toOffset}
 * exclusive, either the same for every partition or per partition ({@code 0:120,1:98}). A missing
 * lower bound is the earliest retained record; a missing upper bound is the end of each partition
 * as it is when the replay starts (records written later are not read). Both kinds may be given
 * together; each narrows the range.
 *
 * <pre>{@code
 * ReplayRange r = ReplayRange.topics(List.of("mnemo.samples.labelled"))
 *         .withTimes(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(), null);
 * }</pre>
 *
 * @param topics      topics to read, at least one
 * @param partitions  the partitions to read (the same numbers in every topic), or empty for all
 * @param fromTime    first record timestamp read, epoch ms, or null
 * @param toTime      records from this timestamp on are not read, epoch ms, or null
 * @param fromOffsets first offset read, by partition number ({@link #ALL} for every partition)
 * @param toOffsets   first offset not read, by partition number ({@link #ALL} for every partition)
 */
public record ReplayRange(List<String> topics, List<Integer> partitions, Long fromTime, Long toTime,
                          Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets) {

    /** The key of an offset bound that holds for every partition. */
    public static final int ALL = -1;

    public ReplayRange {
        if (topics == null || topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("a replay needs at least one topic name, got " + topics);
        }
        topics = List.copyOf(topics);
        partitions = partitions == null ? List.of() : List.copyOf(partitions);
        for (int p : partitions) {
            if (p < 0) {
                throw new IllegalArgumentException("partition numbers must be >= 0, got " + p);
            }
        }
        fromOffsets = fromOffsets == null ? Map.of() : Map.copyOf(fromOffsets);
        toOffsets = toOffsets == null ? Map.of() : Map.copyOf(toOffsets);
        for (Map<Integer, Long> m : List.of(fromOffsets, toOffsets)) {
            m.forEach((p, o) -> {
                if (o < 0 || p < ALL) {
                    throw new IllegalArgumentException("offsets must be >= 0 for a partition >= 0 (or all), got "
                            + p + ":" + o);
                }
            });
        }
        if (fromTime != null && toTime != null && toTime <= fromTime) {
            throw new IllegalArgumentException("the end time (" + Instant.ofEpochMilli(toTime)
                    + ") must be after the start time (" + Instant.ofEpochMilli(fromTime) + ")");
        }
    }

    /** Every retained record of the topics, up to their end when the replay starts. */
    public static ReplayRange topics(List<String> topics) {
        return new ReplayRange(topics, List.of(), null, null, Map.of(), Map.of());
    }

    /** This range between two timestamps (epoch ms; either may be null for open). */
    public ReplayRange withTimes(Long from, Long to) {
        return new ReplayRange(topics, partitions, from, to, fromOffsets, toOffsets);
    }

    /** This range between offsets (by partition, {@link #ALL} for every partition). */
    public ReplayRange withOffsets(Map<Integer, Long> from, Map<Integer, Long> to) {
        return new ReplayRange(topics, partitions, fromTime, toTime, from, to);
    }

    /** This range restricted to some partitions. */
    public ReplayRange withPartitions(List<Integer> only) {
        return new ReplayRange(topics, only, fromTime, toTime, fromOffsets, toOffsets);
    }

    /** The lower offset bound of a partition, if one was given. */
    public OptionalLong fromOffset(int partition) {
        return bound(fromOffsets, partition);
    }

    /** The upper offset bound (exclusive) of a partition, if one was given. */
    public OptionalLong toOffset(int partition) {
        return bound(toOffsets, partition);
    }

    /** Whether a record timestamp lies inside the time bounds. */
    public boolean inTime(long timestamp) {
        return (fromTime == null || timestamp >= fromTime) && (toTime == null || timestamp < toTime);
    }

    private static OptionalLong bound(Map<Integer, Long> bounds, int partition) {
        Long v = bounds.get(partition);
        if (v == null) {
            v = bounds.get(ALL);
        }
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /**
     * Parses a timestamp: an ISO-8601 instant ({@code 2026-11-21T10:00:00Z}) or epoch milliseconds.
     *
     * @throws IllegalArgumentException naming the value when it is neither
     */
    public static long parseTime(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        if (t.matches("-?\\d+")) {
            return Long.parseLong(t);
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a time must be an ISO-8601 instant such as 2026-11-21T10:00:00Z or"
                    + " epoch milliseconds, got '" + text + "'");
        }
    }

    /**
     * Parses an offset bound: one number for every partition ({@code 1200}) or
     * {@code partition:offset} pairs separated by commas ({@code 0:120,1:98}).
     *
     * @throws IllegalArgumentException naming the value when it is malformed
     */
    public static Map<Integer, Long> parseOffsets(String text) {
        Objects.requireNonNull(text, "text");
        Map<Integer, Long> out = new TreeMap<>();
        String t = text.trim();
        try {
            if (t.matches("\\d+")) {
                out.put(ALL, Long.parseLong(t));
                return out;
            }
            for (String part : t.split(",")) {
                String[] pair = part.trim().split(":");
                if (pair.length != 2) {
                    throw new NumberFormatException();
                }
                out.put(Integer.parseInt(pair[0].trim()), Long.parseLong(pair[1].trim()));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("offsets must be a number (for every partition) or partition:offset"
                    + " pairs such as 0:120,1:98, got '" + text + "'");
        }
        return out;
    }

    /** Parses a comma-separated list of partition numbers. */
    public static List<Integer> parsePartitions(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("partitions must be numbers separated by commas, got '" + text + "'");
            }
        }
        return out;
    }
}
