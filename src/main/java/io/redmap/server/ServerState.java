package io.redmap.server;

import io.redmap.command.CommandTable;
import io.redmap.glob.GlobMatcher;
import io.redmap.keyspace.Keyspace;
import io.redmap.pubsub.KeyspaceEvents;
import io.redmap.pubsub.PubSub;
import io.redmap.replication.Replication;
import io.redmap.replication.ReplicationState;
import io.redmap.tls.TlsContexts;

import io.redmap.acl.Acl;
import io.redmap.cluster.Cluster;
import io.redmap.stats.Observability;
import java.util.List;

/**
 * The running server's shared parts, as command handlers see them. Commands that touch the
 * keyspace or the files run one at a time under {@link #commandLock()}, like Redis's single
 * command thread; decoding, encoding and network I/O run in parallel around it.
 */
public final class ServerState {
    public static final String VERSION = "0.1.0";
    /** The Redis version redmap answers as (INFO, HELLO): clients pick features by it. */
    public static final String REDIS_VERSION = "7.2.0";

    private final ServerConfig config;
    private final Keyspace keyspace;
    private final CommandTable commands;
    private final ClientRegistry clients = new ClientRegistry();
    private final WatchRegistry watches = new WatchRegistry();
    private final PubSub pubsub = new PubSub(GlobMatcher::matchesCaseSensitive);
    private final ServerStats stats = new ServerStats();
    private final ClientPause clientPause = new ClientPause();
    private final InstantaneousMetrics instantaneous = new InstantaneousMetrics(stats);
    private final CommandLock commandLock = new CommandLock();
    private final KeyspaceCommit keyspaceCommit;
    private final KeyspaceEvents keyspaceEvents = new KeyspaceEvents(pubsub);
    private final long startMillis = System.currentTimeMillis();
    private final String runId;
    private final Replication replication;
    private final Runnable shutdown;
    private final Cluster cluster;
    private final Observability observability;
    private final TlsContexts tls;
    private final Acl acl;
    private volatile int port;
    private volatile long lastSaveSeconds = System.currentTimeMillis() / 1000;

    /** @param cluster the cluster this node is part of, or null when {@code cluster-enabled} is off */
    public ServerState(ServerConfig config, Keyspace keyspace, CommandTable commands, Cluster cluster, Runnable shutdown) {
        this.config = config;
        this.cluster = cluster;
        this.keyspace = keyspace;
        this.commands = commands;
        this.shutdown = shutdown;
        this.keyspaceCommit = new KeyspaceCommit(keyspace, commandLock, stats);
        keyspaceEvents.configure(config.get("notify-keyspace-events"));
        this.tls = new TlsContexts(config::get);
        keyAccessPolicyChanged();
        this.runId = ReplicationState.newId();
        this.replication = new Replication(this);
        // Before the first configChanged below, which reconfigures it too.
        this.observability = new Observability(commands.all());
        observability.configure(config);
        keyspace.store().durability().timer(observability::synced);
        this.acl = new Acl(commands.aclCatalog());
        for (String option : List.of("requirepass", "acl-pubsub-default", "acllog-max-len")) {
            configChanged(option);
        }
    }

    /** Command statistics, the slow log, the latency monitor and MONITOR. */
    public Observability observability() {
        return observability;
    }

    /** Users, their rules and the ACL log. */
    public Acl acl() {
        return acl;
    }

    /** The {@code aclfile} (relative to {@code dir}), or null when users live in the config file. */
    public java.nio.file.Path aclFile() {
        String file = config.get("aclfile");
        return file.isEmpty() ? null : config.dir().resolve(file);
    }

    /**
     * At start: the users of the config's {@code user} lines or of the aclfile, not both.
     *
     * @throws IllegalArgumentException with the reason the start must stop
     */
    public void loadUsers() {
        acl.loadAtStart(config.lines("user"), config.get("aclfile"), aclFile());
    }

    public ServerConfig config() {
        return config;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public CommandTable commands() {
        return commands;
    }

    public ClientRegistry clients() {
        return clients;
    }

    public WatchRegistry watches() {
        return watches;
    }

    /** Channels and patterns with their subscribers; used under the command lock. */
    public PubSub pubsub() {
        return pubsub;
    }

    /** Keyspace notifications ({@code notify-keyspace-events}), published through {@link #pubsub()}. */
    public KeyspaceEvents keyspaceEvents() {
        return keyspaceEvents;
    }

    /** INFO's instantaneous rates, sampled once a second. */
    public InstantaneousMetrics instantaneous() {
        return instantaneous;
    }

    /** CLIENT PAUSE: whether commands wait, and until when. */
    public ClientPause clientPause() {
        return clientPause;
    }

    public ServerStats stats() {
        return stats;
    }

    /** The lock commands run under; its sequence number lets the array reads run without it (LockFreeReads). */
    public CommandLock commandLock() {
        return commandLock;
    }

    /** The group commit of keyspace changes, and the -MISCONF replies when it fails. */
    public KeyspaceCommit keyspaceCommit() {
        return keyspaceCommit;
    }

    public long startMillis() {
        return startMillis;
    }

    /** Replication both ways: our replicas and their stream, or our link to our master. */
    public Replication replication() {
        return replication;
    }

    /** The cluster, or null when this server is not in cluster mode. */
    public Cluster cluster() {
        return cluster;
    }

    /** The TLS contexts of the TLS port and of outgoing links. */
    public TlsContexts tls() {
        return tls;
    }

    public String runId() {
        return runId;
    }

    public int port() {
        return port;
    }

    void port(int port) {
        this.port = port;
    }

    public long lastSaveSeconds() {
        return lastSaveSeconds;
    }

    /**
     * SAVE: the catalogue is already current after every batch; this writes it again and syncs the
     * arrays. When the catalogue cannot be written: {@code ERR}, as Redis's SAVE (and SHUTDOWN, which
     * then does not stop: SIGTERM still does, with the catalogue on disk as it was last saved).
     */
    public void save() {
        keyspace.store().syncDirty(message -> Log.warning("sync failed: " + message));
        keyspaceCommit.save();
        lastSaveSeconds = System.currentTimeMillis() / 1000;
    }

    /** CONFIG SET changed an option: apply it where it is not read afresh each time. */
    public void configChanged(String name) {
        observability.configure(config);
        switch (name) {
            case "mmap-sync" -> keyspace.store().durability().mode(io.redmap.store.SyncMode.find(config.get(name)));
            case "loglevel" -> Log.level(config.get(name));
            case "notify-keyspace-events" -> keyspaceEvents.configure(config.get(name));
            case "repl-backlog-size" -> replication.backlogSizeChanged();
            case "maxmemory-policy", "lfu-log-factor", "lfu-decay-time" -> keyAccessPolicyChanged();
            case "requirepass" -> acl.requirePass(config.get(name));
            case "acl-pubsub-default" -> acl.allChannelsByDefault(config.get(name).equals("allchannels"));
            case "acllog-max-len" -> acl.log().maxLength((int) config.getLong(name));
            default -> { }
        }
    }

    /** OBJECT FREQ counts accesses only under an LFU maxmemory-policy, with Redis's two tunables. */
    private void keyAccessPolicyChanged() {
        keyspace.access().policy(config.get("maxmemory-policy"), (int) config.getLong("lfu-log-factor"),
                (int) config.getLong("lfu-decay-time"));
    }

    /** SHUTDOWN: asks the server to stop once the current reply is sent. */
    public void requestShutdown() {
        shutdown.run();
    }
}
