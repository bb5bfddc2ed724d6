package io.redmap.it;

import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.redmap.it.ArrayClient.f8;
import static io.redmap.it.ArrayClient.fileBytes;
import static io.redmap.it.ArrayClient.le;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code MMAP key path type DIM n}: every element is a row of n values (SPEC section C). */
class RowsTest {
    private TestServer server;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        redis = new ArrayClient(server.jedis());
        assertThat(redis.call("MMAP", "v", "rows.bin", "double", "DIM", "3", "WRITABLE")).isEqualTo(0L);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void vaddAppendsWholeRows() {
        assertThat(redis.call("VADD", "v", "1", "2", "3")).isEqualTo(1L);
        assertThat(redis.call("VADD", "v", "4", "5", "6", "7", "8", "9")).isEqualTo(2L);

        assertThat(redis.call("VCOUNT", "v")).isEqualTo(3L);
        assertThat(redis.call("VGET", "v", "1")).isEqualTo(row("4", "5", "6"));
        assertThat(fileBytes(file())).isEqualTo(f8(1, 2, 3, 4, 5, 6, 7, 8, 9));
        assertThat(redis.call("VTYPE", "v")).isEqualTo("double");
    }

    @Test
    void vsetReplacesWholeRows() {
        redis.call("VADD", "v", "1", "2", "3", "4", "5", "6", "7", "8", "9");

        assertThat(redis.call("VSET", "v", "1", "40", "50", "60")).isEqualTo(1L);
        assertThat(redis.call("VGET", "v", "1")).isEqualTo(row("40", "50", "60"));
        assertThat(redis.call("VSET", "v", "2", "0.5", "-1", "nan", "0", "10", "20", "30")).isEqualTo(2L);

        assertThat(fileBytes(file())).isEqualTo(f8(10, 20, 30, 40, 50, 60, 0.5, -1, Double.NaN));
    }

    @Test
    void vmgetAndVallReplyRows() {
        redis.call("VADD", "v", "1", "2", "3", "4", "5", "6", "7", "8", "9");

        assertThat(redis.call("VMGET", "v", "2", "0")).isEqualTo(List.of(row("7", "8", "9"), row("1", "2", "3")));
        assertThat(redis.call("VALL", "v"))
                .isEqualTo(List.of(row("1", "2", "3"), row("4", "5", "6"), row("7", "8", "9")));
        redis.assertError("ERR index exceeds size", "VMGET", "v", "0", "3");
        redis.assertError("ERR index argument must be integer", "VGET", "v", "x");
    }

    @Test
    void vpopRemovesTheLastRow() {
        redis.call("VADD", "v", "1", "2", "3", "4", "5", "6");

        assertThat(redis.call("VPOP", "v")).isEqualTo(row("4", "5", "6"));
        assertThat(redis.call("VCOUNT", "v")).isEqualTo(1L);
        assertThat(fileBytes(file())).isEqualTo(f8(1, 2, 3));
        assertThat(redis.call("VPOP", "v")).isEqualTo(row("1", "2", "3"));
        assertThat(redis.call("VPOP", "v")).isNull();
        assertThat(file()).isEmptyFile();
    }

    @Test
    void aValueCountThatIsNotAMultipleOfTheDimChangesNothing() {
        redis.call("VADD", "v", "1", "2", "3");
        byte[] before = fileBytes(file());

        assertRowCountError("VADD", "v", "4");
        assertRowCountError("VADD", "v", "4", "5");
        assertRowCountError("VADD", "v", "4", "5", "6", "7");
        assertRowCountError("VSET", "v", "0", "4", "5");
        assertRowCountError("VSET", "v", "0", "4", "5", "6", "0", "7");

        assertThat(fileBytes(file())).isEqualTo(before);
        assertThat(redis.call("VALL", "v")).isEqualTo(List.of(row("1", "2", "3")));
    }

    @Test
    void oneBadValueInAnyRowChangesNothing() {
        redis.call("VADD", "v", "1", "2", "3");
        byte[] before = fileBytes(file());

        redis.assertError("ERR value must be double", "VADD", "v", "4", "5", "6", "7", "x", "9");
        redis.assertError("ERR value must be double", "VSET", "v", "0", "4", "5", "6", "0", "7", "8", "x");
        redis.assertError("ERR index exceeds size", "VSET", "v", "0", "4", "5", "6", "1", "7", "8", "9");

        assertThat(fileBytes(file())).isEqualTo(before);
    }

    @Test
    void integerRowsAreCheckedPerValue() {
        redis.call("MMAP", "pairs", "pairs.bin", "int16", "DIM", "2", "WRITABLE");
        assertThat(redis.call("VADD", "pairs", "-32768", "32767", "1", "2")).isEqualTo(2L);

        redis.assertError("ERR value must be int16", "VADD", "pairs", "3", "32768");
        assertThat(redis.call("VGET", "pairs", "0")).isEqualTo(List.of(-32768L, 32767L));
        assertThat(fileBytes(server.path("pairs.bin"))).isEqualTo(le(2, -32768, 32767, 1, 2));
    }

    @Test
    void aPlainKeyOnTheSameFileSeesTheRowsValues() {
        redis.call("VADD", "v", "1", "2", "3", "4", "5", "6");
        assertThat(redis.call("MMAP", "flat", "rows.bin", "double")).isEqualTo(6L);

        assertThat(redis.call("VGET", "flat", "4")).isEqualTo("5");
        redis.call("VPOP", "v");
        assertThat(redis.call("VCOUNT", "flat")).isEqualTo(3L);
    }

    @Test
    void rowsSurviveARestart() {
        redis.call("VADD", "v", "1", "2", "3");
        server.restart();
        redis = new ArrayClient(server.jedis());

        assertThat(redis.call("VGET", "v", "0")).isEqualTo(row("1", "2", "3"));
        assertThat(redis.call("VADD", "v", "4", "5", "6")).isEqualTo(1L);
        assertRowCountError("VADD", "v", "7");
    }

    @Test
    void badDimOptionsAreRefused() {
        for (String dim : List.of("0", "-1", "x", "1.5")) {
            assertThat(redis.error("MMAP", "d", "dim.bin", "double", "DIM", dim, "WRITABLE"))
                    .as("DIM %s", dim).startsWith("ERR ").contains("DIM");
        }
        assertThat(redis.error("MMAP", "d", "dim.bin", "double", "WRITABLE", "DIM")).startsWith("ERR ");
        assertThat(server.path("dim.bin")).doesNotExist();
    }

    private void assertRowCountError(String command, Object... args) {
        assertThat(redis.error(command, args)).as("%s %s", command, List.of(args))
                .startsWith("ERR ").contains("3 values");
    }

    private Path file() {
        return server.path("rows.bin");
    }

    private static List<Object> row(Object... values) {
        return List.of(values);
    }
}
