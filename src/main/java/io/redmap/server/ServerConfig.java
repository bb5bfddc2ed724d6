package io.redmap.server;

import java.util.Collection;
import java.util.Arrays;
import java.util.Set;
import io.redmap.protocol.DecoderLimits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's configuration: redis.conf syntax in a file, {@code --name value} on the command
 * line (later wins), CONFIG GET/SET at run time. Only options that redmap really has are
 * accepted, plus a few that Redis tools ask for ({@code save}, {@code appendonly}) with the
 * values that describe what redmap does.
 */
public final class ServerConfig {
    private static final Map<String, ConfigOption> OPTIONS = new LinkedHashMap<>();
    /** Redis's eviction policies, in its order (the order its CONFIG SET error lists them in). */
    private static final String[] MAXMEMORY_POLICIES = {"volatile-lru", "volatile-lfu", "volatile-random",
            "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"};

    static {
        for (ConfigOption option : List.of(
                ConfigOption.integer("port", 6379, 0, 65535, false),
                ConfigOption.string("bind", "127.0.0.1 ::1", false),
                ConfigOption.string("dir", "", false),
                ConfigOption.string("dbfilename", "redmap.catalog", false),
                // Read at start only: whether a damaged catalogue stops the start (no) or loads
                // its readable entries after a copy of it is kept (yes).
                ConfigOption.bool("catalogue-load-damaged", false, false),
                ConfigOption.integer("databases", 16, 1, 1_000_000, false),
                ConfigOption.string("requirepass", "", true),
                // ACL (SPEC I): user lines add up, as cluster-shard's; aclfile excludes them (checked at start).
                ConfigOption.lines("user"),
                ConfigOption.string("aclfile", "", false),
                ConfigOption.choice("acl-pubsub-default", "resetchannels", true, "allchannels", "resetchannels"),
                ConfigOption.integer("acllog-max-len", 128, 0, Integer.MAX_VALUE, true),
                ConfigOption.bool("protected-mode", true, true),
                ConfigOption.integer("maxclients", 10000, 1, 4_294_967_295L, true),
                ConfigOption.integer("timeout", 0, 0, Integer.MAX_VALUE, true),
                ConfigOption.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true),
                ConfigOption.integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false),
                ConfigOption.integer("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, Integer.MAX_VALUE - 8, true),
                ConfigOption.integer("client-query-buffer-limit", 1024L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true),
                new ConfigOption("client-output-buffer-limit", OutputBufferLimits.DEFAULT, true,
                        OutputBufferLimits::normalize, OutputBufferLimits::merge),
                ConfigOption.choice("mmap-sync", "everysec", true, "always", "everysec", "no"),
                ConfigOption.string("mmap-allow-path", "", false),
                ConfigOption.octalMode("mmap-file-mode", "0600", false),
                ConfigOption.bool("enable-mmap-create", true, true),
                ConfigOption.choice("loglevel", "notice", true, "debug", "verbose", "notice", "warning", "nothing"),
                ConfigOption.string("logfile", "", false),
                ConfigOption.string("pidfile", "", false),
                ConfigOption.bool("daemonize", false, false),
                // One network thread, as Redis has by default: commands run one at a time under
                // the command lock anyway, and a second thread handing the lock back and forth
                // cost a third of the throughput of pipelined loads on two cores.
                ConfigOption.integer("io-threads", 1, 1, 128, false),
                // As Redis: any value from 0 is taken, and clamped into 1..500 (what CONFIG GET shows).
                ConfigOption.clamped("hz", 10, 0, Integer.MAX_VALUE, 1, 500),
                // Replication (SPEC F), with Redis's names and defaults. replicaof is "host port",
                // or empty for a master; REPLICAOF keeps it current, so CONFIG REWRITE saves it.
                ConfigOption.hostAndPort("replicaof", "", false),
                ConfigOption.integer("repl-backlog-size", 1024 * 1024, 1, Long.MAX_VALUE, true),
                ConfigOption.bool("replica-read-only", true, true),
                ConfigOption.integer("replica-priority", 100, 0, Integer.MAX_VALUE, true),
                ConfigOption.string("replica-announce-ip", "", true),
                ConfigOption.integer("replica-announce-port", 0, 0, 65535, true),
                ConfigOption.bool("replica-announced", true, true),
                ConfigOption.integer("min-replicas-to-write", 0, 0, Integer.MAX_VALUE, true),
                ConfigOption.integer("min-replicas-max-lag", 10, 0, Integer.MAX_VALUE, true),
                ConfigOption.string("masterauth", "", true),
                ConfigOption.string("masteruser", "", true),
                ConfigOption.integer("repl-ping-replica-period", 10, 1, Integer.MAX_VALUE, true),
                ConfigOption.integer("repl-timeout", 60, 1, Integer.MAX_VALUE, true),
                // Cluster (SPEC G): a declared topology, the same on every node. cluster-shard and
                // cluster-sentinel are given once per shard and per Sentinel: their lines add up.
                ConfigOption.bool("cluster-enabled", false, false),
                ConfigOption.lines("cluster-shard"),
                ConfigOption.lines("cluster-sentinel"),
                ConfigOption.string("cluster-config-file", "nodes.conf", false),
                ConfigOption.string("cluster-announce-ip", "", false),
                ConfigOption.integer("cluster-node-timeout", 15000, 0, Long.MAX_VALUE, true),
                // TLS (SPEC I), with Redis's names and meanings: tls-port 0 is no TLS listener, and
                // port 0 with a tls-port is TLS only. The files are read again by CONFIG SET.
                ConfigOption.integer("tls-port", 0, 0, 65535, false),
                ConfigOption.string("tls-cert-file", "", true),
                ConfigOption.string("tls-key-file", "", true),
                ConfigOption.string("tls-key-file-pass", "", true),
                ConfigOption.string("tls-client-cert-file", "", true),
                ConfigOption.string("tls-client-key-file", "", true),
                ConfigOption.string("tls-client-key-file-pass", "", true),
                ConfigOption.string("tls-ca-cert-file", "", true),
                ConfigOption.string("tls-ca-cert-dir", "", true),
                ConfigOption.choice("tls-auth-clients", "yes", true, "no", "yes", "optional"),
                ConfigOption.string("tls-protocols", "", true),
                ConfigOption.string("tls-ciphers", "", true),
                ConfigOption.string("tls-ciphersuites", "", true),
                ConfigOption.bool("tls-prefer-server-ciphers", false, true),
                ConfigOption.bool("tls-replication", false, true),
                ConfigOption.bool("tls-cluster", false, true),
                // redmap's own: how long a TLS handshake may take before its connection is dropped.
                ConfigOption.integer("tls-handshake-timeout", 10_000, 100, Integer.MAX_VALUE, true),
                new ConfigOption("notify-keyspace-events", "", true, io.redmap.pubsub.KeyspaceEvents::normalize),
                // Memory (docs/observability.md): redmap evicts nothing, since arrays live in their files,
                // not in memory. maxmemory is only reported (INFO, CONFIG GET); an LFU policy makes the
                // keyspace keep Redis's access-frequency counter per key, which OBJECT FREQ reads.
                ConfigOption.memory("maxmemory", 0, true),
                ConfigOption.choice("maxmemory-policy", "noeviction", true, MAXMEMORY_POLICIES),
                ConfigOption.integer("maxmemory-samples", 5, 1, Integer.MAX_VALUE, true),
                ConfigOption.integer("lfu-decay-time", 1, 0, Integer.MAX_VALUE, true),
                ConfigOption.integer("lfu-log-factor", 10, 0, Integer.MAX_VALUE, true),
                // Asked by redis-benchmark and other tools; redmap keeps arrays in their files, so
                // there is no snapshot or AOF to configure: these read as Redis would with them off.
                ConfigOption.string("save", "", true),
                ConfigOption.choice("appendonly", "no", true, "no"),
                ConfigOption.choice("appendfsync", "everysec", true, "everysec", "always", "no"),
                // Observability (SPEC I), Redis's names, ranges and defaults.
                ConfigOption.plainInteger("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true),
                ConfigOption.plainInteger("slowlog-max-len", 128, 0, Long.MAX_VALUE, true),
                ConfigOption.plainInteger("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, true),
                ConfigOption.bool("latency-tracking", true, true),
                new ConfigOption("latency-tracking-info-percentiles", "50 99 99.9", true,
                        io.redmap.stats.LatencyPercentiles::normalize))) {
            OPTIONS.put(option.name(), option);
        }
    }

    private final Map<String, String> values = new ConcurrentHashMap<>();
    private volatile Path configFile;
    /**
     * Options whose value an {@code include}d file gave (and CONFIG SET has not changed since): CONFIG
     * REWRITE leaves them to that file, so that the main file does not repeat them (a repeated
     * {@code cluster-shard} line would be a shard declared twice at the next start).
     */
    private final Set<String> fromIncludedFiles = ConcurrentHashMap.newKeySet();
    /** How deep in {@code include}d files the directives being read are (0: the main file, the command line). */
    private int includeDepth;
    /** Values read on every request, parsed once per change instead of at each use. */
    private volatile DecoderLimits decoderLimits;
    private volatile OutputBufferLimits outputBufferLimits;

    private ServerConfig() {
        for (ConfigOption option : OPTIONS.values()) {
            values.put(option.name(), option.defaultValue());
        }
        derive();
    }

    public static ServerConfig defaults() {
        return new ServerConfig();
    }

    /**
     * Parses a command line the way redis-server does: an optional config file first, then
     * {@code --name value [value ...]} pairs.
     */
    public static ServerConfig fromArgs(String... args) throws IOException {
        ServerConfig config = new ServerConfig();
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            config.load(Path.of(args[0]));
            i = 1;
        }
        while (i < args.length) {
            String name = args[i];
            if (!name.startsWith("--") || name.length() == 2) {
                throw new IllegalArgumentException("expected --name value, found '" + name + "'");
            }
            List<String> words = new ArrayList<>();
            i++;
            while (i < args.length && !args[i].startsWith("--")) {
                words.add(args[i++]);
            }
            config.set(name.substring(2), String.join(" ", words));
        }
        return config;
    }

    /** Reads a redis.conf-syntax file: one directive per line, '#' comments, quoted values allowed. */
    public void load(Path file) throws IOException {
        configFile = file.toAbsolutePath();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            List<String> words = ConfigLine.split(trimmed);
            if (words.isEmpty()) {
                continue;
            }
            if (words.getFirst().equalsIgnoreCase("include") && words.size() == 2) {
                // As redis.conf: the included file's directives, here (a cluster's common topology).
                Path included = file.toAbsolutePath().resolveSibling(words.get(1));
                Path self = configFile;
                includeDepth++;
                try {
                    load(included);
                } finally {
                    includeDepth--;
                    configFile = self;
                }
                continue;
            }
            try {
                set(words.getFirst(), String.join(" ", words.subList(1, words.size())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": '" + trimmed + "': " + e.getMessage());
            }
        }
    }

    /** The file the server was started with, or null (CONFIG REWRITE needs one). */
    public Path configFile() {
        return configFile;
    }

    /**
     * CONFIG REWRITE: writes the current values into the config file, keeping its comments and
     * layout; options changed from their default and not in the file are appended.
     */
    public void rewrite() throws IOException {
        if (configFile == null) {
            throw new IllegalStateException("The server is running without a config file");
        }
        ConfigRewrite.rewrite(this, configFile, fromIncludedFiles);
    }

    /** Sets an option at start (any option) after checking its value. */
    public ServerConfig set(String name, String value) {
        ConfigOption option = option(name);
        store(option, value);
        if (includeDepth > 0) {
            fromIncludedFiles.add(option.name());
        } else {
            fromIncludedFiles.remove(option.name());
        }
        return this;
    }

    /** Replaces all the lines of a list option: the {@code user} lines after ACL SETUSER, for CONFIG REWRITE. */
    public void replaceLines(String name, List<String> lines) {
        values.put(option(name).name(), String.join("\n", lines));
        fromIncludedFiles.remove(option(name).name());
    }

    /** CONFIG SET: only options that can change while the server runs. */
    public void setAtRuntime(String name, String value) {
        ConfigOption option = option(name);
        if (!option.mutable()) {
            throw new IllegalArgumentException("can't set immutable config");
        }
        store(option, value);
        fromIncludedFiles.remove(option.name());
    }

    private void store(ConfigOption option, String value) {
        String normal = option.normalizer().apply(value);
        String current = values.get(option.name());
        values.put(option.name(), current == null ? normal : option.merger().apply(current, normal));
        derive();
    }

    private void derive() {
        decoderLimits = new DecoderLimits(getLong("proto-max-bulk-len"), DecoderLimits.DEFAULT.maxArguments(),
                DecoderLimits.DEFAULT.maxInlineLength(), getLong("client-query-buffer-limit"));
        outputBufferLimits = OutputBufferLimits.parse(get("client-output-buffer-limit"));
    }

    /** What one request may claim: proto-max-bulk-len and client-query-buffer-limit. */
    public DecoderLimits decoderLimits() {
        return decoderLimits;
    }

    public static boolean exists(String name) {
        return OPTIONS.containsKey(canonicalName(name));
    }

    /** The option's name, in lower case, for an old name Redis still accepts ({@code slaveof}) too. */
    public static String canonicalName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(lower, lower);
    }

    /** Whether the name is one of Redis's older names for an option (CONFIG GET answers under it). */
    public static boolean isAlias(String name) {
        return ALIASES.containsKey(name.toLowerCase(Locale.ROOT));
    }

    public static Collection<ConfigOption> options() {
        return OPTIONS.values();
    }

    /** Redis's older names, still accepted in config files and by CONFIG. */
    private static final Map<String, String> ALIASES = Map.of("slaveof", "replicaof",
            "slave-read-only", "replica-read-only", "slave-priority", "replica-priority",
            "slave-announce-ip", "replica-announce-ip", "slave-announce-port", "replica-announce-port",
            "min-slaves-to-write", "min-replicas-to-write", "min-slaves-max-lag", "min-replicas-max-lag");

    static ConfigOption option(String name) {
        ConfigOption option = OPTIONS.get(canonicalName(name));
        if (option == null) {
            throw new IllegalArgumentException("Bad directive or wrong number of arguments");
        }
        return option;
    }

    public String get(String name) {
        // The server's own lookups name options as they are stored: found without the lower-casing
        // and alias lookup (every write asks for min-replicas-to-write: 1.4% of a VADD load's CPU).
        String value = values.get(name);
        if (value != null) {
            return value;
        }
        return values.get(canonicalName(name));
    }

    public long getLong(String name) {
        return Long.parseLong(get(name));
    }

    /** An option given once per line ({@code cluster-shard}): its lines, in order. */
    public List<String> lines(String name) {
        return get(name).lines().filter(line -> !line.isBlank()).toList();
    }

    public boolean getBool(String name) {
        return "yes".equals(get(name));
    }

    public int port() {
        return (int) getLong("port");
    }

    public List<String> bindAddresses() {
        return List.of(get("bind").trim().split("\\s+"));
    }

    /** The working directory: relative paths resolve against it; the catalogue lives in it. */
    public Path dir() {
        String dir = get("dir");
        return dir.isEmpty() ? Path.of("").toAbsolutePath() : Path.of(dir).toAbsolutePath();
    }

    public List<Path> allowedPaths() {
        String paths = get("mmap-allow-path").trim();
        if (paths.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(paths.split("\\s+")).map(Path::of).toList();
    }

    public int fileMode() {
        return Integer.parseInt(get("mmap-file-mode"), 8);
    }

    public boolean mmapCreateAllowed() {
        return getBool("enable-mmap-create");
    }

    /** {@code client-output-buffer-limit}, per class of client. */
    public OutputBufferLimits outputBufferLimits() {
        return outputBufferLimits;
    }
}
