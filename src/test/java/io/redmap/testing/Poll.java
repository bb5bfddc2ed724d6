package io.redmap.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for something that another process does in its own time (a Sentinel noticing a master,
 * a failover): asks {@code probe} every {@code 100 ms} until {@code done} accepts its answer. On
 * timeout the error shows the last answer (or the last exception) and whatever {@code context}
 * gives, typically a process log. Timeouts are generous ceilings, never the thing under test.
 */
public final class Poll {
    private static final long INTERVAL_MILLIS = 100;

    private Poll() {
    }

    /**
     * The first answer of {@code probe} that {@code done} accepts; an exception from the probe
     * counts as "not yet" (the server may be restarting) and is shown if nothing else ever comes.
     */
    public static <T> T until(Duration timeout, String what, Supplier<T> probe, Predicate<? super T> done,
            Supplier<String> context) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = probe.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                AssertionError failure = new AssertionError("after " + timeout + ", still not " + what + "; last answer: "
                        + (lastError != null ? lastError : last) + "\n" + context.get());
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }
}
