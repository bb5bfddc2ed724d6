package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.acl.AclCategory;
import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Keyspace;
import io.redmap.protocol.AsciiNumbers;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.READONLY;
import static io.redmap.command.CommandFlag.WRITE;
import static io.redmap.command.CommandSpec.command;

/** RANDOMKEY and SWAPDB: a database as a whole, as Redis 7 has them. */
final class DatabaseCommands {
    private DatabaseCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("randomkey").arity(1).flags(READONLY).group("generic").acl(AclCategory.KEYSPACE)
                        .tips("request_policy:all_shards", "nondeterministic_output")
                        .complexity("O(1); O(N) on the first call after the keys changed (a key array is rebuilt)")
                        .summary("Returns a random key name from the database.").handler(DatabaseCommands::randomkey),
                command("swapdb").arity(3).flags(WRITE, FAST).group("server").acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
                        .syntax("index1 index2")
                        .complexity("O(N) where N is the count of clients watching or blocking on keys from both databases.")
                        .summary("Swaps two Redis databases.").handler(DatabaseCommands::swapdb));
    }

    static void randomkey(CommandContext ctx) {
        ByteKey key = ctx.keyspace().database(ctx.session().db()).randomKey(ThreadLocalRandom.current());
        if (key == null) {
            ctx.reply().nil();
        } else {
            ctx.reply().bulk(key.bytes());
        }
    }

    /**
     * Clients stay on their database numbers and see the other database's keys; WATCHed keys that
     * exist in either database are touched, so that their transactions fail, as in Redis.
     */
    static void swapdb(CommandContext ctx) {
        if (ctx.server().cluster() != null) {
            throw RedmapException.err("SWAPDB is not allowed in cluster mode");
        }
        int first = databaseIndex(ctx, 1, "invalid first DB index");
        int second = databaseIndex(ctx, 2, "invalid second DB index");
        Keyspace keyspace = ctx.keyspace();
        if (first < 0 || first >= keyspace.databaseCount() || second < 0 || second >= keyspace.databaseCount()) {
            throw RedmapException.err("DB index is out of range");
        }
        ctx.modifiedNothing();
        if (first != second) {
            Predicate<ByteKey> inEither = key -> keyspace.get(first, key) != null || keyspace.get(second, key) != null;
            keyspace.swap(first, second);
            ctx.server().watches().touchWatchedIn(first, inEither);
            ctx.server().watches().touchWatchedIn(second, inEither);
        }
        ctx.reply().ok();
        ctx.propagateAs(ctx.request()); // as Redis (server.dirty++): replicas swap too, even a database with itself
    }

    /** Redis's getIntFromObjectOrReply with a message of its own: an int, or that message. */
    private static int databaseIndex(CommandContext ctx, int index, String message) {
        try {
            long value = AsciiNumbers.parseLong(ctx.arg(index));
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (int) value;
        } catch (NumberFormatException e) {
            throw RedmapException.err(message);
        }
    }
}
