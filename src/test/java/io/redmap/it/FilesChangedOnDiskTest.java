package io.redmap.it;

import io.redmap.testing.TestServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC D: files truncated, deleted, replaced or grown behind the server's back. The server answers
 * {@code ERR file changed on disk ...}, never crashes, never recreates or writes a file it lost,
 * and leaves every other key alone.
 */
class FilesChangedOnDiskTest {
    private static final int COUNT = 100_000;
    private static final int OTHER_COUNT = 1_000;
    private static final String CHANGED = "ERR file changed on disk";
    private static final String EXCEEDS = "ERR index exceeds size";

    /** An error reply, as a value to compare with what the model expects. */
    private record Err(String message) {
    }

    private TestServer server;
    private Jedis jedis;
    private ArrayClient redis;
    private Path file;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        jedis = server.jedis();
        redis = new ArrayClient(jedis);
        file = server.path("array.bin");
        writeDoubles(file, initial(COUNT));
        assertThat(redis.call("MMAP", "arr", "array.bin")).isEqualTo((long) COUNT);
        writeDoubles(server.path("other.bin"), otherValues());
        assertThat(redis.call("MMAP", "other", "other.bin")).isEqualTo((long) OTHER_COUNT);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aTruncatedFileIsReportedOnceThenFollowed() throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(COUNT / 2 * 8L);
        }
        settle();
        assertThat(redis.error("VGET", "arr", 10)).startsWith(CHANGED);
        assertThat(redis.call("VCOUNT", "arr")).isEqualTo((long) COUNT / 2);
        assertThat(dbl(redis.call("VGET", "arr", COUNT / 2 - 1))).isEqualTo((COUNT / 2 - 1) * 0.5);
        redis.assertError(EXCEEDS, "VGET", "arr", COUNT / 2);

        List<Double> model = asList(initial(COUNT / 2));
        chaos(model);
        assertThat(redis.call("VCOUNT", "arr")).isEqualTo((long) model.size());
        assertThat(readDoubles(file)).as("the file holds exactly what the replies said").isEqualTo(model);
        assertServerAndOtherKeyUnharmed();
    }

    @Test
    void aDeletedFileIsNeverRecreated() throws Exception {
        Files.delete(file);
        settle();
        assertEveryArrayCommandIsRefused();
        assertThat(file).doesNotExist();
        chaos(null);
        assertThat(file).as("no command recreated the deleted file").doesNotExist();
        assertServerAndOtherKeyUnharmed();

        assertThat(redis.call("DEL", "arr")).isEqualTo(1L);
        assertThat(redis.call("MMAP", "arr", "array.bin")).isEqualTo(0L);
        assertThat(redis.call("VADD", "arr", 2.5)).isEqualTo(1L);
        assertThat(redis.call("VGET", "arr", 0)).isEqualTo("2.5");
        assertThat(file).hasSize(8);
    }

    @Test
    void aReplacedFileIsRefusedAndLeftAlone() throws Exception {
        double[] replacement = new double[10];
        Arrays.fill(replacement, 7.0);
        Path fresh = server.path("array.bin.new");
        writeDoubles(fresh, replacement);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        settle();
        assertEveryArrayCommandIsRefused();
        chaos(null);
        assertThat(ArrayClient.fileBytes(file)).as("the server wrote nothing into the new file")
                .isEqualTo(ArrayClient.f8(replacement));
        assertServerAndOtherKeyUnharmed();

        assertThat(redis.call("DEL", "arr")).isEqualTo(1L);
        assertThat(redis.call("MMAP", "arr", "array.bin")).isEqualTo(10L);
        assertThat(redis.call("VGET", "arr", 9)).isEqualTo("7");
    }

    @Test
    void aFileGrownByAnotherWriterIsFollowedSilently() throws Exception {
        double[] more = IntStream.range(COUNT, COUNT + 100).mapToDouble(i -> i * 0.5).toArray();
        append(file, more);
        settle();
        assertThat(dbl(redis.call("VGET", "arr", COUNT + 50))).isEqualTo((COUNT + 50) * 0.5);
        assertThat(redis.call("VCOUNT", "arr")).isEqualTo(COUNT + 100L);

        List<Double> model = asList(initial(COUNT + 100));
        chaos(model);
        assertThat(readDoubles(file)).isEqualTo(model);

        // Past the address space reserved for the mapping (16 MiB): the mapping must follow too.
        double[] lots = IntStream.range(0, 3_000_000).mapToDouble(i -> -i).toArray();
        append(file, lots);
        settle();
        long total = model.size() + (long) lots.length;
        assertThat(dbl(redis.call("VGET", "arr", total - 1))).isEqualTo(-(lots.length - 1.0));
        assertThat(redis.call("VCOUNT", "arr")).isEqualTo(total);
        assertThat(dbl(redis.call("VGET", "arr", model.size() - 1))).isEqualTo(model.getLast());
        assertServerAndOtherKeyUnharmed();
    }

    // ---- the random workload -----------------------------------------------------------------

    /**
     * A thousand mixed commands at random indices (some past the end) on {@code arr}. With a model,
     * every reply must be what the model predicts (the model follows the writes); without one (the
     * file is gone), every reply must be the file-changed error.
     */
    private void chaos(List<Double> model) {
        Random random = new Random(20_240_611);
        for (int n = 0; n < 1_000; n++) {
            int size = model == null ? COUNT : model.size();
            int i = random.nextInt(10) == 0 ? size + random.nextInt(20) : random.nextInt(size);  // 1 in 10 past the end
            double value = random.nextInt(1_000_000) / 4.0;
            int pick = random.nextInt(100);
            Object[] request;
            Object expected;
            if (pick < 30) {
                request = new Object[] {"VGET", "arr", i};
                expected = i < size && model != null ? model.get(i) : new Err(EXCEEDS);
            } else if (pick < 45) {
                int j = random.nextInt(size);
                int k = random.nextInt(size);
                request = new Object[] {"VMGET", "arr", j, i, k};
                expected = i < size && k < size && model != null ? List.of(model.get(j), model.get(i), model.get(k))
                        : new Err(EXCEEDS);
            } else if (pick < 65) {
                request = new Object[] {"VSET", "arr", i, value};
                expected = i < size ? 1L : new Err(EXCEEDS);
                if (i < size && model != null) {
                    model.set(i, value);
                }
            } else if (pick < 80) {
                request = new Object[] {"VADD", "arr", value, value + 1};
                expected = 2L;
                if (model != null) {
                    model.addAll(List.of(value, value + 1));
                }
            } else if (pick < 90) {
                request = new Object[] {"VPOP", "arr"};
                expected = model == null || model.isEmpty() ? null : model.removeLast();
            } else if (pick < 99) {
                request = new Object[] {"VCOUNT", "arr"};
                expected = (long) size;
            } else {
                request = new Object[] {"VALL", "arr"};
                expected = model == null ? null : List.copyOf(model);
            }
            Object actual = send(request);
            String what = "command " + n + ": " + Arrays.toString(request);
            if (model == null) {
                assertThat(actual).as(what).isInstanceOfSatisfying(Err.class,
                        error -> assertThat(error.message()).startsWith(CHANGED));
            } else {
                assertThat(actual).as(what).isEqualTo(expected);
            }
        }
    }

    /** Sends a command; bulk strings come back as doubles, errors as {@link Err}. */
    private Object send(Object[] request) {
        Object[] args = Arrays.copyOfRange(request, 1, request.length);
        try {
            return asDoubles(redis.call((String) request[0], args));
        } catch (JedisDataException e) {
            return new Err(e.getMessage());
        }
    }

    private static Object asDoubles(Object reply) {
        return switch (reply) {
            case String text -> Double.parseDouble(text);
            case List<?> list -> list.stream().map(FilesChangedOnDiskTest::asDoubles).toList();
            case null, default -> reply;
        };
    }

    // ---- assertions ---------------------------------------------------------------------------

    private void assertEveryArrayCommandIsRefused() {
        List<Object[]> commands = List.of(new Object[] {"VGET", "arr", 0}, new Object[] {"VMGET", "arr", 0, 1},
                new Object[] {"VSET", "arr", 0, 1.5}, new Object[] {"VADD", "arr", 1.5}, new Object[] {"VPOP", "arr"},
                new Object[] {"VCOUNT", "arr"}, new Object[] {"VALL", "arr"}, new Object[] {"VCLEAR", "arr"});
        for (Object[] command : commands) {
            assertThat(send(command)).as(Arrays.toString(command)).isInstanceOfSatisfying(Err.class,
                    error -> assertThat(error.message()).startsWith(CHANGED));
        }
    }

    /** The connection is still open, the server answers, and the untouched key is as it was. */
    private void assertServerAndOtherKeyUnharmed() {
        assertThat(jedis.ping()).isEqualTo("PONG");
        assertThat(server.jedis().ping()).isEqualTo("PONG");
        assertThat(redis.call("VCOUNT", "other")).isEqualTo((long) OTHER_COUNT);
        assertThat(asDoubles(redis.call("VALL", "other"))).isEqualTo(asList(otherValues()));
        assertThat(readDoubles(server.path("other.bin"))).isEqualTo(asList(otherValues()));
    }

    // ---- files --------------------------------------------------------------------------------

    /** The server looks at a file at most once per millisecond. */
    private static void settle() throws InterruptedException {
        Thread.sleep(2);
    }

    private static double[] initial(int count) {
        return IntStream.range(0, count).mapToDouble(i -> i * 0.5).toArray();
    }

    private static double[] otherValues() {
        return IntStream.range(0, OTHER_COUNT).mapToDouble(i -> i + 0.25).toArray();
    }

    private static List<Double> asList(double[] values) {
        return new ArrayList<>(Arrays.stream(values).boxed().toList());
    }

    private static double dbl(Object reply) {
        return Double.parseDouble((String) reply);
    }

    private static void writeDoubles(Path path, double[] values) throws IOException {
        Files.write(path, ArrayClient.f8(values));
    }

    /** Appends as another program would: through its own descriptor, not through the server. */
    private static void append(Path path, double[] values) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(ArrayClient.f8(values));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    private static List<Double> readDoubles(Path path) {
        ByteBuffer bytes = ByteBuffer.wrap(ArrayClient.fileBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining() % 8).as("whole doubles in " + path).isZero();
        List<Double> values = new ArrayList<>(bytes.remaining() / 8);
        while (bytes.hasRemaining()) {
            values.add(bytes.getDouble());
        }
        return values;
    }
}
