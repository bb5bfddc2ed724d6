package io.redmap.tls;

import javax.crypto.SecretKeyFactory;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.spec.PBEKeySpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Certificates and private keys in PEM, as OpenSSL writes them and Redis reads them: a chain of
 * certificates; a key in PKCS#8 ({@code BEGIN PRIVATE KEY}), encrypted PKCS#8 (with
 * {@code tls-key-file-pass}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}). Errors name the file, as Redis's log lines do.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    /** What a PKCS#8 key may hold; the JDK names the algorithm, the key's encoding does not. */
    private static final List<String> ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

    private PemFiles() {
    }

    /** The certificates of a PEM file, in order (a server's own first, then its chain). */
    static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = read(file, "certificate");
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IOException("Failed to load certificate: " + file + ": no certificate in the file");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IOException("Failed to load certificate: " + file + ": " + e.getMessage(), e);
        }
    }

    /** The certificates of every file in a directory that holds some (OpenSSL's hashed CA directories). */
    static List<X509Certificate> certificatesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("Failed to configure CA certificate(s) file/directory: " + dir + ": not a directory");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                if (Files.isRegularFile(file)) {
                    try {
                        certificates.addAll(certificates(file));
                    } catch (IOException notACertificate) {
                        // OpenSSL skips what is not a certificate too (a README, a key).
                    }
                }
            }
        }
        return certificates;
    }

    /** The private key of a PEM file; {@code password} is for an encrypted one (empty: none). */
    static PrivateKey privateKey(Path file, String password) throws IOException {
        String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String kind = block.group(1);
            if (!kind.endsWith("PRIVATE KEY")) {
                continue; // "EC PARAMETERS" before an EC key, as openssl ecparam writes it
            }
            String body = block.group(2);
            if (body.contains("Proc-Type:")) {
                throw new IOException("Failed to load private key: " + file + ": an OpenSSL legacy-encrypted key;"
                        + " convert it with: openssl pkcs8 -topk8 -in " + file.getFileName() + " -out key.pem");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new IOException("Failed to load private key: " + file + ": bad base64", e);
            }
            try {
                return switch (kind) {
                    case "PRIVATE KEY" -> pkcs8(der);
                    case "ENCRYPTED PRIVATE KEY" -> decrypt(der, password);
                    case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                            Der.privateKeyInfo(Der.element(Der.SEQUENCE, Der.RSA_ENCRYPTION, Der.element(Der.NULL)), der)));
                    case "EC PRIVATE KEY" -> ecKey(der);
                    default -> throw new IOException("unsupported key type " + kind);
                };
            } catch (GeneralSecurityException | IOException e) {
                throw new IOException("Failed to load private key: " + file + ": " + e.getMessage(), e);
            }
        }
        throw new IOException("Failed to load private key: " + file + ": no PEM private key in the file");
    }

    /**
     * Checks that a key belongs to a certificate, as OpenSSL does when it loads them (a mismatch
     * would otherwise only show as handshakes that fail): a signature made with one verifies with the other.
     */
    static void checkPair(Path keyFile, PrivateKey key, X509Certificate certificate) throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448, RSASSA-PSS sign under their own name
        };
        try {
            byte[] probe = "redmap".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IOException("Failed to load private key: " + keyFile + ": key values mismatch"
                        + " (the key is not the certificate's)");
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("Failed to load private key: " + keyFile + ": key values mismatch ("
                    + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not a private key the JDK reads (RSA, EC, EdDSA, DSA)", last);
    }

    private static PrivateKey decrypt(byte[] der, String password) throws GeneralSecurityException, IOException {
        if (password.isEmpty()) {
            throw new IOException("the key is encrypted and no password is configured (tls-key-file-pass)");
        }
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        var keyFactory = SecretKeyFactory.getInstance(info.getAlgName());
        var secret = keyFactory.generateSecret(new PBEKeySpec(password.toCharArray()));
        try {
            return pkcs8(info.getKeySpec(secret).getEncoded());
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("cannot decrypt it (wrong tls-key-file-pass?)", e);
        }
    }

    /** SEC1's ECPrivateKey names its curve inside: PKCS#8 wants it in the algorithm identifier. */
    private static PrivateKey ecKey(byte[] der) throws GeneralSecurityException, IOException {
        byte[] curve = null;
        for (Der.Element element : Der.sequence(der)) {
            if (element.tag() == Der.CONTEXT_0) {
                curve = element.contents(); // the curve's OID, whole
            }
        }
        if (curve == null) {
            throw new IOException("the EC key does not name its curve");
        }
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                Der.privateKeyInfo(Der.element(Der.SEQUENCE, Der.EC_PUBLIC_KEY, curve), der)));
    }

    private static byte[] read(Path file, String what) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : e.toString();
            throw new IOException("Failed to load " + what + ": " + file + ": " + reason, e);
        }
    }
}
