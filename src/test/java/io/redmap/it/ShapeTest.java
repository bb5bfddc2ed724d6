package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** VSHAPE and SHAPE on raw files (SPEC H): the shape a key remembers, and what is refused. */
class ShapeTest {
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
}
