package io.redmap.command;

import io.redmap.acl.AclCategory;
import io.redmap.RedmapException;
import io.redmap.cluster.Migration;
import io.redmap.keyspace.ByteKey;
import io.redmap.protocol.PendingReply;
import io.redmap.protocol.Request;
import io.redmap.replication.Replication;
import io.redmap.store.MappedArray;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.redmap.command.CommandFlag.NO_MULTI;
import static io.redmap.command.CommandFlag.WRITE;
import static io.redmap.command.CommandSpec.command;

/**
 * {@code MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
 * [AUTH2 username password] [KEYS key [key ...]]}: moves arrays, with their files, to another
 * server, as {@code redis-cli --cluster reshard} asks. The arguments are checked and the keys found
 * here; the move runs on a thread of its own ({@link Migration}) while the client's reply waits.
 */
final class MigrateCommand {
    private MigrateCommand() {
    }

    static List<CommandSpec> specs() {
        return List.of(command("migrate").arity(-6).flags(WRITE, NO_MULTI)
                .keys(KeySpec.of(KeySpec.Range.at(3, "RW", "access", "delete"),
                        KeySpec.Range.afterKeyword("KEYS", -2, "RW", "access", "delete", "incomplete"))
                        .foundBy(MigrateCommand::keyPositions))
                .acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS).tips("nondeterministic_output").since("2.6.0")
                .history("3.0.0", "Added the `COPY` and `REPLACE` options.").history("3.0.6", "Added the `KEYS` option.")
                .history("4.0.7", "Added the `AUTH` option.").history("6.0.0", "Added the `AUTH2` option.")
                .group("generic")
                .syntax("host port <key | \"\"> destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] "
                        + "[KEYS key [key ...]]")
                .complexity("O(N) in the size of the arrays' files (only the blocks the target lacks are sent)")
                .summary("Atomically transfers arrays, with their files, from one server to another.")
                .handler(MigrateCommand::migrate));
    }

    /**
     * The keys, as Redis's migrateGetKeys finds them: the third argument, or with {@code KEYS} (the
     * third then empty) every argument after it; AUTH's and AUTH2's values are skipped.
     */
    static int[] keyPositions(Request request) {
        int first = 3;
        int count = 1;
        for (int i = 6; i < request.size(); i++) {
            String word = new String(request.word(i), StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
            if (word.equals("keys")) {
                if (request.word(3).length > 0) {
                    return new int[0];
                }
                first = i + 1;
                count = request.size() - first;
                break;
            }
            i += word.equals("auth") ? 1 : word.equals("auth2") ? 2 : 0;
        }
        int[] positions = new int[Math.max(0, count)];
        for (int k = 0; k < positions.length; k++) {
            positions[k] = first + k;
        }
        return positions;
    }

    static void migrate(CommandContext ctx) {
        long port = ctx.integer(2);
        long db = ctx.integer(4);
        long timeout = ctx.integer(5);
        boolean copy = false;
        boolean replace = false;
        String user = null;
        String password = null;
        int firstKey = 3;
        int keyCount = 1;
        for (int i = 6; i < ctx.argc(); i++) {
            String option = ctx.keyword(i);
            int left = ctx.argc() - i - 1;
            switch (option) {
                case "copy" -> copy = true;
                case "replace" -> replace = true;
                case "auth" -> {
                    if (left < 1) {
                        throw CommandContext.syntaxError();
                    }
                    password = ctx.string(++i);
                }
                case "auth2" -> {
                    if (left < 2) {
                        throw CommandContext.syntaxError();
                    }
                    user = ctx.string(++i);
                    password = ctx.string(++i);
                }
                case "keys" -> {
                    if (ctx.arg(3).length != 0) {
                        throw RedmapException.err("When using MIGRATE KEYS option, the key argument must be set to the empty string");
                    }
                    firstKey = i + 1;
                    keyCount = left;
                    i = ctx.argc();
                }
                default -> throw CommandContext.syntaxError();
            }
        }
        if (port <= 0 || port > 65535 || db < 0 || db > Integer.MAX_VALUE) {
            throw RedmapException.err("value is not an integer or out of range");
        }
        // MIGRATE itself changes nothing here yet, and is not replicated: the thread sends each moved key's DEL.
        ctx.propagateAs();
        ctx.modifiedNothing();
        List<Migration.Key> keys = presentKeys(ctx, firstKey, keyCount);
        if (keys.isEmpty()) {
            ctx.reply().simple("NOKEY");
            return;
        }
        int timeoutMillis = timeout <= 0 ? 1000 : (int) Math.min(timeout, Integer.MAX_VALUE);
        Migration.Target target = new Migration.Target(ctx.string(1), (int) port, (int) db, timeoutMillis, copy, replace,
                user, password);
        PendingReply reply = new PendingReply();
        ctx.reply().stream(reply);
        Thread.ofVirtual().name("redmap-migrate").start(new Migration(ctx.server(), target, keys, reply));
    }

    /** The named keys that exist here (once each), with their files. */
    private static List<Migration.Key> presentKeys(CommandContext ctx, int first, int count) {
        Set<ByteKey> names = new LinkedHashSet<>();
        for (int i = first; i < first + count; i++) {
            names.add(ctx.key(i));
        }
        Path dir = ctx.keyspace().store().files().policy().dir();
        List<Migration.Key> keys = new ArrayList<>();
        int db = ctx.session().db();
        for (ByteKey name : names) {
            MappedArray array = ctx.keyspace().get(db, name);
            if (array != null) {
                AclCheck.checkFile(ctx, Path.of(array.file().path()));
                String path = array.file().path();
                keys.add(new Migration.Key(db, name, array.file(), path, Replication.transferPath(dir, Path.of(path))));
            }
        }
        return keys;
    }
}
