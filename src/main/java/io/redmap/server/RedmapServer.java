package io.redmap.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.redmap.cluster.Cluster;
import io.redmap.command.CommandDispatcher;
import io.redmap.keyspace.Keyspace;
import io.redmap.keyspace.KeyspaceNotSaved;
import io.redmap.persistence.Catalogue;
import io.redmap.persistence.DamagedCatalogueException;
import io.redmap.protocol.RespDecoder;
import io.redmap.store.ArrayStore;
import io.redmap.store.PathPolicy;
import io.redmap.store.SyncMode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The redmap server, embeddable: {@code try (var server = RedmapServer.start(config)) {...}}.
 * Start it on port 0 and ask {@link #port()} which port it got. {@link #close()} stops it the
 * way SHUTDOWN does: arrays synced, catalogue written, files unmapped.
 */
public final class RedmapServer implements AutoCloseable {
    private final ServerState state;
    private final Keyspace keyspace;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final List<Channel> listeners;
    private final ScheduledExecutorService background;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private RedmapServer(ServerState state, Keyspace keyspace, EventLoopGroup acceptors, EventLoopGroup workers,
                         List<Channel> listeners, ScheduledExecutorService background) {
        this.state = state;
        this.keyspace = keyspace;
        this.acceptors = acceptors;
        this.workers = workers;
        this.listeners = listeners;
        this.background = background;
    }

    public static RedmapServer start(ServerConfig config) throws IOException, InterruptedException {
        Log.notice("redmap version=" + ServerState.VERSION + " (Redis " + ServerState.REDIS_VERSION
                + " protocol), bits=64, pid=" + ProcessHandle.current().pid() + ", just started");
        StartAhead preparation = StartAhead.take(); // Netty, the command table
        Path dir = config.dir();
        Cluster cluster = config.getBool("cluster-enabled") ? Cluster.configure(config) : null;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw naming("cannot use dir", dir, e);
        }
        PathPolicy policy = new PathPolicy(dir, config.allowedPaths());
        ArrayStore store = new ArrayStore(policy, config.fileMode(), SyncMode.find(config.get("mmap-sync")));
        Path catalogue = policy.dir().resolve(config.get("dbfilename"));
        Keyspace keyspace = new Keyspace((int) config.getLong("databases"), store, new Catalogue(catalogue));
        try {
            for (String repair : store.recoverTornAppends()) {
                Log.warning(repair);
            }
        } catch (IOException e) {
            throw naming("cannot read the append journal", store.journalFile(), e);
        }
        Keyspace.LoadReport report;
        try {
            report = load(keyspace, config);
        } catch (DamagedCatalogueException e) {
            throw e; // names the file and its damaged lines
        } catch (IOException e) {
            throw naming("cannot load the catalogue", catalogue, e);
        }
        // Pipelined appends are coalesced: connections flush them before replying.
        store.durability().deferAppends(true);
        keyspace.deferCommits(true);

        RedmapServer[] self = new RedmapServer[1];
        ServerState state = new ServerState(config, keyspace, preparation.commandTable(), cluster,
                () -> Thread.ofPlatform().name("redmap-shutdown").start(() -> self[0].close()));
        try {
            state.loadUsers();
        } catch (IllegalArgumentException e) {
            keyspace.close();
            throw e;
        }
        CommandDispatcher dispatcher = new CommandDispatcher(state);

        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup((int) config.getLong("io-threads"), io);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, (int) config.getLong("tcp-backlog"))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, config.getLong("tcp-keepalive") > 0)
                // A streamed reply is produced only while less than this waits to be sent
                // (the kernel's socket buffer holds more): ~128 KB a slow reader, besides a chunk.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 << 10, 128 << 10))
                .childHandler(connections(state, dispatcher, false));
        List<Channel> listeners = new ArrayList<>();
        int port = config.port();
        int tlsPort = state.tls().port();
        try {
            state.tls().configure();
            // As Redis: port 0 with a tls-port is TLS only; without one, port 0 is any free port.
            if (port != 0 || tlsPort == 0) {
                port = listen(bootstrap, config.bindAddresses(), port, "TCP", listeners);
            }
            if (tlsPort != 0) {
                listen(bootstrap.clone().childHandler(connections(state, dispatcher, true)),
                        config.bindAddresses(), tlsPort, "TLS", listeners);
            }
        } catch (IOException e) {
            acceptors.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            keyspace.close();
            throw e;
        }
        state.port(port != 0 ? port : tlsPort); // INFO's tcp_port, as Redis's, is the TLS one on a TLS-only server
        if (cluster != null) {
            String master = config.get("replicaof").isEmpty() ? cluster.initialMaster() : null;
            if (master != null) {
                config.set("replicaof", master); // each node of a shard follows its master by itself
            }
            var replication = state.replication();
            cluster.start(() -> {
                var link = replication.masterLink();
                return link == null ? null : link.host() + ":" + link.port();
            });
        }
        state.replication().start(workers, dispatcher);
        ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("redmap-sync").daemon().factory());
        RedmapServer server = new RedmapServer(state, keyspace, acceptors, workers, listeners, background);
        self[0] = server;
        background.scheduleWithFixedDelay(new Housekeeping(state)::everySecond, 1, 1, TimeUnit.SECONDS);
        DeferredOpens.start(state); // the catalogue's files the load left for later
        writePidFile(config);
        Log.notice("Running mode=" + (cluster == null ? "standalone" : "cluster") + ", port=" + state.port()
                + (tlsPort != 0 ? ", tls-port=" + tlsPort : "") + ", transport=" + (epoll ? "epoll" : "nio")
                + ", io-threads=" + config.getLong("io-threads"));
        Log.notice("dir=" + policy.dir() + ", mmap-sync=" + config.get("mmap-sync") + ", keys loaded=" + report.loaded());
        if (port != 0) {
            Log.notice("Ready to accept connections tcp");
        }
        if (tlsPort != 0) {
            Log.notice("Ready to accept connections tls");
        }
        return server;
    }

    /** What a new connection's pipeline holds: on the TLS port, the TLS engine first. */
    private static ChannelInitializer<SocketChannel> connections(ServerState state, CommandDispatcher dispatcher, boolean tls) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                if (tls) {
                    state.tls().addServerHandlers(channel.pipeline());
                }
                channel.pipeline().addLast(
                        new RespDecoder(state.config()::decoderLimits),
                        new ConnectionHandler(state, dispatcher));
            }
        };
    }

    /** Binds a port on every bind address that can be bound; returns the port (the one got for 0). */
    private static int listen(ServerBootstrap bootstrap, List<String> addresses, int port, String kind,
                              List<Channel> listeners) throws IOException {
        int bound = 0;
        for (String address : addresses) {
            try {
                Channel channel = bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
                listeners.add(channel);
                port = ((InetSocketAddress) channel.localAddress()).getPort();
                bound++;
            } catch (Exception e) {
                // Like Redis: an address that cannot be bound (say ::1 without IPv6) is a warning
                // while another one works.
                Log.warning("Could not create server " + kind + " listening socket " + address + ":" + port + ": " + e.getMessage());
            }
        }
        if (bound == 0) {
            throw new IOException("could not listen on any of " + addresses + " port " + port);
        }
        return port;
    }

    /**
     * Loads the keyspace. A damaged catalogue stops the start (the exception names its damaged
     * lines) unless {@code catalogue-load-damaged yes}: then a copy of it is kept, and the
     * catalogue is rewritten at once with the readable entries, so that what runs is what is saved.
     */
    private static Keyspace.LoadReport load(Keyspace keyspace, ServerConfig config) throws IOException {
        long loadStart = System.nanoTime();
        Keyspace.LoadReport report;
        try {
            report = keyspace.load(config.getBool("catalogue-load-damaged"));
        } catch (IOException | RuntimeException e) {
            keyspace.close();
            throw e;
        }
        for (String problem : report.problems()) {
            Log.warning("catalogue: " + problem);
        }
        if (report.damagedCopy() != null) {
            Log.warning("The keyspace catalogue " + keyspace.catalogueFile() + " was damaged: a copy of it is kept as "
                    + report.damagedCopy() + ", and only its readable entries are loaded (catalogue-load-damaged yes)");
            try {
                keyspace.save();
            } catch (KeyspaceNotSaved e) {
                Log.warning(e.getMessage());
            }
        }
        Log.notice("DB loaded from disk: " + report.loaded() + " keys in "
                + (System.nanoTime() - loadStart) / 1_000_000 + " ms" + (report.problems().isEmpty() ? ""
                : " (" + report.problems().size() + " entries could not be loaded, see above)"));
        return report;
    }

    private static void writePidFile(ServerConfig config) {
        String pidFile = config.get("pidfile");
        if (!pidFile.isEmpty()) {
            try {
                Files.writeString(Path.of(pidFile), ProcessHandle.current().pid() + "\n");
            } catch (IOException e) {
                Log.warning("Failed to write PID file: " + e.getMessage());
            }
        }
    }

    public int port() {
        return state.port();
    }

    public ServerState state() {
        return state;
    }

    /** Whether the server has stopped or is stopping. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Blocks until the server has stopped (SHUTDOWN, SIGTERM or {@link #close()}). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        Log.notice("User requested shutdown...");
        try {
            for (Channel listener : listeners) {
                listener.close().syncUninterruptibly();
            }
            background.shutdownNow();
            if (state.cluster() != null) {
                state.cluster().close();
            }
            state.commandLock().lock();
            try {
                try {
                    state.save();
                    state.replication().saveShutdownPoint();
                } catch (RuntimeException e) {
                    // The catalogue on disk is the last one saved: changes it lacks were refused.
                    Log.warning("Could not save at shutdown: " + e.getMessage());
                }
                keyspace.close();
            } finally {
                state.commandLock().unlock();
            }
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            String pidFile = state.config().get("pidfile");
            if (!pidFile.isEmpty()) {
                Files.deleteIfExists(Path.of(pidFile));
            }
            Log.notice("redmap is now ready to exit, bye bye...");
        } catch (IOException | RuntimeException e) {
            Log.warning("error during shutdown: " + e);
        } finally {
            stopped.countDown();
        }
    }

    private void awaitQuietly() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A start-up failure that names the file: Java's own message is often only the reason
     * ("Is a directory") or only the path.
     */
    private static IOException naming(String what, Path path, IOException e) {
        String reason = switch (e) {
            case FileSystemException fs when fs.getReason() != null -> fs.getReason();
            case FileAlreadyExistsException exists -> "a file is in the way";
            case FileSystemException fs -> fs.getClass().getSimpleName();
            default -> e.getMessage();
        };
        return new IOException(what + " " + path + ": " + reason, e);
    }
}
