package io.redmap.command;

import io.redmap.keyspace.ByteKey;
import io.redmap.keyspace.Database;
import io.redmap.protocol.Reply;
import io.redmap.store.MappedArray;
import io.redmap.store.MappedFile;
import io.redmap.store.Residency;
import io.redmap.type.FloatText;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.LOCK_FREE;
import static io.redmap.command.CommandFlag.READONLY;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/**
 * MEMORY: what the server holds, under Redis's names (docs/observability.md, "Memory"). A key's
 * usage is its file's size, so that {@code redis-cli --memkeys} ranks arrays by size.
 */
final class MemoryCommands {
    /**
     * Heap bytes a key costs besides its name and path, estimated from the objects it makes (hash
     * entry, key, array view, access bookkeeping) with compressed references: MEMORY STATS' hash
     * table overhead. The arrays themselves are in their files.
     */
    static final long KEY_OVERHEAD_BYTES = 190;

    private MemoryCommands() {
    }

    static List<CommandSpec> specs() {
        MemoryFigures.recordStartup(); // the table is built at start: what redmap holds before any client
        return List.of(command("memory").arity(-2).group("server").since("4.0.0")
                .summary("A container for memory diagnostics commands.").complexity("Depends on subcommand.")
                .subcommands(
                        command("usage").arity(-3).flags(READONLY).keys(KeySpec.of(KeySpec.Range.at(2, "RO"))).group("server")
                                .since("4.0.0")
                                .syntax("key [SAMPLES count]").complexity("O(1)")
                                .summary("Estimates the memory usage of a key: for an array, its file's size.")
                                .runs(MemoryCommands::usage),
                        command("stats").arity(2).group("server")
                                .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special").since("4.0.0")
                                .summary("Returns details about memory usage.").runs(MemoryCommands::stats),
                        command("doctor").arity(2).group("server")
                                .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special").since("4.0.0")
                                .summary("Outputs a memory problems report.")
                                .runs(ctx -> ctx.reply().verbatim(MemoryDoctor.report(ctx.server()))),
                        command("malloc-stats").arity(2).group("server")
                                .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special").since("4.0.0")
                                .complexity("Depends on how much memory is allocated, could be slow")
                                .summary("Returns the allocator statistics: the JVM's memory pools.")
                                .runs(ctx -> ctx.reply().verbatim(MemoryDoctor.jvmPools())),
                        // Outside the command lock: a collection stops the JVM anyway, and waits for no command.
                        command("purge").arity(2).flags(LOCK_FREE).group("server")
                                .tips("request_policy:all_shards", "response_policy:all_succeeded").since("4.0.0")
                                .complexity("Depends on how much memory is allocated, could be slow")
                                .summary("Asks the allocator to release memory: a full garbage collection.")
                                .runs(ctx -> {
                                    System.gc();
                                    ctx.reply().ok();
                                }),
                        command("help").arity(2).flags(LOADING, STALE).group("server")
                                .summary("Returns helpful text about the different subcommands.")
                                .runs(MemoryCommands::help))
                .container());
    }

    /** MEMORY USAGE key [SAMPLES count]: SAMPLES is checked as Redis does, and changes nothing for a file. */
    static void usage(CommandContext ctx) {
        for (int i = 3; i < ctx.argc(); i++) {
            if (ctx.keyword(i).equals("samples") && i + 1 < ctx.argc()) {
                if (ctx.integer(i + 1) < 0) {
                    throw CommandContext.syntaxError();
                }
                i++;
            } else {
                throw CommandContext.syntaxError();
            }
        }
        MappedArray array = ctx.keyspace().get(ctx.session().db(), ctx.key(2));
        if (array == null) {
            ctx.reply().nil();
            return;
        }
        MappedFile file = array.file();
        file.checkOnDisk(true); // a file grown by another program counts at its size now
        ctx.reply().integer(file.length());
    }

    static void stats(CommandContext ctx) {
        Map<String, Object> fields = statsFields(ctx);
        Reply reply = ctx.reply();
        reply.mapHeader(fields.size());
        for (var field : fields.entrySet()) {
            reply.bulk(field.getKey());
            write(reply, field.getValue());
        }
    }

    private static void write(Reply reply, Object value) {
        switch (value) {
            case Long number -> reply.integer(number);
            case Double number -> reply.doubleText(FloatText.formatDouble(number));
            case Map<?, ?> map -> {
                reply.mapHeader(map.size());
                for (var entry : map.entrySet()) {
                    reply.bulk((String) entry.getKey());
                    write(reply, entry.getValue());
                }
            }
            default -> throw new IllegalArgumentException("no reply for " + value);
        }
    }

    /**
     * Redis 7.2's fields in its order, with the JVM's figures where they mean the same
     * ({@link MemoryFigures}) and 0 for what redmap does not have (AOF, Lua, functions, cluster bus
     * buffers); then redmap's own: heap, direct memory, mapped and resident bytes.
     */
    private static Map<String, Object> statsFields(CommandContext ctx) {
        MemoryFigures memory = MemoryFigures.read();
        long allocated = memory.allocated();
        long startup = Math.min(MemoryFigures.startup(), allocated);
        long peak = memory.peak();
        long backlog = ctx.server().replication().backlogActive() ? ctx.server().config().getLong("repl-backlog-size") : 0;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("peak.allocated", peak);
        fields.put("total.allocated", allocated);
        fields.put("startup.allocated", startup);
        fields.put("replication.backlog", backlog);
        for (String unused : List.of("clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches",
                "functions.caches")) {
            fields.put(unused, 0L);
        }
        long overhead = startup + backlog;
        long keys = 0;
        for (int db = 0; db < ctx.keyspace().databaseCount(); db++) {
            Database database = ctx.keyspace().database(db);
            if (database.size() > 0) {
                long table = tableOverhead(ctx, database);
                Map<String, Object> tables = new LinkedHashMap<>();
                tables.put("overhead.hashtable.main", table);
                tables.put("overhead.hashtable.expires", 0L);
                tables.put("overhead.hashtable.slot-to-keys", 0L);
                fields.put("db." + db, tables);
                overhead += table;
                keys += database.size();
            }
        }
        long netUsage = Math.max(1, allocated - startup);
        long dataset = Math.max(0, allocated - overhead);
        fields.put("overhead.total", overhead);
        fields.put("keys.count", keys);
        fields.put("keys.bytes-per-key", keys == 0 ? 0L : netUsage / keys);
        fields.put("dataset.bytes", dataset);
        fields.put("dataset.percentage", dataset * 100.0 / netUsage);
        fields.put("peak.percentage", allocated * 100.0 / Math.max(1, peak));
        fields.put("allocator.allocated", allocated);
        fields.put("allocator.active", memory.active());
        fields.put("allocator.resident", memory.resident());
        fields.put("allocator-fragmentation.ratio", ratio(memory.active(), allocated));
        fields.put("allocator-fragmentation.bytes", memory.active() - allocated);
        fields.put("allocator-rss.ratio", ratio(memory.resident(), memory.active()));
        fields.put("allocator-rss.bytes", memory.resident() - memory.active());
        fields.put("rss-overhead.ratio", ratio(memory.rssAnon(), memory.resident()));
        fields.put("rss-overhead.bytes", memory.rssAnon() - memory.resident());
        fields.put("fragmentation", ratio(memory.rssAnon(), allocated));
        fields.put("fragmentation.bytes", memory.rssAnon() - allocated);
        Residency.Estimate mapped = Residency.of(ctx.keyspace().store().files().openFiles());
        fields.put("heap.used", memory.heapUsed());
        fields.put("heap.committed", memory.heapCommitted());
        fields.put("heap.max", memory.heapMax());
        fields.put("direct.used", memory.direct());
        fields.put("mapped.bytes", mapped.mappedBytes());
        fields.put("mapped.resident", mapped.residentBytes());
        return fields;
    }

    /** The heap a database's keys cost: names, paths and {@link #KEY_OVERHEAD_BYTES} each. */
    private static long tableOverhead(CommandContext ctx, Database database) {
        long bytes = 0;
        for (ByteKey key : database.keys()) {
            MappedArray array = database.get(key);
            bytes += KEY_OVERHEAD_BYTES + key.bytes().length + (array == null ? 0 : array.givenPath().length());
        }
        return bytes;
    }

    private static double ratio(long part, long whole) {
        return whole <= 0 ? 0 : (double) part / whole;
    }

    /** Redis's own help text (object.c), in its addReplyHelp frame. */
    private static void help(CommandContext ctx) {
        Help.reply(ctx, "MEMORY",
                "DOCTOR",
                "    Return memory problems reports.",
                "MALLOC-STATS",
                "    Return internal statistics report from the memory allocator.",
                "PURGE",
                "    Attempt to purge dirty pages for reclamation by the allocator.",
                "STATS",
                "    Return information about the memory usage of the server.",
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).");
    }
}
