package io.redmap.command;

import io.redmap.acl.AclCategory;
import io.redmap.RedmapException;
import io.redmap.protocol.AsciiNumbers;
import io.redmap.server.ClientSession;
import io.redmap.server.ClientType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandFlag.SENTINEL;
import static io.redmap.command.CommandSpec.command;

/** CLIENT and its subcommands: naming, listing and killing connections. */
final class ClientCommands {
    private ClientCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(command("client").arity(-2).flags(SENTINEL).since("2.4.0").group("connection")
                .summary("A container for client connection commands.")
                .subcommands(Stream.concat(Stream.of(
                        command("id").arity(2).flags(NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .since("5.0.0").group("connection")
                                .summary("Returns the connection's id.")
                                .runs(ctx -> ctx.reply().integer(ctx.session().id())),
                        command("setname").arity(3).flags(NOSCRIPT, LOADING, STALE, SENTINEL)
                                .acl(AclCategory.CONNECTION)
                                .tips("request_policy:all_nodes", "response_policy:all_succeeded").since("2.6.9")
                                .group("connection")
                                .syntax("connection-name").summary("Names the connection.")
                                .runs(ctx -> {
                                    ctx.session().name(checkName(ctx.string(2)));
                                    ctx.reply().ok();
                                }),
                        command("getname").arity(2).flags(NOSCRIPT, LOADING, STALE, SENTINEL)
                                .acl(AclCategory.CONNECTION).since("2.6.9").group("connection")
                                .summary("Returns the connection's name.")
                                .runs(ctx -> {
                                    if (ctx.session().name().isEmpty()) {
                                        ctx.reply().nil();
                                    } else {
                                        ctx.reply().bulk(ctx.session().name());
                                    }
                                }),
                        command("setinfo").arity(4).flags(NOSCRIPT, LOADING, STALE, SENTINEL)
                                .acl(AclCategory.CONNECTION)
                                .tips("request_policy:all_nodes", "response_policy:all_succeeded").since("7.2.0")
                                .group("connection")
                                .syntax("<LIB-NAME libname | LIB-VER libver>")
                                .summary("Records the client library's name or version.")
                                .runs(ClientCommands::setinfo),
                        command("info").arity(2).flags(NOSCRIPT, LOADING, STALE, SENTINEL).acl(AclCategory.CONNECTION)
                                .tips("nondeterministic_output").since("6.2.0").group("connection")
                                .summary("Returns information about the connection.")
                                .runs(ctx -> ctx.reply().verbatim(describe(ctx, ctx.session()) + "\n")),
                        command("list").arity(-2).flags(ADMIN, NOSCRIPT, LOADING, STALE, SENTINEL)
                                .acl(AclCategory.CONNECTION).tips("nondeterministic_output").since("2.4.0")
                                .history("2.8.12", "Added unique client `id` field.")
                                .history("5.0.0", "Added optional `TYPE` filter.")
                                .history("6.0.0", "Added `user` field.")
                                .history("6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.")
                                .history("7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields.")
                                .history("7.0.3", "Added `ssub` field.").group("connection")
                                .syntax("[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]")
                                .summary("Lists the connections.").runs(ClientCommands::list),
                        command("kill").arity(-3).flags(ADMIN, NOSCRIPT, LOADING, STALE, SENTINEL)
                                .acl(AclCategory.CONNECTION).since("2.4.0")
                                .history("2.8.12", "Added new filter format.").history("2.8.12", "`ID` option.")
                                .history("3.2.0", "Added `master` type in for `TYPE` option.")
                                .history("5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.")
                                .history("6.2.0", "`LADDR` option.").group("connection")
                                .syntax("<ip:port | [ID client-id] [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME <yes | no>]>")
                                .summary("Closes connections.").runs(ClientCommands::kill),
                        command("no-evict").arity(3).flags(ADMIN, NOSCRIPT, LOADING, STALE, SENTINEL)
                                .acl(AclCategory.CONNECTION).since("7.0.0").group("connection")
                                .syntax("<ON | OFF>").summary("Accepted for compatibility: redmap evicts nothing.")
                                .runs(ctx -> onOff(ctx)),
                        command("no-touch").arity(3).flags(NOSCRIPT, LOADING, STALE).acl(AclCategory.CONNECTION)
                                .since("7.2.0").group("connection").syntax("<ON | OFF>")
                                .summary("Controls whether commands sent by the client affect the LRU/LFU of accessed keys.")
                                .runs(ctx -> ctx.session().noTouch(onOff(ctx)))),
                        ClientControlCommands.subcommands().stream()).toArray(CommandSpec.Builder[]::new))
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

    /** ON or OFF (replied OK), else a syntax error: whether it was ON. */
    private static boolean onOff(CommandContext ctx) {
        String value = ctx.keyword(2);
        if (!value.equals("on") && !value.equals("off")) {
            throw CommandContext.syntaxError();
        }
        ctx.reply().ok();
        return value.equals("on");
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

    /** Redis's rules: {@code TYPE type} (exactly), or {@code ID id [id ...]} (each listed as often as named). */
    private static void list(CommandContext ctx) {
        List<ClientSession> selected = new ArrayList<>();
        if (ctx.argc() == 4 && ctx.keyword(2).equals("type")) {
            ClientType type = ClientFilter.type(ctx.string(3));
            for (ClientSession session : byId(ctx)) {
                if (session.type() == type) {
                    selected.add(session);
                }
            }
        } else if (ctx.argc() > 3 && ctx.keyword(2).equals("id")) {
            for (int i = 3; i < ctx.argc(); i++) {
                ClientSession session = ctx.server().clients().get(clientId(ctx, i));
                if (session != null) {
                    selected.add(session);
                }
            }
        } else if (ctx.argc() == 2) {
            selected.addAll(byId(ctx));
        } else {
            throw CommandContext.syntaxError();
        }
        StringBuilder text = new StringBuilder();
        for (ClientSession session : selected) {
            text.append(describe(ctx, session)).append('\n');
        }
        ctx.reply().verbatim(text.toString());
    }

    /** Every client in the order they connected, as Redis lists them. */
    private static List<ClientSession> byId(CommandContext ctx) {
        List<ClientSession> sessions = new ArrayList<>(ctx.server().clients().all());
        sessions.sort(Comparator.comparingLong(ClientSession::id));
        return sessions;
    }

    private static long clientId(CommandContext ctx, int index) {
        try {
            return AsciiNumbers.parseLong(ctx.arg(index));
        } catch (NumberFormatException e) {
            throw RedmapException.err("Invalid client ID");
        }
    }

    /**
     * The old form {@code CLIENT KILL ip:port} replies OK or {@code No such client} and may kill
     * the caller; the filter form replies how many it killed, the caller spared unless SKIPME no.
     */
    private static void kill(CommandContext ctx) {
        List<ClientSession> victims = new ArrayList<>();
        if (ctx.argc() == 3) {
            String address = ctx.string(2);
            for (ClientSession session : byId(ctx)) {
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
        ClientFilter filter = ClientFilter.parse(ctx, 2);
        for (ClientSession session : byId(ctx)) {
            if (filter.matches(session, ctx.session())) {
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

    /**
     * One line of CLIENT LIST / CLIENT INFO: Redis 7.0's fields in its order, then lib-name and
     * lib-ver as Redis 7.2 appends them (CLIENT SETINFO). Buffer figures are not tracked: 0.
     */
    static String describe(CommandContext ctx, ClientSession session) {
        long now = System.currentTimeMillis();
        return "id=" + session.id() + " addr=" + session.address() + " laddr=" + session.localAddress()
                + " fd=-1 name=" + session.name() + " age=" + (now - session.createdMillis()) / 1000
                + " idle=" + (now - session.lastInteractionMillis()) / 1000 + " flags=" + flags(session)
                + " db=" + session.db() + " sub=" + session.subscriptions().channelCount()
                + " psub=" + session.subscriptions().patternCount() + " ssub=0 multi=" + session.transaction().multiCount()
                + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0"
                + " obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=" + session.lastCommand() + " user=" + session.userName()
                + " redir=-1 resp=" + session.protocol() + " lib-name=" + session.libName()
                + " lib-ver=" + session.libVersion();
    }

    /** Redis's flag letters, in its order, for the states redmap has; N for none. */
    private static String flags(ClientSession session) {
        StringBuilder flags = new StringBuilder();
        switch (session.type()) {
            case REPLICA -> flags.append('S');
            case MASTER -> flags.append('M');
            case PUBSUB -> flags.append('P');
            case NORMAL -> { }
        }
        if (session.transaction().multiCount() >= 0) {
            flags.append('x');
        }
        if (session.transaction().watchedKeyTouched()) {
            flags.append('d');
        }
        if (session.clusterReadOnly()) {
            flags.append('r'); // READONLY: reads served by a cluster replica
        }
        return flags.isEmpty() ? "N" : flags.toString();
    }
}
