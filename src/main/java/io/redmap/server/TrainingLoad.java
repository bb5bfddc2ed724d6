package io.redmap.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The workload of {@link AotTraining}: the commands of {@code bench/run} sent over loopback by a
 * few connections at once, pipelined as redis-benchmark pipelines them, so that the AOT cache's
 * method profiles describe the request path the benchmarks (and clients) take. Error replies stop
 * the training: a cache trained on errors would profile the wrong path.
 */
final class TrainingLoad {
    private static final int CONNECTIONS = 4;
    /**
     * Each phase stops after this long even when its requests are not all sent (a busy machine);
     * the launcher's tests shorten it ({@code -Dredmap.aot.phaseMillis}) to train in seconds.
     */
    private static final long PHASE_NANOS = Long.getLong("redmap.aot.phaseMillis", 1000) * 1_000_000L;

    private final int port;

    TrainingLoad(int port) {
        this.port = port;
    }

    /** Maps the arrays the phases use and {@code smallKeys} small ones (as bench/special/clients-keys). */
    void prepare(int smallKeys) throws IOException {
        try (Connection c = new Connection(port)) {
            c.call("MMAP", "k", "k.f8", "double", "WRITABLE");
            c.call("MMAP", "a", "a.f8", "double", "WRITABLE");
            c.call("MMAP", "h", "h.f4", "float", "WRITABLE");
            c.call("VADD", "h", "1.5", "2.25", "-3");
            for (int i = 0; i < smallKeys; i++) {
                c.send("MMAP", "key:" + i, "f/" + i + ".f8", "double", "WRITABLE");
                c.send("VADD", "key:" + i, Integer.toString(i), "0.5", "1.5");
            }
            c.flush();
            c.skipReplies(2 * smallKeys);
            c.call("SAVE");
        }
    }

    /** The phases, one after the other; each runs on {@link #CONNECTIONS} connections at once. */
    void run() throws Exception {
        int n = AotTraining.ELEMENTS;
        String[] hundred = new String[102];
        hundred[0] = "VMGET";
        hundred[1] = "k";
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100; i++) {
            hundred[i + 2] = Integer.toString(random.nextInt(n));
        }
        phase(60_000, 1, i -> new String[] {"VGET", "k", "654321"});
        phase(400_000, 32, i -> new String[] {"VGET", "k", Integer.toString(i % n)});
        phase(20_000, 1, i -> hundred);
        phase(40_000, 1, i -> new String[] {"VSET", "k", "123456", "61728.25"});
        phase(200_000, 16, i -> new String[] {"VADD", "a", "1.5"});
        phase(20_000, 8, i -> new String[] {"PING"});
        phase(20_000, 8, i -> new String[] {"VGET", "key:" + (i % 500), "1"});
        phase(4_000, 1, i -> new String[] {"VREAD", "k", Integer.toString(i % 1000), "1000"});
        phase(4_000, 1, i -> new String[] {"VRANGE", "k", "0", "99"});
        phase(2_000, 1, i -> new String[] {"VAGG", "k", "SUM", "0", "99999"});
        phase(2_000, 1, i -> new String[] {"VMGET", "h", "0", "1", "2"});
        phase(40, 1, i -> new String[] {"VALL", "k"});
        phase(400, 1, i -> new String[] {"INFO"});
    }

    /** {@code total} requests over the connections, {@code pipeline} at a time, each from {@code command}. */
    private void phase(int total, int pipeline, IntFunction<String[]> command) throws Exception {
        long deadline = System.nanoTime() + PHASE_NANOS;
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int t = 0; t < CONNECTIONS; t++) {
            int first = t;
            threads.add(Thread.ofPlatform().name("aot-training-" + t).start(() -> {
                try (Connection c = new Connection(port)) {
                    for (int i = first; i < total && System.nanoTime() < deadline; i += CONNECTIONS * pipeline) {
                        for (int p = 0; p < pipeline; p++) {
                            c.send(command.apply(i + p * CONNECTIONS));
                        }
                        c.flush();
                        c.skipReplies(pipeline);
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }

    /** One RESP2 connection that writes commands and skips over their replies. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        }

        void call(String... args) throws IOException {
            send(args);
            flush();
            skipReplies(1);
        }

        void send(String... args) throws IOException {
            out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write('\r');
                out.write('\n');
            }
        }

        void flush() throws IOException {
            out.flush();
        }

        void skipReplies(int count) throws IOException {
            for (int i = 0; i < count; i++) {
                skipReply();
            }
        }

        private void skipReply() throws IOException {
            int type = in.read();
            String line = readLine();
            switch (type) {
                case '+', ':' -> { }
                case '-' -> throw new IOException("error reply during the training: " + line);
                case '$' -> {
                    long length = Long.parseLong(line);
                    if (length >= 0) {
                        in.skipNBytes(length + 2);
                    }
                }
                case '*' -> skipReplies(Integer.parseInt(line));
                case -1 -> throw new EOFException("the server closed the connection");
                default -> throw new IOException("unexpected reply type " + (char) type);
            }
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\r'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("the server closed the connection");
                }
                line.append((char) b);
            }
            in.read(); // '\n'
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
