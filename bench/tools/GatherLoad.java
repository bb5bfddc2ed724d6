import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load generator for commands with many random arguments, which redis-benchmark cannot make
 * fairly: its {@code __rand_int__} is replaced by 12 zero-padded digits, which Redis and redmap
 * refuse as an index. The same generator loads both servers (bench/special/vmread).
 *
 * <pre>
 *   java GatherLoad.java PORT CLIENTS WARM_SECONDS SECONDS RANGE WORD...
 * </pre>
 * Every {@code {r}} in a word is replaced, in each request and at each occurrence, by its own
 * random integer in {@code [0, RANGE)}. CLIENTS connections each send one request at a time
 * (-P 1) and read its whole reply (RESP2: any nesting of arrays, bulk strings and integers); an
 * error reply stops the run. Requests are counted from WARM_SECONDS on, for SECONDS. Prints one
 * line: {@code rps=<requests/s> p50=<ms> p99=<ms> bytes=<reply bytes/request> n=<requests>}.
 */
public final class GatherLoad {
    private GatherLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        double warm = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        long range = Long.parseLong(args[4]);
        String[] template = Arrays.copyOfRange(args, 5, args.length);

        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong requests = new AtomicLong();
        AtomicLong replyBytes = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        CountDownLatch connected = new CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long[] samples = new long[1 << 20];
            latencies.add(samples);
            long seed = 0x5eed + c;
            threads.add(Thread.ofPlatform().start(() -> {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
                    SplittableRandom random = new SplittableRandom(seed);
                    connected.countDown();
                    int taken = 0;
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        write(out, template, random, range);
                        out.flush();
                        long bytes = read(in);
                        if (measuring.get()) {
                            if (taken < samples.length) {
                                samples[taken++] = System.nanoTime() - start;
                            }
                            requests.incrementAndGet();
                            replyBytes.addAndGet(bytes);
                        }
                    }
                    samples[samples.length - 1] = taken; // how many samples this client holds
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                    stop.set(true);
                    connected.countDown();
                }
            }));
        }
        connected.await();
        Thread.sleep((long) (warm * 1000));
        measuring.set(true);
        long begin = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        long elapsed = System.nanoTime() - begin;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            System.err.println("GatherLoad: " + failures.getFirst());
            System.exit(1);
        }
        long n = requests.get();
        long[] all = latencies.stream()
                .flatMapToLong(s -> Arrays.stream(s, 0, (int) s[s.length - 1]))
                .sorted().toArray();
        System.out.printf("rps=%.1f p50=%.3f p99=%.3f bytes=%d n=%d%n", n / (elapsed / 1e9),
                percentile(all, 0.50), percentile(all, 0.99), n == 0 ? 0 : replyBytes.get() / n, n);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    private static void write(OutputStream out, String[] template, SplittableRandom random, long range) throws IOException {
        header(out, '*', template.length);
        for (String word : template) {
            byte[] bytes = (word.contains("{r}") ? substitute(word, random, range) : word).getBytes(StandardCharsets.UTF_8);
            header(out, '$', bytes.length);
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
    }

    private static String substitute(String word, SplittableRandom random, long range) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = word.indexOf("{r}"); at >= 0; at = word.indexOf("{r}", from)) {
            out.append(word, from, at).append(random.nextLong(range));
            from = at + 3;
        }
        return out.append(word, from, word.length()).toString();
    }

    private static void header(OutputStream out, char type, long length) throws IOException {
        out.write(type);
        out.write(Long.toString(length).getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
    }

    /** Reads one whole reply; returns the bytes of its bulk strings. */
    private static long read(DataInputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '$' -> {
                long length = Long.parseLong(line);
                if (length >= 0) {
                    discard(in, length + 2);
                }
                return Math.max(0, length);
            }
            case '*' -> {
                long total = 0;
                for (long i = Long.parseLong(line); i > 0; i--) {
                    total += read(in);
                }
                return total;
            }
            case ':', '+' -> {
                return 0;
            }
            case '-' -> throw new IOException("error reply: " + line);
            default -> throw new IOException("unexpected reply type " + type);
        }
    }

    /** Scratch space for bytes that are read and dropped (large reads: few system calls). */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1 << 18]);

    private static void discard(DataInputStream in, long length) throws IOException {
        byte[] scratch = SCRATCH.get();
        while (length > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, length));
            if (n < 0) {
                throw new IOException("connection closed");
            }
            length -= n;
        }
    }

    private static String line(DataInputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            out.append((char) b);
        }
        in.read(); // '\n'
        return out.toString();
    }
}
