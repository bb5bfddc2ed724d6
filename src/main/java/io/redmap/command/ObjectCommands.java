package io.redmap.command;

import io.redmap.acl.AclCategory;

import io.redmap.RedmapException;
import io.redmap.keyspace.KeyAccess;
import io.redmap.store.MappedArray;

import java.util.List;
import java.util.function.BiConsumer;

import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.READONLY;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/**
 * OBJECT: how a key is held. Every key is an array in a mapped file: its encoding is
 * {@value #ENCODING}, its reference count the number of keys that map the same file, its idle time
 * and access frequency those {@link KeyAccess} keeps. Looking a key up here does not count as
 * using it (Redis's LOOKUP_NOTOUCH).
 */
final class ObjectCommands {
    /** OBJECT ENCODING of every key: its value is a memory-mapped file. */
    static final String ENCODING = "mmap";

    private static final String LFU_SELECTED = "An LFU maxmemory policy is selected, idle time not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
    private static final String LFU_NOT_SELECTED = "An LFU maxmemory policy is not selected, access frequency not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    private ObjectCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(command("object").arity(-2).group("generic")
                .summary("A container for object introspection commands.").complexity("Depends on subcommand.")
                .subcommands(
                        keyCommand("encoding", "Returns the internal encoding of a Redis object: mmap.",
                                (ctx, array) -> ctx.reply().bulk(ENCODING)),
                        keyCommand("freq", "Returns the logarithmic access frequency counter of a Redis object.",
                                ObjectCommands::freq),
                        keyCommand("idletime", "Returns the time since the last access to a Redis object.",
                                ObjectCommands::idletime),
                        keyCommand("refcount", "Returns the reference count of a value of a key: the keys that map its file.",
                                (ctx, array) -> ctx.reply().integer(ctx.keyspace().store().files().references(array.file()))),
                        command("help").arity(2).flags(LOADING, STALE).group("generic").acl(AclCategory.KEYSPACE)
                                .summary("Returns helpful text about the different subcommands.")
                                .runs(ObjectCommands::help))
                .container());
    }

    /** A subcommand about one key, answered nil when the key is missing (before any other check, as Redis). */
    private static CommandSpec.Builder keyCommand(String name, String summary, BiConsumer<CommandContext, MappedArray> answer) {
        return command(name).arity(3).flags(READONLY).keys(KeySpec.of(KeySpec.Range.at(2, "RO"))).group("generic")
                .acl(AclCategory.KEYSPACE).tips("nondeterministic_output")
                .syntax("key").summary(summary)
                .runs(ctx -> {
                    MappedArray array = ctx.keyspace().get(ctx.session().db(), ctx.key(2));
                    if (array == null) {
                        ctx.reply().nil();
                    } else {
                        answer.accept(ctx, array);
                    }
                });
    }

    private static void freq(CommandContext ctx, MappedArray array) {
        KeyAccess access = ctx.keyspace().access();
        if (!access.lfu()) {
            throw RedmapException.err(LFU_NOT_SELECTED);
        }
        ctx.reply().integer(access.frequency(array));
    }

    private static void idletime(CommandContext ctx, MappedArray array) {
        KeyAccess access = ctx.keyspace().access();
        if (access.lfu()) {
            throw RedmapException.err(LFU_SELECTED);
        }
        ctx.reply().integer(access.idleSeconds(array));
    }

    /** Redis's own help text (object.c), in its addReplyHelp frame. */
    private static void help(CommandContext ctx) {
        Help.reply(ctx, "OBJECT",
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.");
    }
}
