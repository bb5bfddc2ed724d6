package io.redmap.replication;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SWAPDB is a write: the replica swaps the same two databases, in the stream's order with the writes around it. */
class ReplicationSwapdbTest extends MasterAndReplica {
    @Test
    void theReplicaSwapsTheSameDatabases() {
        master.call("MMAP", "a", "a.f8", "double", "WRITABLE");
        master.call("VADD", "a", 1.5);
        master.call("SELECT", 1);
        master.call("MMAP", "b", "b.i4", "int32", "WRITABLE");
        master.call("VADD", "b", 7);
        assertThat(master.call("SWAPDB", 0, 1)).isEqualTo("OK");
        master.call("VADD", "a", 2.5); // database 1 now holds a: the write follows the swap on the replica too
        assertThat(master.call("SWAPDB", 3, 3)).isEqualTo("OK");
        assertReplicated();
        replica.call("SELECT", 1);
        assertThat(replica.call("VALL", "a")).isEqualTo(List.of("1.5", "2.5"));
        replica.call("SELECT", 0);
        assertThat(replica.call("VALL", "b")).isEqualTo(List.of(7L));
    }
}
