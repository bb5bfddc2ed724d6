package io.redmap.command;

import io.redmap.acl.AclCategory;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One command's metadata and handler: the single record from which dispatch, arity errors,
 * COMMAND, COMMAND INFO/DOCS/COUNT/GETKEYS and the README's command list all come.
 *
 * @param name lower case; a subcommand's is {@code parent|sub}, as Redis's fullname
 * @param arity the argument count including the name; negative means "at least -arity"
 * @param syntax the arguments after the name, in Redis's documentation style
 * @param subcommands for container commands (CONFIG, CLIENT, COMMAND), else empty
 * @param categories its ACL categories: those its flags imply and those declared with it
 * @param tips Redis's command tips ({@code nondeterministic_output}, {@code request_policy:all_shards}...)
 * @param docInfo what COMMAND DOCS says beyond the syntax: since, history, deprecation
 * @param id its index in the command table (a bit in each ACL user's command bitmap); -1 until
 *     the table numbers it
 * @param flagBits {@code flags} as a bit mask (bit = ordinal): the dispatcher asks several flags of
 *     every request, and a mask test is cheaper than a call through the set's interface
 */
public record CommandSpec(String name, int arity, Set<CommandFlag> flags, KeySpec keys, String group,
                          String summary, String syntax, String complexity, Handler handler,
                          List<CommandSpec> subcommands, Set<AclCategory> categories, List<String> tips,
                          DocInfo docInfo, int id, long flagBits) {

    /** This command numbered by the table, and its subcommands after it. */
    CommandSpec numbered(java.util.function.IntSupplier nextId) {
        int own = nextId.getAsInt();
        List<CommandSpec> numberedSubs = subcommands.stream().map(sub -> sub.numbered(nextId)).toList();
        return new CommandSpec(name, arity, flags, keys, group, summary, syntax, complexity, handler, numberedSubs,
                categories, tips, docInfo, own, flagBits);
    }

    public boolean has(CommandFlag flag) {
        return (flagBits & (1L << flag.ordinal())) != 0;
    }

    private static long bits(Set<CommandFlag> flags) {
        long bits = 0;
        for (CommandFlag flag : flags) {
            bits |= 1L << flag.ordinal();
        }
        return bits;
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    /** Whether {@code argc} words (name included) satisfy the arity. */
    public boolean arityAccepts(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** The name without the container's prefix ("get" for "config|get"). */
    public String shortName() {
        return name.substring(name.indexOf('|') + 1);
    }

    public boolean in(AclCategory category) {
        return categories.contains(category);
    }

    /**
     * The categories a command's flags imply, as Redis derives them ({@code setImplicitACLCategories}):
     * writes are {@code @write}, read-only commands {@code @read}, admin commands {@code @admin} and
     * {@code @dangerous}, blocking ones {@code @blocking}, and every command is {@code @fast} or
     * {@code @slow}. The others ({@code @keyspace}, {@code @connection}...) are declared per command
     * as Redis's command table declares them; only the array commands (group {@code module}) share
     * {@code @array} by their group.
     */
    static Set<AclCategory> implicitCategories(Set<CommandFlag> flags, String group) {
        Set<AclCategory> categories = EnumSet.noneOf(AclCategory.class);
        if (flags.contains(CommandFlag.WRITE)) {
            categories.add(AclCategory.WRITE);
        }
        if (flags.contains(CommandFlag.READONLY)) {
            categories.add(AclCategory.READ);
        }
        if (flags.contains(CommandFlag.ADMIN)) {
            categories.add(AclCategory.ADMIN);
            categories.add(AclCategory.DANGEROUS);
        }
        if (flags.contains(CommandFlag.PUBSUB)) {
            categories.add(AclCategory.PUBSUB);
        }
        if (flags.contains(CommandFlag.BLOCKING)) {
            categories.add(AclCategory.BLOCKING);
        }
        categories.add(flags.contains(CommandFlag.FAST) ? AclCategory.FAST : AclCategory.SLOW);
        if (group.equals("module")) {
            categories.add(AclCategory.ARRAY);
        }
        return categories;
    }

    public static Builder command(String name) {
        return new Builder(name.toLowerCase(Locale.ROOT));
    }

    /** Reads like the table it builds: {@code command("vget").arity(3).flags(READONLY, FAST)...}. */
    public static final class Builder {
        private final String name;
        private int arity;
        private final Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        private KeySpec keys = KeySpec.NONE;
        private String group = "generic";
        private String summary = "";
        private String syntax = "";
        private String complexity = "O(1)";
        private List<CommandSpec> subcommands = List.of();
        private final Set<AclCategory> declaredCategories = EnumSet.noneOf(AclCategory.class);
        private List<String> tips = List.of();
        private DocInfo docInfo = DocInfo.NEW;
        private Handler handler;

        private Builder(String name) {
            this.name = name;
        }

        public Builder arity(int arity) {
            this.arity = arity;
            return this;
        }

        public Builder flags(CommandFlag... flags) {
            this.flags.addAll(List.of(flags));
            return this;
        }

        /** ACL categories beyond those the flags and group imply ({@code @dangerous} for KEYS...). */
        public Builder acl(AclCategory... categories) {
            this.declaredCategories.addAll(List.of(categories));
            return this;
        }

        /** Redis's command tips, lower case ({@code nondeterministic_output}, {@code request_policy:all_shards}). */
        public Builder tips(String... tips) {
            this.tips = List.of(tips);
            return this;
        }

        /** The version of Redis (or redmap) that introduced the command, for COMMAND DOCS. */
        public Builder since(String since) {
            this.docInfo = docInfo.since(since);
            return this;
        }

        /** A change in a later version, for COMMAND DOCS' history. */
        public Builder history(String version, String change) {
            this.docInfo = docInfo.withHistory(version, change);
            return this;
        }

        /** Deprecated since a version, in favour of another command (COMMAND DOCS' doc_flags). */
        public Builder deprecated(String since, String replacedBy) {
            this.docInfo = docInfo.deprecated(since, replacedBy);
            return this;
        }

        /** A command between servers, not for users (COMMAND DOCS' {@code syscmd}). */
        public Builder syscmd() {
            this.docInfo = docInfo.asSyscmd();
            return this;
        }

        public Builder keys(KeySpec keys) {
            this.keys = keys;
            return this;
        }

        public Builder group(String group) {
            this.group = group;
            return this;
        }

        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder syntax(String syntax) {
            this.syntax = syntax;
            return this;
        }

        public Builder complexity(String complexity) {
            this.complexity = complexity;
            return this;
        }

        /** Makes this a container: {@code name} dispatches on its first argument. */
        public Builder subcommands(Builder... subcommands) {
            this.subcommands = Arrays.stream(subcommands)
                    .map(sub -> sub.asSubcommandOf(name))
                    .toList();
            return this;
        }

        private CommandSpec asSubcommandOf(String parent) {
            Set<CommandFlag> flagSet = flagSet();
            return new CommandSpec(parent + "|" + name, arity, flagSet, keySpec(), group, summary, syntax,
                    complexity, handler, List.of(), categories(), tips, docInfo, -1, bits(flagSet));
        }

        public CommandSpec handler(Handler handler) {
            this.handler = handler;
            return build();
        }

        /** For a subcommand: its handler, still a builder for the container to adopt. */
        public Builder runs(Handler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * A container that dispatches to its subcommands and does nothing alone. One that also
         * runs alone (COMMAND) ends with {@link #handler} instead.
         */
        public CommandSpec container() {
            return build();
        }

        private Set<AclCategory> categories() {
            Set<AclCategory> categories = implicitCategories(flags, group);
            categories.addAll(declaredCategories);
            // An EnumSet iterates in Redis's order of categories, the order COMMAND INFO lists them in.
            return Collections.unmodifiableSet(categories);
        }

        private CommandSpec build() {
            if (arity == 0) {
                throw new IllegalStateException(name + " has no arity");
            }
            Set<CommandFlag> flagSet = flagSet();
            return new CommandSpec(name, arity, flagSet, keySpec(), group, summary, syntax, complexity, handler,
                    subcommands, categories(), tips, docInfo, -1, bits(flagSet));
        }

        /** The flags in Redis's order (an EnumSet), {@code movablekeys} added when a rule finds the keys. */
        private Set<CommandFlag> flagSet() {
            Set<CommandFlag> set = EnumSet.noneOf(CommandFlag.class);
            set.addAll(flags);
            if (keys.movable()) {
                set.add(CommandFlag.MOVABLEKEYS);
            }
            return Collections.unmodifiableSet(set);
        }

        /** Key specs given without flags read as Redis's usual ones: {@code RW update} or {@code RO access}. */
        private KeySpec keySpec() {
            return keys.withDefaultFlags(flags.contains(CommandFlag.WRITE) ? List.of("RW", "update") : List.of("RO", "access"));
        }
    }
}
