package io.redmap.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.redmap.BatchClock;
import io.redmap.acl.User;
import io.redmap.acl.UserRules;
import io.redmap.protocol.Reply;
import io.redmap.pubsub.PublishedMessage;
import io.redmap.pubsub.Subscriber;
import io.redmap.pubsub.Subscriptions;
import io.redmap.stats.CommandClock;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * One client connection's state: protocol version, name, selected database, authentication,
 * transaction state (MULTI queue, WATCHed keys: {@link ClientTransaction}) and Pub/Sub subscriptions.
 */
public final class ClientSession implements Subscriber {
    private final long id;
    private final Channel channel;
    private final long createdMillis = System.currentTimeMillis();
    private volatile long lastInteractionMillis = createdMillis;
    private volatile String name = "";
    private volatile String libName = "";
    private volatile String libVersion = "";
    private volatile int db;
    private volatile int protocol = 2;
    private volatile boolean authenticated;
    private volatile User user;
    private volatile String lastCommand = "NULL";
    private volatile boolean clusterReadOnly;
    private boolean noTouch;
    private volatile AutoCloseable attachment;
    private volatile boolean asking;
    private final ClientTransaction transaction = new ClientTransaction();
    private volatile boolean closeAfterReply;
    private volatile boolean killed;
    private final Subscriptions subscriptions = new Subscriptions();
    /** Where published messages go: the connection's handler, which writes them on its own loop. */
    private volatile Consumer<ByteBuf> messages;
    /** REPLICA or MASTER when this connection is a replication link, else null. */
    private volatile ClientType replicationRole;
    private volatile int replicaListeningPort;
    private volatile String replicaAnnouncedIp;

    /** CLIENT REPLY ON|OFF|SKIP. */
    private final ReplySwitch replies = new ReplySwitch();

    public ReplySwitch replies() {
        return replies;
    }

    /** Replies of this batch's keyspace changes, replaced with -MISCONF if their change cannot be saved. */
    private final ChangeReplies changeReplies = new ChangeReplies();

    ChangeReplies changeReplies() {
        return changeReplies;
    }

    /** Appends of the current batch that wait to be written with other connections' ones. */
    private final DeferredAppends deferredAppends = new DeferredAppends();
    private final CommandClock commandClock = new CommandClock();

    public DeferredAppends deferredAppends() {
        return deferredAppends;
    }

    public ClientSession(long id, Channel channel, boolean authenticated) {
        this.id = id;
        this.channel = channel;
        this.authenticated = authenticated;
    }

    public long id() {
        return id;
    }

    public Channel channel() {
        return channel;
    }

    public long createdMillis() {
        return createdMillis;
    }

    public long lastInteractionMillis() {
        return lastInteractionMillis;
    }

    public void touched(String command) {
        lastInteractionMillis = BatchClock.millis();
        lastCommand = command;
    }

    /** Times this connection's commands (one clock read per command within a batch). */
    public CommandClock commandClock() {
        return commandClock;
    }

    public String lastCommand() {
        return lastCommand;
    }

    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    public String libName() {
        return libName;
    }

    public void libName(String libName) {
        this.libName = libName;
    }

    public String libVersion() {
        return libVersion;
    }

    public void libVersion(String libVersion) {
        this.libVersion = libVersion;
    }

    public int db() {
        return db;
    }

    public void db(int db) {
        this.db = db;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticated(boolean authenticated) {
        this.authenticated = authenticated;
    }

    /**
     * What this connection is (CLIENT LIST/KILL TYPE): a replica attached to us, our link to our
     * master, a subscriber, or a normal client.
     */
    public ClientType type() {
        ClientType role = replicationRole;
        if (role != null) {
            return role;
        }
        return subscriptions.any() ? ClientType.PUBSUB : ClientType.NORMAL;
    }

    /** REPLCONF listening-port: the port a replica to be serves on (INFO, Sentinel). */
    public int replicaListeningPort() {
        return replicaListeningPort;
    }

    public void replicaListeningPort(int port) {
        this.replicaListeningPort = port;
    }

    /** REPLCONF ip-address: the address a replica to be announces, or null. */
    public String replicaAnnouncedIp() {
        return replicaAnnouncedIp;
    }

    public void replicaAnnouncedIp(String ip) {
        this.replicaAnnouncedIp = ip;
    }

    /** Marks this connection as a replica attached to us (PSYNC) or as the link to our master. */
    public void replicationRole(ClientType role) {
        this.replicationRole = role;
    }

    /**
     * Hands bytes to the connection, written on its own event loop after the replies before them
     * (the write stream to a replica).
     */
    public void send(ByteBuf bytes) {
        Consumer<ByteBuf> sink = messages;
        if (sink == null || killed) {
            bytes.release();
            return;
        }
        sink.accept(bytes);
    }

    @Override
    public Subscriptions subscriptions() {
        return subscriptions;
    }

    /** Whether commands are restricted to the subscription ones (RESP2 with a subscription). */
    public boolean inSubscribedMode() {
        return protocol == 2 && subscriptions.any();
    }

    public void messageSink(Consumer<ByteBuf> sink) {
        this.messages = sink;
    }

    /**
     * Encodes the message in this connection's protocol (the publisher's thread, under the command
     * lock) and hands it to the connection, which writes it on its own event loop.
     */
    @Override
    public void deliver(byte[] pattern, byte[] channel, byte[] payload) {
        Consumer<ByteBuf> sink = messages;
        if (sink == null || killed) {
            return;
        }
        ByteBuf out = this.channel.alloc().buffer(48 + channel.length + payload.length
                + (pattern == null ? 0 : pattern.length));
        PublishedMessage.write(new Reply(out, protocol), pattern, channel, payload);
        sink.accept(out);
    }


    /**
     * The user this connection runs as: the default user until AUTH; null for the link to our
     * master, which may run anything (Redis's superuser client).
     */
    public User user() {
        return user;
    }

    /** AUTH and HELLO AUTH succeeded as this user. */
    public void authenticatedAs(User user) {
        this.user = user;
        this.authenticated = true;
    }

    /**
     * Redis's clientSetDefaultAuth (a new connection, RESET): the default user, authenticated at
     * once if it needs no password and is on.
     */
    public void startAsDefaultUser(User defaultUser) {
        this.user = defaultUser;
        UserRules rules = defaultUser.rules();
        this.authenticated = rules.nopass() && rules.enabled();
    }

    /** The user's name as CLIENT LIST shows it. */
    public String userName() {
        User current = user;
        return current == null ? "(superuser)" : current.name();
    }

    /**
     * Work this connection has under way beyond a request (a MIGRATE arriving: its file half
     * received), ended when the connection closes.
     */
    public AutoCloseable attachment() {
        return attachment;
    }

    /** Replaces the attachment, closing the previous one. */
    public void attach(AutoCloseable work) {
        AutoCloseable previous = attachment;
        attachment = work;
        closeQuietly(previous);
    }

    /** The connection closed: abandons its attachment. */
    public void closeAttachment() {
        attach(null);
    }

    private static void closeQuietly(AutoCloseable work) {
        if (work != null) {
            try {
                work.close();
            } catch (Exception e) {
                Log.warning("could not abandon " + work + ": " + e.getMessage());
            }
        }
    }

    /** CLIENT NO-TOUCH: this client's commands leave keys' access times and frequencies as they were. */
    public boolean noTouch() {
        return noTouch;
    }

    public void noTouch(boolean noTouch) {
        this.noTouch = noTouch;
    }

    /** READONLY (cluster): this client reads from a replica of the slot's master. */
    public boolean clusterReadOnly() {
        return clusterReadOnly;
    }

    public void clusterReadOnly(boolean readOnly) {
        clusterReadOnly = readOnly;
    }

    /** ASKING (cluster): the next command may use a slot this node is importing. */
    public boolean asking() {
        return asking;
    }

    public void asking(boolean asking) {
        this.asking = asking;
    }

    /** MULTI's queue and the WATCHed keys. */
    public ClientTransaction transaction() {
        return transaction;
    }

    /**
     * CLIENT KILL from another connection: marks this one so that nothing more is executed for
     * it (its own event loop may still be reading) and closes it.
     */
    public void kill() {
        killed = true;
        if (channel != null) {
            channel.close();
        }
    }

    public boolean killed() {
        return killed;
    }

    /** QUIT and CLIENT KILL of oneself: the connection closes once the reply is written. */
    public boolean closeAfterReply() {
        return closeAfterReply;
    }

    public void closeAfterReply(boolean close) {
        this.closeAfterReply = close;
    }

    public String address() {
        return format(channel == null ? null : channel.remoteAddress());
    }

    /** The peer's IP address alone (a replica's, for INFO when it announces none). */
    public String remoteHost() {
        if (channel != null && channel.remoteAddress() instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return "?";
    }

    public String localAddress() {
        return format(channel == null ? null : channel.localAddress());
    }

    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return host + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
