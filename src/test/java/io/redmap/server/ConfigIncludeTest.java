package io.redmap.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code include} in a config file, as redis.conf has it (a cluster's nodes share one topology file):
 * its directives apply where the line is, list options add up, and CONFIG REWRITE (which Sentinel
 * sends in every failover) leaves the included file's options to it instead of copying them into
 * the main file, where a repeated {@code cluster-shard} line would stop the next start.
 */
class ConfigIncludeTest {
    @TempDir
    Path dir;

    @Test
    void anIncludedFilesDirectivesApplyAndStayInThatFileWhenTheMainOneIsRewritten() throws Exception {
        Files.write(dir.resolve("topology.conf"), List.of(
                "cluster-enabled yes",
                "cluster-shard a 0-8191 127.0.0.1:7000 127.0.0.1:7002",
                "cluster-shard b 8192-16383 127.0.0.1:7001 127.0.0.1:7003",
                "timeout 30"));
        Path main = Files.write(dir.resolve("node.conf"), List.of("include topology.conf", "port 7002", "timeout 60"));

        ServerConfig config = ServerConfig.fromArgs(main.toString());
        assertThat(config.getBool("cluster-enabled")).isTrue();
        assertThat(config.lines("cluster-shard")).containsExactly(
                "a 0-8191 127.0.0.1:7000 127.0.0.1:7002", "b 8192-16383 127.0.0.1:7001 127.0.0.1:7003");
        assertThat(config.get("timeout")).as("the main file's later line wins").isEqualTo("60");

        config.set("replicaof", "127.0.0.1 7000");
        config.setAtRuntime("maxclients", "500");
        config.rewrite();
        List<String> rewritten = Files.readAllLines(main);
        assertThat(rewritten).contains("include topology.conf", "port 7002", "timeout 60", "replicaof 127.0.0.1 7000",
                "maxclients 500");
        assertThat(rewritten).noneMatch(line -> line.startsWith("cluster-"));

        ServerConfig again = ServerConfig.fromArgs(main.toString());
        assertThat(again.lines("cluster-shard")).hasSize(2);
        assertThat(again.get("maxclients")).isEqualTo("500");
    }
}
