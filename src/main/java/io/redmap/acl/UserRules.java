package io.redmap.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one user is allowed, compiled from its rules: whether it is on, its password hashes
 * (or nopass), its root selector and further selectors, and redmap's {@code mmapdir:} directories.
 * Immutable: ACL SETUSER builds new rules ({@link UserRulesBuilder}) and swaps them in at once.
 */
public final class UserRules {
    final boolean enabled;
    final boolean nopass;
    /** Redis's RESTORE payload flags: kept and shown, nothing here restores payloads. */
    final boolean skipSanitizePayload;
    final boolean sanitizePayload;
    final List<String> passwords;
    final Selector root;
    final List<Selector> selectors;
    /** The directories the user may map files under; empty for any ({@code allmmapdirs}). */
    final List<String> mmapDirs;
    private final boolean unrestricted;

    UserRules(boolean enabled, boolean nopass, boolean skipSanitizePayload, boolean sanitizePayload,
              List<String> passwords, Selector root, List<Selector> selectors, List<String> mmapDirs) {
        this.enabled = enabled;
        this.nopass = nopass;
        this.skipSanitizePayload = skipSanitizePayload;
        this.sanitizePayload = sanitizePayload;
        this.passwords = List.copyOf(passwords);
        this.root = root;
        this.selectors = List.copyOf(selectors);
        this.mmapDirs = List.copyOf(mmapDirs);
        this.unrestricted = root.unrestricted();
    }

    /** Whether every command, key and channel is allowed: the check stops here. */
    public boolean unrestricted() {
        return unrestricted;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean nopass() {
        return nopass;
    }

    public List<String> passwords() {
        return passwords;
    }

    public Selector root() {
        return root;
    }

    /** The selectors beyond the root one, {@code (...)} in the rules. */
    public List<Selector> selectors() {
        return selectors;
    }

    /** The directories of {@code mmapdir:} rules as given; empty when the user may map any allowed file. */
    public List<String> mmapDirs() {
        return mmapDirs;
    }

    /** Whether the password (its hash) opens this user: on, and nopass or one of its passwords. */
    boolean accepts(byte[] password) {
        if (!enabled) {
            return false;
        }
        if (nopass) {
            return true;
        }
        String hash = Passwords.hash(password);
        boolean found = false;
        for (String known : passwords) {
            found |= Passwords.sameHash(known, hash);
        }
        return found;
    }

    /**
     * Checks a request as Redis's {@code ACLCheckAllUserCommandPerm}: allowed if one selector allows
     * it all; otherwise the most telling refusal (a key or channel over the command, the last
     * argument refused).
     */
    public Denial check(AccessRequest request) {
        Denial relevant = root.check(request);
        if (relevant == null) {
            return null;
        }
        for (Selector selector : selectors) {
            Denial denial = selector.check(request);
            if (denial == null) {
                return null;
            }
            if (denial.reason().ordinal() > relevant.reason().ordinal()
                    || denial.reason() == relevant.reason() && denial.argIndex() > relevant.argIndex()) {
                relevant = denial;
            }
        }
        return relevant;
    }

    /** Whether some selector allows this access to the key (MIGRATE's keys, which the command table cannot place). */
    public boolean allowsKey(byte[] key, int access) {
        if (root.allowsKey(key, access)) {
            return true;
        }
        for (Selector selector : selectors) {
            if (selector.allowsKey(key, access)) {
                return true;
            }
        }
        return false;
    }

    /** Whether some selector allows the channel (to keep a subscription after a change of rules). */
    public boolean allowsChannel(byte[] channel, boolean pattern) {
        if (root.allowsChannel(channel, pattern)) {
            return true;
        }
        for (Selector selector : selectors) {
            if (selector.allowsChannel(channel, pattern)) {
                return true;
            }
        }
        return false;
    }

    /** The rules that rebuild this user, as ACL LIST and the aclfile show them. */
    public String describe() {
        List<String> words = new ArrayList<>();
        words.add(enabled ? "on" : "off");
        if (nopass) {
            words.add("nopass");
        }
        if (skipSanitizePayload) {
            words.add("skip-sanitize-payload");
        }
        if (sanitizePayload) {
            words.add("sanitize-payload");
        }
        passwords.forEach(hash -> words.add("#" + hash));
        mmapDirs.forEach(dir -> words.add("mmapdir:" + dir));
        words.add(root.describe());
        selectors.forEach(selector -> words.add("(" + selector.describe() + ")"));
        return String.join(" ", words);
    }

    /** The flags as GETUSER lists them. */
    public List<String> flags() {
        List<String> flags = new ArrayList<>();
        flags.add(enabled ? "on" : "off");
        if (nopass) {
            flags.add("nopass");
        }
        if (skipSanitizePayload) {
            flags.add("skip-sanitize-payload");
        }
        if (sanitizePayload) {
            flags.add("sanitize-payload");
        }
        return flags;
    }
}
