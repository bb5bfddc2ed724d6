package io.redmap.testing;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made by a test with BouncyCastle, written as PEM files the way openssl writes
 * them: a CA, certificates it issues (server, client, expired), and a second, untrusted CA.
 * Server certificates name {@code localhost} and {@code 127.0.0.1}, so that clients that check
 * the host name (Lettuce) accept them.
 *
 * <pre>
 * TestCertificates certs = TestCertificates.create(dir);
 * Issued server = certs.server("server");
 * </pre>
 */
public final class TestCertificates {
    /** How a private key is written: the PEM forms OpenSSL writes and Redis reads. */
    public enum KeyFormat { PKCS8, PKCS1_OR_SEC1, ENCRYPTED_PKCS8 }

    /** A certificate with its key: the PEM files, and the objects for a Java client's key store. */
    public record Issued(Path cert, Path key, X509Certificate certificate, KeyPair keys) {
        public BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    /** The password of keys written as {@link KeyFormat#ENCRYPTED_PKCS8}. */
    public static final String KEY_PASSWORD = "s3cret-pass";
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final Issued ca;
    private final Issued untrustedCa;

    private TestCertificates(Path dir, Issued ca, Issued untrustedCa) {
        this.dir = dir;
        this.ca = ca;
        this.untrustedCa = untrustedCa;
    }

    /** A CA and an untrusted CA, their files in {@code dir}. */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            TestCertificates maker = new TestCertificates(dir, null, null);
            Issued ca = maker.make("ca", "redmap test CA", null, "RSA", true, false, Duration.ZERO, KeyFormat.PKCS8);
            Issued untrusted = maker.make("untrusted-ca", "some other CA", null, "RSA", true, false, Duration.ZERO, KeyFormat.PKCS8);
            return new TestCertificates(dir, ca, untrusted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA's certificate file ({@code tls-ca-cert-file}, {@code --cacert}). */
    public Path caCert() {
        return ca.cert();
    }

    public Path dir() {
        return dir;
    }

    /** A server certificate (RSA, PKCS#8 key) issued by the CA. */
    public Issued server(String name) {
        return issue(name, "RSA", KeyFormat.PKCS8);
    }

    /** A client certificate (RSA, PKCS#8 key) issued by the CA. */
    public Issued client(String name) {
        return issue(name, "RSA", KeyFormat.PKCS8);
    }

    /**
     * A certificate issued by the CA, valid now, for a server and a client alike.
     *
     * @param algorithm "RSA" or "EC" (P-256)
     */
    public Issued issue(String name, String algorithm, KeyFormat format) {
        return make(name, ca, algorithm, Duration.ZERO, format);
    }

    /** A client certificate from the CA whose validity ended a day ago. */
    public Issued expired(String name) {
        return make(name, ca, "RSA", Duration.ofDays(3), KeyFormat.PKCS8);
    }

    /** A client certificate from a CA the server does not know. */
    public Issued untrusted(String name) {
        return make(name, untrustedCa, "RSA", Duration.ZERO, KeyFormat.PKCS8);
    }

    private Issued make(String name, Issued issuer, String algorithm, Duration age, KeyFormat format) {
        try {
            return make(name, name, issuer, algorithm, false, true, age, format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private Issued make(String fileName, String commonName, Issued issuer, String algorithm, boolean authority,
                        boolean hostNames, Duration age, KeyFormat format)
            throws IOException, GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(algorithm.equals("EC") ? 256 : 2048);
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        // An expired one ended a day before now; the others began an hour ago (clocks differ a little).
        Instant notAfter = age.isZero() ? Instant.now().plus(Duration.ofDays(30)) : Instant.now().minus(Duration.ofDays(1));
        Instant notBefore = age.isZero() ? Instant.now().minus(Duration.ofHours(1)) : Instant.now().minus(age);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        if (authority) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        if (hostNames) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        KeyPair signer = issuer == null ? keys : issuer.keys();
        String signature = signer.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(signature).build(signer.getPrivate())));
        Path certFile = dir.resolve(fileName + ".crt");
        Path keyFile = dir.resolve(fileName + ".key");
        try (Writer out = Files.newBufferedWriter(certFile); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(certificate);
        }
        try (Writer out = Files.newBufferedWriter(keyFile); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            switch (format) {
                case PKCS8 -> pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
                case PKCS1_OR_SEC1 -> pem.writeObject(traditional(keys));
                case ENCRYPTED_PKCS8 -> pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(),
                        new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                                .setProvider(new BouncyCastleProvider())
                                .setPassword(KEY_PASSWORD.toCharArray()).build()));
            }
        }
        return new Issued(certFile, keyFile, certificate, keys);
    }

    /**
     * The key as {@code openssl genrsa -traditional} (PKCS#1) or {@code openssl ecparam -genkey}
     * (SEC1, naming its curve inside, which BouncyCastle's writer leaves out) write it.
     */
    private static Object traditional(KeyPair keys) throws IOException {
        if (!keys.getPrivate().getAlgorithm().equals("EC")) {
            return keys.getPrivate(); // BEGIN RSA PRIVATE KEY
        }
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        ECPrivateKey sec1 = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS(),
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(),
                info.getPrivateKeyAlgorithm().getParameters());
        return new PemObject("EC PRIVATE KEY", sec1.getEncoded());
    }

    /**
     * A client's TLS context: trusts the CA, and presents {@code identity} when the server asks
     * (null: no certificate).
     */
    public SSLContext clientContext(Issued identity) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            KeyManagerFactory keys = null;
            if (identity != null) {
                KeyStore own = KeyStore.getInstance("PKCS12");
                own.load(null, null);
                own.setKeyEntry("me", identity.keys().getPrivate(), new char[0], new X509Certificate[] {identity.certificate()});
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
