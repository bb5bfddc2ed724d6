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

/** Every RedisMMap command and every error of SPEC section A, through Jedis on real files. */
class ArrayCommandsTest {
    private static final String NOT_INTEGER_INDEX = "ERR index argument must be integer";
    private static final String INDEX_EXCEEDS = "ERR index exceeds size";
    private static final String NOT_WRITABLE = "ERR The file is not writable";
    private static final String MMAP_FIRST = "ERR You must do MMAP first";

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
    void seedFormMapsAWritableDoubleArrayAndCreatesTheFile() {
        assertThat(redis.call("MMAP", "db", "seed.bin")).isEqualTo(0L);

        assertThat(file("seed.bin")).exists().isEmptyFile();
        assertThat(redis.call("VTYPE", "db")).isEqualTo("double");
        assertThat(redis.call("VSIZE", "db")).isEqualTo(8L);
        assertThat(redis.call("VFILEPATH", "db")).isEqualTo("seed.bin");
        assertThat(redis.call("VADD", "db", "0.5", "-2")).isEqualTo(2L);
        assertThat(fileBytes(file("seed.bin"))).isEqualTo(f8(0.5, -2));
    }

    @Test
    void fullFormRepliesTheCountOfAnExistingFileAndKeepsThePathAsGiven() {
        int32File("full.bin", 7, -8, 9);
        String absolute = file("full.bin").toString();

        assertThat(redis.call("MMAP", "ro", absolute, "int32")).isEqualTo(3L);
        assertThat(redis.call("MMAP", "rw", "full.bin", "INT32", "4", "writable")).isEqualTo(3L);

        assertThat(redis.call("VFILEPATH", "ro")).isEqualTo(absolute);
        assertThat(redis.call("VFILEPATH", "rw")).isEqualTo("full.bin");
        assertThat(redis.call("VTYPE", "ro")).isEqualTo("int32");
        assertThat(redis.call("VSIZE", "ro")).isEqualTo(4L);
        assertThat(redis.call("VALL", "ro")).isEqualTo(List.of(7L, -8L, 9L));
    }

    @Test
    void everyCommandReadsAndChangesTheFile() {
        redis.call("MMAP", "k", "a.bin", "int16", "WRITABLE");

        assertThat(redis.call("VADD", "k", "1", "2", "3")).isEqualTo(3L);
        assertThat(redis.call("VADD", "k", "-4")).isEqualTo(1L);
        assertThat(redis.call("VCOUNT", "k")).isEqualTo(4L);
        assertThat(redis.call("VGET", "k", "3")).isEqualTo(-4L);
        assertThat(redis.call("VMGET", "k", "3", "0", "3")).isEqualTo(List.of(-4L, 1L, -4L));
        assertThat(redis.call("VSET", "k", "0", "10", "2", "30")).isEqualTo(2L);
        assertThat(redis.call("VALL", "k")).isEqualTo(List.of(10L, 2L, 30L, -4L));
        assertThat(fileBytes(file("a.bin"))).isEqualTo(le(2, 10, 2, 30, -4));

        assertThat(redis.call("VPOP", "k")).isEqualTo(-4L);
        assertThat(redis.call("VCOUNT", "k")).isEqualTo(3L);
        assertThat(fileBytes(file("a.bin"))).isEqualTo(le(2, 10, 2, 30));

        assertThat(redis.call("VCLEAR", "k")).isEqualTo(3L);
        assertThat(file("a.bin")).exists().isEmptyFile();
        assertThat(redis.call("VCOUNT", "k")).isEqualTo(0L);
        assertThat(redis.call("VPOP", "k")).isNull();
        assertThat(redis.call("VALL", "k")).isEqualTo(List.of());
        assertThat(redis.call("VCLEAR", "k")).isEqualTo(0L);
    }

    /** Requests of thousands of words are decoded into one packed array: each word must still be read right. */
    @Test
    void requestsOfThousandsOfWordsReadEveryWord() {
        int n = 5_000;
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 3L - 7_000;
        }
        int32File("many.bin", values);
        redis.call("MMAP", "k", "many.bin", "int32", "WRITABLE");
        Object[] indices = new Object[n + 1];
        List<Long> expected = new java.util.ArrayList<>();
        indices[0] = "k";
        for (int i = 0; i < n; i++) {
            int index = (i * 7919) % n;
            indices[i + 1] = index;
            expected.add(values[index]);
        }
        assertThat(redis.call("VMGET", indices)).isEqualTo(expected);

        Object[] pairs = new Object[2 * n + 1];
        pairs[0] = "k";
        for (int i = 0; i < n; i++) {
            pairs[2 * i + 1] = i;
            pairs[2 * i + 2] = -i;
        }
        assertThat(redis.call("VSET", pairs)).isEqualTo((long) n);
        assertThat(redis.call("VGET", "k", n - 1)).isEqualTo(1L - n);

        // A bad word at the very end of a packed request refuses the whole command.
        pairs[2 * n] = "x";
        redis.assertError("ERR value must be integer", "VSET", pairs);
        indices[n] = n;
        redis.assertError(INDEX_EXCEEDS, "VMGET", indices);
        assertThat(redis.call("VGET", "k", 0)).isEqualTo(0L);
    }

    @Test
    void indexErrors() {
        int32File("i.bin", 1, 2, 3);
        redis.call("MMAP", "k", "i.bin", "int32", "WRITABLE");

        for (String bad : List.of("abc", "1.5", "", "1x", "99999999999999999999")) {
            redis.assertError(NOT_INTEGER_INDEX, "VGET", "k", bad);
            redis.assertError(NOT_INTEGER_INDEX, "VMGET", "k", "0", bad);
            redis.assertError(NOT_INTEGER_INDEX, "VSET", "k", bad, "5");
        }
        for (String outside : List.of("3", "-1", "9223372036854775807", "-9223372036854775808")) {
            redis.assertError(INDEX_EXCEEDS, "VGET", "k", outside);
            redis.assertError(INDEX_EXCEEDS, "VMGET", "k", "0", outside);
            redis.assertError(INDEX_EXCEEDS, "VSET", "k", outside, "5");
        }
        assertThat(fileBytes(file("i.bin"))).isEqualTo(le(4, 1, 2, 3));
    }

    @Test
    void valueErrorsNameTheType() {
        redis.call("MMAP", "i", "i.bin", "int32", "WRITABLE");
        redis.call("MMAP", "d", "d.bin", "double", "WRITABLE");
        redis.call("MMAP", "s", "s.bin", "string", "4", "WRITABLE");

        redis.assertError("ERR value must be integer", "VADD", "i", "abc");
        redis.assertError("ERR value must be integer", "VADD", "i", "1.5");
        redis.assertError("ERR value must be int32", "VADD", "i", "2147483648");
        redis.assertError("ERR value must be double", "VADD", "d", "abc");
        redis.assertError("ERR value must be double", "VADD", "d", "1e999");
        redis.assertError("ERR value is too long", "VADD", "s", "abcde");
        assertThat(redis.call("VADD", "s", "abcd")).isEqualTo(1L);
        redis.assertError("ERR value is too long", "VSET", "s", "0", "abcde");
        assertThat(redis.call("VGET", "s", "0")).isEqualTo("abcd");
    }

    @Test
    void oneBadArgumentChangesNothing() {
        int32File("v.bin", 1, 2, 3);
        redis.call("MMAP", "k", "v.bin", "int32", "WRITABLE");
        byte[] before = fileBytes(file("v.bin"));

        redis.assertError("ERR value must be integer", "VADD", "k", "4", "5", "x");
        redis.assertError("ERR value must be int32", "VADD", "k", "4", "-2147483649", "6");
        redis.assertError("ERR value must be integer", "VSET", "k", "0", "9", "1", "x");
        redis.assertError(INDEX_EXCEEDS, "VSET", "k", "0", "9", "3", "9");
        redis.assertError(NOT_INTEGER_INDEX, "VSET", "k", "0", "9", "y", "9");
        redis.assertError("ERR wrong number of arguments for 'vset' command", "VSET", "k", "0", "9", "1");

        assertThat(fileBytes(file("v.bin"))).isEqualTo(before);
        assertThat(redis.call("VALL", "k")).isEqualTo(List.of(1L, 2L, 3L));
    }

    @Test
    void readOnlyKeysRefuseEveryWrite() {
        int32File("ro.bin", 1, 2);
        assertThat(redis.call("MMAP", "k", "ro.bin", "int32")).isEqualTo(2L);

        redis.assertError(NOT_WRITABLE, "VSET", "k", "0", "5");
        redis.assertError(NOT_WRITABLE, "VADD", "k", "5");
        redis.assertError(NOT_WRITABLE, "VPOP", "k");
        redis.assertError(NOT_WRITABLE, "VCLEAR", "k");
        assertThat(fileBytes(file("ro.bin"))).isEqualTo(le(4, 1, 2));
        assertThat(redis.call("VALL", "k")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void everyArrayCommandOnAMissingKeyAsksForMmap() {
        redis.assertError(MMAP_FIRST, "VGET", "nokey", "0");
        redis.assertError(MMAP_FIRST, "VMGET", "nokey", "0");
        redis.assertError(MMAP_FIRST, "VSET", "nokey", "0", "1");
        redis.assertError(MMAP_FIRST, "VADD", "nokey", "1");
        for (String command : List.of("VPOP", "VCOUNT", "VCLEAR", "VALL", "VTYPE", "VSIZE", "VFILEPATH")) {
            redis.assertError(MMAP_FIRST, command, "nokey");
        }
    }

    @Test
    void wrongArityUsesTheStandardText() {
        redis.call("MMAP", "k", "w.bin");
        redis.assertError("ERR wrong number of arguments for 'vget' command", "VGET", "k");
        redis.assertError("ERR wrong number of arguments for 'vget' command", "VGET", "k", "0", "1");
        redis.assertError("ERR wrong number of arguments for 'vmget' command", "VMGET", "k");
        redis.assertError("ERR wrong number of arguments for 'vset' command", "VSET", "k", "0");
        redis.assertError("ERR wrong number of arguments for 'vadd' command", "VADD", "k");
        redis.assertError("ERR wrong number of arguments for 'vpop' command", "VPOP", "k", "x");
        redis.assertError("ERR wrong number of arguments for 'vcount' command", "VCOUNT");
        redis.assertError("ERR wrong number of arguments for 'vclear' command", "VCLEAR", "k", "x");
        redis.assertError("ERR wrong number of arguments for 'vall' command", "VALL");
        redis.assertError("ERR wrong number of arguments for 'vtype' command", "VTYPE");
        redis.assertError("ERR wrong number of arguments for 'vsize' command", "VSIZE", "k", "x");
        redis.assertError("ERR wrong number of arguments for 'vfilepath' command", "VFILEPATH");
        redis.assertError("ERR wrong number of arguments for 'mmap' command", "MMAP", "k");
        assertThat(redis.call("VCOUNT", "k")).isEqualTo(0L);
    }

    @Test
    void mmapIsIdempotentOnTheSameFileAndRefusesAnother() {
        assertThat(redis.call("MMAP", "k", "one.bin", "double", "WRITABLE")).isEqualTo(0L);
        redis.call("VADD", "k", "1", "2");

        assertThat(redis.call("MMAP", "k", "one.bin", "double", "WRITABLE")).isEqualTo(2L);
        assertThat(redis.call("MMAP", "k", "one.bin")).isEqualTo(2L);
        redis.assertError("ERR It is already mapped on another file", "MMAP", "k", "two.bin");
        redis.assertError("ERR It is already mapped on another file", "MMAP", "k", "two.bin", "double", "WRITABLE");

        assertThat(redis.call("VFILEPATH", "k")).isEqualTo("one.bin");
        assertThat(file("two.bin")).doesNotExist();
    }

    @Test
    void mmapOptionErrorsOpenNothing() {
        redis.assertError("ERR invalid value_size", "MMAP", "k", "o.bin", "int32", "8", "WRITABLE");
        redis.assertError("ERR invalid value_size", "MMAP", "k", "o.bin", "double", "4", "WRITABLE");
        redis.assertError("ERR string type must has value_size", "MMAP", "k", "o.bin", "string", "WRITABLE");
        redis.assertError("ERR value_size must be positive", "MMAP", "k", "o.bin", "string", "0", "WRITABLE");
        redis.assertError("ERR value_size must be positive", "MMAP", "k", "o.bin", "string", "-3", "WRITABLE");
        redis.assertError("ERR Arguments must be \"writable\" or integer", "MMAP", "k", "o.bin", "int8", "rw");
        redis.assertError("ERR value_type must be int8, uint8, int16, uint16, int32, uint32, int64, uint64, "
                + "float, double, long_double, string, float16 or bfloat16", "MMAP", "k", "o.bin", "complex128", "WRITABLE");

        assertThat(file("o.bin")).doesNotExist();
        redis.assertError(MMAP_FIRST, "VCOUNT", "k");
    }

    @Test
    void readOnlyMmapOfAMissingFileIsAnErrorAndWritableCreatesIt() {
        assertThat(redis.error("MMAP", "k", "missing.bin", "int32")).startsWith("ERR ").contains("missing.bin");
        assertThat(file("missing.bin")).doesNotExist();
        redis.assertError(MMAP_FIRST, "VCOUNT", "k");

        assertThat(redis.call("MMAP", "k", "missing.bin", "int32", "WRITABLE")).isEqualTo(0L);
        assertThat(file("missing.bin")).exists().isEmptyFile();
    }

    @Test
    void delUnmapsButKeepsTheFile() {
        redis.call("MMAP", "k", "del.bin", "int32", "WRITABLE");
        redis.call("VADD", "k", "5", "6", "7");

        assertThat(redis.call("DEL", "k")).isEqualTo(1L);
        redis.assertError(MMAP_FIRST, "VGET", "k", "0");
        assertThat(fileBytes(file("del.bin"))).isEqualTo(le(4, 5, 6, 7));

        assertThat(redis.call("MMAP", "other", "del.bin", "int32")).isEqualTo(3L);
        assertThat(redis.call("VALL", "other")).isEqualTo(List.of(5L, 6L, 7L));
    }

    @Test
    void twoKeysOnOneFileSeeEachOthersChangesAtOnce() {
        redis.call("MMAP", "setup", "shared.bin", "int32", "WRITABLE");
        redis.call("DEL", "setup");
        redis.call("MMAP", "r", "./shared.bin", "int32");
        redis.call("MMAP", "a", "shared.bin", "int32", "WRITABLE");
        redis.call("MMAP", "b", file("shared.bin").toString(), "int32", "WRITABLE");

        redis.call("VADD", "a", "1", "2", "3");
        assertThat(redis.call("VALL", "b")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(redis.call("VCOUNT", "r")).isEqualTo(3L);

        redis.call("VSET", "b", "1", "20");
        assertThat(redis.call("VGET", "a", "1")).isEqualTo(20L);
        assertThat(redis.call("VGET", "r", "1")).isEqualTo(20L);

        assertThat(redis.call("VPOP", "b")).isEqualTo(3L);
        assertThat(redis.call("VCOUNT", "a")).isEqualTo(2L);
        redis.assertError(INDEX_EXCEEDS, "VGET", "r", "2");

        assertThat(redis.call("VCLEAR", "a")).isEqualTo(2L);
        assertThat(redis.call("VALL", "b")).isEqualTo(List.of());
        assertThat(redis.call("VALL", "r")).isEqualTo(List.of());
        assertThat(redis.call("VPOP", "b")).isNull();
        redis.assertError(INDEX_EXCEEDS, "VGET", "r", "0");

        redis.call("VADD", "b", "9");
        assertThat(redis.call("VALL", "r")).isEqualTo(List.of(9L));
        assertThat(fileBytes(file("shared.bin"))).isEqualTo(le(4, 9));

        redis.call("DEL", "a", "b");
        assertThat(redis.call("VALL", "r")).isEqualTo(List.of(9L));
        assertThat(redis.call("PING")).isEqualTo("PONG");
    }

    @Test
    void keysAnswerAsBeforeAfterARestart() {
        redis.call("MMAP", "rw", "r.bin", "uint16", "WRITABLE");
        redis.call("VADD", "rw", "1", "65535");
        redis.call("MMAP", "ro", "r.bin", "u2");

        server.restart();
        redis = new ArrayClient(server.jedis());

        assertThat(redis.call("VALL", "rw")).isEqualTo(List.of(1L, 65535L));
        assertThat(redis.call("VTYPE", "ro")).isEqualTo("uint16");
        assertThat(redis.call("VFILEPATH", "ro")).isEqualTo("r.bin");
        redis.assertError(NOT_WRITABLE, "VADD", "ro", "2");
        assertThat(redis.call("VADD", "rw", "2")).isEqualTo(1L);
        assertThat(redis.call("VCOUNT", "ro")).isEqualTo(3L);
    }

    private Path file(String name) {
        return server.path(name);
    }

    /** Makes a file of int32 values through a writable key, then unmaps that key. */
    private void int32File(String name, long... values) {
        redis.call("MMAP", "setup", name, "int32", "WRITABLE");
        Object[] args = new Object[values.length + 1];
        args[0] = "setup";
        for (int i = 0; i < values.length; i++) {
            args[i + 1] = values[i];
        }
        redis.call("VADD", args);
        redis.call("DEL", "setup");
        assertThat(fileBytes(file(name))).isEqualTo(le(4, values));
    }
}
