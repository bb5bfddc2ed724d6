package io.redmap.tls;

import io.redmap.testing.TestCertificates;
import io.redmap.testing.TestCertificates.Issued;
import io.redmap.testing.TestCertificates.KeyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Private keys in the PEM forms OpenSSL writes, read back as the very key; bad files named in the error. */
class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void everyKeyFormReadsBackAsTheSameKey() throws IOException {
        TestCertificates certs = TestCertificates.create(dir);
        for (String algorithm : new String[] {"RSA", "EC"}) {
            for (KeyFormat format : KeyFormat.values()) {
                Issued issued = certs.issue(algorithm + "-" + format, algorithm, format);
                PrivateKey key = PemFiles.privateKey(issued.key(), TestCertificates.KEY_PASSWORD);
                if (key instanceof ECPrivateKey ec) { // SEC1 keeps the curve and public point inside: the same secret
                    assertThat(ec.getS()).as(format.name()).isEqualTo(((ECPrivateKey) issued.keys().getPrivate()).getS());
                } else {
                    assertThat(key.getEncoded()).as(format.name()).isEqualTo(issued.keys().getPrivate().getEncoded());
                }
                PemFiles.checkPair(issued.key(), key, issued.certificate());
            }
        }
    }

    @Test
    void badKeysAreRefusedNamingTheFile() throws IOException {
        TestCertificates certs = TestCertificates.create(dir);
        Issued one = certs.client("one");
        Issued other = certs.client("other");
        PrivateKey key = PemFiles.privateKey(one.key(), "");
        assertThatThrownBy(() -> PemFiles.checkPair(one.key(), key, other.certificate()))
                .hasMessage("Failed to load private key: " + one.key() + ": key values mismatch (the key is not the certificate's)");
        Path empty = Files.writeString(dir.resolve("empty.key"), "nothing here\n");
        assertThatThrownBy(() -> PemFiles.privateKey(empty, ""))
                .hasMessage("Failed to load private key: " + empty + ": no PEM private key in the file");
        Issued encrypted = certs.issue("locked", "RSA", KeyFormat.ENCRYPTED_PKCS8);
        assertThatThrownBy(() -> PemFiles.privateKey(encrypted.key(), ""))
                .hasMessageContaining("no password is configured");
        assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("absent.crt")))
                .hasMessage("Failed to load certificate: " + dir.resolve("absent.crt") + ": No such file or directory");
    }
}
