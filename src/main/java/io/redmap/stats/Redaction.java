package io.redmap.stats;

import io.redmap.protocol.Request;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which arguments of a command MONITOR and SLOWLOG show as {@code (redacted)}: passwords and user
 * rules, where Redis 7 redacts them (redactClientCommandArgument in AUTH, HELLO, MIGRATE, CONFIG SET
 * of a sensitive option, ACL SETUSER).
 */
final class Redaction {
    static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);
    /** The options whose values CONFIG SET hides (Redis's SENSITIVE_CONFIG ones that redmap has). */
    private static final Set<String> SENSITIVE_OPTIONS =
            Set.of("requirepass", "masterauth", "masteruser", "tls-key-file-pass", "tls-client-key-file-pass");

    private Redaction() {
    }

    /** The positions to hide in a request for the command {@code name} (a full name: {@code config|set}). */
    static BitSet hidden(String name, Request args) {
        BitSet hidden = new BitSet();
        int argc = args.size();
        switch (name) {
            // Redis hides both AUTH forms' arguments; a malformed AUTH is hidden too, for safety.
            case "auth" -> hidden.set(1, argc);
            case "acl|setuser" -> hidden.set(2, argc);
            case "hello" -> {
                for (int i = 2; i < argc; i++) {
                    if (is(args, i, "auth") && i + 2 < argc) {
                        hidden.set(i + 1, i + 3);
                        i += 2;
                    }
                }
            }
            case "migrate" -> {
                for (int i = 6; i < argc; i++) {
                    if (is(args, i, "auth") && i + 1 < argc) {
                        hidden.set(++i);
                    } else if (is(args, i, "auth2") && i + 2 < argc) {
                        hidden.set(i + 1, i + 3);
                        i += 2;
                    }
                }
            }
            case "config|set" -> {
                for (int i = 2; i + 1 < argc; i += 2) {
                    if (SENSITIVE_OPTIONS.contains(word(args, i))) {
                        hidden.set(i + 1);
                    }
                }
            }
            default -> { }
        }
        return hidden;
    }

    private static boolean is(Request args, int index, String keyword) {
        return word(args, index).equals(keyword);
    }

    private static String word(Request args, int index) {
        return new String(args.word(index), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }
}
