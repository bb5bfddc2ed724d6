package io.redmap.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * SPEC D: "no error in a background task stops it". A scheduled task that throws is never run
 * again, so each once-a-second task must survive whatever it throws, errors included, and say so
 * in the log with its name.
 */
class HousekeepingTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void restoreLog() {
        Log.configure(System.out, "notice");
    }

    @Test
    void aTaskThatThrowsAnErrorIsLoggedWithItsNameAndReturns() {
        Log.configure(new PrintStream(log, true, StandardCharsets.UTF_8), "notice");
        assertThatCode(() -> Housekeeping.run("everysec sync", () -> {
            throw new OutOfMemoryError("Java heap space");
        })).doesNotThrowAnyException();
        assertThatCode(() -> Housekeeping.run("timeout", () -> {
            throw new IllegalStateException("broken");
        })).doesNotThrowAnyException();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("Background task 'everysec sync' failed", "java.lang.OutOfMemoryError: Java heap space",
                        "a JVM error")
                .contains("Background task 'timeout' failed", "java.lang.IllegalStateException: broken");
    }

    @Test
    void aScheduledTaskGoesOnAfterAFailure() throws Exception {
        Log.configure(new PrintStream(log, true, StandardCharsets.UTF_8), "notice");
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(3);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            scheduler.scheduleWithFixedDelay(() -> Housekeeping.run("probe", () -> {
                third.countDown();
                if (runs.incrementAndGet() <= 2) {
                    throw new StackOverflowError();
                }
            }), 0, 1, TimeUnit.MILLISECONDS);
            assertThat(third.await(30, TimeUnit.SECONDS)).as("runs after two that threw").isTrue();
        } finally {
            scheduler.shutdownNow();
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("Background task 'probe' failed");
    }
}
