package dev.mnemo.learner.history;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress bar with records per second and the time to go, for a terminal: redrawn in
 * place on a console, one line every few seconds otherwise (logs, pipes).
 *
 * <pre>
 * [##############----------------]  47%  12800/27000 records  3410 rec/s  ETA 0:04
 * </pre>
 */
public final class ProgressBar implements HistoricalReplay.Progress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean inPlace;
    private final long start = System.nanoTime();
    private long lastLine;
    private boolean drawn;

    /** A bar on {@code out}; {@code inPlace} redraws one line with carriage returns. */
    public ProgressBar(PrintStream out, boolean inPlace) {
        this.out = out;
        this.inPlace = inPlace;
    }

    /** A bar on standard error, in place when a console is attached. */
    public static ProgressBar stderr() {
        return new ProgressBar(System.err, System.console() != null);
    }

    @Override
    public void update(long done, long total) {
        long now = System.nanoTime();
        if (!inPlace && now - lastLine < 5_000_000_000L && done < total) {
            return;
        }
        lastLine = now;
        out.print((inPlace ? "\r" : "") + line(done, total, (now - start) / 1e9) + (inPlace ? "" : "\n"));
        out.flush();
        drawn = true;
    }

    /** Ends the bar's line. */
    public void finish() {
        if (drawn && inPlace) {
            out.println();
        }
    }

    /** The text of the bar: done of total records after {@code seconds}. */
    static String line(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder b = new StringBuilder("[");
        if (total > 0) {
            double f = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(f * WIDTH);
            b.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append(']')
                    .append(String.format(Locale.ROOT, " %3.0f%%  %d/%d records  %.0f rec/s  ETA %s", 100 * f, done, total,
                            rate, rate > 0 ? clock((total - Math.min(done, total)) / rate) : "?"));
        } else {
            b.append("?".repeat(WIDTH)).append(']').append(String.format(Locale.ROOT, "  %d records  %.0f rec/s", done,
                    rate));
        }
        return b.toString();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
