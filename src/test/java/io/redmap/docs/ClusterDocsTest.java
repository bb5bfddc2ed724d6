package io.redmap.docs;

import io.redmap.cluster.SlotHash;
import io.redmap.testing.ClusterProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docs/cluster.md} cannot drift: the cluster its topology.conf declares runs (on free ports
 * instead of 7000-7005), its shell blocks run against it as written (ports replaced), its Java block
 * is {@link ClusterExample}'s source and its Python block {@code docs/examples/cluster_client.py},
 * both run against it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterDocsTest {
    private static final String PAGE = "cluster.md";
    private static final Path PYTHON_EXAMPLE = Path.of("docs/examples/cluster_client.py");
    /** The page's ports: 7000 + i is node i (7000-7002 the masters, 7003-7005 their replicas). */
    private static final Pattern PAGE_PORT = Pattern.compile("\\b700([0-5])\\b");

    @TempDir
    static Path dir;
    /** The page's topology on free ports: node i (port 7000 + i on the page) on {@code ports().get(i)}. */
    @RegisterExtension
    static final ClusterProcesses cluster = ClusterProcesses.of(6,
            ports -> topologyConf().lines().map(line -> withPorts(line, ports)).toList());

    @Test
    void shellBlocksRunAsWritten() throws Exception {
        List<String> blocks = DocsExamplesTest.blocks(PAGE, "sh");
        assertThat(blocks).as("```sh blocks in docs/%s", PAGE).hasSize(2);
        String check = run(blocks.get(0));
        assertThat(check).contains("[OK] All 16384 slots covered.", "[OK] All nodes agree about slots configuration.");
        String reshard = run(blocks.get(1));
        assertThat(reshard).contains("Moving slot 0 from 127.0.0.1:" + port(0), "Moving slot 99 from")
                .doesNotContain("Moving slot 100 ");
        assertThat(cluster.query(port(1), Jedis::clusterNodes)).containsPattern("myself,master - 0 0 \\d+ connected 0-99 5461-10922\n");
        // The array the first block mapped is on the node that serves its slot now.
        int owner = ownerOf("prices");
        Set<String> keys = cluster.query(port(owner), jedis -> jedis.keys("prices"));
        assertThat(keys).containsExactly("prices");
    }

    @Test
    void javaExampleRoutesArrayCommandsOverEveryShard() {
        Path source = DocsExamplesTest.ROOT.resolve("src/test/java/io/redmap/docs/ClusterExample.java");
        assertThat(DocsExamplesTest.blocks(PAGE, "java")).as("```java blocks in docs/%s", PAGE)
                .containsExactly(DocsExamplesTest.normalise(read(source)));
        ClusterExample.run(Set.of(new HostAndPort("127.0.0.1", port(2))));
        // The three sensors are spread over the shards by their slots: each is where CLUSTER KEYSLOT says.
        for (String sensor : List.of("sensor:1", "sensor:2", "sensor:3")) {
            Set<String> keys = cluster.query(port(ownerOf(sensor)), jedis -> jedis.keys("sensor:*"));
            assertThat(keys).contains(sensor);
        }
    }

    @Test
    void pythonExampleRoutesArrayCommandsOverEveryShard() throws Exception {
        Path script = DocsExamplesTest.ROOT.resolve(PYTHON_EXAMPLE);
        assertThat(DocsExamplesTest.blocks(PAGE, "python")).as("```python blocks in docs/%s", PAGE)
                .containsExactly(DocsExamplesTest.normalise(read(script)));
        assumeTrue(DocsExamplesTest.pythonReady(), "/usr/bin/python3 cannot import redis and numpy");
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true);
        builder.environment().put("REDMAP_CLUSTER", "127.0.0.1:" + port(1));
        String output = finish(builder.start(), PYTHON_EXAMPLE.toString());
        for (int day = 0; day < 3; day++) {
            assertThat(output).contains("orders:" + day + " is served by 127.0.0.1:" + port(ownerOf("orders:" + day)));
        }
    }

    private static int port(int node) {
        return cluster.ports().get(node);
    }

    /** The node that serves a key's slot now, by CLUSTER SLOTS. */
    private static int ownerOf(String key) {
        int slot = SlotHash.slot(key.getBytes(StandardCharsets.UTF_8));
        return cluster.ports().indexOf(cluster.masterPortOf(port(0), slot));
    }

    /** The page's topology.conf: its ```conf block with the {@code cluster-shard} lines. */
    private static String topologyConf() {
        List<String> candidates = DocsExamplesTest.blocks(PAGE, "conf").stream()
                .filter(block -> block.contains("cluster-shard")).toList();
        assertThat(candidates).as("```conf blocks with cluster-shard lines in docs/%s", PAGE).hasSize(1);
        return candidates.getFirst();
    }

    private static String withPorts(String text, List<Integer> ports) {
        Matcher port = PAGE_PORT.matcher(text);
        return port.replaceAll(match -> Integer.toString(ports.get(Integer.parseInt(match.group(1)))));
    }

    private String run(String block) throws IOException, InterruptedException {
        Path script = Files.writeString(dir.resolve("block.sh"), "set -e\n" + withPorts(block, cluster.ports()));
        return finish(new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start(), "a ```sh block");
    }

    private static String finish(Process process, String what) throws IOException, InterruptedException {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("%s did not finish; output:%n%s", what, output);
        }
        assertThat(process.exitValue()).as("%s exit code; output:%n%s", what, output).isZero();
        return output;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
