package io.redmap.stats;

import io.redmap.testing.Poll;
import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** MONITOR: the line of each command run, in Redis's format, to every monitoring connection. */
class MonitorTest {
    private static final String STAMP = "\\+\\d+\\.\\d{6} ";

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void eachCommandThatRanIsALine() {
        try (RawClient monitor = new RawClient(server.port()); RawClient other = new RawClient(server.port());
                RawClient client = new RawClient(server.port())) {
            assertThat(monitor.call("MONITOR")).isEqualTo("+OK\r\n");
            assertThat(other.call("MONITOR")).isEqualTo("+OK\r\n");
            String from = "\\[0 127\\.0\\.0\\.1:\\d+\\] ";
            client.call("MMAP", "k", "k.f8", "double", "WRITABLE");
            client.call("VADD", "k", "1.5");
            client.call("CONFIG", "GET", "hz");                      // administrative: not shown
            client.call("NOSUCH");                                   // refused before it ran: not shown
            client.call("AUTH", "secret");                           // ran and failed: shown, redacted
            client.call("ECHO", "a\"b\\c\r\n\u0001");
            client.call("SELECT", "2");
            client.call("MULTI");
            client.call("DBSIZE");
            client.call("EXEC");
            for (RawClient reader : new RawClient[] {monitor, other}) {
                assertThat(reader.readLine()).matches(STAMP + from + "\"MMAP\" \"k\" \"k.f8\" \"double\" \"WRITABLE\"\r\n");
                assertThat(reader.readLine()).matches(STAMP + from + "\"VADD\" \"k\" \"1.5\"\r\n");
                assertThat(reader.readLine()).matches(STAMP + from + "\"AUTH\" \"\\(redacted\\)\"\r\n");
                assertThat(reader.readLine()).matches(STAMP + from + "\"ECHO\" \"a\\\\\"b\\\\\\\\c\\\\r\\\\n\\\\x01\"\r\n");
                assertThat(reader.readLine()).as("the database after SELECT").matches(STAMP + "\\[2 .*\"SELECT\" \"2\"\r\n");
                assertThat(reader.readLine()).matches(STAMP + "\\[2 .*\"MULTI\"\r\n");
                assertThat(reader.readLine()).as("queued commands are shown as EXEC runs them")
                        .matches(STAMP + "\\[2 .*\"DBSIZE\"\r\n");
                assertThat(reader.readLine()).matches(STAMP + "\\[2 .*\"EXEC\"\r\n");
            }
        }
    }

    @Test
    void aMonitorIsAReplicaToRedis() {
        try (RawClient monitor = new RawClient(server.port()); RawClient client = new RawClient(server.port())) {
            monitor.call("MULTI");
            monitor.call("MONITOR");
            assertThat(monitor.call("EXEC")).isEqualTo("*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
            assertThat(monitor.call("MONITOR")).isEqualTo("+OK\r\n");
            assertThat(monitor.call("PING")).isEqualTo("+PONG\r\n");
            assertThat(monitor.readLine()).matches(STAMP + ".*\"PING\"\r\n");
            assertThat(monitor.call("DBSIZE")).isEqualTo("-ERR Replica can't interact with the keyspace\r\n");
            assertThat(monitor.call("RESET")).isEqualTo("+RESET\r\n");
            client.call("PING");
            assertThat(monitor.call("DBSIZE")).as("RESET ended MONITOR: no line came in between").isEqualTo(":0\r\n");
        }
    }

    @Test
    void aClosedMonitorIsDropped() {
        try (RawClient client = new RawClient(server.port())) {
            try (RawClient monitor = new RawClient(server.port())) {
                monitor.call("MONITOR");
            }
            // Each command's line goes to live monitors only; the closed one is forgotten on the way.
            Poll.until(Duration.ofSeconds(30), "without monitors", () -> client.call("PING"),
                    pong -> server.server().state().observability().monitors().isEmpty(), () -> "");
        }
    }
}
