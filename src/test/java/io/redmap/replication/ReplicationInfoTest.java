package io.redmap.replication;

import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new master says of its replication, as Redis 7 says it: Sentinel and exporters parse INFO
 * replication and ROLE, so the fields, their order and the reply shapes are compared with a real
 * redis-server's.
 */
class ReplicationInfoTest {
    @Test
    void roleOfAMasterWithoutReplicasIsRedissReply() {
        try (TestServer server = TestServer.start(); RawClient redmap = new RawClient(server.port());
                RealRedis redis = RealRedis.start(); RawClient real = redis.client()) {
            assertThat(redmap.call("ROLE")).isEqualTo("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n").isEqualTo(real.call("ROLE"));
            redmap.call("HELLO", "3");
            real.call("HELLO", "3");
            assertThat(redmap.call("ROLE")).isEqualTo(real.call("ROLE"));
        }
    }

    @Test
    void infoReplicationHasRedissFieldsInRedissOrder() {
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis();
                RealRedis redis = RealRedis.start(); Jedis real = new Jedis("127.0.0.1", redis.port())) {
            List<String> ours = jedis.info("replication").lines().toList();
            List<String> theirs = real.info("replication").lines().toList();
            assertThat(ours.stream().map(ReplicationInfoTest::name).toList())
                    .isEqualTo(theirs.stream().map(ReplicationInfoTest::name).toList());
            assertThat(ours).contains("role:master", "connected_slaves:0", "master_repl_offset:0",
                    "master_replid2:0000000000000000000000000000000000000000", "second_repl_offset:-1",
                    "repl_backlog_size:1048576");
            String replid = ours.stream().filter(line -> line.startsWith("master_replid:")).findFirst().orElseThrow();
            assertThat(replid).matches("master_replid:[0-9a-f]{40}").isNotEqualTo("master_replid:" + "0".repeat(40));
            // The id is the server's for its life: asked twice, the same.
            assertThat(jedis.info("replication")).contains(replid);

            assertThat(jedis.configSet("repl-backlog-size", "10mb")).isEqualTo("OK");
            assertThat(jedis.info("replication")).contains("repl_backlog_size:10485760");
        }
    }

    private static String name(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? line : line.substring(0, colon);
    }
}
