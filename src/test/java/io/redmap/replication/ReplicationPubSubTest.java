package io.redmap.replication;

import io.redmap.testing.RawClient;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "PUBLISH on a master also reaches its replicas' subscribers, as in Redis", in RESP2
 * (subscribed mode) and RESP3 (push messages), by channel and by pattern. A PUBLISH on a replica
 * stays on the replica, as in Redis; and a replica's own keyspace notifications report the writes
 * it applies from its master.
 */
class ReplicationPubSubTest extends MasterAndReplica {
    @Test
    void publishOnTheMasterReachesSubscribersOnTheReplica() {
        try (RawClient channel = new RawClient(replica.port()); RawClient pattern = new RawClient(replica.port());
                RawClient push = new RawClient(replica.port()); RawClient onMaster = new RawClient(master.port())) {
            assertThat(channel.call("SUBSCRIBE", "news")).isEqualTo("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
            assertThat(pattern.call("PSUBSCRIBE", "ne*")).isEqualTo("*3\r\n$10\r\npsubscribe\r\n$3\r\nne*\r\n:1\r\n");
            push.call("HELLO", "3");
            assertThat(push.call("SUBSCRIBE", "news")).isEqualTo(">3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
            onMaster.call("SUBSCRIBE", "news");

            assertThat(master.call("PUBLISH", "news", "hello")).as("receivers on the master itself").isEqualTo(1L);
            assertThat(channel.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
            assertThat(pattern.readReply()).isEqualTo("*4\r\n$8\r\npmessage\r\n$3\r\nne*\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
            assertThat(push.readReply()).isEqualTo(">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
            assertThat(onMaster.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n");

            // In order, with writes in between, and a payload of any bytes.
            master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
            master.call("PUBLISH", "news", "second");
            master.call("VADD", "k", 1);
            master.call("PUBLISH", "news", "third\r\nline");
            assertThat(channel.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$6\r\nsecond\r\n");
            assertThat(channel.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$11\r\nthird\r\nline\r\n");
            assertThat(replica.call("PUBSUB", "NUMSUB", "news")).isEqualTo(java.util.List.of("news", 2L));
        }
    }

    @Test
    void publishOnAReplicaStaysOnTheReplica() {
        try (RawClient onReplica = new RawClient(replica.port()); RawClient onMaster = new RawClient(master.port())) {
            onReplica.call("SUBSCRIBE", "local");
            onMaster.call("SUBSCRIBE", "local");
            assertThat(replica.call("PUBLISH", "local", "from-replica")).isEqualTo(1L);
            assertThat(onReplica.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$5\r\nlocal\r\n$12\r\nfrom-replica\r\n");
            assertThat(master.call("PUBLISH", "local", "from-master")).isEqualTo(1L);
            assertThat(onMaster.readReply()).as("the master's subscriber gets only the master's message")
                    .isEqualTo("*3\r\n$7\r\nmessage\r\n$5\r\nlocal\r\n$11\r\nfrom-master\r\n");
            assertThat(onReplica.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$5\r\nlocal\r\n$11\r\nfrom-master\r\n");
        }
    }

    @Test
    void aReplicasKeyspaceNotificationsReportTheWritesItApplies() {
        assertThat(replica.call("CONFIG", "SET", "notify-keyspace-events", "KEA")).isEqualTo("OK");
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1, 2);
        assertThat(master.call("WAIT", 1, 5000)).isEqualTo(1L);
        try (RawClient subscriber = new RawClient(replica.port())) {
            subscriber.call("SUBSCRIBE", "__keyspace@0__:k");
            master.call("VSET", "k", 0, 5);
            master.call("DEL", "k");
            assertThat(subscriber.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$4\r\nvset\r\n");
            assertThat(subscriber.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$3\r\ndel\r\n");
        }
    }
}
