package io.redmap;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs work over a large range on the calling thread and a few helper threads of our own, while
 * the caller waits: VAGG's reductions (the client waits too, so the server may use the machine's
 * cores), and a start's opening of the catalogue's files ({@code store.FileRegistry#preopen}). One
 * core reading a file from the page cache does not use all of the memory bandwidth; whether two
 * do better on a given machine is for bench/special/vagg-numpy to show (on the shared 2-core
 * machine it could not be measured cleanly).
 *
 * <p>The range is cut into {@link #CHUNKS} chunks that the caller and the helpers claim in turn,
 * so that the caller never waits for a helper that has not been scheduled yet (on a busy machine
 * it may not run at all: the caller then does every chunk itself, and a helper that starts late
 * finds none left). Each chunk's result goes to its own slot; the caller combines them in order.
 *
 * <p>The helpers are daemon threads named {@code redmap-split-N}, started on first use (a server
 * that never splits a large range never starts them), one fewer than the processors, at most
 * three. Not the common ForkJoinPool: its size and its other users are not ours to know. Callers
 * hold the command lock or run before the server serves, so one split runs at a time.
 */
public final class SplitWork {
    /** A chunk of the range: indices {@code [from, to)}, numbered {@code chunk} from 0 in order. */
    @FunctionalInterface
    public interface Chunk {
        void run(int chunk, long from, long to);
    }

    /** Threads that may work on one range: one per processor, up to four. */
    public static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Chunks of a split range: small enough that the threads finish close together. */
    static final int CHUNKS = 32;

    private SplitWork() {
    }

    /** Started on first use only (the holder class is loaded then). */
    private static final class Helpers {
        private static final AtomicInteger NUMBER = new AtomicInteger();
        static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS - 1, task -> {
            Thread thread = new Thread(task, "redmap-split-" + NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** How many chunks {@link #run} makes of {@code n} indices when {@code split} (else one). */
    public static int chunks(long n, boolean split) {
        return split && THREADS > 1 ? (int) Math.max(1, Math.min(CHUNKS, n)) : 1;
    }

    /**
     * Runs {@code work} over {@code [0, n)} cut into {@code chunks} contiguous chunks of nearly
     * equal size ({@link #chunks}); returns once all are done, rethrowing what one threw.
     */
    public static void run(long n, int chunks, Chunk work) {
        if (chunks == 1) {
            work.run(0, 0, n);
            return;
        }
        Claims claims = new Claims(n, chunks, work);
        for (int i = 1; i < THREADS; i++) {
            Helpers.POOL.execute(claims::work);
        }
        claims.work();
        claims.await();
    }

    /** The chunks of one range, claimed by whichever thread comes first. */
    private static final class Claims {
        private final long n;
        private final int chunks;
        private final Chunk work;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Claims(long n, int chunks, Chunk work) {
            this.n = n;
            this.chunks = chunks;
            this.work = work;
            this.done = new CountDownLatch(chunks);
        }

        void work() {
            for (int chunk = next.getAndIncrement(); chunk < chunks; chunk = next.getAndIncrement()) {
                try {
                    work.run(chunk, boundary(chunk), boundary(chunk + 1));
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        }

        /** Where chunk {@code index} starts. */
        private long boundary(int index) {
            return n / chunks * index + Math.min(index, n % chunks);
        }

        /** Waits for the chunks that other threads are still on, then rethrows a failure. */
        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            switch (failure.get()) {
                case null -> { }
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new IllegalStateException(failure.get());
            }
        }
    }
}
