package io.redmap.acl;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one selector of a user allows, compiled from its rules (Redis's {@code aclSelector}): a
 * bitmap of command ids, first arguments allowed for commands otherwise denied, key patterns with
 * their access, channel patterns. Immutable: a change builds a new one ({@link SelectorBuilder}),
 * so that checks on other threads never see half a change.
 */
public final class Selector {
    final long[] commands;
    final boolean allCommands;
    /** Whether the rules start from {@code +@all} (commands added later are allowed): how they are described. */
    final boolean startsFromAll;
    /** The command rules as given, in order, each command or category once ({@code +get -@dangerous}). */
    final String commandRules;
    final Map<Integer, Set<String>> firstArgs;
    final List<KeyPattern> keys;
    final boolean allKeys;
    final List<String> channels;
    private final List<Glob> channelGlobs;
    final boolean allChannels;

    Selector(long[] commands, boolean allCommands, boolean startsFromAll, String commandRules,
             Map<Integer, Set<String>> firstArgs, List<KeyPattern> keys, boolean allKeys, List<String> channels,
             boolean allChannels) {
        this.commands = commands;
        this.allCommands = allCommands;
        this.startsFromAll = startsFromAll;
        this.commandRules = commandRules;
        this.firstArgs = firstArgs;
        this.keys = keys;
        this.allKeys = allKeys;
        this.channels = channels;
        this.channelGlobs = channels.stream().map(c -> new Glob(c.getBytes(StandardCharsets.UTF_8))).toList();
        this.allChannels = allChannels;
    }

    /** Whether nothing is restricted: every command, key and channel. */
    boolean unrestricted() {
        return allCommands && allKeys && allChannels;
    }

    /** Whether the command's bit is set (or every command is allowed, or the command is exempt). */
    public boolean allowsCommand(int id, boolean exempt) {
        return allCommands || exempt || (commands[id >>> 6] & (1L << id)) != 0;
    }

    /** Redis's first-arg rules ({@code +select|0}): for a command whose bit is not set. */
    public boolean allowsFirstArg(int id, byte[] firstArg) {
        Set<String> allowed = firstArgs.get(id);
        return allowed != null && firstArg != null
                && allowed.contains(new String(firstArg, StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT));
    }

    public boolean allKeys() {
        return allKeys;
    }

    public boolean allChannels() {
        return allChannels;
    }

    public boolean allowsKey(byte[] key, int access) {
        if (allKeys) {
            return true;
        }
        for (KeyPattern pattern : keys) {
            if (pattern.allows(key, access)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A channel (PUBLISH, SUBSCRIBE) matches the patterns; a pattern (PSUBSCRIBE) must equal one of
     * them literally, as Redis checks it.
     */
    public boolean allowsChannel(byte[] channel, boolean isPattern) {
        if (allChannels) {
            return true;
        }
        for (Glob glob : channelGlobs) {
            if (isPattern ? java.util.Arrays.equals(glob.pattern(), channel) : glob.matches(channel)) {
                return true;
            }
        }
        return false;
    }

    /** Redis's {@code ACLSelectorCheckCmd}: the command, then its keys, then its channels; null if allowed. */
    Denial check(AccessRequest request) {
        AclCommand command = request.command();
        if (!allowsCommand(command.id(), command.exempt()) && !allowsFirstArg(command.id(), request.firstArg())) {
            return new Denial(Denial.Reason.COMMAND, 0);
        }
        if (!allKeys) {
            int last = request.lastKey();
            for (int i = request.keyFirst(); last >= 0 && i <= last; i += request.keyStep()) {
                if (!allowsKey(request.words().apply(i), request.keyAccess())) {
                    return new Denial(Denial.Reason.KEY, i);
                }
            }
        }
        if (!allChannels) {
            int first = request.firstChannel();
            boolean patterns = request.channels() == AccessRequest.Channels.ALL_PATTERNS;
            for (int i = first; first > 0 && i <= request.lastChannel(); i++) {
                if (!allowsChannel(request.words().apply(i), patterns)) {
                    return new Denial(Denial.Reason.CHANNEL, i);
                }
            }
        }
        return null;
    }

    /** The command rules as GETUSER shows them: {@code +@all} or {@code -@all}, then the rules kept. */
    public String describeCommands() {
        String base = startsFromAll ? "+@all" : "-@all";
        return commandRules.isEmpty() ? base : base + " " + commandRules;
    }

    /** The key patterns as GETUSER shows them ({@code ~*} for allkeys). */
    public String describeKeys() {
        return allKeys ? "~*" : keys.stream().map(KeyPattern::describe).collect(Collectors.joining(" "));
    }

    /** The channel patterns as GETUSER shows them ({@code &*} for allchannels). */
    public String describeChannels() {
        return allChannels ? "&*" : channels.stream().map(c -> "&" + c).collect(Collectors.joining(" "));
    }

    /** The rules that rebuild this selector, as ACL LIST shows them: keys, channels, commands. */
    String describe() {
        StringBuilder text = new StringBuilder();
        if (allKeys) {
            text.append("~* ");
        } else {
            keys.forEach(pattern -> text.append(pattern.describe()).append(' '));
        }
        if (allChannels) {
            text.append("&* ");
        } else {
            text.append("resetchannels ");
            channels.forEach(channel -> text.append('&').append(channel).append(' '));
        }
        return text.append(describeCommands()).toString();
    }
}
