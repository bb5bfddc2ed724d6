package io.redmap.it;

import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact bytes the server writes, in RESP2 and after HELLO 3, over a plain socket. */
class WireFormatTest {
    private TestServer server;
    private RawClient client;

    @BeforeEach
    void start() {
        server = TestServer.start();
        client = new RawClient(server.port());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void doubleElementIsABulkStringInResp2AndADoubleInResp3() {
        expect(client.command("MMAP", "d", "d.bin"), ":0\r\n");
        expect(client.command("VADD", "d", "0.5", "-2", "inf"), ":3\r\n");
        expect(client.command("VGET", "d", "0"), "$3\r\n0.5\r\n");
        expect(client.command("VMGET", "d", "1", "2"), "*2\r\n$2\r\n-2\r\n$3\r\ninf\r\n");
        hello3();
        expect(client.command("VGET", "d", "0"), ",0.5\r\n");
        expect(client.command("VMGET", "d", "1", "2"), "*2\r\n,-2\r\n,inf\r\n");
    }

    @Test
    void vpopOnAnEmptyArrayIsNil() {
        expect(client.command("MMAP", "e", "e.bin", "int32", "WRITABLE"), ":0\r\n");
        expect(client.command("VPOP", "e"), "$-1\r\n");
        hello3();
        expect(client.command("VPOP", "e"), "_\r\n");
    }

    @Test
    void uint64AboveLongMaxIsABulkInResp2AndABigNumberInResp3() {
        expect(client.command("MMAP", "u", "u.bin", "uint64", "WRITABLE"), ":0\r\n");
        expect(client.command("VADD", "u", "18446744073709551615", "9223372036854775807", "9223372036854775808"),
                ":3\r\n");
        expect(client.command("VGET", "u", "0"), "$20\r\n18446744073709551615\r\n");
        expect(client.command("VGET", "u", "1"), ":9223372036854775807\r\n");
        expect(client.command("VGET", "u", "2"), "$19\r\n9223372036854775808\r\n");
        hello3();
        expect(client.command("VGET", "u", "0"), "(18446744073709551615\r\n");
        expect(client.command("VGET", "u", "1"), ":9223372036854775807\r\n");
        expect(client.command("VGET", "u", "2"), "(9223372036854775808\r\n");
    }

    @Test
    void hello3RepliesAMapWithProtoAndIdAsIntegers() {
        String id = client.command("CLIENT", "ID").readLine();
        assertThat(id).matches(":\\d+\r\n");
        String hello = readValue(client.command("HELLO", "3"));
        assertThat(hello).startsWith("%7\r\n$6\r\nserver\r\n$6\r\nredmap\r\n$7\r\nversion\r\n")
                .contains("$5\r\nproto\r\n:3\r\n")
                .contains("$2\r\nid\r\n" + id)
                .contains("$4\r\nmode\r\n$10\r\nstandalone\r\n")
                .contains("$4\r\nrole\r\n$6\r\nmaster\r\n")
                .endsWith("$7\r\nmodules\r\n*0\r\n");
        // HELLO 2 goes back to RESP2, and replies its map as a flat array.
        assertThat(readValue(client.command("HELLO", "2"))).startsWith("*14\r\n").contains("$5\r\nproto\r\n:2\r\n");
        expect(client.command("HELLO", "4"), "-NOPROTO unsupported protocol version\r\n");
    }

    @Test
    void helloSetnameNamesTheConnectionAndNilFollowsTheProtocol() {
        expect(client.command("CLIENT", "GETNAME"), "$-1\r\n");
        assertThat(readValue(client.command("HELLO", "3", "SETNAME", "worker"))).startsWith("%7\r\n");
        expect(client.command("CLIENT", "GETNAME"), "$6\r\nworker\r\n");
        expect(client.command("CLIENT", "SETNAME", ""), "+OK\r\n");
        expect(client.command("CLIENT", "GETNAME"), "_\r\n");
        // HELLO without a version keeps the current one.
        assertThat(readValue(client.command("HELLO"))).startsWith("%7\r\n").contains("$5\r\nproto\r\n:3\r\n");
    }

    @Test
    void unknownCommandErrorQuotesTheFirstArguments() {
        expect(client.command("foo", "a"), "-ERR unknown command 'foo', with args beginning with: 'a' \r\n");
        expect(client.command("foo"), "-ERR unknown command 'foo', with args beginning with: \r\n");
        expect(client.command("foo", "a", "b c"), "-ERR unknown command 'foo', with args beginning with: 'a' 'b c' \r\n");
        // The connection goes on.
        expect(client.command("PING"), "+PONG\r\n");
    }

    @Test
    void unknownCommandErrorKeepsTheCaseOfTheName() {
        expect(client.command("FoO", "a"), "-ERR unknown command 'FoO', with args beginning with: 'a' \r\n");
    }

    @Test
    void inlineCommandsTypedLikeTelnet() {
        expect(client.send("PING\r\n"), "+PONG\r\n");
        expect(client.send("ping hello\n"), "$5\r\nhello\r\n");
        expect(client.send("MMAP k k.bin\r\n"), ":0\r\n");
        expect(client.send("VADD k 0.5 1.5\r\n"), ":2\r\n");
        expect(client.send("VGET k 0\r\n"), "$3\r\n0.5\r\n");
        expect(client.send("ECHO \"a b\\tc\" 'x'\r\n"), "-ERR wrong number of arguments for 'echo' command\r\n");
        expect(client.send("ECHO \"a b\\tc\"\r\n"), "$5\r\na b\tc\r\n");
        expect(client.send("VCOUNT k\r\n"), ":2\r\n");
    }

    @Test
    void inlineAndMultibulkInOneWrite() {
        client.command("MMAP", "k", "k.bin");
        client.readLine();
        expect(client.send("VADD k 7\r\n*3\r\n$4\r\nVGET\r\n$1\r\nk\r\n$1\r\n0\r\nVCOUNT k\r\n"),
                ":1\r\n$1\r\n7\r\n:1\r\n");
    }

    @Test
    void protocolErrorClosesTheConnectionWhileOthersCarryOn() {
        try (RawClient other = new RawClient(server.port())) {
            expect(other.command("MMAP", "k", "k.bin"), ":0\r\n");
            expect(client.send("*abc\r\n"), "-ERR Protocol error: invalid multibulk length\r\n");
            assertThat(client.closedByServer()).isTrue();
            expect(other.command("VADD", "k", "1"), ":1\r\n");
            expect(other.command("PING"), "+PONG\r\n");
        }
    }

    @Test
    void protocolErrorRepliesAfterTheGoodRequestsBeforeIt() {
        expect(client.send("*1\r\n$4\r\nPING\r\n*1\r\nx\r\n*1\r\n$4\r\nPING\r\n"),
                "+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n");
        assertThat(client.closedByServer()).isTrue();
        try (RawClient other = new RawClient(server.port())) {
            expect(other.send("ECHO \"open\r\n"), "-ERR Protocol error: unbalanced quotes in request\r\n");
            assertThat(other.closedByServer()).isTrue();
        }
        try (RawClient third = new RawClient(server.port())) {
            expect(third.command("PING"), "+PONG\r\n");
        }
    }

    @Test
    void oversizedBulkLengthIsRefusedBeforeAnyDataArrives() {
        expect(client.send("*1\r\n$2000000000\r\n"), "-ERR Protocol error: invalid bulk length\r\n");
        assertThat(client.closedByServer()).isTrue();
    }

    @Test
    void aRequestAboveTheQueryBufferLimitClosesTheConnection() {
        expect(client.command("CONFIG", "SET", "client-query-buffer-limit", "1048576"), "+OK\r\n");
        String big = "x".repeat(700_000);
        try (RawClient greedy = new RawClient(server.port())) {
            // Two arguments of 700 KB: each under proto-max-bulk-len, together above the 1 MB limit.
            greedy.sendUntilClosed("*3\r\n$4\r\nECHO\r\n$700000\r\n" + big + "\r\n$700000\r\n" + big + "\r\n");
            assertThat(greedy.closedByServer()).isTrue();
        }
        expect(client.command("PING"), "+PONG\r\n");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static void expect(RawClient client, String expected) {
        assertThat(client.readLike(expected)).isEqualTo(expected);
    }

    private void hello3() {
        assertThat(readValue(client.command("HELLO", "3"))).startsWith("%7\r\n");
    }

    /** Reads one complete RESP2 or RESP3 value and returns its bytes as text. */
    private static String readValue(RawClient client) {
        String line = client.readLine();
        char type = line.charAt(0);
        int length = switch (type) {
            case '$', '=', '*', '%', '~', '>' -> Integer.parseInt(line.substring(1, line.length() - 2));
            default -> -1;
        };
        StringBuilder value = new StringBuilder(line);
        switch (type) {
            case '$', '=' -> {
                if (length >= 0) {
                    value.append(new String(client.read(length + 2), StandardCharsets.UTF_8));
                }
            }
            case '*', '~', '>' -> {
                for (int i = 0; i < length; i++) {
                    value.append(readValue(client));
                }
            }
            case '%' -> {
                for (int i = 0; i < 2 * length; i++) {
                    value.append(readValue(client));
                }
            }
            default -> { }
        }
        return value.toString();
    }
}
