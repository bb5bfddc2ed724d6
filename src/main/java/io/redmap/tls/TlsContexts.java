package io.redmap.tls;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.redmap.server.Log;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The server's TLS under Netty's {@link SslHandler}: the server context
 * (its certificate, the CAs its clients' certificates must chain to) and the client context of
 * outgoing links (replica to master with {@code tls-replication}, MIGRATE with {@code tls-cluster}),
 * which presents {@code tls-client-cert-file} or else the server's own certificate, as Redis does.
 *
 * <p>Both are built from the files at start and rebuilt by CONFIG SET of a {@code tls-*} option;
 * a rebuild that fails (a missing file, a key that is not the certificate's) changes nothing, so
 * new connections keep the old contexts. Connections already open keep the contexts they began
 * with. {@code tls-auth-clients} and {@code tls-handshake-timeout} are read at each new connection.
 */
public final class TlsContexts {
    /** The contexts and the parameters every engine of them gets. */
    private record Contexts(SslContext acceptor, SSLContext client, String[] protocols,
                            String[] cipherSuites, boolean preferServerCiphers) {
    }

    /**
     * The engine of accepted connections: BoringSSL's (OpenSSL's API, netty-tcnative) when its
     * native library loads, else the JDK's. The JDK's engine costs two to three times Redis's
     * OpenSSL per small record (bench/special/tls), and clients wait on that cost.
     */
    private static final class Acceptor {
        // In a holder of its own: loading BoringSSL's native library took a fifth of the start
        // (async-profiler, wall clock), and a server without TLS never needs it.
        static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private final Function<String, String> config;
    private volatile Contexts current;

    /** @param config the server's options by name (read again at each rebuild and connection) */
    public TlsContexts(Function<String, String> config) {
        this.config = config;
    }

    /** Whether the options ask for TLS anywhere: a TLS port, or TLS on outgoing links. */
    public boolean wanted() {
        return port() != 0 || yes("tls-replication") || yes("tls-cluster");
    }

    /** At start: builds the contexts when TLS is wanted; a failure stops the start, naming the file. */
    public void configure() throws IOException {
        if (wanted()) {
            try {
                current = build(TlsSettings.read(config));
            } catch (IOException e) {
                Log.warning(e.getMessage());
                throw new IOException("Failed to configure TLS: " + e.getMessage(), e);
            }
            Log.notice("TLS for clients by " + (Acceptor.PROVIDER == SslProvider.OPENSSL
                    ? OpenSsl.versionString() : "the JDK's engine (BoringSSL did not load: " + OpenSsl.unavailabilityCause() + ")"));
        }
    }

    /**
     * CONFIG SET changed a {@code tls-*} option: rebuilds the contexts for new connections. On
     * failure the reason is logged (as Redis's log says it) and the contexts in use stay.
     */
    public void reload() throws IOException {
        if (!wanted()) {
            return;
        }
        try {
            Contexts rebuilt = build(TlsSettings.read(config));
            current = rebuilt;
            Log.notice("TLS configuration reloaded for new connections");
        } catch (IOException e) {
            Log.warning(e.getMessage());
            throw e;
        }
    }

    /** Whether a change of this option rebuilds the contexts (Redis's applyTlsCfg options). */
    public static boolean rebuiltBy(String option) {
        return option.startsWith("tls-") && !option.equals("tls-auth-clients") && !option.equals("tls-port")
                && !option.equals("tls-handshake-timeout");
    }

    /** {@code tls-port}: 0 when the server has no TLS listener. */
    public int port() {
        return Integer.parseInt(config.apply("tls-port"));
    }

    /** Whether the link to the master runs over TLS ({@code tls-replication yes}). */
    public boolean forReplication() {
        return yes("tls-replication") && current != null;
    }

    /** The TLS of cluster links (MIGRATE's connection): this, or null when they are plain ({@code tls-cluster no}). */
    public TlsContexts clusterLinks() {
        return yes("tls-cluster") && current != null ? this : null;
    }

    /**
     * The port a replica announces to its master (REPLCONF listening-port): the TLS port when it
     * replicates over TLS, so that the master's INFO and Sentinel name the one it can be reached
     * on as the master is, as Redis does.
     */
    public int replicationPort(int plainPort) {
        return forReplication() && port() != 0 ? port() : plainPort;
    }

    /** The first handlers of a connection accepted on the TLS port: the TLS engine and its handshake's watch. */
    public void addServerHandlers(ChannelPipeline pipeline) {
        Contexts contexts = current;
        // The context's own handler: with BoringSSL's engine it is not in the JDK's compatibility
        // mode, so that one unwrap decrypts every record a read brought (a pipelined batch that
        // spans records), not one record per call.
        SslHandler handler = contexts.acceptor().newHandler(pipeline.channel().alloc());
        SSLEngine engine = handler.engine();
        // A fresh SSLParameters changes only the cipher order (unset fields keep the engine's
        // settings); the engine's getSSLParameters() copies every enabled suite through JNI.
        SSLParameters parameters = new SSLParameters();
        parameters.setUseCipherSuitesOrder(contexts.preferServerCiphers());
        engine.setSSLParameters(parameters);
        switch (config.apply("tls-auth-clients")) {
            case "yes" -> engine.setNeedClientAuth(true);
            case "optional" -> engine.setWantClientAuth(true);
            default -> { }
        }
        handler.setHandshakeTimeoutMillis(Long.parseLong(config.apply("tls-handshake-timeout")));
        pipeline.addLast("tls", handler);
        pipeline.addLast("tls-handshake", new HandshakeWatch());
    }

    /** The TLS engine of an outgoing link (a replica's link to its master). */
    public SslHandler clientHandler(String host, int port) {
        Contexts contexts = current;
        SSLEngine engine = contexts.client().createSSLEngine(host, port);
        engine.setUseClientMode(true);
        engine.setSSLParameters(parameters(contexts));
        SslHandler handler = new SslHandler(engine);
        handler.setHandshakeTimeoutMillis(Long.parseLong(config.apply("tls-handshake-timeout")));
        return handler;
    }

    /** A connected blocking socket made a TLS client, handshake done (MIGRATE's connection). */
    public Socket secure(Socket plain, String host, int port) throws IOException {
        Contexts contexts = current;
        SSLSocket socket = (SSLSocket) contexts.client().getSocketFactory().createSocket(plain, host, port, true);
        socket.setUseClientMode(true);
        socket.setSSLParameters(parameters(contexts));
        socket.startHandshake();
        return socket;
    }

    /**
     * As Redis: the peer's certificate is checked against the CAs (chain and dates), not against
     * the host name the link was made to.
     */
    private static SSLParameters parameters(Contexts contexts) {
        SSLParameters parameters = new SSLParameters(contexts.cipherSuites(), contexts.protocols());
        parameters.setUseCipherSuitesOrder(contexts.preferServerCiphers());
        return parameters;
    }

    private static Contexts build(TlsSettings settings) throws IOException {
        List<X509Certificate> authorities = new ArrayList<>();
        if (!settings.caCertFile().isEmpty()) {
            authorities.addAll(PemFiles.certificates(Path.of(settings.caCertFile())));
        }
        if (!settings.caCertDir().isEmpty()) {
            authorities.addAll(PemFiles.certificatesIn(Path.of(settings.caCertDir())));
        }
        if (settings.hasCa() && authorities.isEmpty()) {
            throw new IOException("Failed to configure CA certificate(s) file/directory: no certificate found");
        }
        try {
            TrustManagerFactory trust = trust(authorities);
            KeyManagerFactory serverKeys = keys(settings.certFile(), settings.keyFile(), settings.keyPass());
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(serverKeys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            SSLContext client = server;
            if (settings.hasClientCertificate()) {
                client = SSLContext.getInstance("TLS");
                client.init(keys(settings.clientCertFile(), settings.clientKeyFile(), settings.clientKeyPass()).getKeyManagers(),
                        trust == null ? null : trust.getTrustManagers(), null);
            }
            SSLEngine probe = server.createSSLEngine();
            String[] suites = new CipherNames(probe.getSupportedCipherSuites(), probe.getEnabledCipherSuites())
                    .enabled(settings.ciphersuites(), settings.ciphers());
            SslContext acceptor = SslContextBuilder.forServer(acceptorKeys(serverKeys)).sslProvider(Acceptor.PROVIDER)
                    .trustManager(trust).protocols(settings.protocols()).ciphers(List.of(suites), SupportedCipherSuiteFilter.INSTANCE)
                    .build();
            return new Contexts(acceptor, client, settings.protocols(), suites, settings.preferServerCiphers());
        } catch (GeneralSecurityException e) {
            throw new IOException("Failed to create the TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * The server's keys as the acceptor's engine takes them. BoringSSL's engine otherwise asks the
     * JDK's key manager at each handshake and re-encodes the certificate chain and the private key
     * to PEM and parses them again (a fifth of a handshake's CPU time on the event loop, and a new
     * key object, whose first signature sets up its Montgomery and blinding values again). Caching
     * is safe here: a change of any file builds new contexts (CONFIG SET), never changes these.
     */
    private static KeyManagerFactory acceptorKeys(KeyManagerFactory keys) {
        return Acceptor.PROVIDER == SslProvider.OPENSSL ? new OpenSslCachingX509KeyManagerFactory(keys) : keys;
    }

    private static KeyManagerFactory keys(String certFile, String keyFile, String password)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = PemFiles.certificates(Path.of(certFile));
        PrivateKey key = PemFiles.privateKey(Path.of(keyFile), password);
        PemFiles.checkPair(Path.of(keyFile), key, chain.getFirst());
        char[] storePassword = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("redmap", key, storePassword, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, storePassword);
        return factory;
    }

    /** The configured CAs, or null (the JDK's own) when none is: then no peer is asked for a certificate. */
    private static TrustManagerFactory trust(List<X509Certificate> authorities) throws GeneralSecurityException, IOException {
        if (authorities.isEmpty()) {
            return null;
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < authorities.size(); i++) {
            store.setCertificateEntry("ca-" + i, authorities.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private boolean yes(String option) {
        return "yes".equals(config.apply(option));
    }
}
