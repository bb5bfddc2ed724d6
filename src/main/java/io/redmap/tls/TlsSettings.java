package io.redmap.tls;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code tls-*} options that make the TLS contexts (as Redis's {@code redisTLSContextConfig}),
 * read from the configuration at one moment and checked for what needs no file.
 */
record TlsSettings(String certFile, String keyFile, String keyPass,
                   String clientCertFile, String clientKeyFile, String clientKeyPass,
                   String caCertFile, String caCertDir, String[] protocols,
                   String ciphers, String ciphersuites, boolean preferServerCiphers) {

    static TlsSettings read(Function<String, String> config) throws IOException {
        TlsSettings settings = new TlsSettings(config.apply("tls-cert-file"), config.apply("tls-key-file"),
                config.apply("tls-key-file-pass"), config.apply("tls-client-cert-file"),
                config.apply("tls-client-key-file"), config.apply("tls-client-key-file-pass"),
                config.apply("tls-ca-cert-file"), config.apply("tls-ca-cert-dir"),
                protocols(config.apply("tls-protocols")), config.apply("tls-ciphers"),
                config.apply("tls-ciphersuites"), "yes".equals(config.apply("tls-prefer-server-ciphers")));
        if (settings.certFile.isEmpty()) {
            throw new IOException("No tls-cert-file configured!");
        }
        if (settings.keyFile.isEmpty()) {
            throw new IOException("No tls-key-file configured!");
        }
        boolean verifiesPeers = !"no".equals(config.apply("tls-auth-clients"))
                || "yes".equals(config.apply("tls-replication")) || "yes".equals(config.apply("tls-cluster"));
        if (verifiesPeers && !settings.hasCa()) {
            throw new IOException("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster,"
                    + " tls-replication or tls-auth-clients are enabled!");
        }
        return settings;
    }

    boolean hasCa() {
        return !caCertFile.isEmpty() || !caCertDir.isEmpty();
    }

    /** Whether outgoing links present a certificate of their own ({@code tls-client-*}) or the server's. */
    boolean hasClientCertificate() {
        return !clientCertFile.isEmpty() && !clientKeyFile.isEmpty();
    }

    /** {@code tls-protocols}: Redis's words, any case; empty is TLS 1.2 and 1.3. */
    private static String[] protocols(String words) throws IOException {
        if (words.isBlank()) {
            return new String[] {"TLSv1.2", "TLSv1.3"};
        }
        Set<String> protocols = new LinkedHashSet<>();
        for (String word : words.trim().split("\\s+")) {
            protocols.add(switch (word.toLowerCase(Locale.ROOT)) {
                case "tlsv1" -> "TLSv1";
                case "tlsv1.1" -> "TLSv1.1";
                case "tlsv1.2" -> "TLSv1.2";
                case "tlsv1.3" -> "TLSv1.3";
                default -> throw new IOException("Invalid tls-protocols specified. "
                        + "Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            });
        }
        return protocols.toArray(String[]::new);
    }
}
