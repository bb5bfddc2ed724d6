package io.redmap.tls;

import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestCertificates;
import io.redmap.testing.TestCertificates.Issued;
import io.redmap.testing.TestCertificates.KeyFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CONFIG SET of the tls-* files rebuilds the server's TLS context for new connections (open
 * ones keep theirs); a change that cannot be loaded is refused with Redis's error and the
 * running context stays. Keys in every PEM form OpenSSL writes are read. tls-auth-clients
 * applies to the next connection.
 */
class TlsReloadTest {
    private static final String UNABLE = "CONFIG SET failed (possibly related to argument '%s') - "
            + "Unable to update TLS configuration. Check server logs.";

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static Issued client;
    private static ServerProcess server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
        client = certs.client("client");
        port = TlsFixture.freePort();
        server = TlsFixture.start(Files.createDirectories(dir.resolve("data")), certs, certs.server("first"), port);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void newConnectionsGetTheNewCertificateAndOpenOnesGoOn() throws Exception {
        Issued next = certs.server("next");
        try (Jedis open = TlsFixture.jedis(certs, client, port)) {
            assertThat(open.ping()).isEqualTo("PONG");
            assertThat(open.configSet("tls-cert-file", next.cert().toString(), "tls-key-file", next.key().toString()))
                    .isEqualTo("OK");
            assertThat(presentedSerial()).isEqualTo(next.serial());
            assertThat(open.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aChangeThatCannotBeLoadedIsRefusedAndTheRunningContextStays() throws Exception {
        BigInteger before = presentedSerial();
        try (Jedis jedis = TlsFixture.jedis(certs, client, port)) {
            String certFile = jedis.configGet("tls-cert-file").get("tls-cert-file");
            assertThatThrownBy(() -> jedis.configSet("tls-cert-file", dir.resolve("missing.crt").toString()))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR " + UNABLE.formatted("tls-cert-file"));
            // A key that is not the certificate's, as OpenSSL's "key values mismatch".
            assertThatThrownBy(() -> jedis.configSet("tls-key-file", client.key().toString()))
                    .hasMessage("ERR " + UNABLE.formatted("tls-key-file"));
            assertThatThrownBy(() -> jedis.configSet("tls-protocols", "TLSv1.2 SSLv3"))
                    .hasMessage("ERR " + UNABLE.formatted("tls-protocols"));
            assertThatThrownBy(() -> jedis.configSet("tls-ciphersuites", "NO_SUCH_SUITE"))
                    .hasMessage("ERR " + UNABLE.formatted("tls-ciphersuites"));
            assertThatThrownBy(() -> jedis.configSet("tls-auth-clients", "maybe")).hasMessage("ERR CONFIG SET failed "
                    + "(possibly related to argument 'tls-auth-clients') - argument(s) must be one of the following: no, yes, optional");
            assertThat(jedis.configGet("tls-cert-file").get("tls-cert-file")).isEqualTo(certFile);
            assertThat(jedis.configGet("tls-protocols").get("tls-protocols")).isEmpty();
        }
        assertThat(presentedSerial()).isEqualTo(before);
        server.awaitLog(java.util.regex.Pattern.compile("# Failed to load certificate: .*missing\\.crt: No such file or directory"),
                java.time.Duration.ofSeconds(10));
    }

    @Test
    void keysInEveryPemFormOpenSslWritesAreRead() throws Exception {
        try (Jedis jedis = TlsFixture.jedis(certs, client, port)) {
            for (Issued issued : new Issued[] {certs.issue("ec-sec1", "EC", KeyFormat.PKCS1_OR_SEC1),
                    certs.issue("ec-pkcs8", "EC", KeyFormat.PKCS8), certs.issue("rsa-pkcs1", "RSA", KeyFormat.PKCS1_OR_SEC1)}) {
                assertThat(Files.readString(issued.key())).contains("PRIVATE KEY-----");
                assertThat(jedis.configSet("tls-cert-file", issued.cert().toString(), "tls-key-file", issued.key().toString()))
                        .as(issued.key().getFileName().toString()).isEqualTo("OK");
                assertThat(presentedSerial()).isEqualTo(issued.serial());
            }
            Issued encrypted = certs.issue("rsa-encrypted", "RSA", KeyFormat.ENCRYPTED_PKCS8);
            assertThat(Files.readString(encrypted.key())).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
            assertThatThrownBy(() -> jedis.configSet("tls-cert-file", encrypted.cert().toString(),
                    "tls-key-file", encrypted.key().toString(), "tls-key-file-pass", "wrong"))
                    .hasMessage("ERR " + UNABLE.formatted("tls-cert-file"));
            assertThat(jedis.configSet("tls-cert-file", encrypted.cert().toString(), "tls-key-file", encrypted.key().toString(),
                    "tls-key-file-pass", TestCertificates.KEY_PASSWORD)).isEqualTo("OK");
            assertThat(presentedSerial()).isEqualTo(encrypted.serial());
        }
    }

    @Test
    void tlsAuthClientsAppliesToTheNextConnection() throws Exception {
        try (Jedis admin = TlsFixture.jedis(certs, client, port)) {
            try {
                admin.configSet("tls-auth-clients", "optional");
                try (Jedis anonymous = TlsFixture.jedis(certs, null, port)) {
                    assertThat(anonymous.ping()).isEqualTo("PONG");
                }
                admin.configSet("tls-auth-clients", "no");
                try (Jedis anonymous = TlsFixture.jedis(certs, null, port)) {
                    assertThat(anonymous.ping()).isEqualTo("PONG");
                }
            } finally {
                admin.configSet("tls-auth-clients", "yes");
            }
            assertThatThrownBy(() -> {
                try (Jedis anonymous = TlsFixture.jedis(certs, null, port)) {
                    anonymous.ping();
                }
            }).isNotNull();
        }
    }

    /** The serial number of the certificate a new connection is shown. */
    private static BigInteger presentedSerial() throws IOException {
        try (SSLSocket socket = TlsFixture.socket(certs, client, port)) {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
