package io.redmap.it;

import io.redmap.testing.Numpy;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.redmap.it.ArrayClient.fileBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC D: a file mapped both as {@code .npy} and raw (here through a hard link, as uint8). No write
 * through any key puts data into the .npy header or cuts it, the .npy key never acknowledges an
 * append it cannot read back, and {@code numpy.load} reads the file after every change.
 */
class NpyHeaderGuardTest {
    private static final String LOAD = "import sys, numpy as np\n"
            + "a = np.load(sys.argv[1], mmap_mode='r')\nprint(a.shape, [float(x) for x in a])";
    private static final String REFUSED = ".npy header";

    private TestServer server;
    private ArrayClient redis;
    private Path npy;
    private int headerBytes;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        redis = new ArrayClient(server.jedis());
        npy = server.path("a.npy");
        assertThat(redis.call("MMAP", "n", "a.npy", "double", "WRITABLE")).isEqualTo(0L);
        assertThat(redis.call("VADD", "n", 1, 2, 3)).isEqualTo(3L);
        Files.createLink(server.path("raw.bin"), npy);
        byte[] bytes = fileBytes(npy);
        headerBytes = 10 + (bytes[8] & 0xff | (bytes[9] & 0xff) << 8);
        assertThat(redis.call("MMAP", "r", "raw.bin", "uint8", "WRITABLE")).isEqualTo(headerBytes + 24L);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void writesThroughTheRawKeyIntoTheHeaderAreRefusedAndChangeNothing() {
        byte[] before = fileBytes(npy);
        String last = String.valueOf(headerBytes - 1);
        String data = String.valueOf(headerBytes + 4);
        List<List<Object>> refused = List.of(
                List.of("VSET", "r", 0, 65),
                List.of("VSET", "r", data, 7, last, 65),
                List.of("VWRITE", "r", headerBytes - 16, "x".repeat(32)),
                List.of("VWRITE", "r", last, "xy"),
                List.of("VINCRBY", "r", 6, 1),
                List.of("VINCRBYFLOAT", "r", 6, 1),
                List.of("VCLEAR", "r"));
        for (List<Object> command : refused) {
            assertThat(redis.error((String) command.getFirst(), command.subList(1, command.size()).toArray()))
                    .as("%s", command).startsWith("ERR ").contains(REFUSED);
            assertThat(fileBytes(npy)).as("after %s", command).isEqualTo(before);
        }
        assertThat(redis.call("VCOUNT", "n")).isEqualTo(3L);
        assertThat(redis.call("VCOUNT", "r")).isEqualTo(headerBytes + 24L);
        assertLoads("(3,) [1.0, 2.0, 3.0]");

        // The data after the header is the raw key's to write.
        assertThat(redis.call("VWRITE", "r", headerBytes + 7, "@")).isEqualTo(1L);
        assertThat(redis.call("VGET", "n", 0)).isEqualTo("65536"); // 1.0 with its top byte 0x40
        assertThat(Arrays.copyOf(fileBytes(npy), headerBytes)).isEqualTo(Arrays.copyOf(before, headerBytes));
    }

    @Test
    void popsThroughTheRawKeyStopAtTheHeaderAndTheNpyKeyGoesOn() {
        byte[] before = fileBytes(npy);
        for (int i = 0; i < 24; i++) {
            redis.call("VPOP", "r");
            if (i % 8 == 7) {
                long rows = 2 - i / 8;
                assertThat(redis.call("VCOUNT", "n")).isEqualTo(rows);
                assertLoads("(" + rows + ",) " + List.of(1.0, 2.0, 3.0).subList(0, (int) rows));
            }
        }
        for (int i = 0; i < 67; i++) {
            assertThat(redis.error("VPOP", "r")).contains(REFUSED);
        }
        assertThat(fileBytes(npy)).hasSize(headerBytes);
        assertThat(redis.call("VCOUNT", "r")).isEqualTo((long) headerBytes);

        assertThat(redis.call("VADD", "n", 42)).isEqualTo(1L);
        assertThat(redis.call("VCOUNT", "n")).isEqualTo(1L);
        assertThat(redis.call("VGET", "n", 0)).isEqualTo("42");
        assertLoads("(1,) [42.0]");
        assertThat(Arrays.copyOf(fileBytes(npy), 6)).isEqualTo(Arrays.copyOf(before, 6));
    }

    @Test
    void theNpyKeyRefusesAnAppendAfterAPartialRowAndReadsEveryAppendItAcknowledges() {
        assertThat(redis.call("VADD", "r", 1, 2, 3)).isEqualTo(3L);
        assertLoads("(3,) [1.0, 2.0, 3.0]");
        assertThat(redis.error("VADD", "n", 5)).contains("not a whole number of elements");
        assertThat(redis.call("VCOUNT", "n")).isEqualTo(3L);
        for (int i = 0; i < 3; i++) {
            redis.call("VPOP", "r");
        }
        // A raw append of whole rows shows in the .npy key and in its header.
        assertThat(redis.call("VWRITE", "r", headerBytes + 24, new String(ArrayClient.f8(9.5), StandardCharsets.ISO_8859_1)))
                .isEqualTo(8L);
        assertThat(redis.call("VADD", "n", 5)).isEqualTo(1L);
        assertThat(redis.call("VALL", "n")).isEqualTo(List.of("1", "2", "3", "9.5", "5"));
        assertLoads("(5,) [1.0, 2.0, 3.0, 9.5, 5.0]");
    }

    @Test
    void theHeaderIsProtectedOnlyWhileAKeyMapsTheFileAsNpy() {
        assertThat(redis.error("VSET", "r", 0, 0)).contains(REFUSED);
        redis.call("MMAP", "n2", "a.npy", "WRITABLE");
        redis.call("DEL", "n");
        assertThat(redis.error("VSET", "r", 0, 0)).as("n2 still maps it as .npy").contains(REFUSED);
        redis.call("DEL", "n2");
        assertThat(redis.call("VSET", "r", 0, 0)).isEqualTo(1L);
        assertThat(fileBytes(npy)[0]).isZero();
    }

    /** numpy.load reads the file (it fails the test if it cannot), with this shape and these values. */
    private void assertLoads(String expected) {
        Numpy.assume();
        assertThat(String.join("\n", Numpy.run(LOAD, List.of(npy.toString()))).trim()).as("numpy.load").isEqualTo(expected);
    }
}
