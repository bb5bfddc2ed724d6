package io.redmap.client;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.KeyValue;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * redmap's commands over a {@link UnifiedJedis}. Each goes through
 * {@link UnifiedJedis#sendCommand(byte[], ProtocolCommand, byte[]...)} with its key as the sample
 * key: a JedisCluster hashes that key to pick the shard (and follows -MOVED/-ASK like for its own
 * commands), JedisPooled and JedisSentineled take a connection to their one master. Replies come
 * back as Jedis reads them: bulk strings as {@code byte[]}, integers as {@code Long}, arrays as lists.
 */
final class Wire {
    /** The commands this client sends; not Jedis's own (its {@code vadd} is Redis 8's vector sets). */
    private enum Command implements ProtocolCommand {
        MMAP, VREAD, VMREAD, VWRITE, VTYPE, VSHAPE, CONFIG;

        private final byte[] raw = name().getBytes(StandardCharsets.US_ASCII);

        @Override
        public byte[] getRaw() {
            return raw;
        }
    }

    private final UnifiedJedis jedis;

    Wire(UnifiedJedis jedis) {
        this.jedis = jedis;
    }

    UnifiedJedis jedis() {
        return jedis;
    }

    /** {@code VREAD key start count}: the rows' raw bytes. */
    byte[] vread(String key, long start, long count) {
        byte[] name = bytes(key);
        return (byte[]) jedis.sendCommand(name, Command.VREAD, name, number(start), number(count));
    }

    /** {@code VMREAD key index...} for {@code indices[from..to)}: those rows' raw bytes, in order. */
    byte[] vmread(String key, long[] indices, int from, int to) {
        byte[] name = bytes(key);
        byte[][] args = new byte[1 + to - from][];
        args[0] = name;
        for (int i = from; i < to; i++) {
            args[1 + i - from] = number(indices[i]);
        }
        return (byte[]) jedis.sendCommand(name, Command.VMREAD, args);
    }

    /** {@code VWRITE key start bytes}: rows written (overwritten or appended). */
    long vwrite(String key, long start, byte[] data) {
        byte[] name = bytes(key);
        return (Long) jedis.sendCommand(name, Command.VWRITE, name, number(start), data);
    }

    ElementType vtype(String key) {
        byte[] name = bytes(key);
        return ElementType.fromServerName(text(jedis.sendCommand(name, Command.VTYPE, name)));
    }

    /** {@code VSHAPE key}: the shape, first axis (the count) first. */
    long[] vshape(String key) {
        byte[] name = bytes(key);
        List<?> axes = (List<?>) jedis.sendCommand(name, Command.VSHAPE, name);
        long[] shape = new long[axes.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (Long) axes.get(i);
        }
        return shape;
    }

    /** {@code MMAP key path type [DIM n | SHAPE d1 d2 ...] [WRITABLE]}: the count. */
    long mmap(String key, String path, ElementType type, boolean writable, long[] rowShape) {
        byte[] name = bytes(key);
        byte[][] args = new byte[3 + (rowShape.length == 0 ? 0 : 1 + rowShape.length) + (writable ? 1 : 0)][];
        int n = 0;
        args[n++] = name;
        args[n++] = bytes(path);
        args[n++] = bytes(type.serverName());
        if (rowShape.length > 0) {
            // DIM n is SHAPE n: the older word keeps one-axis rows working on servers before SHAPE.
            args[n++] = bytes(rowShape.length == 1 ? "DIM" : "SHAPE");
            for (long axis : rowShape) {
                args[n++] = number(axis);
            }
        }
        if (writable) {
            args[n++] = bytes("WRITABLE");
        }
        return (Long) jedis.sendCommand(name, Command.MMAP, args);
    }

    /**
     * The server's {@code proto-max-bulk-len}, from the node that serves {@code key}; -1 when
     * CONFIG is refused (an ACL user without @admin) or says nothing.
     */
    long protoMaxBulkLen(String key) {
        try {
            List<?> reply = (List<?>) jedis.sendCommand(bytes(key), Command.CONFIG, bytes("GET"),
                    bytes("proto-max-bulk-len"));
            // RESP2: [name, value]; RESP3: a map, which Jedis gives as a list of KeyValue pairs.
            Object value = reply.size() == 2 ? reply.get(1)
                    : reply.size() == 1 && reply.getFirst() instanceof KeyValue<?, ?> pair ? pair.getValue() : null;
            return value == null ? -1 : Long.parseLong(text(value));
        } catch (JedisDataException | NumberFormatException refused) {
            return -1;
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(Object bulk) {
        return new String((byte[]) bulk, StandardCharsets.UTF_8);
    }
}
