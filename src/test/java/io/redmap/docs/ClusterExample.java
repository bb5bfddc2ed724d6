package io.redmap.docs;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.util.SafeEncoder;

import java.util.Objects;
import java.util.Set;

/** JedisCluster routes redmap's array commands by their key, over every shard. */
final class ClusterExample {
    private ClusterExample() {
    }

    /** {@code seeds}: any node or nodes of the cluster; JedisCluster learns the rest (CLUSTER SLOTS). */
    static void run(Set<HostAndPort> seeds) {
        try (JedisCluster cluster = new JedisCluster(seeds)) {
            // One array per sensor, spread over the shards by their keys' slots. A relative path
            // lives in the dir of the node that serves the key.
            for (String sensor : new String[] {"sensor:1", "sensor:2", "sensor:3"}) {
                call(cluster, sensor, "MMAP", sensor, sensor.replace(':', '-') + ".f8", "double", "WRITABLE");
                call(cluster, sensor, "VCLEAR", sensor);
                expect(call(cluster, sensor, "VADD", sensor, "20.5", "21", "21.25"), 3L);
            }
            expect(call(cluster, "sensor:2", "VGET", "sensor:2", "1"), "21");
            // Keys with the same {hash tag} share a slot, so a command may name several of them.
            call(cluster, "{plant}:flow", "MMAP", "{plant}:flow", "plant-flow.f4", "float", "WRITABLE");
            call(cluster, "{plant}:flow", "VCLEAR", "{plant}:flow");
            call(cluster, "{plant}:flow", "VADD", "{plant}:flow", "0.5");
            call(cluster, "{plant}:flow", "RENAME", "{plant}:flow", "{plant}:flow-2026");
            expect(call(cluster, "{plant}:flow-2026", "VCOUNT", "{plant}:flow-2026"), 1L);
        }
    }

    /** redmap's commands are not Jedis methods: send them by name, routed by {@code key}. */
    static Object call(JedisCluster cluster, String key, String name, String... args) {
        ProtocolCommand command = () -> SafeEncoder.encode(name);
        return SafeEncoder.encodeObject(cluster.sendCommand(key, command, args));
    }

    static void expect(Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError("expected " + expected + " but got " + actual);
        }
    }
}
