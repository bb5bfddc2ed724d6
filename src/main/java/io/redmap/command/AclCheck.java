package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.acl.AccessRequest;
import io.redmap.acl.Denial;
import io.redmap.acl.Selector;
import io.redmap.acl.User;
import io.redmap.acl.UserRules;
import io.redmap.protocol.Request;
import io.redmap.server.ClientSession;
import io.redmap.server.ServerState;
import io.redmap.server.ServerStats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The permission check of every command, once, after it is resolved (and again for each queued
 * command at EXEC, as Redis does), and redmap's {@code mmapdir:} check of the files MMAP and MIGRATE
 * touch. A user that may run everything (the default user) costs two field reads; a user with
 * allkeys matches no key pattern. A refusal is logged (ACL LOG) and answered {@code -NOPERM}.
 */
final class AclCheck {
    private AclCheck() {
    }

    static void check(ServerState server, ClientSession session, CommandSpec spec, Request args) {
        User user = session.user();
        if (user == null) {
            return; // our master's link runs anything
        }
        UserRules rules = user.rules();
        if (rules.unrestricted()) {
            return;
        }
        Denial denial = rules.selectors().isEmpty() ? checkRoot(rules.root(), spec, args)
                : rules.check(request(server, spec, args));
        if (denial == null && spec.keys().finder() != null) {
            denial = checkFoundKeys(rules, spec, args);
        }
        if (denial != null) {
            log(server, session, user, denial.reason(), object(spec, args, denial));
            throw new RedmapException("NOPERM", message(user, spec, args, denial, false));
        }
    }

    /**
     * The common case, a user with one selector, without allocating: the command's bit, then its
     * keys (none matched for allkeys), then its channels. The same decisions as {@link UserRules#check}.
     */
    private static Denial checkRoot(Selector root, CommandSpec spec, Request args) {
        int id = spec.id();
        if (!root.allowsCommand(id, spec.has(CommandFlag.NO_AUTH))
                && !root.allowsFirstArg(id, args.size() > 1 ? args.word(1) : null)) {
            return new Denial(Denial.Reason.COMMAND, 0);
        }
        if (!root.allKeys() && spec.keys().finder() == null) {
            KeySpec keys = spec.keys();
            int argc = args.size();
            if (keys.first() > 0 && keys.first() < argc) {
                int access = spec.has(CommandFlag.WRITE) ? AccessRequest.WRITE : AccessRequest.READ;
                int last = keys.last() < 0 ? argc + keys.last() : Math.min(keys.last(), argc - 1);
                for (int i = keys.first(); i <= last; i += keys.step()) {
                    if (!root.allowsKey(args.word(i), access)) {
                        return new Denial(Denial.Reason.KEY, i);
                    }
                }
            }
        }
        if (!root.allChannels() && spec.has(CommandFlag.PUBSUB)) {
            AccessRequest.Channels channels = channels(spec);
            int last = channels == AccessRequest.Channels.FIRST ? Math.min(1, args.size() - 1) : args.size() - 1;
            for (int i = 1; channels != AccessRequest.Channels.NONE && i <= last; i++) {
                if (!root.allowsChannel(args.word(i), channels == AccessRequest.Channels.ALL_PATTERNS)) {
                    return new Denial(Denial.Reason.CHANNEL, i);
                }
            }
        }
        return null;
    }

    /**
     * The keys of a command whose keys a rule finds (MIGRATE's {@code KEYS} form), which the
     * (first, last, step) triple does not place: each found key must be allowed for its access.
     */
    static Denial checkFoundKeys(UserRules rules, CommandSpec spec, Request args) {
        int access = spec.has(CommandFlag.WRITE) ? AccessRequest.WRITE : AccessRequest.READ;
        for (int position : spec.keys().positions(args)) {
            if (!rules.allowsKey(args.word(position), access)) {
                return new Denial(Denial.Reason.KEY, position);
            }
        }
        return null;
    }

    /** The request as the selectors see it; keys that a rule finds are checked apart ({@link #checkFoundKeys}). */
    static AccessRequest request(ServerState server, CommandSpec spec, Request args) {
        KeySpec keys = spec.keys();
        boolean byTriple = keys.finder() == null;
        return new AccessRequest(server.acl().catalog().command(spec.id()), args.size(), args::word,
                byTriple ? keys.first() : 0,
                keys.last(), keys.step(), spec.has(CommandFlag.WRITE) ? AccessRequest.WRITE : AccessRequest.READ,
                channels(spec));
    }

    private static AccessRequest.Channels channels(CommandSpec spec) {
        if (!spec.has(CommandFlag.PUBSUB)) {
            return AccessRequest.Channels.NONE;
        }
        return switch (spec.name()) {
            case "publish" -> AccessRequest.Channels.FIRST;
            case "subscribe" -> AccessRequest.Channels.ALL;
            case "psubscribe" -> AccessRequest.Channels.ALL_PATTERNS;
            default -> AccessRequest.Channels.NONE;
        };
    }

    private static String object(CommandSpec spec, Request args, Denial denial) {
        return denial.reason() == Denial.Reason.COMMAND ? spec.name()
                : new String(args.word(denial.argIndex()), StandardCharsets.UTF_8);
    }

    /** Redis 7.2's words: the short form for -NOPERM, the verbose one for ACL DRYRUN. */
    static String message(User user, CommandSpec spec, Request args, Denial denial, boolean verbose) {
        String name = denial.argIndex() > 0 ? new String(args.word(denial.argIndex()), StandardCharsets.UTF_8) : "";
        return switch (denial.reason()) {
            case COMMAND -> "User " + user.name() + " has no permissions to run the '" + spec.name() + "' command";
            case KEY -> verbose ? "User " + user.name() + " has no permissions to access the '" + name + "' key"
                    : "No permissions to access a key";
            case CHANNEL -> verbose ? "User " + user.name() + " has no permissions to access the '" + name + "' channel"
                    : "No permissions to access a channel";
            default -> "No permissions";
        };
    }

    /** An ACL LOG entry about this connection (in a transaction: context multi). */
    static void log(ServerState server, ClientSession session, User user, Denial.Reason reason, String object) {
        log(server, session, user.name(), reason, object);
    }

    static void log(ServerState server, ClientSession session, String username, Denial.Reason reason, String object) {
        ServerStats stats = server.stats();
        switch (reason) {
            case AUTH -> stats.aclDeniedAuth.increment();
            case COMMAND -> stats.aclDeniedCommand.increment();
            case KEY, MMAPDIR -> stats.aclDeniedKey.increment();
            case CHANNEL -> stats.aclDeniedChannel.increment();
        }
        server.acl().log().add(reason, session.transaction().inMulti() ? "multi" : "toplevel", object, username,
                ClientCommands.describe(null, session));
    }

    /** MIGRATE and the import side: a key the command table cannot place, checked for writing. */
    static void checkKey(CommandContext ctx, byte[] key) {
        User user = ctx.session().user();
        if (user == null || user.rules().unrestricted() || user.rules().allowsKey(key, AccessRequest.WRITE)) {
            return;
        }
        log(ctx.server(), ctx.session(), user, Denial.Reason.KEY, new String(key, StandardCharsets.UTF_8));
        throw new RedmapException("NOPERM", "No permissions to access a key");
    }

    /**
     * {@code mmapdir:}: a file (its real path, symlinks resolved) that the user may map only if it
     * lies under one of its directories (their real paths; relative ones from {@code dir}).
     */
    static void checkFile(CommandContext ctx, Path realFile) {
        User user = ctx.session().user();
        List<String> dirs = user == null ? List.of() : user.rules().mmapDirs();
        if (dirs.isEmpty()) {
            return;
        }
        Path base = ctx.keyspace().store().files().policy().dir();
        for (String dir : dirs) {
            try {
                Path real = base.resolve(dir).toRealPath();
                if (realFile.startsWith(real) && !realFile.equals(real)) {
                    return;
                }
            } catch (IOException | RuntimeException missing) {
                // A directory that does not exist holds no file.
            }
        }
        log(ctx.server(), ctx.session(), user, Denial.Reason.MMAPDIR, realFile.toString());
        throw new RedmapException("NOPERM", "No permissions to map a file outside the user's mmapdir directories");
    }

    /** MMAP's path: resolved as the store resolves it, checked only for a user with {@code mmapdir:} rules. */
    static void checkMappedPath(CommandContext ctx, String path) {
        User user = ctx.session().user();
        if (user != null && !user.rules().mmapDirs().isEmpty()) {
            checkFile(ctx, ctx.keyspace().store().files().policy().resolve(path));
        }
    }
}
