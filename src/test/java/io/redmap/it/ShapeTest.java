package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static io.redmap.it.ArrayClient.fileBytes;
import static org.assertj.core.api.Assertions.assertThat;

/** VSHAPE and SHAPE on raw files (SPEC H): the shape a key remembers, and what is refused. */
class ShapeTest {
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
    void vshapeRepliesTheCountFirstThenTheRowShape() {
        redis.call("MMAP", "plain", "plain.f8", "double", "WRITABLE");
        redis.call("VADD", "plain", 1, 2, 3);
        assertThat(redis.call("VSHAPE", "plain")).isEqualTo(List.of(3L));
        redis.call("MMAP", "rows", "rows.f4", "float32", "DIM", 2, "WRITABLE");
        assertThat(redis.call("VSHAPE", "rows")).isEqualTo(List.of(0L, 2L));
        redis.call("VADD", "rows", 1, 2, 3, 4);
        assertThat(redis.call("VSHAPE", "rows")).isEqualTo(List.of(2L, 2L));
        redis.assertError("ERR You must do MMAP first", "VSHAPE", "missing");
        redis.assertError("ERR wrong number of arguments for 'vshape' command", "VSHAPE", "plain", "x");
    }

    @Test
    void aRawFileWithAShapeHoldsElementsOfThatShapeAsFlatRows() {
        assertThat(redis.call("MMAP", "m", "m.i4", "int32", "SHAPE", 2, 3, "WRITABLE")).isEqualTo(0L);
        assertThat(redis.call("VADD", "m", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)).isEqualTo(2L);
        assertThat(redis.call("VSHAPE", "m")).isEqualTo(List.of(2L, 2L, 3L));
        assertThat(redis.call("VGET", "m", 1)).isEqualTo(List.of(7L, 8L, 9L, 10L, 11L, 12L));
        assertThat(fileBytes(server.path("m.i4"))).isEqualTo(ArrayClient.le(4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
        redis.assertError("ERR each row needs 6 values (the key has SHAPE (2,3))", "VADD", "m", 1, 2, 3);
        redis.assertError("ERR each row needs an index and 6 values (the key has SHAPE (2,3))", "VSET", "m", 0, 1);
        // Idempotent with the same shape; any other shape is another mapping.
        assertThat(redis.call("MMAP", "m", "m.i4", "int32", "SHAPE", 2, 3, "WRITABLE")).isEqualTo(2L);
        redis.assertError(OTHER_MODE, "MMAP", "m", "m.i4", "int32", "SHAPE", 3, 2, "WRITABLE");
        redis.assertError(OTHER_MODE, "MMAP", "m", "m.i4", "int32", "DIM", 6, "WRITABLE");
        // DIM n is SHAPE n.
        redis.call("MMAP", "d", "d.f8", "double", "DIM", 4, "WRITABLE");
        assertThat(redis.call("MMAP", "d", "d.f8", "double", "SHAPE", 4, "WRITABLE")).isEqualTo(0L);
        assertThat(redis.call("VSHAPE", "d")).isEqualTo(List.of(0L, 4L));
    }

    @Test
    void shapeOneIsARowOfOneValueWhichIsAValue() {
        redis.call("MMAP", "one", "one.f8", "double", "SHAPE", 1, "WRITABLE");
        redis.call("VADD", "one", 2.5, 3.5);
        assertThat(redis.call("VSHAPE", "one")).isEqualTo(List.of(2L, 1L));
        assertThat(redis.call("VGET", "one", 1)).isEqualTo("3.5");
        assertThat(redis.call("MMAP", "one", "one.f8", "double", "WRITABLE")).isEqualTo(2L);
        assertThat(redis.call("MMAP", "one", "one.f8", "double", "DIM", 1, "WRITABLE")).isEqualTo(2L);
    }

    @Test
    void aRawFileKeepsWholeRowsAndRefusesToGrowAPartialOne() throws Exception {
        Files.write(server.path("part.f4"), ArrayClient.f4(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)); // 10 values, rows of 4
        assertThat(redis.call("MMAP", "p", "part.f4", "float", "SHAPE", 2, 2, "WRITABLE")).isEqualTo(2L);
        assertThat(redis.call("VSHAPE", "p")).isEqualTo(List.of(2L, 2L, 2L));
        assertThat(redis.error("VADD", "p", 1, 2, 3, 4)).startsWith("ERR file size is not a whole number of elements");
        assertThat(fileBytes(server.path("part.f4"))).isEqualTo(ArrayClient.f4(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    }

    @Test
    void badShapesAreRefusedAndChangeNothing() {
        redis.call("MMAP", "k", "k.f4", "float", "SHAPE", 2, "WRITABLE");
        List<Object[]> refused = List.of(
                new Object[] {"ERR SHAPE axes must be positive integers", "SHAPE", 0},
                new Object[] {"ERR SHAPE axes must be positive integers", "SHAPE", 3, 0},
                new Object[] {"ERR SHAPE axes must be positive integers", "SHAPE", -2},
                new Object[] {"ERR SHAPE axes must be positive integers", "SHAPE", "x"},
                new Object[] {"ERR SHAPE axes must be positive integers", "SHAPE", 3, "2.5"},
                new Object[] {"ERR SHAPE needs at least one axis", "SHAPE", "WRITABLE"},
                new Object[] {"ERR syntax error", "SHAPE"},
                new Object[] {"ERR DIM and SHAPE cannot be used together, nor either twice", "DIM", 3, "SHAPE", 3},
                new Object[] {"ERR DIM and SHAPE cannot be used together, nor either twice", "SHAPE", 3, "DIM", 3},
                new Object[] {"ERR DIM and SHAPE cannot be used together, nor either twice", "SHAPE", 3, "WRITABLE", "SHAPE", 3},
                new Object[] {"ERR SHAPE must hold between 1 and 1048576 values per element", "SHAPE", 2048, 1024},
                new Object[] {"ERR SHAPE must hold between 1 and 1048576 values per element", "SHAPE", "9223372036854775807", 2});
        for (String key : List.of("new", "k")) {
            for (Object[] args : refused) {
                Object[] words = new Object[args.length + 2];
                words[0] = key;
                words[1] = key + ".f4";
                words[2] = "float";
                System.arraycopy(args, 1, words, 3, args.length - 1);
                redis.assertError((String) args[0], "MMAP", words);
            }
        }
        assertThat(redis.call("EXISTS", "new")).isEqualTo(0L);
        assertThat(Files.exists(server.path("new.f4"))).as("no file created").isFalse();
        assertThat(redis.call("VSHAPE", "k")).isEqualTo(List.of(0L, 2L));
    }

    @Test
    void aRestartKeepsTheShape() {
        redis.call("MMAP", "cube", "cube.u8", "uint8", "SHAPE", 2, 2, 2, "WRITABLE");
        redis.call("VADD", "cube", 1, 2, 3, 4, 5, 6, 7, 8);
        redis.call("MMAP", "one", "one.u8", "uint8", "SHAPE", 1, "WRITABLE");
        server.restart();
        redis = new ArrayClient(server.jedis());
        assertThat(redis.call("VSHAPE", "cube")).isEqualTo(List.of(1L, 2L, 2L, 2L));
        assertThat(redis.call("VSHAPE", "one")).isEqualTo(List.of(0L, 1L));
        assertThat(redis.call("VGET", "cube", 0)).isEqualTo(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L));
    }

    @Test
    void migrateMovesTheShapeWithTheKey() {
        try (TestServer target = TestServer.start()) {
            ArrayClient to = new ArrayClient(target.jedis());
            redis.call("MMAP", "cube", "cube.i4", "int32", "SHAPE", 2, 1, 2, "WRITABLE");
            redis.call("VADD", "cube", 1, 2, 3, 4);
            redis.call("MMAP", "rows", "rows.i4", "int32", "DIM", 2, "WRITABLE");
            redis.call("MMAP", "npy", "n.npy", "int32", "SHAPE", 3, 2, "WRITABLE");
            redis.call("VADD", "npy", 1, 2, 3, 4, 5, 6);
            assertThat(redis.call("MIGRATE", "127.0.0.1", target.port(), "", 0, 5000, "KEYS", "cube", "rows", "npy"))
                    .isEqualTo("OK");
            assertThat(to.call("VSHAPE", "cube")).isEqualTo(List.of(1L, 2L, 1L, 2L));
            assertThat(to.call("VSHAPE", "rows")).isEqualTo(List.of(0L, 2L));
            assertThat(to.call("VSHAPE", "npy")).isEqualTo(List.of(1L, 3L, 2L));
            assertThat(to.call("VGET", "cube", 0)).isEqualTo(List.of(1L, 2L, 3L, 4L));
        }
    }
}
