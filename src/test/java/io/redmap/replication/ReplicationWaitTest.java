package io.redmap.replication;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC F: "WAIT numreplicas timeout replies how many replicas acknowledged every earlier write",
 * and "a write acknowledged by WAIT n with n replicas is on all of them; after the master is killed
 * and a replica promoted, every such write is on the new master". A replica that is stopped
 * (SIGSTOP) acknowledges nothing; WAIT counts only the ones that did.
 */
class ReplicationWaitTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path aDir;

    @TempDir
    Path bDir;

    @Test
    void waitCountsOnlyTheReplicasThatAcknowledged() {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        Node a = nodes.replica("a", master, aDir);
        Node b = nodes.replica("b", master, bDir);
        nodes.awaitAcknowledged(master, 2);

        b.signal("STOP");
        try {
            master.call("VADD", "k", 1);
            assertThat(master.call("WAIT", 1, 5000)).as("a acknowledges").isEqualTo(1L);
            assertThat(master.call("WAIT", 2, 1000)).as("b is stopped: only a").isEqualTo(1L);
        } finally {
            b.signal("CONT");
        }
        assertThat(master.call("WAIT", 2, 10_000)).isEqualTo(2L);
        assertSameData(master, a);
        assertSameData(master, b);
    }

    @Test
    void waitWithoutATimeoutBlocksUntilAReplicaAcknowledges() throws Exception {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        master.call("VADD", "k", 1, 2);
        CompletableFuture<Object> wait;
        try (Jedis waiting = master.connect()) {
            wait = CompletableFuture.supplyAsync(() -> Node.call(waiting, "WAIT", 1, 0));
            nodes.await("WAIT to be blocked (its client listed with cmd=wait)",
                    () -> String.valueOf(master.call("CLIENT", "LIST")).contains("cmd=wait"));
            assertThat(wait).as("WAIT 1 0 blocks while there is no replica").isNotDone();

            Node replica = nodes.replica("replica", master, aDir);
            assertThat(wait.get(60, TimeUnit.SECONDS)).isEqualTo(1L);
            assertSameData(master, replica);
        }
    }

    @Test
    void waitInsideMultiRepliesAtOnce() {
        Node master = nodes.start("master", masterDir);
        master.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        Node replica = nodes.replica("replica", master, aDir);
        nodes.awaitAcknowledged(master, 1);
        replica.signal("STOP");
        try (Jedis jedis = master.connect()) {
            Node.call(jedis, "MULTI");
            Node.call(jedis, "VADD", "k", 1);
            Node.call(jedis, "WAIT", 1, 0);
            assertThat(Node.call(jedis, "EXEC")).as("WAIT in a transaction does not block, as in Redis")
                    .isEqualTo(List.of(1L, 0L));
        } finally {
            replica.signal("CONT");
        }
    }

    @Test
    void writesAcknowledgedByWaitAreOnTheReplicaPromotedAfterTheMasterIsKilled() {
        Node master = nodes.start("master", masterDir);
        master.in(0, "MMAP", "k", "k.f8", "double", "WRITABLE");
        master.in(6, "MMAP", "n", "n.i4", "int32", "WRITABLE");
        Node replica = nodes.replica("replica", master, aDir);
        nodes.awaitAcknowledged(master, 1);
        for (int i = 0; i < 200; i++) {
            master.in(i % 2 == 0 ? 0 : 6, "VADD", i % 2 == 0 ? "k" : "n", i);
        }
        master.in(6, "VINCRBY", "n", 0, 1000);
        master.in(0, "VINCRBYFLOAT", "k", 0, "0.1");
        assertThat(master.call("WAIT", 1, 5000)).isEqualTo(1L);
        Keyspaces.Snapshot acknowledged = Keyspaces.snapshot(master);

        master.kill();
        assertThat(replica.call("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
        assertThat(Keyspaces.snapshot(replica)).isEqualTo(acknowledged);
        assertThat(replica.in(6, "VGET", "n", 0)).isEqualTo(1001L);
        assertThat(replica.in(0, "VADD", "k", 1)).as("the promoted replica takes writes").isEqualTo(1L);
    }
}
