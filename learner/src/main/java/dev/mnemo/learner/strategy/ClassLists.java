package dev.mnemo.learner.strategy;

import java.util.stream.Stream;

/** Class sets as text in a {@link StrategyState}: ascending, comma-separated ({@code 0,1,2}). */
final class ClassLists {

    private ClassLists() {
    }

    static String format(int[] classes) {
        StringBuilder b = new StringBuilder();
        for (int c : classes) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * @throws IllegalArgumentException naming {@code key} when the text is not a list of integers
     */
    static int[] parse(String key, String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        try {
            return Stream.of(t.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be comma-separated classes, got '" + text + "'", e);
        }
    }
}
