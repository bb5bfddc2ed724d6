package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.acl.Acl;
import io.redmap.acl.AclCategory;
import io.redmap.acl.AclCommand;
import io.redmap.acl.AclFile;
import io.redmap.acl.AclLog;
import io.redmap.acl.AclRuleException;
import io.redmap.acl.Denial;
import io.redmap.acl.Passwords;
import io.redmap.acl.Selector;
import io.redmap.acl.User;
import io.redmap.acl.UserRules;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;
import io.redmap.server.Log;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/** ACL and its subcommands, with Redis 7's replies (src/acl.c's aclCommand). */
final class AclCommands {
    private static final int GENPASS_MAX_BITS = 4096;

    private AclCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(command("acl").arity(-2).group("server").summary("A container for Access List Control commands.")
                .subcommands(
                        command("cat").arity(-2).flags(NOSCRIPT, LOADING, STALE).group("server").syntax("[category]")
                                .summary("Lists the ACL categories, or the commands inside a category.")
                                .complexity("O(1) since the categories and commands are a fixed set.")
                                .runs(AclCommands::cat),
                        command("deluser").arity(-3).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .syntax("username [username ...]").complexity("O(1) amortized time considering the typical user.")
                                .summary("Deletes ACL users, and terminates their connections.").runs(AclCommands::deluser),
                        command("dryrun").arity(-4).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .syntax("username command [arg [arg ...]]")
                                .summary("Simulates the execution of a command by a user, without executing the command.")
                                .runs(AclCommands::dryrun),
                        command("genpass").arity(-2).flags(NOSCRIPT, LOADING, STALE).group("server").syntax("[bits]")
                                .summary("Generates a pseudorandom, secure password that can be used to identify ACL users.")
                                .runs(AclCommands::genpass),
                        command("getuser").arity(3).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .syntax("username").complexity("O(N). Where N is the number of password, command and pattern rules that the user has.")
                                .summary("Lists the ACL rules of a user.").runs(AclCommands::getuser),
                        command("list").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .complexity("O(N). Where N is the number of configured users.")
                                .summary("Dumps the effective rules in ACL file format.")
                                .runs(ctx -> bulks(ctx.reply(), ctx.server().acl().describeAll())),
                        command("load").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .complexity("O(N). Where N is the number of configured users.")
                                .summary("Reloads the rules from the configured ACL file.").runs(AclCommands::load),
                        command("log").arity(-2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .syntax("[count | RESET]").complexity("O(N) with N being the number of entries shown.")
                                .summary("Lists recent security events generated due to commands rejected by ACL rules.")
                                .runs(AclCommands::log),
                        command("save").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .complexity("O(N). Where N is the number of configured users.")
                                .summary("Saves the effective ACL rules in the configured ACL file.").runs(AclCommands::save),
                        command("setuser").arity(-3).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .syntax("username [rule [rule ...]]").complexity("O(N). Where N is the number of rules provided.")
                                .summary("Creates and modifies an ACL user and its rules.").runs(AclCommands::setuser),
                        command("users").arity(2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
                                .complexity("O(N). Where N is the number of configured users.")
                                .summary("Lists all ACL users.")
                                .runs(ctx -> bulks(ctx.reply(), ctx.server().acl().users().stream().map(User::name).toList())),
                        command("whoami").arity(2).flags(NOSCRIPT, LOADING, STALE).group("server")
                                .summary("Returns the authenticated username of the current connection.")
                                .runs(AclCommands::whoami),
                        command("help").arity(2).flags(LOADING, STALE).group("server")
                                .summary("Returns helpful text about the different subcommands.").runs(AclCommands::help))
                .container());
    }

    private static void bulks(Reply reply, List<String> values) {
        reply.arrayHeader(values.size());
        values.forEach(reply::bulk);
    }

    private static void setuser(CommandContext ctx) {
        List<String> rules = new ArrayList<>();
        for (int i = 3; i < ctx.argc(); i++) {
            rules.add(ctx.string(i));
        }
        Acl.Change change;
        try {
            change = ctx.server().acl().setUser(ctx.string(2), rules);
        } catch (AclRuleException e) {
            throw RedmapException.err(e.setUserMessage());
        }
        AclSessions.closeRevokedSubscribers(ctx.server(), change.user());
        AclSessions.usersChanged(ctx.server());
        ctx.reply().ok();
    }

    private static void deluser(CommandContext ctx) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < ctx.argc(); i++) {
            names.add(ctx.string(i));
        }
        if (names.contains(Acl.DEFAULT_USER)) {
            throw RedmapException.err("The 'default' user cannot be removed");
        }
        List<User> deleted = ctx.server().acl().deleteUsers(names);
        AclSessions.closeSessionsOf(ctx, deleted);
        AclSessions.usersChanged(ctx.server());
        ctx.reply().integer(deleted.size());
    }

    private static void getuser(CommandContext ctx) {
        User user = ctx.server().acl().user(ctx.string(2));
        Reply reply = ctx.reply();
        if (user == null) {
            reply.nil();
            return;
        }
        UserRules rules = user.rules();
        reply.mapHeader(rules.mmapDirs().isEmpty() ? 6 : 7);
        reply.bulk("flags");
        reply.setHeader(rules.flags().size());
        rules.flags().forEach(reply::bulk);
        reply.bulk("passwords");
        bulks(reply, rules.passwords());
        describeSelector(reply, rules.root());
        reply.bulk("selectors");
        reply.arrayHeader(rules.selectors().size());
        for (Selector selector : rules.selectors()) {
            reply.mapHeader(3);
            describeSelector(reply, selector);
        }
        if (!rules.mmapDirs().isEmpty()) {
            // redmap's own field, after Redis's, only for users that have mmapdir: rules.
            reply.bulk("mmapdirs");
            reply.bulk(String.join(" ", rules.mmapDirs().stream().map(dir -> "mmapdir:" + dir).toList()));
        }
    }

    private static void describeSelector(Reply reply, Selector selector) {
        reply.bulk("commands");
        reply.bulk(selector.describeCommands());
        reply.bulk("keys");
        reply.bulk(selector.describeKeys());
        reply.bulk("channels");
        reply.bulk(selector.describeChannels());
    }

    private static void whoami(CommandContext ctx) {
        User user = ctx.session().user();
        if (user == null) {
            ctx.reply().nil();
        } else {
            ctx.reply().bulk(user.name());
        }
    }

    private static void cat(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw CommandDispatcher.wrongArity("acl|cat");
        }
        if (ctx.argc() == 2) {
            AclCategory[] all = AclCategory.values();
            ctx.reply().arrayHeader(all.length);
            for (AclCategory category : all) {
                ctx.reply().bulk(category.wireName());
            }
            return;
        }
        AclCategory category = AclCategory.named(ctx.string(2));
        if (category == null) {
            String name = ctx.string(2);
            throw RedmapException.err("Unknown category '" + (name.length() > 128 ? name.substring(0, 128) : name) + "'");
        }
        List<String> names = new ArrayList<>();
        for (AclCommand command : ctx.server().acl().catalog().all()) {
            if (command.categories().contains(category)) {
                names.add(command.name());
            }
        }
        bulks(ctx.reply(), names);
    }

    private static void genpass(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw CommandDispatcher.wrongArity("acl|genpass");
        }
        long bits = ctx.argc() == 3 ? ctx.integer(2) : 256;
        if (bits <= 0 || bits > GENPASS_MAX_BITS) {
            throw RedmapException.err("ACL GENPASS argument must be the number of bits for the output password, "
                    + "a positive number up to " + GENPASS_MAX_BITS);
        }
        ctx.reply().bulk(Passwords.generate((int) bits));
    }

    private static void log(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw CommandDispatcher.wrongArity("acl|log");
        }
        AclLog log = ctx.server().acl().log();
        long count = 10;
        if (ctx.argc() == 3) {
            if (ctx.keyword(2).equals("reset")) {
                log.reset();
                ctx.reply().ok();
                return;
            }
            count = Math.max(0, ctx.integer(2));
        }
        List<AclLog.Entry> entries = log.newest(count);
        long now = System.currentTimeMillis();
        Reply reply = ctx.reply();
        reply.arrayHeader(entries.size());
        for (AclLog.Entry entry : entries) {
            reply.mapHeader(10);
            reply.bulk("count");
            reply.integer(entry.count());
            reply.bulk("reason");
            reply.bulk(entry.reason());
            reply.bulk("context");
            reply.bulk(entry.context());
            reply.bulk("object");
            reply.bulk(entry.object());
            reply.bulk("username");
            reply.bulk(entry.username());
            reply.bulk("age-seconds");
            reply.doubleText(BigDecimal.valueOf(Math.max(0, now - entry.updatedMillis()), 3).stripTrailingZeros()
                    .toPlainString());
            reply.bulk("client-info");
            reply.bulk(entry.clientInfo());
            reply.bulk("entry-id");
            reply.integer(entry.entryId());
            reply.bulk("timestamp-created");
            reply.integer(entry.createdMillis());
            reply.bulk("timestamp-last-updated");
            reply.integer(entry.updatedMillis());
        }
    }

    private static void dryrun(CommandContext ctx) {
        User user = ctx.server().acl().user(ctx.string(2));
        if (user == null) {
            throw RedmapException.err("User '" + ctx.string(2) + "' not found");
        }
        byte[][] words = new byte[ctx.argc() - 3][];
        for (int i = 0; i < words.length; i++) {
            words[i] = ctx.arg(i + 3);
        }
        Request request = Request.of(words);
        CommandSpec spec = lookup(ctx, request);
        if (spec == null) {
            throw RedmapException.err("Command '" + ctx.string(3) + "' not found");
        }
        if (!spec.arityAccepts(words.length)) {
            throw CommandDispatcher.wrongArity(spec.name());
        }
        Denial denial = user.rules().check(AclCheck.request(ctx.server(), spec, request));
        if (denial == null && spec.keys().finder() != null) {
            denial = AclCheck.checkFoundKeys(user.rules(), spec, request);
        }
        if (denial == null) {
            ctx.reply().ok();
        } else {
            ctx.reply().bulk(AclCheck.message(user, spec, request, denial, true));
        }
    }

    /** Redis's lookupCommand: the command, or its subcommand when it is a container given one. */
    private static CommandSpec lookup(CommandContext ctx, Request request) {
        CommandSpec spec = ctx.server().commands().find(request.word(0));
        if (spec == null || !spec.isContainer() || request.size() < 2) {
            return spec;
        }
        String sub = new String(request.word(1), java.nio.charset.StandardCharsets.UTF_8);
        return spec.subcommands().stream().filter(candidate -> candidate.shortName().equalsIgnoreCase(sub))
                .findFirst().orElse(null);
    }

    private static Path aclFile(CommandContext ctx) {
        Path file = ctx.server().aclFile();
        if (file == null) {
            throw RedmapException.err("This Redis instance is not configured to use an ACL file. You may want to specify "
                    + "users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
                    + "configuration file set) in order to store users in the Redis configuration.");
        }
        return file;
    }

    private static void load(CommandContext ctx) {
        Path file = aclFile(ctx);
        Acl acl = ctx.server().acl();
        try {
            List<User> removed = acl.replaceAll(AclFile.read(file, ctx.server().config().get("aclfile"), acl));
            AclSessions.closeSessionsOf(ctx, removed);
            for (User user : acl.users()) {
                AclSessions.closeRevokedSubscribers(ctx.server(), user);
            }
        } catch (AclFile.Refused e) {
            throw RedmapException.err(e.getMessage());
        }
        ctx.reply().ok();
    }

    private static void save(CommandContext ctx) {
        Path file = aclFile(ctx);
        try {
            AclFile.save(file, ctx.server().acl().describeAll());
        } catch (IOException e) {
            Log.warning("Saving the ACL file " + file + ": " + e.getMessage());
            throw RedmapException.err("There was an error trying to save the ACLs. Please check the server logs for more information");
        }
        ctx.reply().ok();
    }

    private static void help(CommandContext ctx) {
        String[] lines = {
            "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CAT [<category>]",
            "    List all commands that belong to <category>, or all command categories",
            "    when no category is specified.",
            "DELUSER <username> [<username> ...]",
            "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Returns whether the user can execute the given command without executing the command.",
            "GETUSER <username>",
            "    Get the user's details.",
            "GENPASS [<bits>]",
            "    Generate a secure 256-bit user password. The optional `bits` argument can",
            "    be used to specify a different size.",
            "LIST",
            "    Show users details in config file format.",
            "LOAD",
            "    Reload users from the ACL file.",
            "LOG [<count> | RESET]",
            "    Show the ACL log entries.",
            "SAVE",
            "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]",
            "    Create or modify a user with the specified attributes.",
            "USERS",
            "    List all the registered usernames.",
            "WHOAMI",
            "    Return the current connection username.",
            "HELP",
            "    Prints this help."};
        ctx.reply().arrayHeader(lines.length);
        for (String line : lines) {
            ctx.reply().simple(line);
        }
    }
}
