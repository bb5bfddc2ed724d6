package io.redmap.type;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a reduction over a large range on the calling thread and a few helper threads of our own,
 * each on one contiguous part, while the caller waits for all of them. An aggregation over a
 * file in the page cache is bound by memory bandwidth, which one core does not use up: on two
 * cores, VAGG SUM of 100M doubles took about half the time on two threads.
 *
 * <p>The helpers are daemon threads named {@code redmap-aggregate-N}, started on first use (a
 * server that never aggregates a large range never starts them), at most three and at most one
 * fewer than the processors. Not the common ForkJoinPool: its size and its other users are not
 * ours to know. Callers hold the command lock, so one reduction runs at a time and the helpers
 * never queue behind another.
 */
final class SplitWork {
    /** A part of the range: indices {@code [from, to)}, numbered {@code part} from 0 in order. */
    @FunctionalInterface
    interface Part {
        void run(int part, long from, long to);
    }

    /** How many parts a large range is split into: one per processor, up to four. */
    static final int PARTS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private SplitWork() {
    }

    /** Started on first use only (the holder class is loaded then). */
    private static final class Helpers {
        private static final AtomicInteger NUMBER = new AtomicInteger();
        static final ExecutorService POOL = Executors.newFixedThreadPool(PARTS - 1, task -> {
            Thread thread = new Thread(task, "redmap-aggregate-" + NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs {@code part} over {@code [0, n)}: split into {@code parts} contiguous parts of nearly
     * equal size (fewer when {@code n} is smaller), the first on the calling thread; returns once
     * all are done, rethrowing what a part threw.
     */
    static void run(long n, int parts, Part part) {
        int count = (int) Math.max(1, Math.min(Math.min(parts, PARTS), n));
        if (count == 1) {
            part.run(0, 0, n);
            return;
        }
        Future<?>[] helpers = new Future<?>[count - 1];
        for (int p = 1; p < count; p++) {
            int index = p;
            helpers[p - 1] = Helpers.POOL.submit(() -> part.run(index, boundary(n, count, index), boundary(n, count, index + 1)));
        }
        Throwable failure = null;
        try {
            part.run(0, 0, boundary(n, count, 1));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> helper : helpers) { // every part is waited for: none reads the segment after we return
            try {
                getUninterruptibly(helper);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /** Where part {@code index} of {@code count} starts. */
    private static long boundary(long n, int count, int index) {
        return n / count * index + Math.min(index, n % count);
    }

    private static void getUninterruptibly(Future<?> future) throws ExecutionException {
        boolean interrupted = false;
        while (true) {
            try {
                future.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
