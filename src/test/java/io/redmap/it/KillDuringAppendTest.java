package io.redmap.it;

import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 in the middle of a stream of VADDs, under {@code mmap-sync always}: after a restart
 * every acknowledged element is there with its value, the file holds whole elements only, and
 * what lies beyond the acknowledged elements is at most the one append that was in flight,
 * complete, never zeros or part of a batch.
 *
 * <p>Each trial maps a fresh file, streams appends from a second thread while the test sleeps a
 * random 50-500 ms (fixed seed), kills the server, restarts it on the same {@code dir} and checks
 * the file; the restarted server runs the next trial. A million-value VADD spends only a few
 * milliseconds in {@code pwrite}, so every other batch trial, after its random delay, waits until
 * the file is seen in the middle of an append and kills then: torn appends are certainly
 * exercised, and recovery must undo them. {@code -Dredmap.killTrials=n} sets the
 * number of trials of each kind (default 10); {@code bench/durability/kill9-trials} runs many and
 * reads the {@code KILL9 SUMMARY} lines printed here.
 */
class KillDuringAppendTest {
    private static final int TRIALS = Integer.getInteger("redmap.killTrials", 10);
    private static final long SEED = Long.getLong("redmap.killSeed", 0x6b696c6c39L);
    private static final int BATCH = 1_000_000;
    /** Batch {@code k} (from 0) holds this plus {@code k} in every element: four digits, never 0. */
    private static final int FIRST_BATCH_VALUE = 1001;
    private static final Pattern TORN_APPEND_UNDONE = Pattern.compile("torn append to .* undone");
    private static final Pattern JOURNAL_DAMAGED = Pattern.compile("append journal .* is damaged");

    @TempDir
    Path dir;
    private ServerProcess server;

    private enum Kind { SINGLE, BATCH }

    /** What one trial found; {@code problems} empty means the durability promise held. */
    private record Outcome(long acked, long extra, long lost, long torn, boolean crashed, boolean repaired,
                           List<String> problems) {
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void singleValueAppendsSurviveKill9() {
        runTrials(Kind.SINGLE, SEED);
    }

    @Test
    void millionValueAppendsAreWholeOrAbsentAfterKill9() {
        runTrials(Kind.BATCH, SEED + 1);
    }

    /**
     * The journal record of a large append must not outlive it: once the append was acknowledged,
     * a later VPOP leaves the file between the record's two lengths, and a crash then must not
     * cut the file back to its length before the append.
     */
    @Test
    void aCrashAfterAnAcknowledgedLargeAppendAndAPopKeepsTheRest() throws IOException {
        server = ServerProcess.start(dir, "--mmap-sync", "always");
        try (Resp client = new Resp(server.port())) {
            assertThat(client.call("MMAP", "kept", "kept.f8")).isEqualTo(":0");
            assertThat(client.vaddBatch("kept", new BatchPayload(), 0)).isEqualTo(":" + BATCH);
            assertThat(client.call("VPOP", "kept")).isEqualTo("$4");
        }
        server.kill();
        restart();
        assertThat(server.log()).doesNotContainPattern(TORN_APPEND_UNDONE);
        assertThat(Files.size(dir.resolve("kept.f8"))).isEqualTo(8L * (BATCH - 1));
        try (Resp client = new Resp(server.port())) {
            assertThat(client.call("VCOUNT", "kept")).isEqualTo(":" + (BATCH - 1));
        }
    }

    private void runTrials(Kind kind, long seed) {
        Random random = new Random(seed);
        BatchPayload payload = kind == Kind.BATCH ? new BatchPayload() : null;
        server = ServerProcess.start(dir, "--mmap-sync", "always");
        List<Outcome> outcomes = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            int delayMillis = 50 + random.nextInt(451);
            boolean midAppend = kind == Kind.BATCH && trial % 2 == 1;
            Outcome outcome = trial(kind, "t" + trial, delayMillis, midAppend, payload);
            System.out.printf("kill9 %s trial %d: delay %d ms%s, acked %d, extra %d, lost %d, torn %d%s%s %s%n",
                    kind, trial, delayMillis, midAppend ? " then mid-append" : "", outcome.acked(), outcome.extra(),
                    outcome.lost(), outcome.torn(), outcome.crashed() ? ", CRASHED" : "",
                    outcome.repaired() ? ", torn append undone" : "", outcome.problems());
            outcomes.add(outcome);
        }
        printSummary(kind, outcomes);
        List<String> problems = outcomes.stream().flatMap(o -> o.problems().stream()).toList();
        assertThat(problems).as("durability problems in %d %s trials", TRIALS, kind).isEmpty();
        assertThat(outcomes.stream().mapToLong(Outcome::acked).sum())
                .as("the trials must actually append something").isPositive();
    }

    /**
     * Streams appends to a fresh file, kills the server after {@code delayMillis} (and, with
     * {@code midAppend}, once the file is seen part-way through a batch), restarts it and checks the file.
     */
    private Outcome trial(Kind kind, String key, int delayMillis, boolean midAppend, BatchPayload payload) {
        Path file = dir.resolve(key + ".f8");
        try (Resp client = new Resp(server.port())) {
            if (kind == Kind.BATCH) {
                warmUp(client, payload); // a cold JIT would take most of the 500 ms on the first batch
            }
            String mapped = client.call("MMAP", key, file.getFileName().toString());
            if (!mapped.equals(":0")) {
                return crashed("MMAP " + key + " replied " + mapped);
            }
        } catch (IOException e) {
            return crashed("cannot MMAP " + key + ": " + e);
        }
        Streamer streamer = new Streamer(server.port(), key, kind, payload);
        Thread thread = Thread.ofPlatform().name("kill9-" + key).start(streamer);
        if (kind == Kind.BATCH && !midAppend) {
            // A million-value append can take longer than the longest delay on a busy machine: the
            // delay runs from the first acknowledged batch, so that these trials kill with some
            // appends acknowledged (the mid-append trials kill during the first ones).
            awaitFirstAck(streamer);
        }
        sleep(delayMillis);
        if (midAppend) {
            awaitPartialBatch(file);
        }
        boolean aliveAtKill = server.isAlive();
        server.kill();
        join(thread);
        long acked = streamer.acked * (kind == Kind.BATCH ? BATCH : 1);
        if (!aliveAtKill || streamer.error != null) {
            return crashed(aliveAtKill ? "a VADD failed: " + streamer.error
                    : "the server died before the kill; log:\n" + server.log());
        }
        try {
            restart();
        } catch (AssertionError e) {
            return crashed("restart failed: " + e.getMessage());
        }
        boolean repaired = TORN_APPEND_UNDONE.matcher(server.log()).find();
        List<String> problems = new ArrayList<>();
        if (JOURNAL_DAMAGED.matcher(server.log()).find()) {
            problems.add("the append journal could not be read at restart; log:\n" + server.log());
        }
        try {
            return check(kind, key, file, acked, repaired, problems);
        } catch (IOException e) {
            return crashed("cannot check " + key + ": " + e);
        }
    }

    /** Compares the file (read as any program would) and VCOUNT with what the client was told. */
    private Outcome check(Kind kind, String key, Path file, long acked, boolean repaired, List<String> problems)
            throws IOException {
        long size = Files.size(file);
        try (Resp client = new Resp(server.port())) {
            String reply = client.call("VCOUNT", key);
            if (size % 8 != 0 || !reply.equals(":" + size / 8)) {
                problems.add(key + ": VCOUNT replied " + reply + " for a file of " + size + " bytes");
            }
            client.call("DEL", key);
        }
        long torn = size % 8 == 0 ? 0 : 1; // a partial double
        double[] values = readDoubles(file);
        long lost = Math.max(0, acked - values.length);
        for (int i = 0; i < Math.min(acked, values.length); i++) {
            if (values[i] != expected(kind, i)) {
                lost++;
            }
        }
        if (lost > 0) {
            problems.add(key + ": " + lost + " of " + acked + " acknowledged values lost or wrong");
        }
        long extra = Math.max(0, values.length - acked);
        long inFlight = kind == Kind.BATCH ? BATCH : 1;
        if (extra > 0) {
            boolean wellFormed = extra == inFlight;
            for (long i = acked; i < values.length && wellFormed; i++) {
                wellFormed = values[(int) i] == expected(kind, i);
            }
            if (!wellFormed) {
                torn++;
                problems.add(key + ": " + extra + " values beyond the " + acked
                        + " acknowledged are not one whole append of the sequence");
            }
        }
        if (kind == Kind.BATCH && values.length % BATCH != 0 && torn == 0) {
            torn++;
            problems.add(key + ": " + values.length + " values is not a whole number of batches");
        }
        Files.delete(file); // the batch trials would otherwise fill the disk
        return new Outcome(acked, extra, lost, torn, false, repaired, problems);
    }

    /** One batch on a scratch key, so that the trial's batches run at full speed. */
    private void warmUp(Resp client, BatchPayload payload) throws IOException {
        client.call("MMAP", "warmup", "warmup.f8");
        client.vaddBatch("warmup", payload, 0);
        client.call("DEL", "warmup");
        Files.delete(dir.resolve("warmup.f8"));
    }

    /** Polls the file's size until it is not a whole number of batches (a pwrite under way), for at most 3 s. */
    private static void awaitPartialBatch(Path file) {
        long deadline = System.nanoTime() + 3_000_000_000L;
        try {
            while (Files.size(file) % (8L * BATCH) == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of element {@code i} of the stream: the sequence number, or the batch's value. */
    private static double expected(Kind kind, long i) {
        return kind == Kind.SINGLE ? i + 1 : FIRST_BATCH_VALUE + i / BATCH;
    }

    private static Outcome crashed(String problem) {
        return new Outcome(0, 0, 0, 0, true, false, List.of(problem));
    }

    private void restart() {
        ServerProcess next = server.restart();
        server.close();
        server = next;
    }

    private static double[] readDoubles(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[bytes.remaining() / 8];
        bytes.asDoubleBuffer().get(values);
        return values;
    }

    private static void printSummary(Kind kind, List<Outcome> outcomes) {
        long acked = outcomes.stream().mapToLong(Outcome::acked).sum();
        long lost = outcomes.stream().mapToLong(Outcome::lost).sum();
        System.out.printf("KILL9 SUMMARY kind=%s trials=%d acked_checked=%d lost=%d torn=%d crashes=%d"
                        + " in_flight_kept=%d torn_appends_undone=%d problems=%d%n",
                kind, outcomes.size(), acked - lost, lost, outcomes.stream().mapToLong(Outcome::torn).sum(),
                outcomes.stream().filter(Outcome::crashed).count(),
                outcomes.stream().filter(o -> o.extra() > 0 && o.torn() == 0).count(),
                outcomes.stream().filter(Outcome::repaired).count(),
                outcomes.stream().mapToLong(o -> o.problems().size()).sum());
    }

    private static void awaitFirstAck(Streamer streamer) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (streamer.acked == 0 && streamer.error == null && System.nanoTime() < deadline) {
            sleep(10);
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(thread.isAlive()).as("the streaming client ends when the server dies").isFalse();
    }

    /** Sends VADDs one at a time and counts the acknowledged ones, until the connection breaks. */
    private static final class Streamer implements Runnable {
        private final int port;
        private final String key;
        private final Kind kind;
        private final BatchPayload payload;
        volatile long acked;
        volatile String error;

        Streamer(int port, String key, Kind kind, BatchPayload payload) {
            this.port = port;
            this.key = key;
            this.kind = kind;
            this.payload = payload;
        }

        @Override
        public void run() {
            try (Resp client = new Resp(port)) {
                while (true) {
                    String reply = kind == Kind.SINGLE
                            ? client.call("VADD", key, Long.toString(acked + 1))
                            : client.vaddBatch(key, payload, (int) acked);
                    if (!reply.equals(kind == Kind.SINGLE ? ":1" : ":" + BATCH)) {
                        error = "VADD #" + (acked + 1) + " replied " + reply;
                        return;
                    }
                    acked++;
                }
            } catch (IOException endOfServer) {
                // The kill closed the connection: what was acknowledged so far is the record.
            }
        }
    }

    /**
     * The arguments of a million-value VADD, built once: {@code $4\r\nNNNN\r\n} per value; each
     * batch patches its four digits in place.
     */
    private static final class BatchPayload {
        private static final int ENTRY = 10;
        private final byte[] values = new byte[BATCH * ENTRY];

        BatchPayload() {
            byte[] entry = "$4\r\n0000\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < BATCH; i++) {
                System.arraycopy(entry, 0, values, i * ENTRY, ENTRY);
            }
        }

        byte[] forBatch(int batch) {
            byte[] digits = Integer.toString(FIRST_BATCH_VALUE + batch).getBytes(StandardCharsets.US_ASCII);
            if (digits.length != 4) {
                throw new IllegalStateException("batch " + batch + " does not fit four digits");
            }
            for (int i = 0; i < BATCH; i++) {
                System.arraycopy(digits, 0, values, i * ENTRY + 4, 4);
            }
            return values;
        }
    }

    /** A bare RESP2 client: one request, one reply line (enough for integers, errors and bulk headers). */
    private static final class Resp implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Resp(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        }

        String call(String... words) throws IOException {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("*" + words.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String word : words) {
                request.writeBytes(bulk(word));
            }
            out.write(request.toByteArray());
            return readLine();
        }

        String vaddBatch(String key, BatchPayload payload, int batch) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes(("*" + (BATCH + 2) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            head.writeBytes(bulk("VADD"));
            head.writeBytes(bulk(key));
            out.write(head.toByteArray());
            out.write(payload.forBatch(batch));
            return readLine();
        }

        private static byte[] bulk(String word) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            return ("$" + bytes.length + "\r\n" + word + "\r\n").getBytes(StandardCharsets.UTF_8);
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
