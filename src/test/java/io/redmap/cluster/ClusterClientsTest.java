package io.redmap.cluster;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.output.DoubleOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.redmap.testing.ClusterProcesses;
import io.redmap.testing.ClusterProcesses.Shard;
import io.redmap.testing.Poll;
import io.redmap.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.ProtocolCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SPEC G's promise that cluster-aware clients route every command by its key, unchanged, on a
 * real cluster of three masters and three replicas: JedisCluster and Lettuce's RedisClusterClient
 * (the array commands sent as custom commands with their key), {@code redis-cli -c} following
 * -MOVED, and redis-py's RedisCluster, which learns the commands' key positions from COMMAND.
 * Every key's array is then checked on the master that owns its slot.
 */
class ClusterClientsTest {
    @RegisterExtension
    static final ClusterProcesses cluster = ClusterProcesses.of(3);

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PYTHON = "/usr/bin/python3";

    private enum JedisArrays implements ProtocolCommand {
        MMAP, VADD, VGET, VMGET;

        @Override
        public byte[] getRaw() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private enum LettuceArrays implements ProtocolKeyword {
        MMAP, VADD, VGET, VMGET;

        @Override
        public byte[] getBytes() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void jedisClusterRoutesArrayCommandsByKeyToEveryShard() {
        List<String> keys = keysOnEveryShard("jedis", 12);
        try (JedisCluster jedis = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", cluster.replicaPorts().getFirst())),
                DefaultJedisClientConfig.builder().build())) {
            for (String key : keys) {
                assertThat(jedis.sendCommand(key, JedisArrays.MMAP, key, key + ".f8", "double", "WRITABLE")).isEqualTo(0L);
                assertThat(jedis.sendCommand(key, JedisArrays.VADD, key, "1.5", "2.5", "3.5")).isEqualTo(3L);
                assertThat(text(jedis.sendCommand(key, JedisArrays.VGET, key, "1"))).isEqualTo("2.5");
                assertThat(texts(jedis.sendCommand(key, JedisArrays.VMGET, key, "0", "2"))).containsExactly("1.5", "3.5");
            }
        }
        assertEachOnItsMaster(keys, 3);
    }

    @Test
    void lettuceClusterClientRoutesByKeyAndReadsFromReplicas() {
        List<String> keys = keysOnEveryShard("lettuce", 12);
        RedisClusterClient client = RedisClusterClient.create(RedisURI.create("127.0.0.1", cluster.masterPorts().getLast()));
        // Lettuce sends to replicas only the commands it knows to be reads: VGET and VMGET are told here.
        client.setOptions(ClusterClientOptions.builder()
                .readOnlyCommands(command -> command.getType() == LettuceArrays.VGET || command.getType() == LettuceArrays.VMGET)
                .build());
        try (StatefulRedisClusterConnection<String, String> connection = client.connect(StringCodec.UTF8)) {
            RedisAdvancedClusterCommands<String, String> redis = connection.sync();
            for (String key : keys) {
                assertThat(redis.dispatch(LettuceArrays.MMAP, new IntegerOutput<>(StringCodec.UTF8),
                        args(key, key + ".f8", "double", "WRITABLE"))).isEqualTo(0L);
                assertThat(redis.dispatch(LettuceArrays.VADD, new IntegerOutput<>(StringCodec.UTF8), args(key, "4.5", "5.5")))
                        .isEqualTo(2L);
                // Lettuce speaks RESP3: an element of a double array comes as a RESP3 double.
                assertThat(redis.dispatch(LettuceArrays.VGET, new DoubleOutput<>(StringCodec.UTF8), args(key, "1"))).isEqualTo(5.5);
            }
            assertEachOnItsMaster(keys, 2);
            awaitReplicated(keys, 2);

            Map<Integer, Long> before = commandsProcessed(cluster.replicaPorts());
            Map<Integer, Integer> readsPerReplica = new HashMap<>();
            connection.setReadFrom(ReadFrom.REPLICA);
            for (String key : keys) {
                assertThat(redis.dispatch(LettuceArrays.VGET, new DoubleOutput<>(StringCodec.UTF8), args(key, "0"))).isEqualTo(4.5);
                assertThat(redis.dispatch(LettuceArrays.VMGET, new ArrayOutput<>(StringCodec.UTF8), args(key, "0", "1")))
                        .containsExactly(4.5, 5.5);
                readsPerReplica.merge(ownerOf(key).replicaPort(), 2, Integer::sum);
            }
            Map<Integer, Long> after = commandsProcessed(cluster.replicaPorts());
            for (int replica : cluster.replicaPorts()) {
                // At least the reads sent there (a replica also counts the commands of its master's stream and Lettuce's own).
                assertThat(after.get(replica) - before.get(replica)).as("commands processed by the replica on %d", replica)
                        .isGreaterThanOrEqualTo(readsPerReplica.get(replica));
                // The reads came on a client connection (not the link from its master, flags=M) whose last command was one.
                assertThat(clientLines(replica)).as("CLIENT LIST of the replica on %d", replica)
                        .anyMatch(line -> !line.contains(" flags=M") && (line.contains(" cmd=vget ") || line.contains(" cmd=vmget ")));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redisCliWithDashCFollowsMovedToTheOwnerOfEachKey() throws Exception {
        Shard first = cluster.shards().getFirst();
        for (Shard owner : cluster.shards()) {
            String key = keysOnShard(owner, "cli", 1).getFirst();
            int slot = SlotHash.slot(key.getBytes(StandardCharsets.UTF_8));
            // Sent to shard a's master; followed to the owner (redis-cli prints the redirection it follows).
            assertThat(redisCli("-c", "-p", Integer.toString(first.masterPort()), "MMAP", key, key + ".f8", "double", "WRITABLE"))
                    .endsWith("0\n");
            assertThat(redisCli("-c", "-p", Integer.toString(first.masterPort()), "VADD", key, "6.5", "7.5")).endsWith("2\n");
            assertThat(redisCli("-c", "-p", Integer.toString(cluster.replicaPorts().getLast()), "VMGET", key, "0", "1"))
                    .endsWith("6.5\n7.5\n");
            if (owner != first) {
                assertThat(redisCli("-p", Integer.toString(first.masterPort()), "VGET", key, "0"))
                        .as("without -c").isEqualTo("MOVED " + slot + " 127.0.0.1:" + owner.masterPort() + "\n\n");
            }
            assertThat(cluster.call(owner.masterPort(), "VGET", key, "1")).isEqualTo("$3\r\n7.5\r\n");
        }
    }

    @Test
    void redisPyClusterExecutesArrayCommandsOnTheNodeOfEachKey(@TempDir Path work) throws Exception {
        assumeTrue(runs(PYTHON, "-c", "import redis.cluster"), PYTHON + " has no redis-py with RedisCluster (apt-get install python3-redis)");
        List<String> keys = keysOnEveryShard("py", 9);
        Path script = work.resolve("cluster_client.py");
        Files.writeString(script, """
                import sys
                from redis.cluster import RedisCluster

                # Started from a replica: RedisCluster learns the slots (CLUSTER SLOTS) and, from
                # COMMAND, where the keys of MMAP, VADD, VGET and VMGET are.
                rc = RedisCluster(host="127.0.0.1", port=int(sys.argv[1]), decode_responses=True)
                for key in sys.argv[2:]:
                    node = rc.get_node_from_key(key)
                    slot = rc.determine_slot("VGET", key, 0)
                    mmap = rc.execute_command("MMAP", key, key + ".f8", "double", "WRITABLE")
                    vadd = rc.execute_command("VADD", key, "8.5", "9.5")
                    vget = rc.execute_command("VGET", key, 1)
                    vmget = rc.execute_command("VMGET", key, 0, 1)
                    targeted = rc.execute_command("VGET", key, 0, target_nodes=node)
                    print(key, node.port, node.server_type, slot, mmap, vadd, vget, ",".join(vmget), targeted)
                rc.close()
                """);
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), Integer.toString(cluster.replicaPorts().get(1))));
        command.addAll(keys);
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as("redis-py exit code; output:\n%s", output).isZero();

        List<String> expected = new ArrayList<>();
        for (String key : keys) {
            int slot = SlotHash.slot(key.getBytes(StandardCharsets.UTF_8));
            expected.add(key + " " + cluster.shardOf(slot).masterPort() + " primary " + slot + " 0 2 9.5 8.5,9.5 8.5");
        }
        assertThat(output.lines().toList()).containsExactlyElementsOf(expected);
        assertEachOnItsMaster(keys, 2);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Each key's array exists on the master of its slot with {@code count} elements, and on no other master. */
    private static void assertEachOnItsMaster(List<String> keys, int count) {
        for (String key : keys) {
            Shard owner = ownerOf(key);
            assertThat(cluster.call(owner.masterPort(), "VCOUNT", key)).as("VCOUNT %s on its master", key).isEqualTo(":" + count + "\r\n");
            for (int master : cluster.masterPorts()) {
                if (master != owner.masterPort()) {
                    assertThat(cluster.call(master, "CLUSTER", "COUNTKEYSINSLOT",
                            Integer.toString(SlotHash.slot(key.getBytes(StandardCharsets.UTF_8))))).isEqualTo(":0\r\n");
                }
            }
        }
    }

    private static void awaitReplicated(List<String> keys, int count) {
        for (String key : keys) {
            int replica = ownerOf(key).replicaPort();
            Poll.until(TIMEOUT, key + " replicated to " + replica, () -> {
                try (RawClient client = new RawClient(replica)) {
                    client.call("READONLY");
                    return client.call("VCOUNT", key);
                }
            }, (":" + count + "\r\n")::equals, cluster::logs);
        }
    }

    private static Map<Integer, Long> commandsProcessed(List<Integer> ports) {
        Map<Integer, Long> counts = new HashMap<>();
        for (int port : ports) {
            counts.put(port, Long.parseLong(cluster.info(port, "total_commands_processed")));
        }
        return counts;
    }

    private static List<String> clientLines(int port) {
        String reply = cluster.call(port, "CLIENT", "LIST");
        return reply.substring(reply.indexOf("\r\n") + 2).lines().toList();
    }

    private static Shard ownerOf(String key) {
        return cluster.shardOf(SlotHash.slot(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code perShard} keys for each shard, named {@code prefix:n}. */
    private static List<String> keysOnEveryShard(String prefix, int total) {
        List<String> keys = new ArrayList<>();
        for (Shard shard : cluster.shards()) {
            keys.addAll(keysOnShard(shard, prefix, total / cluster.shards().size()));
        }
        Set<Integer> owners = new HashSet<>();
        keys.forEach(key -> owners.add(ownerOf(key).masterPort()));
        assertThat(owners).hasSize(cluster.shards().size());
        return keys;
    }

    private static List<String> keysOnShard(Shard shard, String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            String key = prefix + ":" + i;
            if (shard.has(SlotHash.slot(key.getBytes(StandardCharsets.UTF_8)))) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static CommandArgs<String, String> args(String key, String... rest) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).addKey(key);
        for (String word : rest) {
            args.add(word);
        }
        return args;
    }

    private static String redisCli(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s; output:\n%s", command, output).isZero();
        return output;
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String text(Object reply) {
        return new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    private static List<String> texts(Object reply) {
        return ((List<?>) reply).stream().map(ClusterClientsTest::text).toList();
    }
}
