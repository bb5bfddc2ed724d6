package io.redmap.command;

import io.redmap.keyspace.Database;
import io.redmap.replication.MasterLink;
import io.redmap.replication.ReplicaLink;
import io.redmap.replication.Replication;
import io.redmap.replication.ReplicationState;
import io.redmap.server.ClientType;
import io.redmap.server.ServerState;
import io.redmap.store.MappedFile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The text of INFO: Redis 7's sections in its order and its field names, plus redmap's
 * {@code # Mmap} section after {@code # Keyspace}. Fields that mean what Redis means hold the
 * JVM's figures ({@link InfoMemoryAndStats}); those whose concept redmap lacks (forks, AOF,
 * expiry, eviction) are 0, as Redis shows them when unused.
 */
final class InfoReport {
    /** Every section, in Redis 7.2's order. */
    private static final List<String> ORDER = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace", "mmap");
    /** INFO with no argument, or {@code default}: all but the per-command sections, as Redis. */
    private static final Set<String> DEFAULT = Set.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace", "mmap");
    /** Headers that are not the name capitalised. */
    private static final Map<String, String> HEADERS = Map.of("cpu", "CPU");

    private InfoReport() {
    }

    /**
     * The sections asked for (any case): none or {@code default} the default ones, {@code all} and
     * {@code everything} every one, several names their union (Redis 7), unknown names nothing.
     */
    static String render(ServerState server, Set<String> requested) {
        Map<String, BiConsumer<ServerState, StringBuilder>> sections = new LinkedHashMap<>();
        sections.put("server", InfoReport::server);
        sections.put("clients", InfoReport::clients);
        sections.put("memory", InfoMemoryAndStats::memory);
        sections.put("persistence", InfoReport::persistence);
        sections.put("stats", InfoMemoryAndStats::stats);
        sections.put("replication", InfoReport::replication);
        sections.put("cpu", InfoMemoryAndStats::cpu);
        sections.put("modules", (state, out) -> { }); // no modules: the header alone, as Redis
        for (String name : List.of("commandstats", "errorstats", "latencystats")) {
            sections.put(name, (state, out) -> state.observability().infoSection(name, state.stats().errors, out));
        }
        sections.put("cluster", (state, out) -> field(out, "cluster_enabled", state.cluster() == null ? 0 : 1));
        sections.put("keyspace", InfoReport::keyspace);
        sections.put("mmap", InfoReport::mmap);
        Set<String> chosen = chosen(requested);
        StringBuilder text = new StringBuilder();
        for (String name : ORDER) {
            if (chosen.contains(name)) {
                if (!text.isEmpty()) {
                    text.append("\r\n");
                }
                text.append("# ").append(HEADERS.getOrDefault(name, name.substring(0, 1).toUpperCase(Locale.ROOT)
                        + name.substring(1))).append("\r\n");
                sections.get(name).accept(server, text);
            }
        }
        return text.toString();
    }

    private static Set<String> chosen(Set<String> requested) {
        if (requested.isEmpty()) {
            return DEFAULT;
        }
        Set<String> chosen = new java.util.HashSet<>();
        for (String name : requested) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "default" -> chosen.addAll(DEFAULT);
                case "all", "everything" -> chosen.addAll(ORDER);
                default -> chosen.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return chosen;
    }

    static StringBuilder field(StringBuilder out, String name, Object value) {
        return out.append(name).append(':').append(value).append("\r\n");
    }

    private static void server(ServerState server, StringBuilder out) {
        long now = System.currentTimeMillis();
        long uptime = (now - server.startMillis()) / 1000;
        field(out, "redis_version", ServerState.REDIS_VERSION);
        field(out, "redis_git_sha1", "00000000");
        field(out, "redis_git_dirty", 0);
        field(out, "redis_build_id", "0");
        field(out, "redis_mode", server.cluster() == null ? "standalone" : "cluster");
        field(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        field(out, "arch_bits", 64);
        field(out, "monotonic_clock", "POSIX clock_gettime"); // System.nanoTime's source on Linux
        field(out, "multiplexing_api", io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "java.nio");
        field(out, "process_id", ProcessHandle.current().pid());
        field(out, "process_supervised", "no");
        field(out, "run_id", server.runId());
        field(out, "tcp_port", server.port());
        field(out, "server_time_usec", now * 1000);
        field(out, "uptime_in_seconds", uptime);
        field(out, "uptime_in_days", uptime / 86400);
        field(out, "hz", server.config().get("hz"));
        field(out, "configured_hz", server.config().get("hz"));
        field(out, "lru_clock", (now / 1000) & ((1 << 24) - 1));
        field(out, "executable", "bin/redmap-server");
        field(out, "config_file", server.config().configFile() == null ? "" : server.config().configFile());
        field(out, "io_threads_active", 0);
        field(out, "redmap_version", ServerState.VERSION);
        field(out, "java_version", Runtime.version());
    }

    /** Redis 7's fields, in its order (compared with a real redis-server): Sentinel and exporters parse them. */
    private static void replication(ServerState server, StringBuilder out) {
        Replication replication = server.replication();
        ReplicationState state = replication.state();
        MasterLink master = replication.masterLink();
        if (master == null) {
            field(out, "role", "master");
        } else {
            field(out, "role", "slave");
            field(out, "master_host", master.host());
            field(out, "master_port", master.port());
            field(out, "master_link_status", master.isOnline() ? "up" : "down");
            field(out, "master_last_io_seconds_ago", master.isOnline() ? master.lastIoSecondsAgo() : -1);
            field(out, "master_sync_in_progress", master.syncInProgress() ? 1 : 0);
            field(out, "slave_read_repl_offset", state.offset());
            field(out, "slave_repl_offset", state.offset());
            if (master.syncInProgress()) {
                long total = master.syncBytesExpected();
                long read = master.syncBytesReceived();
                field(out, "master_sync_total_bytes", total);
                field(out, "master_sync_read_bytes", read);
                field(out, "master_sync_left_bytes", Math.max(0, total - read));
                field(out, "master_sync_perc", String.format(java.util.Locale.ROOT, "%.2f",
                        total == 0 ? 0.0 : 100.0 * read / total));
                field(out, "master_sync_last_io_seconds_ago", master.lastIoSecondsAgo());
            }
            if (!master.isOnline()) {
                field(out, "master_link_down_since_seconds", master.downSinceSeconds());
            }
            field(out, "slave_priority", server.config().get("replica-priority"));
            field(out, "slave_read_only", server.config().getBool("replica-read-only") ? 1 : 0);
            field(out, "replica_announced", server.config().getBool("replica-announced") ? 1 : 0);
        }
        List<ReplicaLink> replicas = replication.replicas().all();
        field(out, "connected_slaves", replicas.size());
        long minReplicas = server.config().getLong("min-replicas-to-write");
        long maxLag = server.config().getLong("min-replicas-max-lag");
        if (minReplicas > 0 && maxLag > 0) {
            field(out, "min_slaves_good_slaves", replication.replicas().goodReplicas(maxLag));
        }
        for (int i = 0; i < replicas.size(); i++) {
            ReplicaLink replica = replicas.get(i);
            field(out, "slave" + i, "ip=" + replica.ip() + ",port=" + replica.port() + ",state="
                    + replica.state().infoName() + ",offset=" + replica.ackOffset() + ",lag=" + replica.lagSeconds());
        }
        field(out, "master_failover_state", "no-failover");
        field(out, "master_replid", state.replicationId());
        field(out, "master_replid2", state.secondReplicationId());
        field(out, "master_repl_offset", state.offset());
        field(out, "second_repl_offset", state.secondOffset());
        field(out, "repl_backlog_active", replication.backlogActive() ? 1 : 0);
        field(out, "repl_backlog_size", server.config().get("repl-backlog-size"));
        field(out, "repl_backlog_first_byte_offset", replication.backlogFirstOffset());
        field(out, "repl_backlog_histlen", replication.backlogLength());
    }

    private static void clients(ServerState server, StringBuilder out) {
        long pubsub = server.clients().all().stream().filter(session -> session.type() == ClientType.PUBSUB).count();
        long watching = server.clients().all().stream().filter(session -> !session.transaction().watched().isEmpty()).count();
        field(out, "connected_clients", server.clients().size());
        field(out, "cluster_connections", 0);
        field(out, "maxclients", server.config().get("maxclients"));
        // Requests and replies are not buffered per client as Redis does (see docs/observability.md).
        field(out, "client_recent_max_input_buffer", 0);
        field(out, "client_recent_max_output_buffer", 0);
        field(out, "blocked_clients", 0);
        field(out, "tracking_clients", 0);
        field(out, "pubsub_clients", pubsub);
        field(out, "watching_clients", watching);
        field(out, "clients_in_timeout_table", 0);
        field(out, "total_watched_keys", server.watches().isEmpty() ? 0 : server.clients().all().stream()
                .mapToLong(session -> session.transaction().watched().size()).sum());
        field(out, "total_blocking_keys", 0);
        field(out, "total_blocking_keys_on_nokey", 0);
    }

    private static void persistence(ServerState server, StringBuilder out) {
        // While the catalogue cannot be written, as Redis shows a failed save (its MISCONF state).
        String notSaved = server.keyspace().notSavedReason();
        field(out, "loading", 0);
        field(out, "async_loading", 0);
        field(out, "rdb_changes_since_last_save", 0);
        field(out, "rdb_bgsave_in_progress", 0);
        field(out, "rdb_last_save_time", server.lastSaveSeconds());
        field(out, "rdb_last_bgsave_status", notSaved == null ? "ok" : "err");
        field(out, "rdb_last_bgsave_time_sec", -1);
        field(out, "rdb_current_bgsave_time_sec", -1);
        field(out, "aof_enabled", 0);
        field(out, "aof_rewrite_in_progress", 0);
        field(out, "aof_rewrite_scheduled", 0);
        field(out, "aof_last_rewrite_time_sec", -1);
        field(out, "aof_current_rewrite_time_sec", -1);
        field(out, "aof_last_bgrewrite_status", "ok");
        field(out, "aof_last_write_status", "ok");
        field(out, "catalogue_last_save_error", notSaved == null ? "" : notSaved);
        field(out, "mmap_sync", server.config().get("mmap-sync"));
    }

    private static void keyspace(ServerState server, StringBuilder out) {
        for (int i = 0; i < server.keyspace().databaseCount(); i++) {
            Database database = server.keyspace().database(i);
            if (database.size() > 0) {
                field(out, "db" + i, "keys=" + database.size() + ",expires=0,avg_ttl=0");
            }
        }
    }

    private static void mmap(ServerState server, StringBuilder out) {
        long mappedBytes = 0;
        long reservedBytes = 0;
        var files = server.keyspace().store().files().openFiles();
        for (MappedFile file : files) {
            mappedBytes += file.length();
            reservedBytes += file.capacity();
        }
        field(out, "mapped_keys", server.keyspace().size());
        field(out, "mapped_bytes", mappedBytes);
        field(out, "mapped_bytes_human", human(mappedBytes));
        // How much of it is in the page cache (mincore, sampled past 1 GiB: store.Residency).
        io.redmap.store.Residency.Estimate resident = io.redmap.store.Residency.of(files);
        field(out, "mapped_resident_bytes", resident.residentBytes());
        field(out, "mapped_resident_bytes_human", human(resident.residentBytes()));
        field(out, "mapped_resident_ratio", String.format(Locale.ROOT, "%.4f", resident.ratio()));
        field(out, "reserved_address_space", reservedBytes);
        field(out, "files_open", files.size());
        field(out, "files_dirty", server.keyspace().store().durability().dirtyCount());
        field(out, "mmap_sync", server.config().get("mmap-sync"));
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String units = "KMGTPE";
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.2f%c", bytes / Math.pow(1024, unit), units.charAt(unit - 1));
    }
}
