package io.redmap.acl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The users and their rules, and the ACL log: Redis's ACL subsystem without the network. Changes
 * (ACL SETUSER, DELUSER, LOAD, CONFIG SET requirepass) come one at a time under the server's
 * command lock; lookups (AUTH, the permission check) may run on any thread at any time.
 */
public final class Acl {
    public static final String DEFAULT_USER = "default";

    private final CommandCatalog catalog;
    /** By name, in the byte order of names that ACL LIST and USERS follow. */
    private final Map<String, User> users = new ConcurrentSkipListMap<>();
    private final User defaultUser;
    private final AclLog log = new AclLog();
    private volatile boolean allChannelsByDefault;

    public Acl(CommandCatalog catalog) {
        this.catalog = catalog;
        this.defaultUser = new User(DEFAULT_USER, defaultRules());
        users.put(DEFAULT_USER, defaultUser);
    }

    /** Redis's default user: on, nopass, every command, key and channel. */
    private UserRules defaultRules() {
        return new UserRulesBuilder(catalog, false).applyAll(List.of("+@all", "~*", "&*", "on", "nopass")).build();
    }

    public CommandCatalog catalog() {
        return catalog;
    }

    public AclLog log() {
        return log;
    }

    public User defaultUser() {
        return defaultUser;
    }

    /** The user of that name, or null. */
    public User user(String name) {
        return users.get(name);
    }

    public Collection<User> users() {
        return users.values();
    }

    /** {@code acl-pubsub-default}: whether new users start with every channel ({@code allchannels}). */
    public void allChannelsByDefault(boolean all) {
        allChannelsByDefault = all;
    }

    /** A builder for new rules: a new user's, or starting from {@code from}. */
    public UserRulesBuilder builder(UserRules from) {
        return from == null ? new UserRulesBuilder(catalog, allChannelsByDefault)
                : new UserRulesBuilder(catalog, allChannelsByDefault, from);
    }

    /**
     * ACL SETUSER: applies the rules to the user (created if missing) all or nothing.
     *
     * @return the user and its rules before (null for a new user)
     * @throws AclRuleException for a bad rule or name; nothing changed
     */
    public Change setUser(String name, List<String> words) {
        checkName(name);
        User user = users.get(name);
        UserRules before = user == null ? null : user.rules();
        UserRules after = builder(before).applyAll(RuleWords.merge(words)).build();
        if (user == null) {
            user = new User(name, after);
            users.put(name, user);
        } else {
            user.rules(after);
        }
        return new Change(user, before);
    }

    /** A user whose rules changed, with its rules before the change (null if it is new). */
    public record Change(User user, UserRules before) {
    }

    static void checkName(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == ' ' || name.charAt(i) == '\0') {
                throw new AclRuleException("Usernames can't contain spaces or null characters");
            }
        }
    }

    /** ACL DELUSER: the users removed (the caller closes their connections). The default user is never removed. */
    public List<User> deleteUsers(List<String> names) {
        List<User> deleted = new ArrayList<>();
        for (String name : names) {
            User user = name.equals(DEFAULT_USER) ? null : users.remove(name);
            if (user != null) {
                user.delete();
                deleted.add(user);
            }
        }
        return deleted;
    }

    /**
     * AUTH and HELLO AUTH: the user if the name and password match and it is on, else null.
     * The password is hashed and compared whatever the name, so that a wrong name costs the same.
     */
    public User authenticate(String name, byte[] password) {
        User user = users.get(name);
        if (user == null) {
            Passwords.hash(password);
            return null;
        }
        return user.rules().accepts(password) ? user : null;
    }

    /** {@code requirepass}: the default user's only password, or nopass when empty (CONFIG SET too). */
    public void requirePass(String password) {
        List<String> rules = password.isEmpty() ? List.of("resetpass", "nopass") : List.of("resetpass", ">" + password);
        defaultUser.rules(builder(defaultUser.rules()).applyAll(rules).build());
    }

    /** Whether the default user is as Redis makes it, with requirepass's password if one was set. */
    public boolean isStandardDefault() {
        UserRules rules = defaultUser.rules();
        String standard = defaultRules().describe();
        return rules.describe().equals(standard) || rules.passwords().size() == 1
                && rules.describe().equals(standard.replace(" nopass", " #" + rules.passwords().getFirst()));
    }

    /** Replaces every user's rules with these (ACL LOAD, start): the users not among them are removed and returned. */
    public List<User> replaceAll(Map<String, UserRules> loaded) {
        List<User> removed = new ArrayList<>();
        defaultUser.rules(loaded.containsKey(DEFAULT_USER) ? loaded.get(DEFAULT_USER) : defaultRules());
        for (var entry : loaded.entrySet()) {
            User user = users.get(entry.getKey());
            if (user == null) {
                users.put(entry.getKey(), new User(entry.getKey(), entry.getValue()));
            } else {
                user.rules(entry.getValue());
            }
        }
        for (User user : List.copyOf(users.values())) {
            if (!user.name().equals(DEFAULT_USER) && !loaded.containsKey(user.name())) {
                users.remove(user.name());
                user.delete();
                removed.add(user);
            }
        }
        return removed;
    }

    /**
     * The {@code user} lines of the config file, at start ({@code user <name> <rules>} without the
     * {@code user}). A {@code default} line starts from a reset default user, as in Redis.
     *
     * @throws IllegalArgumentException naming the rule and the user, for a start that must stop
     */
    public void loadConfigured(List<String> lines) {
        Map<String, UserRules> loaded = new java.util.LinkedHashMap<>();
        for (String line : lines) {
            List<String> words = RuleWords.split(line);
            if (words.isEmpty()) {
                continue;
            }
            String name = words.getFirst();
            if (loaded.containsKey(name)) {
                throw new IllegalArgumentException("user " + line + ": " + RuleError.DUPLICATE_USER.text());
            }
            try {
                checkName(name);
                UserRulesBuilder builder = name.equals(DEFAULT_USER) ? builder(defaultUser.rules()).apply("reset") : builder(null);
                loaded.put(name, builder.applyAll(RuleWords.merge(words.subList(1, words.size()))).build());
            } catch (AclRuleException e) {
                throw new IllegalArgumentException(e.rule() == null ? e.getMessage()
                        : "Error loading ACL rule '" + e.rule() + "' for the user named '" + name + "': " + e.getMessage());
            }
        }
        loaded.forEach((name, rules) -> {
            User user = users.get(name);
            if (user == null) {
                users.put(name, new User(name, rules));
            } else {
                user.rules(rules);
            }
        });
    }

    /**
     * At start, as Redis's ACLLoadUsersAtStartup: the config's user lines, or the aclfile (refused
     * whole if one line is bad), never both.
     *
     * @param shownName the aclfile option as given (errors name it), empty for none
     * @throws IllegalArgumentException with the reason the start stops
     */
    public void loadAtStart(List<String> userLines, String shownName, java.nio.file.Path aclFile) {
        if (aclFile != null && !userLines.isEmpty()) {
            throw new IllegalArgumentException("Configuring Redis with users defined in redis.conf and at the same "
                    + "setting an ACL file path is invalid. This setup is very likely to lead to configuration errors "
                    + "and security holes, please define either an ACL file or declare users directly in your "
                    + "redis.conf, but not both.");
        }
        loadConfigured(userLines);
        if (aclFile != null) {
            try {
                replaceAll(AclFile.read(aclFile, shownName, this));
            } catch (AclFile.Refused e) {
                throw new IllegalArgumentException("Aborting startup because of ACL errors: " + e.getMessage());
            }
        }
    }

    /** Every user as ACL LIST shows it and the aclfile holds it: {@code user <name> <rules>}. */
    public List<String> describeAll() {
        List<String> lines = new ArrayList<>();
        for (User user : users.values()) {
            lines.add("user " + user.name() + " " + user.rules().describe());
        }
        return lines;
    }
}
