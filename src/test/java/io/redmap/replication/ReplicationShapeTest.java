package io.redmap.replication;

import io.redmap.testing.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.redmap.replication.Keyspaces.assertSameData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Element shapes reach replicas (SPEC H with F): by a full sync (the manifest carries the shape when
 * DIM cannot say it) and by the stream (the MMAP itself), for raw files and .npy files of any rank.
 */
class ReplicationShapeTest {
    @RegisterExtension
    final Nodes nodes = new Nodes();

    @TempDir
    Path masterDir;

    @TempDir
    Path replicaDir;

    @Test
    void aFullSyncGivesTheReplicaEveryKeyWithItsShape() {
        Numpy.assume();
        Numpy.run("import numpy as np, sys; np.save(sys.argv[1], np.arange(24, dtype='<f4').reshape(2, 3, 4))",
                List.of(masterDir.resolve("cube.npy").toString()));
        Node master = nodes.start("master", masterDir);
        assertThat(master.call("MMAP", "cube", "cube.npy", "WRITABLE")).isEqualTo(2L);
        master.call("MMAP", "raw", "raw.i2", "int16", "SHAPE", 2, 1, 3, "WRITABLE");
        master.call("VADD", "raw", 1, 2, 3, 4, 5, 6);
        master.call("MMAP", "one", "one.f8", "double", "SHAPE", 1, "WRITABLE");
        master.call("MMAP", "rows", "rows.f8", "double", "DIM", 3, "WRITABLE");

        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        assertSameData(master, replica);
        assertThat(replica.call("VSHAPE", "cube")).isEqualTo(List.of(2L, 3L, 4L));
        assertThat(replica.call("VSHAPE", "raw")).isEqualTo(List.of(1L, 2L, 1L, 3L));
        assertThat(replica.call("VSHAPE", "one")).isEqualTo(List.of(0L, 1L));
        assertThat(replica.call("VSHAPE", "rows")).isEqualTo(List.of(0L, 3L));
    }

    @Test
    void mapsAndAppendsOnTheStreamKeepTheShape() {
        Node master = nodes.start("master", masterDir);
        Node replica = nodes.replica("replica", master, replicaDir);
        nodes.awaitAcknowledged(master, 1);

        master.call("MMAP", "img", "img.npy", "uint8", "SHAPE", 2, 2, "WRITABLE");
        master.call("VADD", "img", 1, 2, 3, 4, 5, 6, 7, 8);
        master.call("MMAP", "raw", "raw.f4", "float", "SHAPE", 3, 2, "WRITABLE");
        master.call("VADD", "raw", 1, 2, 3, 4, 5, 6);
        assertThat(master.call("WAIT", 1, 5000)).isEqualTo(1L);

        assertSameData(master, replica);
        assertThat(replica.call("VSHAPE", "img")).isEqualTo(List.of(2L, 2L, 2L));
        assertThat(replica.call("VSHAPE", "raw")).isEqualTo(List.of(1L, 3L, 2L));
    }
}
