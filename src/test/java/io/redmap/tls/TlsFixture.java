package io.redmap.tls;

import io.redmap.testing.ServerProcess;
import io.redmap.testing.TestCertificates;
import io.redmap.testing.TestCertificates.Issued;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the TLS tests share: a redmap process with a TLS port and the test's certificates, and
 * clients for it (Jedis over TLS, a raw TLS socket, redis-cli {@code --tls}).
 */
final class TlsFixture {
    private TlsFixture() {
    }

    /** A port free now (tls-port 0 means no TLS, as in Redis, so a test picks one). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The options of a server with a TLS port that presents {@code server} and trusts the test CA. */
    static List<String> tlsOptions(TestCertificates certs, Issued server, int tlsPort) {
        return List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", server.cert().toString(),
                "--tls-key-file", server.key().toString(), "--tls-ca-cert-file", certs.caCert().toString());
    }

    /** A redmap process started with the TLS options and {@code extra} ones (TLS only unless a --port is given). */
    static ServerProcess start(Path dir, TestCertificates certs, Issued server, int tlsPort, String... extra) {
        List<String> options = new ArrayList<>(tlsOptions(certs, server, tlsPort));
        options.addAll(List.of(extra));
        return ServerProcess.start(dir, options.toArray(String[]::new));
    }

    /** Jedis over TLS, presenting {@code identity} (null: no certificate). */
    static Jedis jedis(TestCertificates certs, Issued identity, int port) {
        SSLContext context = certs.clientContext(identity);
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
                .ssl(true).sslSocketFactory(context.getSocketFactory()).timeoutMillis(10_000).build());
    }

    /** A TLS socket with its handshake done (or failed: the exception). */
    static SSLSocket socket(TestCertificates certs, Issued identity, int port) throws IOException {
        SSLSocket socket = (SSLSocket) certs.clientContext(identity).getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        return socket;
    }

    /** redis-cli's output (stdout and stderr) for a command over TLS, presenting {@code identity}. */
    static String redisCli(TestCertificates certs, Issued identity, int port, String... command) {
        List<String> words = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "--tls", "--cacert", certs.caCert().toString()));
        if (identity != null) {
            words.addAll(List.of("--cert", identity.cert().toString(), "--key", identity.key().toString()));
        }
        words.addAll(List.of(command));
        return run(words);
    }

    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish");
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
