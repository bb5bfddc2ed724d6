package io.redmap.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER to rewrap OpenSSL's "traditional" private keys (PKCS#1 RSA, SEC1 EC) as the
 * PKCS#8 the JDK reads: reading a SEQUENCE's elements and writing tag-length-value.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** SEC1's {@code [0] parameters} (the curve's OID), context-specific and constructed. */
    static final int CONTEXT_0 = 0xa0;

    /** {@code 1.2.840.113549.1.1.1} rsaEncryption, and {@code 1.2.840.10045.2.1} id-ecPublicKey, encoded. */
    static final byte[] RSA_ENCRYPTION = element(OID, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01});
    static final byte[] EC_PUBLIC_KEY = element(OID, new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01});

    /** One element as read: its tag and its whole encoding (tag, length, contents). */
    record Element(int tag, byte[] encoded, int contentOffset) {
        byte[] contents() {
            return Arrays.copyOfRange(encoded, contentOffset, encoded.length);
        }
    }

    private Der() {
    }

    /** The elements inside the outer SEQUENCE of {@code der}. */
    static List<Element> sequence(byte[] der) throws IOException {
        Element outer = read(der, 0);
        if (outer.tag() != SEQUENCE || outer.encoded().length != der.length) {
            throw new IOException("not a DER SEQUENCE");
        }
        List<Element> elements = new ArrayList<>();
        byte[] contents = outer.contents();
        for (int at = 0; at < contents.length; at += elements.getLast().encoded().length) {
            elements.add(read(contents, at));
        }
        return elements;
    }

    private static Element read(byte[] data, int at) throws IOException {
        if (at + 2 > data.length) {
            throw new IOException("truncated DER");
        }
        int tag = data[at] & 0xff;
        int length = data[at + 1] & 0xff;
        int header = 2;
        if (length >= 0x80) {
            int bytes = length & 0x7f;
            if (bytes == 0 || bytes > 3 || at + 2 + bytes > data.length) {
                throw new IOException("unsupported DER length");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = length << 8 | data[at + 2 + i] & 0xff;
            }
            header += bytes;
        }
        if (at + header + length > data.length) {
            throw new IOException("truncated DER");
        }
        return new Element(tag, Arrays.copyOfRange(data, at, at + header + length), header);
    }

    static byte[] element(int tag, byte[]... parts) {
        ByteArrayOutputStream contents = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            contents.writeBytes(part);
        }
        int length = contents.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(contents.toByteArray());
        return out.toByteArray();
    }

    /** PKCS#8 PrivateKeyInfo: version 0, the algorithm identifier, the key as an OCTET STRING. */
    static byte[] privateKeyInfo(byte[] algorithmIdentifier, byte[] key) {
        return element(SEQUENCE, element(INTEGER, new byte[] {0}), algorithmIdentifier, element(OCTET_STRING, key));
    }
}
