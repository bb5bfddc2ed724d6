package io.redmap.replication;

import io.redmap.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MONITOR on a replica shows the commands it applies from its master as Redis shows them: from the
 * master's address, in the database the stream selected, as the stream carries them.
 */
class ReplicationMonitorTest extends MasterAndReplica {
    @Test
    void aReplicasMonitorShowsTheStreamFromTheMaster() {
        try (RawClient monitor = new RawClient(replica.port())) {
            assertThat(monitor.call("MONITOR")).isEqualTo("+OK\r\n");
            master.in(3, "MMAP", "k", "k.f8", "double", "WRITABLE");
            master.call("VADD", "k", 2.5);
            assertReplicated();

            String from = "\\+\\d+\\.\\d{6} \\[3 127\\.0\\.0\\.1:" + master.port() + "\\] ";
            List<String> lines = new ArrayList<>();
            while (lines.size() < 3) {
                String line = monitor.readLine();
                if (!line.contains("\"PING\"")) { // the master's keep-alive, shown as Redis shows it
                    lines.add(line);
                }
            }
            assertThat(lines.get(0)).matches(from + "\"SELECT\" \"3\"\r\n");
            assertThat(lines.get(1)).matches(from + "\"MMAP\" \"k\" \"k.f8\" \"double\" \"WRITABLE\"\r\n");
            // The stream carries an append as the bytes it wrote (2.5, a little-endian double).
            assertThat(lines.get(2)).matches(from + "\"VWRITE\" \"k\" \"0\" \"(\\\\x00){6}\\\\x04@\"\r\n");
        }
    }
}
