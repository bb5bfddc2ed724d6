package io.redmap.it;

import io.redmap.testing.Exchanges;
import io.redmap.testing.RawClient;
import io.redmap.testing.RealRedis;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT|HELP through Jedis and raw sockets; errors, nils and help
 * compared byte for byte with a real redis-server.
 */
class ObjectCommandsTest {
    private TestServer server;
    private Jedis jedis;
    private ArrayClient redis;

    @BeforeEach
    void start() {
        server = TestServer.start();
        jedis = server.jedis();
        redis = new ArrayClient(jedis);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void encodingIsMmapAndRefcountCountsTheKeysOnTheFile() {
        redis.call("MMAP", "a", "shared.f8", "double", "WRITABLE");
        redis.call("MMAP", "b", "shared.f8", "double", "WRITABLE");
        redis.call("MMAP", "c", "own.i4", "int32", "WRITABLE");
        assertThat(redis.call("OBJECT", "ENCODING", "a")).isEqualTo("mmap");
        assertThat(jedis.objectEncoding("c")).isEqualTo("mmap");
        assertThat(redis.call("OBJECT", "REFCOUNT", "a")).isEqualTo(2L);
        assertThat(jedis.objectRefcount("c")).isEqualTo(1L);
        redis.call("DEL", "b");
        assertThat(redis.call("OBJECT", "REFCOUNT", "a")).isEqualTo(1L);
        for (String sub : List.of("ENCODING", "REFCOUNT", "IDLETIME", "FREQ")) {
            assertThat(redis.call("OBJECT", sub, "missing")).as(sub).isNull();
        }
    }

    @Test
    void idletimeCountsFromTheLastUseAndLookingAtAKeyIsNoUse() throws InterruptedException {
        redis.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        redis.call("VADD", "k", 1.5);
        Thread.sleep(2100);
        // Neither OBJECT, MEMORY USAGE, TYPE, EXISTS nor SCAN uses the value (Redis's LOOKUP_NOTOUCH).
        redis.call("OBJECT", "ENCODING", "k");
        redis.call("MEMORY", "USAGE", "k");
        redis.call("TYPE", "k");
        redis.call("EXISTS", "k");
        redis.call("SCAN", "0");
        assertThat((Long) redis.call("OBJECT", "IDLETIME", "k")).isGreaterThanOrEqualTo(2L);
        redis.call("VGET", "k", 0);
        assertThat((Long) redis.call("OBJECT", "IDLETIME", "k")).isLessThan(2L);
    }

    @Test
    void clientNoTouchLeavesIdleTimeAsItWasUntilTurnedOffOrReset() throws InterruptedException {
        redis.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        redis.call("VADD", "k", 1.5);
        Thread.sleep(2100);
        assertThat(jedis.clientNoTouchOn()).isEqualTo("OK");
        redis.call("VGET", "k", 0);
        redis.call("VCOUNT", "k");
        assertThat((Long) redis.call("OBJECT", "IDLETIME", "k")).isGreaterThanOrEqualTo(2L);
        redis.call("RESET");
        redis.call("VGET", "k", 0);
        assertThat((Long) redis.call("OBJECT", "IDLETIME", "k")).as("RESET turned NO-TOUCH off").isLessThan(2L);
    }

    @Test
    void freqCountsAccessesUnderAnLfuPolicyOnly() {
        redis.call("MMAP", "k", "k.f8", "double", "WRITABLE");
        redis.call("VADD", "k", 1.5);
        redis.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-log-factor", "0", "lfu-decay-time", "0");
        assertThat(redis.call("OBJECT", "FREQ", "k")).as("a key starts at LFU_INIT_VAL").isEqualTo(5L);
        for (int i = 0; i < 10; i++) {
            redis.call("VGET", "k", 0);
        }
        // lfu-log-factor 0: every access counts.
        assertThat(jedis.objectFreq("k")).isEqualTo(15L);
        assertThat(redis.error("OBJECT", "IDLETIME", "k")).startsWith("ERR An LFU maxmemory policy is selected");
        redis.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        assertThat(redis.error("OBJECT", "FREQ", "k")).startsWith("ERR An LFU maxmemory policy is not selected");
        assertThat((Long) redis.call("OBJECT", "IDLETIME", "k")).isLessThan(2L);
    }

    /** The key is made by SET on Redis and by MMAP here; every line after is sent to both. */
    private static final String[] SCRIPT = {
            "OBJECT FREQ k", "OBJECT HELP", "OBJECT ENCODING missing", "OBJECT FREQ missing", "OBJECT IDLETIME missing",
            "OBJECT REFCOUNT missing", "OBJECT", "OBJECT foo", "OBJECT foo k", "OBJECT ENCODING", "OBJECT ENCODING k k",
            "OBJECT HELP x", "object help",
            "CONFIG SET maxmemory-policy volatile-lfu", "OBJECT IDLETIME k", "OBJECT IDLETIME missing",
            "CONFIG SET maxmemory-policy noeviction",
            "HELLO 3", "OBJECT ENCODING missing", "OBJECT FREQ missing"};

    @Test
    void errorsNilsAndHelpAreRedis() {
        List<String> replies = run(server.port(), "MMAP k k.f8 double WRITABLE");
        assertThat(replies.get(0)).isEqualTo("-ERR An LFU maxmemory policy is not selected, access frequency not tracked."
                + " Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n");
        assertThat(replies.get(replies.size() - 1)).isEqualTo("_\r\n");
        try (RealRedis real = RealRedis.start()) {
            assertThat(withoutHello(replies)).isEqualTo(as72(withoutHello(run(real.port(), "SET k v"))));
        }
    }

    /** Debian's Redis 7.0 ends a help with "Prints this help."; 7.2, which redmap answers as, with "Print". */
    static List<String> as72(List<String> replies) {
        return replies.stream().map(reply -> reply.replace("+    Prints this help.\r\n", "+    Print this help.\r\n")).toList();
    }

    private static List<String> run(int port, String setup) {
        try (RawClient client = new RawClient(port)) {
            Exchanges.run(client, setup);
            return Exchanges.run(client, SCRIPT);
        }
    }

    /** HELLO's reply names the server and its version: the only line allowed to differ. */
    private static List<String> withoutHello(List<String> replies) {
        List<String> kept = new ArrayList<>(replies);
        kept.remove(List.of(SCRIPT).indexOf("HELLO 3"));
        return kept;
    }
}
