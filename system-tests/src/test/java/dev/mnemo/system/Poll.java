package dev.mnemo.system;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: the tests synchronise on what they can observe, never on time alone. */
final class Poll {

    private static final Duration STEP = Duration.ofMillis(100);

    private Poll() {
    }

    /**
     * Calls {@code condition} every 100 ms until it returns true.
     *
     * @param context what to add to the failure message (for example the processes' logs)
     * @throws AssertionError when {@code timeout} passes first, naming {@code what}
     */
    static void until(Duration timeout, String what, Supplier<String> context, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("not within " + timeout.toSeconds() + " s: " + what
                        + (last == null ? "" : " (last error: " + last + ")") + "\n" + context.get());
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            try {
                Thread.sleep(STEP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
