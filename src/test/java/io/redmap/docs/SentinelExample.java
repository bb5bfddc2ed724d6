package io.redmap.docs;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.util.SafeEncoder;

import java.util.Objects;
import java.util.Set;

/** Jedis finds the master through Sentinel (JedisSentinelPool), then VSET/VGET on it. */
final class SentinelExample {
    private SentinelExample() {
    }

    /** {@code sentinels} as "host:port"; returns the master's address that the pool found. */
    static HostAndPort run(Set<String> sentinels) {
        // The pool asks the Sentinels where "mymaster" is, and listens to them for +switch-master:
        // after a failover, its new connections go to the promoted replica.
        try (JedisSentinelPool pool = new JedisSentinelPool("mymaster", sentinels)) {
            HostAndPort master = pool.getCurrentHostMaster();
            try (Jedis jedis = pool.getResource()) {
                // A relative path lives in the master's dir (and, on replicas, in theirs). MMAP
                // replies how many elements the file already holds: start from none.
                call(jedis, "MMAP", "prices", "prices.f8", "double", "WRITABLE");
                call(jedis, "VCLEAR", "prices");
                expect(call(jedis, "VADD", "prices", "101.25", "99.5", "98"), 3L);
                expect(call(jedis, "VSET", "prices", "1", "100.5"), 1L);
                expect(call(jedis, "VGET", "prices", "1"), "100.5");
                expect(call(jedis, "VCOUNT", "prices"), 3L);
            }
            return master;
        }
    }

    /** redmap's commands are not Jedis methods: send them by name. */
    static ProtocolCommand command(String name) {
        return () -> SafeEncoder.encode(name);
    }

    /** Sends a command; bulk strings in the reply become Strings (nested lists too), integers Longs. */
    static Object call(Jedis jedis, String name, String... args) {
        return SafeEncoder.encodeObject(jedis.sendCommand(command(name), args));
    }

    static void expect(Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError("expected " + expected + " but got " + actual);
        }
    }
}
