package io.redmap.server;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protected mode's decision. The tests may only open loopback connections, so the refusal of a
 * remote client is checked here on addresses, and the loopback side through real clients
 * everywhere else.
 */
class ProtectedModeTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("10.1.2.3", 40000);
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOOPBACK6 = new InetSocketAddress("::1", 40000);

    @Test
    void withoutPasswordOnlyLoopbackClientsAreAccepted() {
        assertThat(ConnectionAdmission.refusedByProtectedMode(true, true, REMOTE)).isTrue();
        assertThat(ConnectionAdmission.refusedByProtectedMode(true, true, LOOPBACK)).isFalse();
        assertThat(ConnectionAdmission.refusedByProtectedMode(true, true, LOOPBACK6)).isFalse();
    }

    @Test
    void aDefaultUserPasswordOrProtectedModeOffLetsRemoteClientsIn() {
        assertThat(ConnectionAdmission.refusedByProtectedMode(true, false, REMOTE)).isFalse();
        assertThat(ConnectionAdmission.refusedByProtectedMode(false, true, REMOTE)).isFalse();
    }
}
