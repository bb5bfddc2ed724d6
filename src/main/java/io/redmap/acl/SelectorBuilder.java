package io.redmap.acl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Applies selector rules one at a time, as Redis's {@code ACLSetSelector}: commands and categories
 * ({@code +get -@dangerous +config|get allcommands nocommands}), keys ({@code ~p %R~p %W~p allkeys
 * resetkeys}), channels ({@code &p allchannels resetchannels}). A refused rule throws and leaves
 * the builder as it was before it.
 */
final class SelectorBuilder {
    private final CommandCatalog catalog;
    private final long[] commands;
    private boolean allCommands;
    private boolean startsFromAll;
    /** The retained rules, without their sign's order lost: "+get", "-@dangerous"... */
    private final List<String> rules = new ArrayList<>();
    private final Map<Integer, Set<String>> firstArgs = new HashMap<>();
    private final List<KeyPattern> keys = new ArrayList<>();
    private boolean allKeys;
    private final List<String> channels = new ArrayList<>();
    private boolean allChannels;

    /** A selector that allows nothing (channels as {@code acl-pubsub-default} says). */
    SelectorBuilder(CommandCatalog catalog, boolean allChannelsByDefault) {
        this.catalog = catalog;
        this.commands = new long[(catalog.size() + 63) / 64];
        this.allChannels = allChannelsByDefault;
    }

    SelectorBuilder(CommandCatalog catalog, Selector from) {
        this.catalog = catalog;
        this.commands = Arrays.copyOf(from.commands, (catalog.size() + 63) / 64);
        this.allCommands = from.allCommands;
        this.startsFromAll = from.startsFromAll;
        if (!from.commandRules.isEmpty()) {
            rules.addAll(List.of(from.commandRules.split(" ")));
        }
        from.firstArgs.forEach((id, args) -> firstArgs.put(id, new LinkedHashSet<>(args)));
        this.keys.addAll(from.keys);
        this.allKeys = from.allKeys;
        this.channels.addAll(from.channels);
        this.allChannels = from.allChannels;
    }

    Selector build() {
        Map<Integer, Set<String>> args = new HashMap<>();
        firstArgs.forEach((id, set) -> args.put(id, Set.copyOf(set)));
        return new Selector(commands.clone(), allCommands, startsFromAll, String.join(" ", rules), Map.copyOf(args),
                List.copyOf(keys), allKeys, List.copyOf(channels), allChannels);
    }

    void apply(String op) {
        String lower = op.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "allkeys", "~*" -> {
                allKeys = true;
                keys.clear();
            }
            case "resetkeys" -> {
                allKeys = false;
                keys.clear();
            }
            case "allchannels", "&*" -> {
                allChannels = true;
                channels.clear();
            }
            case "resetchannels" -> {
                allChannels = false;
                channels.clear();
            }
            case "allcommands", "+@all" -> setAll(true);
            case "nocommands", "-@all" -> setAll(false);
            default -> applyPattern(op);
        }
    }

    private void applyPattern(String op) {
        char first = op.charAt(0);
        if (first == '~' || first == '%') {
            addKeyPattern(op);
        } else if (first == '&') {
            if (allChannels) {
                throw RuleError.CHANNEL_AFTER_ALLCHANNELS.at(op);
            }
            String pattern = op.substring(1);
            checkNoSpaces(pattern, op);
            if (!channels.contains(pattern)) {
                channels.add(pattern);
            }
        } else if ((first == '+' || first == '-') && op.length() > 1 && op.charAt(1) == '@') {
            AclCategory category = AclCategory.named(op.substring(2));
            if (category == null) {
                throw RuleError.UNKNOWN_NAME.at(op);
            }
            setCategory(category, first == '+');
        } else if (first == '+') {
            allowCommand(op);
        } else if (first == '-') {
            AclCommand command = catalog.find(op.substring(1));
            if (command == null) {
                throw RuleError.UNKNOWN_NAME.at(op);
            }
            change(command, false);
            retainRule("-", command.name());
        } else {
            throw RuleError.SYNTAX.at(op);
        }
    }

    private void addKeyPattern(String op) {
        if (allKeys) {
            throw RuleError.KEY_AFTER_ALLKEYS.at(op);
        }
        int access = 0;
        int offset = 1;
        if (op.charAt(0) == '%') {
            for (; ; offset++) {
                if (offset >= op.length()) {
                    throw RuleError.SYNTAX.at(op);
                }
                char c = Character.toUpperCase(op.charAt(offset));
                if (c == 'R' && (access & KeyPattern.READ) == 0) {
                    access |= KeyPattern.READ;
                } else if (c == 'W' && (access & KeyPattern.WRITE) == 0) {
                    access |= KeyPattern.WRITE;
                } else if (c == '~' && access != 0) {
                    offset++;
                    break;
                } else {
                    throw RuleError.SYNTAX.at(op);
                }
            }
        } else {
            access = KeyPattern.ALL;
        }
        String pattern = op.substring(offset);
        checkNoSpaces(pattern, op);
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).text().equals(pattern)) {
                keys.set(i, keys.get(i).withAccess(access));
                return;
            }
        }
        keys.add(KeyPattern.of(pattern, access));
    }

    static void checkNoSpaces(String text, String op) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\0' || c == '\t' || c == '\n' || c == '\r') {
                throw RuleError.SYNTAX.at(op);
            }
        }
    }

    /** {@code +cmd}, {@code +container|sub}, or {@code +cmd|first-arg} for a command without subcommands. */
    private void allowCommand(String op) {
        String name = op.substring(1);
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            AclCommand command = catalog.find(name);
            if (command == null) {
                throw RuleError.UNKNOWN_NAME.at(op);
            }
            change(command, true);
            retainRule("+", command.name());
            return;
        }
        AclCommand command = catalog.find(name.substring(0, bar));
        String sub = name.substring(bar + 1);
        if (command == null) {
            throw RuleError.UNKNOWN_NAME.at(op);
        }
        if (command.name().indexOf('|') >= 0) {
            throw RuleError.FIRST_ARG_OF_SUBCOMMAND.at(op);
        }
        if (sub.isEmpty()) {
            throw RuleError.SYNTAX.at(op);
        }
        if (command.isContainer()) {
            AclCommand subcommand = catalog.find(name);
            if (subcommand == null) {
                throw RuleError.UNKNOWN_NAME.at(op);
            }
            change(subcommand, true);
        } else {
            // Redis's deprecated first-arg form (+select|0): the command with that first argument only.
            firstArgs.computeIfAbsent(command.id(), id -> new LinkedHashSet<>()).add(sub.toLowerCase(Locale.ROOT));
        }
        retainRule("+", name.toLowerCase(Locale.ROOT));
    }

    private void setAll(boolean allow) {
        Arrays.fill(commands, allow ? -1L : 0L);
        allCommands = allow;
        startsFromAll = allow;
        rules.clear();
        firstArgs.clear();
    }

    private void setCategory(AclCategory category, boolean allow) {
        retainRule(allow ? "+" : "-", "@" + category.wireName());
        for (AclCommand command : catalog.all()) {
            if (command.categories().contains(category)) {
                change(command, allow);
            }
        }
    }

    /** Allows or denies a command, with its subcommands (Redis's ACLChangeSelectorPerm). */
    private void change(AclCommand command, boolean allow) {
        setBit(command.id(), allow);
        firstArgs.remove(command.id());
        for (AclCommand sub : command.subcommands()) {
            setBit(sub.id(), allow);
        }
    }

    private void setBit(int id, boolean allow) {
        if (allow) {
            commands[id >>> 6] |= 1L << id;
        } else {
            commands[id >>> 6] &= ~(1L << id);
            allCommands = false;
        }
    }

    /**
     * Keeps the rule in order, replacing an earlier rule about the same command or category (and,
     * for a whole command, earlier rules about its subcommands or first arguments), as Redis 7.2
     * retains them so that ACL LIST shows the rules given.
     */
    private void retainRule(String sign, String name) {
        rules.removeIf(rule -> {
            String existing = rule.substring(1);
            return existing.equals(name) || existing.startsWith(name + "|");
        });
        rules.add(sign + name);
    }
}
