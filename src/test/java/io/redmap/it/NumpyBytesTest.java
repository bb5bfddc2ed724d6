package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.redmap.it.ArrayClient.fileBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Arrays written with VADD hold exactly the bytes numpy's {@code tofile} writes for the same
 * values, and numpy's files read back through MMAP as the same values. numpy runs in
 * {@code /usr/bin/python3} (Debian's python3-numpy); without it these tests are skipped.
 */
class NumpyBytesTest {
    private static final String PYTHON = "/usr/bin/python3";
    /** argv: dtype, output path, values. Integers go through int() so that uint64's top values stay exact. */
    private static final String WRITE_REFERENCE = """
            import sys
            import numpy as np
            dtype, path, *values = sys.argv[1:]
            convert = int if np.dtype(dtype).kind in 'iu' else float
            np.array([convert(v) for v in values], dtype=dtype).tofile(path)
            """;

    /** A redmap type, the numpy dtype with the same bytes, and values to write. */
    record Case(String type, String dtype, List<String> values) {
        @Override
        public String toString() {
            return type + " = " + dtype;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("int32", "<i4", List.of("0", "1", "-1", "2147483647", "-2147483648", "123456789")),
                new Case("uint64", "<u8", List.of("0", "1", "9223372036854775807", "9223372036854775808",
                        "18446744073709551615")),
                new Case("float", "<f4", List.of("0.1", "-2.5", "3.4028235e38", "1.4e-45", "16777217", "nan", "inf",
                        "-inf", "-0.0")),
                new Case("double", "<f8", List.of("0.1", "0.3333333333333333", "1.7976931348623157e308", "5e-324",
                        "-1e-300", "nan", "inf", "-inf", "-0.0")),
                new Case("float16", "<f2", List.of("0.1", "1.5", "65504", "-65504", "6e-08", "0.0001", "nan", "inf",
                        "-inf", "-0.0")),
                new Case("int8", "|i1", List.of("-128", "127", "0", "-1")),
                new Case("uint16", "<u2", List.of("0", "65535", "256")),
                new Case("int64", "<i8", List.of("-9223372036854775808", "9223372036854775807", "-2")));
    }

    private TestServer server;
    private ArrayClient redis;

    @BeforeAll
    static void requireNumpy() {
        assumeTrue(numpyAvailable(), PYTHON + " cannot import numpy (apt-get install python3-numpy)");
    }

    @BeforeEach
    void start() {
        server = TestServer.start();
        redis = new ArrayClient(server.jedis());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vaddWritesTheBytesNumpyWrites(Case c) throws Exception {
        redis.call("MMAP", "k", "redmap.bin", c.type(), "WRITABLE");
        assertThat(redis.call("VADD", withKey("k", c.values()))).isEqualTo((long) c.values().size());

        Path reference = server.path("numpy.bin");
        writeWithNumpy(c.dtype(), reference, c.values());

        assertThat(fileBytes(server.path("redmap.bin"))).isEqualTo(fileBytes(reference));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void numpyFilesReadBackAsTheSameValues(Case c) throws Exception {
        redis.call("MMAP", "ours", "redmap.bin", c.type(), "WRITABLE");
        redis.call("VADD", withKey("ours", c.values()));
        writeWithNumpy(c.dtype(), server.path("numpy.bin"), c.values());

        assertThat(redis.call("MMAP", "theirs", "numpy.bin", c.type())).isEqualTo((long) c.values().size());
        assertThat(redis.call("VALL", "theirs")).isEqualTo(redis.call("VALL", "ours"));
    }

    private static Object[] withKey(String key, List<String> values) {
        return Stream.concat(Stream.of(key), values.stream()).toArray();
    }

    private static void writeWithNumpy(String dtype, Path file, List<String> values) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-c", WRITE_REFERENCE, dtype, file.toString()));
        command.addAll(values);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("python finished").isTrue();
        assertThat(process.exitValue()).as("python output: %s", output).isZero();
    }

    private static boolean numpyAvailable() {
        try {
            Process process = new ProcessBuilder(PYTHON, "-c", "import numpy").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
