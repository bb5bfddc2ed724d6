package io.redmap.server;

import io.redmap.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Netty's messages reach the server's log in its format, at its level, with their arguments. */
class NettyLogTest {
    @TempDir
    Path dir;

    @Test
    void placeholdersTakeTheArgumentsInOrderAndALeftOverThrowableIsTheCause() {
        assertThat(NettyLog.format("-Dio.netty.{}: {}", "noUnsafe", true)).isEqualTo("-Dio.netty.noUnsafe: true");
        assertThat(NettyLog.format("no placeholder")).isEqualTo("no placeholder");
        assertThat(NettyLog.format("{} and {}", "one")).isEqualTo("one and {}");
        assertThat(NettyLog.format("closing {}", "channel", new IOException("reset")))
                .isEqualTo("closing channel: java.io.IOException: reset");
        assertThat(NettyLog.format("{}", new IOException("as an argument"))).isEqualTo("java.io.IOException: as an argument");
    }

    @Test
    void aServerAtDebugLevelLogsNettysLinesAsItsOwn() throws IOException {
        try (ServerProcess server = ServerProcess.start(dir, "--loglevel", "debug")) {
            assertThat(server.log()).containsPattern("(?m)^\\d+:M \\d+ \\w+ \\d{4} [\\d:.]+ \\. Netty \\(\\w+\\): ");
        }
        try (ServerProcess server = ServerProcess.start(Files.createDirectories(dir.resolve("quiet")))) {
            assertThat(server.log()).doesNotContain("Netty (").doesNotContain("io.netty");
        }
    }
}
