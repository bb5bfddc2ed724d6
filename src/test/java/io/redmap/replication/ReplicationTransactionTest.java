package io.redmap.replication;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MULTI/EXEC on a master with a replica: every command of the transaction that changed something
 * reaches the replica (in the databases SELECT chose inside it), nothing of a transaction that
 * WATCH aborted or DISCARD dropped, and (as in Redis, whose replicas run a transaction's effects
 * between MULTI and EXEC) a client of the replica never sees half a transaction.
 */
class ReplicationTransactionTest extends MasterAndReplica {
    @Test
    void commandsInsideMultiExecAreReplicated() {
        master.call("MMAP", "a", "a.f8", "double", "WRITABLE");
        master.call("VADD", "a", 1, 2, 3);
        try (Jedis jedis = master.connect()) {
            assertThat(Node.call(jedis, "MULTI")).isEqualTo("OK");
            Node.call(jedis, "VSET", "a", 0, 10);
            Node.call(jedis, "VADD", "a", 4);
            Node.call(jedis, "VINCRBYFLOAT", "a", 1, "0.25");
            Node.call(jedis, "MMAP", "b", "b.i2", "int16", "WRITABLE");
            Node.call(jedis, "VADD", "b", 7, 8);
            Node.call(jedis, "SELECT", 4);
            Node.call(jedis, "MMAP", "c", "c.u1", "uint8", "WRITABLE");
            Node.call(jedis, "VADD", "c", 9);
            Node.call(jedis, "VPOP", "a"); // db 4 has no a: an error inside EXEC, the rest still runs
            Node.call(jedis, "SELECT", 0);
            Node.call(jedis, "RENAME", "b", "bb");
            Node.call(jedis, "VPOP", "a");
            List<?> results = (List<?>) Node.call(jedis, "EXEC");
            assertThat(results).hasSize(12);
            // A transaction that WATCH aborts sends nothing.
            Node.call(jedis, "WATCH", "a");
            master.call("VSET", "a", 2, 33);
            Node.call(jedis, "MULTI");
            Node.call(jedis, "VSET", "a", 2, 44);
            assertThat(Node.call(jedis, "EXEC")).isNull();
            Node.call(jedis, "MULTI");
            Node.call(jedis, "VSET", "a", 2, 55);
            assertThat(Node.call(jedis, "DISCARD")).isEqualTo("OK");
        }
        assertReplicated();
        assertThat(replica.call("VALL", "a")).isEqualTo(List.of("10", "2.25", "33"));
        assertThat(replica.in(4, "VALL", "c")).isEqualTo(List.of(9L));
    }

    @Test
    void aClientOfTheReplicaNeverSeesHalfATransaction() throws Exception {
        master.call("MMAP", "a", "a.i8", "int64", "WRITABLE");
        master.call("MMAP", "b", "b.i8", "int64", "WRITABLE");
        master.call("VADD", "a", 0);
        master.call("VADD", "b", 0);
        nodes.awaitAcknowledged(master, 1);
        int transactions = 2_000;
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Jedis jedis = master.connect()) {
                for (int i = 1; i <= transactions; i++) {
                    Node.call(jedis, "MULTI");
                    Node.call(jedis, "VSET", "a", 0, i);
                    Node.call(jedis, "VSET", "b", 0, i);
                    Node.call(jedis, "EXEC");
                }
            }
        });
        // Both elements read in one transaction on the replica: one moment of its keyspace.
        List<List<?>> torn = new ArrayList<>();
        long deadline = System.nanoTime() + Nodes.TIMEOUT.toNanos();
        try (Jedis reader = replica.connect()) {
            boolean end = false;
            while (!end) {
                assertThat(System.nanoTime()).as("the replica reaches the last transaction in time").isLessThan(deadline);
                boolean written = writer.isDone();
                Node.call(reader, "MULTI");
                Node.call(reader, "VGET", "a", 0);
                Node.call(reader, "VGET", "b", 0);
                List<?> seen = (List<?>) Node.call(reader, "EXEC");
                if (!seen.get(0).equals(seen.get(1))) {
                    torn.add(seen);
                }
                end = written && seen.get(1).equals((long) transactions);
            }
        }
        writer.get(60, TimeUnit.SECONDS);
        assertThat(torn).as("moments where the replica showed a transaction half applied").isEmpty();
        assertReplicated();
    }
}
