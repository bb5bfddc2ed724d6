package io.redmap.tls;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.DoubleOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ProtocolVersion;
import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestCertificates;
import io.redmap.testing.TestCertificates.Issued;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Mutual TLS with the clients people use: redis-cli {@code --tls}, Jedis with an SSL socket
 * factory, Lettuce with SslOptions (RESP3, verifying the server's host name) and redis-py with
 * {@code ssl=True}, all presenting a client certificate from the CA the server trusts
 * ({@code tls-auth-clients yes}, the default). The plain port serves on beside the TLS one.
 */
class TlsClientsTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static Issued client;
    private static ServerProcess server;
    private static int tlsPort;
    private static int plainPort;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
        client = certs.client("client");
        tlsPort = TlsFixture.freePort();
        plainPort = TlsFixture.freePort();
        Path data = Files.createDirectories(dir.resolve("data"));
        server = TlsFixture.start(data, certs, certs.server("server"), tlsPort, "--port", Integer.toString(plainPort));
        try (Jedis jedis = new Jedis("127.0.0.1", plainPort, 10_000)) {
            jedis.sendCommand(() -> "MMAP".getBytes(StandardCharsets.US_ASCII), "k", "k.f8", "double", "WRITABLE");
            jedis.sendCommand(() -> "VADD".getBytes(StandardCharsets.US_ASCII), "k", "1.5", "2.5");
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void redisCliTalksOverTlsWithItsCertificate() {
        assertThat(TlsFixture.redisCli(certs, client, tlsPort, "PING")).isEqualTo("PONG");
        assertThat(TlsFixture.redisCli(certs, client, tlsPort, "VADD", "k2", "1")).isEqualTo("ERR You must do MMAP first");
        assertThat(TlsFixture.redisCli(certs, client, tlsPort, "VGET", "k", "1")).isEqualTo("2.5");
        // INFO's tcp_port is the plain port; the TLS port is tls-port, as CONFIG GET says.
        assertThat(TlsFixture.redisCli(certs, client, tlsPort, "CONFIG", "GET", "tls-port"))
                .isEqualTo("tls-port\n" + tlsPort);
    }

    @Test
    void jedisTalksOverTlsWithAnSslSocketFactory() {
        try (Jedis jedis = TlsFixture.jedis(certs, client, tlsPort)) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            Object reply = jedis.sendCommand(() -> "VGET".getBytes(StandardCharsets.US_ASCII), "k", "0");
            assertThat(new String((byte[]) reply, StandardCharsets.UTF_8)).isEqualTo("1.5");
            assertThat(jedis.clientList()).contains("cmd=client|list");
        }
    }

    @Test
    void lettuceTalksResp3OverTlsVerifyingTheServerName() {
        SslOptions ssl = SslOptions.builder().jdkSslProvider()
                .trustManager(certs.caCert().toFile())
                .keyManager(client.cert().toFile(), client.key().toFile(), null)
                .build();
        RedisClient lettuce = RedisClient.create(RedisURI.builder().withHost("localhost").withPort(tlsPort)
                .withSsl(true).withVerifyPeer(SslVerifyMode.FULL).withTimeout(Duration.ofSeconds(10)).build());
        lettuce.setOptions(ClientOptions.builder().sslOptions(ssl).protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisConnection<String, String> connection = lettuce.connect()) {
            assertThat(connection.sync().ping()).isEqualTo("PONG");
            ProtocolKeyword vget = () -> "VGET".getBytes(StandardCharsets.US_ASCII);
            assertThat(connection.sync().dispatch(vget, new DoubleOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("k").add("1"))).isEqualTo(2.5); // a RESP3 double
        } finally {
            lettuce.shutdown();
        }
    }

    @Test
    void redisPyTalksOverTls() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
        String script = """
                import sys, redis
                r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), ssl=True, ssl_ca_certs=sys.argv[2],
                                ssl_certfile=sys.argv[3], ssl_keyfile=sys.argv[4], ssl_cert_reqs="required")
                print(r.ping(), r.execute_command("VGET", "k", "1").decode())
                """;
        String output = TlsFixture.run(List.of("/usr/bin/python3", "-c", script, Integer.toString(tlsPort),
                certs.caCert().toString(), client.cert().toString(), client.key().toString()));
        assertThat(output).isEqualTo("True 2.5");
    }

    @Test
    void theTlsPortSpeaksOnlyTlsAndThePlainPortOnlyPlain() {
        try (Jedis plain = new Jedis("127.0.0.1", plainPort)) {
            assertThat(plain.ping()).isEqualTo("PONG");
        }
        // A TLS client on the plain port gets no handshake: the plain port answers in plain text.
        assertThatThrownBy(() -> {
            try (Jedis wrongPort = TlsFixture.jedis(certs, client, plainPort)) {
                wrongPort.ping();
            }
        }).hasMessageContaining("Unsupported or unrecognized SSL message");
    }
}
