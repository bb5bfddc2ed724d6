package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.server.ClientSession;

import java.util.ArrayList;
import java.util.List;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandSpec.command;

/** CLIENT and its subcommands: naming, listing and killing connections. */
final class ClientCommands {
    private ClientCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(command("client").arity(-2).group("connection")
                .summary("A container for client connection commands.")
                .subcommands(
                        command("id").arity(2).flags(NOSCRIPT, LOADING, STALE).group("connection")
                                .summary("Returns the connection's id.")
                                .runs(ctx -> ctx.reply().integer(ctx.session().id())),
                        command("setname").arity(3).flags(NOSCRIPT, LOADING, STALE).group("connection")
                                .syntax("connection-name").summary("Names the connection.")
                                .runs(ctx -> {
                                    ctx.session().name(checkName(ctx.string(2)));
                                    ctx.reply().ok();
                                }),
                        command("getname").arity(2).flags(NOSCRIPT, LOADING, STALE).group("connection")
                                .summary("Returns the connection's name.")
                                .runs(ctx -> {
                                    if (ctx.session().name().isEmpty()) {
                                        ctx.reply().nil();
                                    } else {
                                        ctx.reply().bulk(ctx.session().name());
                                    }
                                }),
                        command("setinfo").arity(4).flags(NOSCRIPT, LOADING, STALE).group("connection")
                                .syntax("LIB-NAME libname | LIB-VER libver")
                                .summary("Records the client library's name or version.")
                                .runs(ClientCommands::setinfo),
                        command("info").arity(2).flags(NOSCRIPT, LOADING, STALE).group("connection")
                                .summary("Returns information about the connection.")
                                .runs(ctx -> ctx.reply().verbatim(describe(ctx, ctx.session()) + "\n")),
                        command("list").arity(-2).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("connection")
                                .syntax("[TYPE NORMAL] [ID client-id [client-id ...]]")
                                .summary("Lists the connections.").runs(ClientCommands::list),
                        command("kill").arity(-3).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("connection")
                                .syntax("ip:port | ID client-id | ADDR ip:port | SKIPME yes|no")
                                .summary("Closes connections.").runs(ClientCommands::kill),
                        command("no-evict").arity(3).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("connection")
                                .syntax("ON | OFF").summary("Accepted for compatibility: redmap evicts nothing.")
                                .runs(ctx -> onOff(ctx)),
                        command("no-touch").arity(3).flags(NOSCRIPT, LOADING, STALE, FAST).group("connection")
                                .syntax("ON | OFF").summary("Accepted for compatibility: redmap keeps no access times.")
                                .runs(ctx -> onOff(ctx)))
                .container());
    }

    static String checkName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '!' || c > '~') {
                throw RedmapException.err("Client names cannot contain spaces, newlines or special characters.");
            }
        }
        return name;
    }

    private static void onOff(CommandContext ctx) {
        String value = ctx.keyword(2);
        if (!value.equals("on") && !value.equals("off")) {
            throw CommandContext.syntaxError();
        }
        ctx.reply().ok();
    }

    private static void setinfo(CommandContext ctx) {
        String attribute = ctx.keyword(2);
        String value = ctx.string(3);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                throw RedmapException.err(attribute.toUpperCase() + " cannot contain spaces, newlines or special characters.");
            }
        }
        switch (attribute) {
            case "lib-name" -> ctx.session().libName(value);
            case "lib-ver" -> ctx.session().libVersion(value);
            default -> throw RedmapException.err("Unrecognized option '" + ctx.string(2) + "'");
        }
        ctx.reply().ok();
    }

    private static void list(CommandContext ctx) {
        List<ClientSession> selected = new ArrayList<>();
        if (ctx.argc() == 2) {
            selected.addAll(ctx.server().clients().all());
        } else if (ctx.keyword(2).equals("id") && ctx.argc() > 3) {
            for (int i = 3; i < ctx.argc(); i++) {
                ClientSession session = ctx.server().clients().get(ctx.integer(i));
                if (session != null) {
                    selected.add(session);
                }
            }
        } else if (ctx.keyword(2).equals("type") && ctx.argc() == 4) {
            String type = ctx.keyword(3);
            if (!List.of("normal", "master", "replica", "pubsub").contains(type)) {
                throw RedmapException.err("Unknown client type '" + ctx.string(3) + "'");
            }
            if (type.equals("normal")) {
                selected.addAll(ctx.server().clients().all());
            }
        } else {
            throw CommandContext.syntaxError();
        }
        StringBuilder text = new StringBuilder();
        for (ClientSession session : selected) {
            text.append(describe(ctx, session)).append('\n');
        }
        ctx.reply().verbatim(text.toString());
    }

    private static void kill(CommandContext ctx) {
        List<ClientSession> victims = new ArrayList<>();
        if (ctx.argc() == 3) {
            String address = ctx.string(2);
            for (ClientSession session : ctx.server().clients().all()) {
                if (session.address().equals(address)) {
                    victims.add(session);
                }
            }
            if (victims.isEmpty()) {
                throw RedmapException.err("No such client");
            }
            closeAll(ctx, victims);
            ctx.reply().ok();
            return;
        }
        boolean skipMe = true;
        Long id = null;
        String address = null;
        for (int i = 2; i < ctx.argc(); i += 2) {
            if (i + 1 >= ctx.argc()) {
                throw CommandContext.syntaxError();
            }
            switch (ctx.keyword(i)) {
                case "id" -> id = ctx.integer(i + 1);
                case "addr" -> address = ctx.string(i + 1);
                case "skipme" -> skipMe = ctx.keyword(i + 1).equals("yes");
                default -> throw CommandContext.syntaxError();
            }
        }
        for (ClientSession session : ctx.server().clients().all()) {
            boolean matches = (id == null || session.id() == id) && (address == null || session.address().equals(address));
            if (matches && !(skipMe && session == ctx.session())) {
                victims.add(session);
            }
        }
        closeAll(ctx, victims);
        ctx.reply().integer(victims.size());
    }

    private static void closeAll(CommandContext ctx, List<ClientSession> victims) {
        for (ClientSession victim : victims) {
            if (victim == ctx.session()) {
                victim.closeAfterReply(true);
            } else {
                victim.kill();
            }
        }
    }

    static String describe(CommandContext ctx, ClientSession session) {
        long now = System.currentTimeMillis();
        return "id=" + session.id() + " addr=" + session.address() + " laddr=" + session.localAddress()
                + " fd=-1 name=" + session.name() + " age=" + (now - session.createdMillis()) / 1000
                + " idle=" + (now - session.lastInteractionMillis()) / 1000 + " flags=" + (session.inMulti() ? "x" : "N")
                + " db=" + session.db() + " sub=0 psub=0 ssub=0 multi=" + (session.inMulti() ? 0 : -1)
                + " watch=" + session.watched().size() + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0"
                + " obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=" + session.lastCommand() + " user=default redir=-1"
                + " resp=" + session.protocol() + " lib-name=" + session.libName() + " lib-ver=" + session.libVersion();
    }
}
