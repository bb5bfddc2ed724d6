package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.cluster.Migration;
import io.redmap.keyspace.ByteKey;
import io.redmap.protocol.PendingReply;
import io.redmap.replication.Replication;
import io.redmap.store.MappedArray;

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
        return List.of(command("migrate").arity(-6).flags(WRITE, NO_MULTI).group("generic")
                .syntax("host port key|\"\" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] "
                        + "[KEYS key [key ...]]")
                .complexity("O(N) in the size of the arrays' files (only the blocks the target lacks are sent)")
                .summary("Atomically transfers arrays, with their files, from one server to another.")
                .handler(MigrateCommand::migrate));
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
            AclCheck.checkKey(ctx, name.bytes());
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
