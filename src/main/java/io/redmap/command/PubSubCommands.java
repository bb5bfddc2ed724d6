package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;
import io.redmap.pubsub.PubSub;
import io.redmap.server.ClientSession;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOADING;
import static io.redmap.command.CommandFlag.MAY_REPLICATE;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.PUBSUB;
import static io.redmap.command.CommandFlag.STALE;
import static io.redmap.command.CommandFlag.SENTINEL;
import static io.redmap.command.CommandSpec.command;

/**
 * Pub/Sub as Redis 7.0 has it: (P)SUBSCRIBE and (P)UNSUBSCRIBE confirm each channel or pattern
 * with a push message (an array in RESP2), PUBLISH replies the number of receivers, PUBSUB
 * reports the channels. The subscriptions themselves live in {@link PubSub}.
 */
final class PubSubCommands {
    private static final byte[] SUBSCRIBE = ascii("subscribe");
    private static final byte[] UNSUBSCRIBE = ascii("unsubscribe");
    private static final byte[] PSUBSCRIBE = ascii("psubscribe");
    private static final byte[] PUNSUBSCRIBE = ascii("punsubscribe");
    private static final byte[] PONG = ascii("pong");
    private static final byte[] EMPTY = new byte[0];

    /** What a RESP2 subscriber may still run, as Redis's processCommand allows it. */
    private static final Set<String> ALLOWED_WHEN_SUBSCRIBED =
            Set.of("subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ping", "quit", "reset");

    private PubSubCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("subscribe").arity(-2).flags(PUBSUB, NOSCRIPT, LOADING, STALE, SENTINEL).since("2.0.0")
                        .group("pubsub")
                        .syntax("channel [channel ...]").complexity("O(N) where N is the number of channels to subscribe to.")
                        .summary("Listens for messages published to channels.").handler(PubSubCommands::subscribe),
                command("unsubscribe").arity(-1).flags(PUBSUB, NOSCRIPT, LOADING, STALE, SENTINEL).since("2.0.0")
                        .group("pubsub")
                        .syntax("[channel [channel ...]]").complexity("O(N) where N is the number of channels to unsubscribe.")
                        .summary("Stops listening to messages posted to channels.").handler(PubSubCommands::unsubscribe),
                command("psubscribe").arity(-2).flags(PUBSUB, NOSCRIPT, LOADING, STALE, SENTINEL).since("2.0.0")
                        .group("pubsub")
                        .syntax("pattern [pattern ...]").complexity("O(N) where N is the number of patterns to subscribe to.")
                        .summary("Listens for messages published to channels that match one or more patterns.")
                        .handler(PubSubCommands::psubscribe),
                command("punsubscribe").arity(-1).flags(PUBSUB, NOSCRIPT, LOADING, STALE, SENTINEL).since("2.0.0")
                        .group("pubsub")
                        .syntax("[pattern [pattern ...]]").complexity("O(N) where N is the number of patterns to unsubscribe.")
                        .summary("Stops listening to messages published to channels that match one or more patterns.")
                        .handler(PubSubCommands::punsubscribe),
                command("publish").arity(3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE, SENTINEL)
                        .since("2.0.0").group("pubsub")
                        .syntax("channel message").complexity("O(N+M) where N is the number of clients subscribed to the "
                                + "receiving channel and M is the total number of subscribed patterns (by any client).")
                        .summary("Posts a message to a channel.")
                        .handler(ctx -> ctx.reply().integer(ctx.server().pubsub()
                                .publish(ctx.arg(1), ctx.arg(2), ctx.session(), ctx::writeOwnMessage))),
                command("pubsub").arity(-2).since("2.8.0").group("pubsub").summary("A container for Pub/Sub commands.")
                        .subcommands(
                                command("channels").arity(-2).flags(PUBSUB, LOADING, STALE).since("2.8.0").group("pubsub")
                                        .syntax("[pattern]").complexity("O(N) where N is the number of active channels.")
                                        .summary("Returns the active channels.").runs(PubSubCommands::channels),
                                command("numsub").arity(-2).flags(PUBSUB, LOADING, STALE).since("2.8.0").group("pubsub")
                                        .syntax("[channel [channel ...]]").complexity("O(N) for the NUMSUB subcommand, "
                                                + "where N is the number of requested channels")
                                        .summary("Returns a count of subscribers to channels.").runs(PubSubCommands::numsub),
                                command("numpat").arity(2).flags(PUBSUB, LOADING, STALE).since("2.8.0").group("pubsub")
                                        .summary("Returns a count of unique pattern subscriptions.")
                                        .runs(ctx -> ctx.reply().integer(ctx.server().pubsub().patternCount())))
                        .container());
    }

    /**
     * Redis's subscribed context: a RESP2 connection with a subscription may run only the
     * subscription commands, PING, QUIT and RESET (RESP3 can tell pushes from replies).
     */
    static void checkSubscribedMode(ClientSession session, CommandSpec spec) {
        if (session.inSubscribedMode() && !ALLOWED_WHEN_SUBSCRIBED.contains(spec.name())) {
            throw RedmapException.err("Can't execute '" + spec.name()
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
        }
    }

    /** PING of a RESP2 subscriber: {@code ["pong", message or ""]}, as Redis answers it. */
    static boolean pingWhenSubscribed(CommandContext ctx) {
        if (!ctx.session().inSubscribedMode()) {
            return false;
        }
        ctx.reply().arrayHeader(2);
        ctx.reply().bulk(PONG);
        ctx.reply().bulk(ctx.argc() == 2 ? ctx.arg(1) : EMPTY);
        return true;
    }

    private static void subscribe(CommandContext ctx) {
        for (int i = 1; i < ctx.argc(); i++) {
            confirm(ctx.reply(), SUBSCRIBE, ctx.arg(i), ctx.server().pubsub().subscribe(ctx.session(), ctx.arg(i)));
        }
    }

    private static void psubscribe(CommandContext ctx) {
        for (int i = 1; i < ctx.argc(); i++) {
            confirm(ctx.reply(), PSUBSCRIBE, ctx.arg(i), ctx.server().pubsub().psubscribe(ctx.session(), ctx.arg(i)));
        }
    }

    private static void unsubscribe(CommandContext ctx) {
        PubSub pubsub = ctx.server().pubsub();
        List<byte[]> channels = ctx.argc() > 1 ? args(ctx) : pubsub.channelsOf(ctx.session());
        for (byte[] channel : channels) {
            confirm(ctx.reply(), UNSUBSCRIBE, channel, pubsub.unsubscribe(ctx.session(), channel));
        }
        if (channels.isEmpty()) {
            confirm(ctx.reply(), UNSUBSCRIBE, null, ctx.session().subscriptions().total());
        }
    }

    private static void punsubscribe(CommandContext ctx) {
        PubSub pubsub = ctx.server().pubsub();
        List<byte[]> patterns = ctx.argc() > 1 ? args(ctx) : pubsub.patternsOf(ctx.session());
        for (byte[] pattern : patterns) {
            confirm(ctx.reply(), PUNSUBSCRIBE, pattern, pubsub.punsubscribe(ctx.session(), pattern));
        }
        if (patterns.isEmpty()) {
            confirm(ctx.reply(), PUNSUBSCRIBE, null, ctx.session().subscriptions().total());
        }
    }

    /** One confirmation: a push in RESP3; a null channel when there was nothing to unsubscribe from. */
    private static void confirm(Reply reply, byte[] kind, byte[] name, int count) {
        reply.pushHeader(3);
        reply.bulk(kind);
        if (name == null) {
            reply.nil();
        } else {
            reply.bulk(name);
        }
        reply.integer(count);
    }

    private static void channels(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw RedmapException.err("unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.");
        }
        List<byte[]> active = ctx.server().pubsub().activeChannels(ctx.argc() == 3 ? ctx.arg(2) : null);
        ctx.reply().arrayHeader(active.size());
        for (byte[] channel : active) {
            ctx.reply().bulk(channel);
        }
    }

    private static void numsub(CommandContext ctx) {
        ctx.reply().arrayHeader(2L * (ctx.argc() - 2));
        for (int i = 2; i < ctx.argc(); i++) {
            ctx.reply().bulk(ctx.arg(i));
            ctx.reply().integer(ctx.server().pubsub().subscriberCount(ctx.arg(i)));
        }
    }

    private static List<byte[]> args(CommandContext ctx) {
        List<byte[]> words = new java.util.ArrayList<>(ctx.argc() - 1);
        for (int i = 1; i < ctx.argc(); i++) {
            words.add(ctx.arg(i));
        }
        return words;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
