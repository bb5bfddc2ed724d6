package io.redmap.replication;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.redmap.BatchClock;
import io.redmap.command.CommandDispatcher;
import io.redmap.protocol.ProtocolException;
import io.redmap.protocol.Request;
import io.redmap.protocol.RespDecoder;
import io.redmap.server.ClientSession;
import io.redmap.server.ClientType;
import io.redmap.server.Log;
import io.redmap.server.ServerState;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * On a replica, the link to its master: connects (and reconnects every second while down), does
 * Redis's handshake ({@code PING}, {@code AUTH}, {@code REPLCONF listening-port / capa},
 * {@code PSYNC replid offset}), receives a full sync or continues, then applies the write stream
 * and acknowledges it ({@code REPLCONF ACK}) every second and when asked. What INFO replication
 * says about the master comes from here.
 */
public final class MasterLink {
    private enum Phase { CONNECTING, HANDSHAKE, SYNC, SWITCHING, STREAM }

    private final ServerState server;
    private final Replication replication;
    private final String host;
    private final int port;
    private final EventLoopGroup loops;
    private final CommandDispatcher dispatcher;
    private final ExecutorService fileThread;
    private volatile boolean stopped;
    private volatile Phase phase = Phase.CONNECTING;
    /** When the link went down; -1 before it was ever up (INFO then says -1, as Redis), 0 while up. */
    private volatile long downSinceMillis = -1;
    private volatile long lastIoMillis = System.currentTimeMillis();
    private volatile SyncReceiver sync;
    private volatile boolean forceFullSync;
    private volatile Channel channel;

    /**
     * @param historyKnown whether our replication id and offset are a history the master may share
     *     (false for a server started as a replica with none kept: it asks {@code PSYNC ? -1}, as Redis)
     */
    MasterLink(ServerState server, Replication replication, String host, int port, EventLoopGroup loops,
               CommandDispatcher dispatcher, boolean historyKnown) {
        this.forceFullSync = !historyKnown;
        this.server = server;
        this.replication = replication;
        this.host = host;
        this.port = port;
        this.loops = loops;
        this.dispatcher = dispatcher;
        this.fileThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("redmap-replica-files").daemon().factory());
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Whether the link is up and the stream flows (INFO's {@code master_link_status:up}). */
    public boolean isOnline() {
        return phase == Phase.STREAM;
    }

    /** ROLE's word for the link's state, as Redis's. */
    public String stateName() {
        return switch (phase) {
            case CONNECTING -> channel == null ? "connect" : "connecting";
            case HANDSHAKE -> "handshake";
            case SYNC, SWITCHING -> "sync";
            case STREAM -> "connected";
        };
    }

    public boolean syncInProgress() {
        return phase == Phase.SYNC || phase == Phase.SWITCHING;
    }

    public long downSinceSeconds() {
        long since = downSinceMillis;
        return since <= 0 ? -1 : Math.max(0, (System.currentTimeMillis() - since) / 1000);
    }

    public long lastIoSecondsAgo() {
        return Math.max(0, (System.currentTimeMillis() - lastIoMillis) / 1000);
    }

    /** Bytes of the full sync in progress: expected and received so far (INFO). */
    public long syncBytesExpected() {
        SyncReceiver receiving = sync;
        return receiving == null ? 0 : receiving.bytesExpected();
    }

    public long syncBytesReceived() {
        SyncReceiver receiving = sync;
        return receiving == null ? 0 : receiving.bytesReceived();
    }

    void connect() {
        if (stopped) {
            return;
        }
        phase = Phase.CONNECTING;
        Bootstrap bootstrap = new Bootstrap().group(loops)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (server.tls().forReplication()) {
                            ch.pipeline().addLast(server.tls().clientHandler(host, port)); // tls-replication yes
                        }
                        ch.pipeline().addLast(new RespDecoder(server.config()::decoderLimits), new Handler());
                    }
                });
        ChannelFuture connecting = bootstrap.connect(host, port);
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                Log.warning("Error condition on socket for SYNC: " + done.cause().getMessage());
                retryLater();
            }
        });
    }

    private void retryLater() {
        if (!stopped) {
            loops.next().schedule(this::connect, 1, TimeUnit.SECONDS);
        }
    }

    /** REPLICAOF another master or NO ONE: this link ends for good. */
    void stop() {
        stopped = true;
        Channel current = channel;
        if (current != null) {
            current.close();
        }
        fileThread.shutdown();
    }

    /** A link on which the master said nothing for {@code timeoutMillis} is dropped (and made again). */
    void closeIfSilent(long timeoutMillis) {
        Channel current = channel;
        if (current != null && (phase == Phase.STREAM || phase == Phase.HANDSHAKE)
                && System.currentTimeMillis() - lastIoMillis > timeoutMillis) {
            Log.warning("MASTER timeout: no data nor PING received...");
            current.close();
        }
    }

    /** Once a second, and when the master asks: how far we applied its stream. */
    private void acknowledge() {
        Channel current = channel;
        if (current != null && phase == Phase.STREAM) {
            ByteBuf ack = current.alloc().buffer(64);
            CommandEncoder.write(ack, "REPLCONF", "ACK", Long.toString(replication.state().offset()));
            current.writeAndFlush(ack, current.voidPromise());
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private ClientSession master;
        private StreamApplier applier;
        /** Replies still expected before PSYNC's. */
        private int handshakeReplies;
        private String masterReplicationId;
        private long masterOffset;
        private final ArrayDeque<Request> heldStream = new ArrayDeque<>();
        /** The once-a-second REPLCONF ACK of this connection, cancelled when it closes. */
        private ScheduledFuture<?> acknowledgements;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (stopped) {
                ctx.close();
                return;
            }
            channel = ctx.channel();
            lastIoMillis = System.currentTimeMillis(); // a new link is not silent for as long as the master was down
            master = new ClientSession(server.clients().nextId(), ctx.channel(), true);
            master.replicationRole(ClientType.MASTER);
            master.db(replication.appliedDb());
            server.clients().add(master);
            applier = new StreamApplier(server, replication, dispatcher, master);
            Log.notice("MASTER <-> REPLICA sync started");
            ByteBuf out = ctx.alloc().buffer(256);
            CommandEncoder.write(out, "PING");
            handshakeReplies = 1;
            String auth = server.config().get("masterauth");
            if (!auth.isEmpty()) {
                String user = server.config().get("masteruser");
                if (user.isEmpty()) {
                    CommandEncoder.write(out, "AUTH", auth);
                } else {
                    CommandEncoder.write(out, "AUTH", user, auth);
                }
                handshakeReplies++;
            }
            String announcedPort = server.config().get("replica-announce-port");
            CommandEncoder.write(out, "REPLCONF", "listening-port",
                    "0".equals(announcedPort) ? Integer.toString(server.tls().replicationPort(server.port())) : announcedPort);
            handshakeReplies++;
            String announcedIp = server.config().get("replica-announce-ip");
            if (!announcedIp.isEmpty()) {
                CommandEncoder.write(out, "REPLCONF", "ip-address", announcedIp);
                handshakeReplies++;
            }
            CommandEncoder.write(out, "REPLCONF", "capa", "eof", "capa", "psync2", "capa", "redmap");
            handshakeReplies++;
            ReplicationState state = replication.state();
            if (forceFullSync) {
                CommandEncoder.write(out, "PSYNC", "?", "-1");
            } else {
                CommandEncoder.write(out, "PSYNC", state.replicationId(), Long.toString(state.offset() + 1));
            }
            phase = Phase.HANDSHAKE;
            ctx.writeAndFlush(out);
            acknowledgements = ctx.executor().scheduleAtFixedRate(MasterLink.this::acknowledge, 1, 1, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            lastIoMillis = System.currentTimeMillis();
            BatchClock.tick();
            if (message instanceof ProtocolException e) {
                fail(ctx, "protocol error from the master: " + e.getMessage());
                return;
            }
            Request request = (Request) message;
            try {
                switch (phase) {
                    case HANDSHAKE -> handshake(ctx, request);
                    case SYNC -> {
                        if (sync.frame(request)) {
                            phase = Phase.SWITCHING;
                        }
                    }
                    case SWITCHING -> heldStream.add(request);
                    case STREAM -> stream(ctx, request);
                    default -> { }
                }
            } catch (RuntimeException | java.io.IOException e) {
                fail(ctx, e.getMessage());
            }
        }

        private void handshake(ChannelHandlerContext ctx, Request reply) {
            String first = new String(reply.word(0), StandardCharsets.UTF_8);
            if (handshakeReplies > 0) {
                handshakeReplies--;
                if (first.startsWith("-") && !first.startsWith("-NOAUTH")) {
                    Log.warning("Master replied to the handshake: " + join(reply));
                }
                return;
            }
            if (first.equalsIgnoreCase("+FULLRESYNC") && reply.size() == 3) {
                masterReplicationId = new String(reply.word(1), StandardCharsets.US_ASCII);
                masterOffset = reply.parseLong(2);
                Log.notice("Full resync from master: " + masterReplicationId + ":" + masterOffset);
                sync = new SyncReceiver(server, replication, ctx, fileThread, masterReplicationId, masterOffset,
                        () -> switched(ctx), why -> fail(ctx, why));
                phase = Phase.SYNC;
                return;
            }
            if (first.equalsIgnoreCase("+CONTINUE")) {
                String id = reply.size() > 1 ? new String(reply.word(1), StandardCharsets.US_ASCII) : null;
                server.commandLock().lock();
                try {
                    if (id != null) {
                        replication.continueHistory(id);
                    }
                } finally {
                    server.commandLock().unlock();
                }
                Log.notice("Successful partial resynchronization with master.");
                online();
                return;
            }
            throw new IllegalStateException("unexpected reply to PSYNC: " + join(reply));
        }

        /** The full sync's last block is written and our keyspace is the master's: the stream goes on. */
        private void switched(ChannelHandlerContext ctx) {
            forceFullSync = false;
            sync = null;
            master.db(0);
            replication.appliedDb(0);
            Log.notice("MASTER <-> REPLICA sync: Finished with success");
            online();
            while (!heldStream.isEmpty() && phase == Phase.STREAM) {
                stream(ctx, heldStream.poll());
            }
            applier.batchDone();
            ctx.channel().config().setAutoRead(true);
        }

        private void online() {
            phase = Phase.STREAM;
            downSinceMillis = 0;
        }

        private void stream(ChannelHandlerContext ctx, Request command) {
            switch (applier.apply(command)) {
                case ACKNOWLEDGE -> {
                    applier.batchDone(); // what the ACK counts is written first
                    acknowledge();
                }
                case RESYNC -> {
                    Log.notice("The master mapped a file: a full sync brings it here");
                    forceFullSync = true;
                    ctx.close();
                }
                case GO_ON -> { }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (phase == Phase.STREAM && applier != null) {
                applier.batchDone();
            }
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            Log.warning("MASTER <-> REPLICA sync failed: " + why);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (acknowledgements != null) {
                acknowledgements.cancel(false);
            }
            if (master != null) {
                server.clients().remove(master);
            }
            if (applier != null) {
                applier.close();
            }
            SyncReceiver abandoned = sync;
            sync = null;
            if (abandoned != null) {
                abandoned.abandon();
            }
            if (phase == Phase.STREAM || phase == Phase.HANDSHAKE) {
                Log.notice("Connection with master lost.");
            }
            if (downSinceMillis == 0) {
                downSinceMillis = System.currentTimeMillis();
            }
            phase = Phase.CONNECTING;
            channel = null;
            retryLater();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause.getMessage());
        }
    }

    private static String join(Request reply) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < reply.size(); i++) {
            text.append(i == 0 ? "" : " ").append(new String(reply.word(i), StandardCharsets.UTF_8));
        }
        return text.toString();
    }
}
