package io.redmap.acl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Applies user rules one at a time, as Redis's {@code ACLSetUser}: {@code on off nopass resetpass
 * >pw <pw #hash !hash reset (selector) clearselectors}, redmap's {@code mmapdir:<dir> allmmapdirs},
 * and every selector rule, which goes to the root selector. Works on a copy: the caller keeps the
 * result only if every rule was accepted, so a refused rule changes nothing.
 */
public final class UserRulesBuilder {
    private final CommandCatalog catalog;
    private final boolean allChannelsByDefault;
    private boolean enabled;
    private boolean nopass;
    private boolean skipSanitizePayload;
    private boolean sanitizePayload;
    private final List<String> passwords = new ArrayList<>();
    private SelectorBuilder root;
    private final List<Selector> selectors = new ArrayList<>();
    private final List<String> mmapDirs = new ArrayList<>();

    /** A new user: off, no password, no commands, keys or channels (channels as acl-pubsub-default says). */
    public UserRulesBuilder(CommandCatalog catalog, boolean allChannelsByDefault) {
        this.catalog = catalog;
        this.allChannelsByDefault = allChannelsByDefault;
        this.root = new SelectorBuilder(catalog, allChannelsByDefault);
    }

    /** Starts from an existing user's rules. */
    public UserRulesBuilder(CommandCatalog catalog, boolean allChannelsByDefault, UserRules from) {
        this(catalog, allChannelsByDefault);
        enabled = from.enabled;
        nopass = from.nopass;
        skipSanitizePayload = from.skipSanitizePayload;
        sanitizePayload = from.sanitizePayload;
        passwords.addAll(from.passwords);
        root = new SelectorBuilder(catalog, from.root);
        selectors.addAll(from.selectors);
        mmapDirs.addAll(from.mmapDirs);
    }

    public UserRules build() {
        return new UserRules(enabled, nopass, skipSanitizePayload, sanitizePayload, passwords, root.build(),
                selectors, mmapDirs);
    }

    /** Applies each rule in turn ({@link RuleWords#merge} has joined selectors spread over words). */
    public UserRulesBuilder applyAll(List<String> rules) {
        for (String rule : rules) {
            apply(rule);
        }
        return this;
    }

    /** Applies one rule; throws {@link AclRuleException} (with Redis's reason) for a bad one. */
    public UserRulesBuilder apply(String op) {
        if (op.isEmpty()) {
            return this; // as Redis: an empty rule does nothing
        }
        switch (op.toLowerCase(Locale.ROOT)) {
            case "on" -> enabled = true;
            case "off" -> enabled = false;
            case "skip-sanitize-payload" -> {
                skipSanitizePayload = true;
                sanitizePayload = false;
            }
            case "sanitize-payload" -> {
                skipSanitizePayload = false;
                sanitizePayload = true;
            }
            case "nopass" -> {
                nopass = true;
                passwords.clear();
            }
            case "resetpass" -> {
                nopass = false;
                passwords.clear();
            }
            case "clearselectors" -> selectors.clear();
            case "allmmapdirs" -> mmapDirs.clear();
            case "reset" -> reset();
            default -> applyOther(op);
        }
        return this;
    }

    private void reset() {
        nopass = false;
        passwords.clear();
        enabled = false;
        skipSanitizePayload = false;
        sanitizePayload = true;
        selectors.clear();
        mmapDirs.clear();
        root = new SelectorBuilder(catalog, allChannelsByDefault);
    }

    private void applyOther(String op) {
        char first = op.charAt(0);
        if (first == '>' || first == '#') {
            String hash = first == '>' ? Passwords.hash(op.substring(1).getBytes(StandardCharsets.UTF_8)) : op.substring(1);
            if (first == '#' && !Passwords.isHash(hash)) {
                throw RuleError.BAD_HASH.at(op);
            }
            if (!passwords.contains(hash)) {
                passwords.add(hash);
            }
            nopass = false;
        } else if (first == '<' || first == '!') {
            String hash = first == '<' ? Passwords.hash(op.substring(1).getBytes(StandardCharsets.UTF_8)) : op.substring(1);
            if (first == '!' && !Passwords.isHash(hash)) {
                throw RuleError.BAD_HASH.at(op);
            }
            if (!passwords.remove(hash)) {
                throw RuleError.NO_SUCH_PASSWORD.at(op);
            }
        } else if (first == '(' && op.endsWith(")")) {
            SelectorBuilder selector = new SelectorBuilder(catalog, allChannelsByDefault);
            try {
                for (String rule : RuleWords.split(op.substring(1, op.length() - 1))) {
                    selector.apply(rule);
                }
            } catch (AclRuleException e) {
                throw e.error().at(op); // Redis names the whole selector
            }
            selectors.add(selector.build());
        } else if (op.regionMatches(true, 0, "mmapdir:", 0, 8)) {
            String dir = op.substring(8);
            if (dir.isEmpty()) {
                throw RuleError.SYNTAX.at(op);
            }
            SelectorBuilder.checkNoSpaces(dir, op);
            if (!mmapDirs.contains(dir)) {
                mmapDirs.add(dir);
            }
        } else {
            root.apply(op);
        }
    }
}
