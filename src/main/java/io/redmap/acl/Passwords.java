package io.redmap.acl;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Passwords as Redis keeps them: the SHA-256 of the password, in lower-case hex; never the password. */
public final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int HASH_LENGTH = 64;

    private Passwords() {
    }

    public static String hash(byte[] password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether the text is a hash as {@code #hash} and {@code !hash} take it: 64 lower-case hex digits. */
    static boolean isHash(String text) {
        if (text.length() != HASH_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Compares two hashes in time that does not depend on where they differ. */
    static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                b.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** ACL GENPASS: {@code bits} random bits as hex digits ((bits + 3) / 4 of them). */
    public static String generate(int bits) {
        byte[] random = new byte[(bits + 7) / 8 + 1];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random).substring(0, (bits + 3) / 4);
    }
}
