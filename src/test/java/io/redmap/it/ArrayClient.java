package io.redmap.it;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Sends the array commands through Jedis (RESP2) and turns replies into plain Java values:
 * integers are {@code Long}, bulk strings {@code String}, arrays {@code List}, nil {@code null}.
 */
final class ArrayClient {
    private final Jedis jedis;

    ArrayClient(Jedis jedis) {
        this.jedis = jedis;
    }

    /** Sends a command (arguments are turned into text with {@code String.valueOf}) and returns its reply. */
    Object call(String command, Object... args) {
        String[] words = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        ProtocolCommand name = () -> command.getBytes(StandardCharsets.UTF_8);
        return plain(jedis.sendCommand(name, words));
    }

    /** Sends a command that must fail and returns its error line ({@code ERR message}). */
    String error(String command, Object... args) {
        JedisDataException e = catchThrowableOfType(JedisDataException.class, () -> call(command, args));
        assertThat(e).as("%s %s must be refused", command, Arrays.toString(args)).isNotNull();
        return e.getMessage();
    }

    /** Asserts that a command fails with exactly {@code expected} as its error line. */
    void assertError(String expected, String command, Object... args) {
        assertThat(error(command, args)).as("%s %s", command, Arrays.toString(args)).isEqualTo(expected);
    }

    private static Object plain(Object reply) {
        return switch (reply) {
            case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (Object item : list) {
                    out.add(plain(item));
                }
                yield out;
            }
            case null, default -> reply;
        };
    }

    /** The file's bytes as any other program would read them (not through the mapping). */
    static byte[] fileBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Little-endian bytes of the low {@code size} bytes of each value. */
    static byte[] le(int size, long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(size * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            for (int i = 0; i < size; i++) {
                buffer.put((byte) (value >>> (8 * i)));
            }
        }
        return buffer.array();
    }

    /** Little-endian float32 bytes. */
    static byte[] f4(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    /** Little-endian float64 bytes. */
    static byte[] f8(double... values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double value : values) {
            buffer.putDouble(value);
        }
        return buffer.array();
    }
}
