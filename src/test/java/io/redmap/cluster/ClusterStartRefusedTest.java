package io.redmap.cluster;

import io.redmap.testing.ClusterProcesses;
import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node refuses to start on a topology it cannot serve (SPEC G: the topology is checked whole
 * before the server starts): the process exits with a failure code, and its log says why, naming
 * the slots or the address. Three processes started side by side, none of which ever listens.
 */
class ClusterStartRefusedTest {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aTopologyWithAHoleOrWithoutThisNodeOrWithoutAFixedPortStopsTheStart(@TempDir Path root) throws IOException {
        List<Integer> ports = ClusterProcesses.freePorts(2);
        int port = ports.get(0);
        int other = ports.get(1);
        // Slots 5001-5099 and 16383 belong to no shard.
        ServerProcess withHole = ServerProcess.launch(dir(root, "hole"), "--port", Integer.toString(port),
                "--cluster-enabled", "yes",
                "--cluster-shard", "a", "0-5000", "127.0.0.1:" + port,
                "--cluster-shard", "b", "5100-16382", "127.0.0.1:" + other);
        // A complete topology, but this node's port is in no line: it would not know what it serves.
        ServerProcess notListed = ServerProcess.launch(dir(root, "not-listed"), "--port", Integer.toString(port),
                "--cluster-enabled", "yes",
                "--cluster-shard", "a", "0-16383", "127.0.0.1:" + other);
        // Nodes are named by address: an ephemeral port (0) cannot be in the topology.
        ServerProcess ephemeral = ServerProcess.launch(dir(root, "ephemeral"),
                "--cluster-enabled", "yes",
                "--cluster-shard", "a", "0-16383", "127.0.0.1:" + other);
        try {
            assertThat(withHole.awaitExit(EXIT_TIMEOUT)).as("exit code; log:\n%s", withHole.log()).isNotZero();
            assertThat(withHole.log()).contains("slots 5001-5099,16383 are given to no shard");

            assertThat(notListed.awaitExit(EXIT_TIMEOUT)).as("exit code; log:\n%s", notListed.log()).isNotZero();
            assertThat(notListed.log()).contains("this node (port " + port + ") is not a node of any cluster-shard line");

            assertThat(ephemeral.awaitExit(EXIT_TIMEOUT)).as("exit code; log:\n%s", ephemeral.log()).isNotZero();
            assertThat(ephemeral.log()).contains("cluster-enabled yes needs a fixed port");

            for (ServerProcess process : List.of(withHole, notListed, ephemeral)) {
                assertThat(process.log()).doesNotContain("Ready to accept connections");
            }
        } finally {
            withHole.close();
            notListed.close();
            ephemeral.close();
        }
    }

    private static Path dir(Path root, String name) throws IOException {
        return Files.createDirectories(root.resolve(name));
    }
}
