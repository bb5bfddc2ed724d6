package io.redmap.docs;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/** A batch of appends made durable by one VSYNC; then mmap-sync always for every write. */
final class DurabilityExample {
    private DurabilityExample() {
    }

    static void run(int port, Path dir) throws IOException {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            expect(jedis.configGet("mmap-sync"), Map.of("mmap-sync", "everysec"));
            Path file = dir.resolve("events.i4");
            expect(call(jedis, "MMAP", "events", file.toString(), "int32", "WRITABLE"), 0L);

            // Pipeline a batch; the VSYNC reply means all of it, and the new length, are on disk.
            Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < 1000; i++) {
                pipeline.sendCommand(command("VADD"), "events", String.valueOf(i));
            }
            Response<Object> synced = pipeline.sendCommand(command("VSYNC"), "events");
            pipeline.sync();
            expect(SafeEncoder.encodeObject(synced.get()), "OK");
            expect(Files.size(file), 4000L);

            // With always, each write is synced before its reply.
            expect(jedis.configSet("mmap-sync", "always"), "OK");
            expect(jedis.info("mmap").contains("mmap_sync:always"), true);
            expect(call(jedis, "VSET", "events", "999", "-1"), 1L);
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            expect(bytes.getInt(999 * Integer.BYTES), -1);
            expect(jedis.configSet("mmap-sync", "everysec"), "OK");

            expect(error(jedis, "VSYNC", "missing"), "ERR You must do MMAP first");
        }
    }

    static ProtocolCommand command(String name) {
        return () -> SafeEncoder.encode(name);
    }

    static Object call(Jedis jedis, String name, String... args) {
        return SafeEncoder.encodeObject(jedis.sendCommand(command(name), args));
    }

    static String error(Jedis jedis, String name, String... args) {
        try {
            call(jedis, name, args);
        } catch (JedisDataException e) {
            return e.getMessage();
        }
        throw new AssertionError(name + " must fail");
    }

    static void expect(Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError("expected " + expected + " but got " + actual);
        }
    }
}
