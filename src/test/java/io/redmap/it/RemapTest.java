package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static io.redmap.it.ArrayClient.fileBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC D: MMAP of a key already mapped to the same file replies the count only when it asks for
 * the same mapping; another type, value size, shape or writable flag is an error that changes
 * nothing. A key whose file was deleted answers MMAP as any command: {@code file changed on disk}.
 */
class RemapTest {
    private static final String OTHER_MODE = "ERR It is already mapped with another type or mode";

    private TestServer server;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        redis = new ArrayClient(server.jedis());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aReadOnlyKeyIsNotMadeWritableByAnotherMmap() throws Exception {
        Files.write(server.path("dd.bin"), ArrayClient.f4(1, 2, 3));
        assertThat(redis.call("MMAP", "k", "dd.bin", "float")).isEqualTo(3L);
        byte[] before = fileBytes(server.path("dd.bin"));

        redis.assertError(OTHER_MODE, "MMAP", "k", "dd.bin", "float", "WRITABLE");
        redis.assertError(OTHER_MODE, "MMAP", "k", "dd.bin");
        redis.assertError("ERR The file is not writable", "VADD", "k", "4");
        redis.assertError("ERR The file is not writable", "VSET", "k", "0", "9");
        assertThat(redis.call("MMAP", "k", "dd.bin", "float")).isEqualTo(3L);
        assertThat(redis.call("MMAP", "k", "./dd.bin", "f4")).as("another spelling, the same mapping").isEqualTo(3L);
        assertThat(fileBytes(server.path("dd.bin"))).isEqualTo(before);
        assertThat(redis.call("DBSIZE")).isEqualTo(1L);
    }

    @Test
    void anotherTypeValueSizeOrShapeIsRefused() throws Exception {
        Files.write(server.path("dd.bin"), ArrayClient.f4(1, 2, 3, 4, 5, 6));
        assertThat(redis.call("MMAP", "d3", "dd.bin", "float", "DIM", "3", "WRITABLE")).isEqualTo(2L);
        Files.write(server.path("s.bin"), "abcdefgh".getBytes());
        assertThat(redis.call("MMAP", "s", "s.bin", "string", "4", "WRITABLE")).isEqualTo(2L);
        byte[] floats = fileBytes(server.path("dd.bin"));

        for (List<Object> args : List.<List<Object>>of(List.of("int8", "WRITABLE"), List.of("float", "WRITABLE"),
                List.of("float", "DIM", 2, "WRITABLE"), List.of("int32", "DIM", 3, "WRITABLE"),
                List.of("float", "DIM", 3), List.of())) {
            Object[] words = Stream.concat(Stream.of("d3", "dd.bin"), args.stream()).toArray();
            redis.assertError(OTHER_MODE, "MMAP", words);
        }
        redis.assertError(OTHER_MODE, "MMAP", "s", "s.bin", "string", "8", "WRITABLE");
        redis.assertError(OTHER_MODE, "MMAP", "s", "s.bin", "string", "2", "WRITABLE");

        assertThat(redis.call("MMAP", "d3", "dd.bin", "float", "DIM", "3", "WRITABLE")).isEqualTo(2L);
        assertThat(redis.call("MMAP", "s", "s.bin", "string", "4", "WRITABLE")).isEqualTo(2L);
        assertThat(redis.call("VTYPE", "d3")).isEqualTo("float");
        assertThat(redis.call("VGET", "d3", 1)).isEqualTo(List.of("4", "5", "6"));
        assertThat(redis.call("VADD", "d3", 7, 8, 9)).isEqualTo(1L);
        assertThat(redis.call("VSIZE", "s")).isEqualTo(4L);
        assertThat(fileBytes(server.path("dd.bin"))).startsWith(floats).hasSize(floats.length + 12);
        assertThat(redis.call("DBSIZE")).isEqualTo(2L);
    }

    @Test
    void theSeedFormMeansAWritableDoubleArray() {
        assertThat(redis.call("MMAP", "seed", "seed.bin")).isEqualTo(0L);
        redis.call("VADD", "seed", 1.5);
        assertThat(redis.call("MMAP", "seed", "seed.bin")).isEqualTo(1L);
        assertThat(redis.call("MMAP", "seed", "seed.bin", "double", "WRITABLE")).isEqualTo(1L);
        assertThat(redis.call("MMAP", "seed", "seed.bin", "f8", "8", "DIM", "1", "WRITABLE")).isEqualTo(1L);
        redis.assertError(OTHER_MODE, "MMAP", "seed", "seed.bin", "double");
        redis.assertError(OTHER_MODE, "MMAP", "seed", "seed.bin", "int64", "WRITABLE");

        redis.call("MMAP", "typed", "typed.bin", "int64", "WRITABLE");
        redis.assertError(OTHER_MODE, "MMAP", "typed", "typed.bin");
    }

    @Test
    void aNpyKeyWithoutTypeIsTheMappingItsHeaderSays() throws Exception {
        assertThat(redis.call("MMAP", "n", "a.npy", "int32", "DIM", "2", "WRITABLE")).isEqualTo(0L);
        redis.call("VADD", "n", 1, 2);
        byte[] before = fileBytes(server.path("a.npy"));

        assertThat(redis.call("MMAP", "n", "a.npy", "WRITABLE")).isEqualTo(1L);
        assertThat(redis.call("MMAP", "n", "a.npy", "DIM", "2", "WRITABLE")).isEqualTo(1L);
        assertThat(redis.call("MMAP", "n", "a.npy", "i4", "WRITABLE")).isEqualTo(1L);
        redis.assertError(OTHER_MODE, "MMAP", "n", "a.npy");
        redis.assertError(OTHER_MODE, "MMAP", "n", "a.npy", "DIM", "1", "WRITABLE");
        redis.assertError(OTHER_MODE, "MMAP", "n", "a.npy", "int64", "WRITABLE");
        redis.assertError(OTHER_MODE, "MMAP", "n", "a.npy", "int32", "DIM", "2");
        assertThat(fileBytes(server.path("a.npy"))).isEqualTo(before);
        assertThat(redis.call("VGET", "n", 0)).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void mmapOfAKeyWhoseFileWasDeletedIsAnErrorNotAStaleCount() throws Exception {
        Path file = server.path("gone.bin");
        assertThat(redis.call("MMAP", "g", "gone.bin", "int64", "WRITABLE")).isEqualTo(0L);
        redis.call("VADD", "g", 1, 2, 3);
        Files.delete(file);
        Thread.sleep(5); // past the interval within which a file is not checked twice

        assertThat(redis.error("MMAP", "g", "gone.bin", "int64", "WRITABLE")).startsWith("ERR file changed on disk");
        assertThat(redis.error("MMAP", "g", "gone.bin", "int64", "WRITABLE")).startsWith("ERR file changed on disk");
        assertThat(redis.error("VCOUNT", "g")).startsWith("ERR file changed on disk");
        assertThat(file).doesNotExist();
        assertThat(redis.call("DBSIZE")).isEqualTo(1L);

        // Mapped again after DEL, the key is the new, empty file.
        assertThat(redis.call("DEL", "g")).isEqualTo(1L);
        assertThat(redis.call("MMAP", "g", "gone.bin", "int64", "WRITABLE")).isEqualTo(0L);
    }

    @Test
    void mmapOfAKeyWhoseFileWasTruncatedReportsItOnceThenFollows() throws Exception {
        assertThat(redis.call("MMAP", "t", "t.bin", "int64", "WRITABLE")).isEqualTo(0L);
        redis.call("VADD", "t", 1, 2, 3);
        try (FileChannel channel = FileChannel.open(server.path("t.bin"), StandardOpenOption.WRITE)) {
            channel.truncate(8);
        }
        Thread.sleep(5);

        assertThat(redis.error("MMAP", "t", "t.bin", "int64", "WRITABLE")).startsWith("ERR file changed on disk");
        assertThat(redis.call("MMAP", "t", "t.bin", "int64", "WRITABLE")).isEqualTo(1L);
    }
}
