package io.redmap.it;

import io.redmap.testing.Exchanges;
import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SHUTDOWN, BGSAVE and SAVE take exactly the arguments Redis 7 takes; the rest is refused before anything happens. */
class ShutdownAndSaveArgumentsTest {
    private static final String SYNTAX = "-ERR syntax error\r\n";

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Refused forms: none of them may stop the server, so a PING after them is answered. */
    private static final String[] REFUSED = {
            "SHUTDOWN NOSAVE SAVE", "SHUTDOWN SAVE NOW NOSAVE", "SHUTDOWN ABORT", "SHUTDOWN ABORT ABORT",
            "SHUTDOWN ABORT NOW", "SHUTDOWN NOSAVE ABORT", "SHUTDOWN ABORT foo", "SHUTDOWN foo", "SHUTDOWN NOW later",
            "BGSAVE foo", "BGSAVE SCHEDULE x", "SAVE foo", "PING"};

    @Test
    void refusedShutdownAndSaveFormsGetRedisErrorsAndTheServerStaysUp() {
        List<String> replies = Exchanges.run(server.port(), REFUSED);
        assertThat(replies).containsExactly(SYNTAX, SYNTAX, "-ERR No shutdown in progress.\r\n",
                "-ERR No shutdown in progress.\r\n", SYNTAX, SYNTAX, SYNTAX, SYNTAX, SYNTAX,
                SYNTAX, SYNTAX, "-ERR wrong number of arguments for 'save' command\r\n", "+PONG\r\n");
        try (RealRedis redis = RealRedis.start()) {
            assertThat(Exchanges.run(redis.port(), REFUSED)).isEqualTo(replies);
        }
    }

    /** One BGSAVE only: a second one while Redis's child still runs gets "already in progress". */
    private static final String[] ACCEPTED_SAVES = {"BGSAVE SCHEDULE", "MULTI", "SAVE", "BGSAVE",
            "SHUTDOWN NOSAVE SAVE", "SHUTDOWN", "EXEC"};

    @Test
    void bgsaveScheduleSavesAndInsideMultiSaveAndShutdownAreRefused() {
        List<String> replies = Exchanges.run(server.port(), ACCEPTED_SAVES);
        String notInMulti = "-ERR Command not allowed inside a transaction\r\n";
        assertThat(replies).containsExactly("+Background saving started\r\n", "+OK\r\n", notInMulti, "+QUEUED\r\n", notInMulti, notInMulti,
                "-EXECABORT Transaction discarded because of previous errors.\r\n");
        try (RealRedis redis = RealRedis.start()) {
            assertThat(Exchanges.run(redis.port(), ACCEPTED_SAVES)).isEqualTo(replies);
        }
        assertThat(Exchanges.run(server.port(), "BGSAVE schedule", "BGSAVE")).containsOnly("+Background saving started\r\n");
    }

    @Test
    void everyAcceptedShutdownFlagCombinationStopsTheServer() throws InterruptedException {
        for (String flags : List.of("", "NOSAVE", "SAVE", "NOW", "FORCE", "NOSAVE NOW FORCE", "save save now")) {
            try (TestServer other = TestServer.start(); RawClient client = new RawClient(other.port())) {
                client.send(("SHUTDOWN " + flags).trim() + "\r\n");
                assertThat(client.closedByServer()).as("SHUTDOWN %s closes the connection", flags).isTrue();
                other.server().awaitShutdown();
                assertThat(other.server().isClosed()).as("SHUTDOWN %s stops the server", flags).isTrue();
            }
        }
    }
}
