package io.redmap.command;

import io.redmap.glob.GlobMatcher;
import io.redmap.acl.AclCategory;
import io.redmap.RedmapException;
import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Database;
import io.redmap.keyspace.Keyspace;
import io.redmap.protocol.Reply;
import io.redmap.pubsub.KeyspaceEvents;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.READONLY;
import static io.redmap.command.CommandFlag.WRITE;
import static io.redmap.command.CommandFlag.TOUCHES_ARBITRARY_KEYS;
import static io.redmap.command.CommandSpec.command;

/** Commands on keys as a whole. Unmapping never deletes a file. */
final class KeyspaceCommands {
    /** What TYPE replies for every redmap key. */
    static final String TYPE_NAME = "mmap";

    private KeyspaceCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("del").arity(-2).flags(WRITE).acl(AclCategory.KEYSPACE)
                        .tips("request_policy:multi_shard", "response_policy:agg_sum")
                        .keys(KeySpec.fromFirst("RM", "delete")).group("generic")
                        .syntax("key [key ...]").summary("Unmaps keys (their files stay); replies how many existed.")
                        .complexity("O(N) where N is the number of keys").handler(KeyspaceCommands::del),
                command("unlink").arity(-2).flags(WRITE, FAST).acl(AclCategory.KEYSPACE)
                        .tips("request_policy:multi_shard", "response_policy:agg_sum").since("4.0.0")
                        .keys(KeySpec.fromFirst("RM", "delete")).group("generic")
                        .syntax("key [key ...]").summary("Same as DEL.")
                        .complexity("O(N) where N is the number of keys").handler(KeyspaceCommands::del),
                command("exists").arity(-2).flags(READONLY, FAST).acl(AclCategory.KEYSPACE)
                        .tips("request_policy:multi_shard", "response_policy:agg_sum")
                        .history("3.0.3", "Accepts multiple `key` arguments.").keys(KeySpec.fromFirst("RO"))
                        .group("generic")
                        .syntax("key [key ...]").summary("Counts how many of the keys exist.")
                        .complexity("O(N) where N is the number of keys").handler(KeyspaceCommands::exists),
                command("type").arity(2).flags(READONLY, FAST).acl(AclCategory.KEYSPACE).keys(KeySpec.atFirst("RO"))
                        .group("generic")
                        .syntax("key").summary("Returns 'mmap' for a mapped key, 'none' for a missing one.")
                        .handler(KeyspaceCommands::type),
                command("ttl").arity(2).flags(READONLY, FAST).acl(AclCategory.KEYSPACE)
                        .tips("nondeterministic_output").history("2.8.0", "Added the -2 reply.")
                        .keys(KeySpec.atFirst("RO", "access")).group("generic")
                        .syntax("key").summary("Mapped keys never expire: -1, or -2 when missing.")
                        .handler(KeyspaceCommands::ttl),
                command("pttl").arity(2).flags(READONLY, FAST).acl(AclCategory.KEYSPACE)
                        .tips("nondeterministic_output").since("2.6.0").history("2.8.0", "Added the -2 reply.")
                        .keys(KeySpec.atFirst("RO", "access")).group("generic")
                        .syntax("key").summary("Mapped keys never expire: -1, or -2 when missing.")
                        .handler(KeyspaceCommands::ttl),
                command("keys").arity(2).flags(READONLY).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
                        .tips("request_policy:all_shards", "nondeterministic_output_order")
                        .group("generic").syntax("pattern")
                        .complexity("O(N) with N being the number of keys in the database")
                        .summary("Returns the keys matching a glob-style pattern.").handler(KeyspaceCommands::keys),
                command("scan").arity(-2).flags(READONLY, TOUCHES_ARBITRARY_KEYS).acl(AclCategory.KEYSPACE)
                        .tips("nondeterministic_output", "request_policy:special", "response_policy:special")
                        .since("2.8.0").history("6.0.0", "Added the `TYPE` subcommand.").group("generic")
                        .syntax("cursor [MATCH pattern] [COUNT count] [TYPE type]")
                        .complexity("O(1) for every call. O(N) for a complete iteration")
                        .summary("Iterates over the keys of the database.").handler(KeyspaceCommands::scan),
                command("rename").arity(3).flags(WRITE).acl(AclCategory.KEYSPACE)
                        .keys(KeySpec.of(KeySpec.Range.at(1, "RW", "access", "delete"), KeySpec.Range.at(2, "OW", "update")))
                        .group("generic")
                        .syntax("key newkey").summary("Renames a key, replacing the target.")
                        .handler(ctx -> rename(ctx, false)),
                command("renamenx").arity(3).flags(WRITE, FAST).acl(AclCategory.KEYSPACE)
                        .history("3.2.0", "The command no longer returns an error when source and destination names are the same.")
                        .keys(KeySpec.of(KeySpec.Range.at(1, "RW", "access", "delete"), KeySpec.Range.at(2, "OW", "insert")))
                        .group("generic")
                        .syntax("key newkey").summary("Renames a key only if the new name is free.")
                        .handler(ctx -> rename(ctx, true)),
                command("move").arity(3).flags(WRITE, FAST).acl(AclCategory.KEYSPACE)
                        .keys(KeySpec.atFirst("RW", "access", "update")).group("generic")
                        .syntax("key db").summary("Moves a key to another database.").handler(KeyspaceCommands::move),
                command("dbsize").arity(1).flags(READONLY, FAST).acl(AclCategory.KEYSPACE)
                        .tips("request_policy:all_shards", "response_policy:agg_sum").group("server")
                        .summary("Returns the number of keys in the database.").handler(KeyspaceCommands::dbsize),
                command("flushdb").arity(-1).flags(WRITE).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .history("4.0.0", "Added the `ASYNC` flushing mode modifier.")
                        .history("6.2.0", "Added the `SYNC` flushing mode modifier.")
                        .group("server").syntax("[ASYNC | SYNC]")
                        .complexity("O(N) where N is the number of keys in the selected database")
                        .summary("Unmaps every key of the database; files stay.").handler(ctx -> flush(ctx, false)),
                command("flushall").arity(-1).flags(WRITE).acl(AclCategory.KEYSPACE, AclCategory.DANGEROUS)
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .history("4.0.0", "Added the `ASYNC` flushing mode modifier.")
                        .history("6.2.0", "Added the `SYNC` flushing mode modifier.")
                        .group("server").syntax("[ASYNC | SYNC]")
                        .complexity("O(N) where N is the total number of keys in all databases")
                        .summary("Unmaps every key of every database; files stay.").handler(ctx -> flush(ctx, true)));
    }

    static void del(CommandContext ctx) {
        long deleted = 0;
        ctx.modifiedNothing();
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.keyspace().delete(ctx.session().db(), ctx.key(i))) {
                ctx.modified(ctx.session().db(), ctx.key(i));
                ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", ctx.key(i));
                deleted++;
            }
        }
        ctx.reply().integer(deleted);
    }

    static void exists(CommandContext ctx) {
        long found = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.keyspace().get(ctx.session().db(), ctx.key(i)) != null) {
                found++;
            }
        }
        ctx.reply().integer(found);
    }

    static void type(CommandContext ctx) {
        boolean exists = ctx.keyspace().get(ctx.session().db(), ctx.key(1)) != null;
        ctx.reply().simple(exists ? TYPE_NAME : "none");
    }

    static void ttl(CommandContext ctx) {
        boolean exists = ctx.keyspace().get(ctx.session().db(), ctx.key(1)) != null;
        ctx.reply().integer(exists ? -1 : -2);
    }

    static void keys(CommandContext ctx) {
        byte[] pattern = ctx.arg(1);
        Database database = ctx.keyspace().database(ctx.session().db());
        List<ByteKey> matching = new ArrayList<>();
        for (ByteKey key : database.keys()) {
            if (GlobMatcher.matches(pattern, key.bytes(), false)) {
                matching.add(key);
            }
        }
        Reply reply = ctx.reply();
        reply.arrayHeader(matching.size());
        for (ByteKey key : matching) {
            reply.bulk(key.bytes());
        }
    }

    static void scan(CommandContext ctx) {
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(ctx.string(1));
        } catch (NumberFormatException e) {
            throw RedmapException.err("invalid cursor");
        }
        byte[] pattern = null;
        long count = 10;
        String type = null;
        for (int i = 2; i < ctx.argc(); i += 2) {
            if (i + 1 >= ctx.argc()) {
                throw CommandContext.syntaxError();
            }
            switch (ctx.keyword(i)) {
                case "match" -> pattern = ctx.arg(i + 1);
                case "count" -> {
                    count = ctx.integer(i + 1);
                    if (count < 1) {
                        throw CommandContext.syntaxError();
                    }
                }
                case "type" -> type = ctx.keyword(i + 1);
                default -> throw CommandContext.syntaxError();
            }
        }
        byte[] glob = pattern;
        boolean typeMatches = type == null || type.equals(TYPE_NAME);
        Predicate<ByteKey> filter = key -> typeMatches && (glob == null || GlobMatcher.matches(glob, key.bytes(), false));
        Database.ScanPage page = ctx.keyspace().database(ctx.session().db())
                .scan(cursor, (int) Math.min(count, Integer.MAX_VALUE), filter);
        Reply reply = ctx.reply();
        reply.arrayHeader(2);
        reply.bulk(Long.toUnsignedString(page.nextCursor()));
        reply.arrayHeader(page.keys().size());
        for (ByteKey key : page.keys()) {
            reply.bulk(key.bytes());
        }
    }

    static void rename(CommandContext ctx, boolean onlyIfAbsent) {
        Keyspace keyspace = ctx.keyspace();
        boolean renamed = keyspace.rename(ctx.session().db(), ctx.key(1), ctx.key(2), onlyIfAbsent);
        // A key renamed to itself, or RENAMENX onto a taken name, changed nothing.
        ctx.modifiedNothing();
        if (renamed && !ctx.key(1).equals(ctx.key(2))) {
            ctx.modified(ctx.session().db(), ctx.key(1));
            ctx.modified(ctx.session().db(), ctx.key(2));
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "rename_from", ctx.key(1));
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "rename_to", ctx.key(2));
        }
        if (onlyIfAbsent) {
            ctx.reply().integer(renamed ? 1 : 0);
        } else {
            ctx.reply().ok();
        }
    }

    static void move(CommandContext ctx) {
        if (ctx.server().cluster() != null) {
            throw RedmapException.err("MOVE is not allowed in cluster mode");
        }
        long target = ctx.integer(2);
        if (target < 0 || target >= ctx.keyspace().databaseCount()) {
            throw RedmapException.err("DB index is out of range");
        }
        if (target == ctx.session().db()) {
            throw RedmapException.err("source and destination objects are the same");
        }
        boolean moved = ctx.keyspace().move(ctx.session().db(), ctx.key(1), (int) target);
        ctx.modifiedNothing();
        if (moved) {
            ctx.modified(ctx.session().db(), ctx.key(1));
            ctx.modified((int) target, ctx.key(1));
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "move_from", ctx.key(1));
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "move_to", (int) target, ctx.key(1));
        }
        ctx.reply().integer(moved ? 1 : 0);
    }

    static void dbsize(CommandContext ctx) {
        ctx.reply().integer(ctx.keyspace().database(ctx.session().db()).size());
    }

    static void flush(CommandContext ctx, boolean all) {
        if (ctx.argc() > 2) {
            throw CommandContext.syntaxError();
        }
        if (ctx.argc() == 2 && !ctx.keyword(1).equals("async") && !ctx.keyword(1).equals("sync")) {
            throw CommandContext.syntaxError();
        }
        // Only watched keys that the flush removes are touched: a watched missing key stays clean
        // (Redis 7's touchAllWatchedKeysInDb).
        Keyspace keyspace = ctx.keyspace();
        ctx.modifiedNothing();
        int db = all ? -1 : ctx.session().db();
        ctx.server().watches().touchFlushed(db, (watchedDb, key) -> keyspace.get(watchedDb, key) != null,
                all ? keyspace::flushAll : () -> keyspace.flush(db));
        ctx.reply().ok();
        ctx.propagateAs(ctx.request()); // as Redis, replicas flush too, whatever there was
    }
}
