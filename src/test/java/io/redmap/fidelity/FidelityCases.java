package io.redmap.fidelity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command sequences that {@link RedisDifferentialTest} sends to redmap and to Debian's
 * redis-server 7.0.15. Each case runs on a fresh connection, after setup commands of its own on
 * each server (string keys in Redis, arrays in redmap); only the replies to its commands are
 * compared.
 */
final class FidelityCases {
    private FidelityCases() {
    }

    /** One sequence: the commands whose replies are compared; {@code keys} are made on both servers first. */
    record Case(String name, List<String> keys, List<String> commands) {
    }

    /**
     * Commands both servers have whose metadata Redis 7.2 changed from 7.0; redmap answers as 7.2
     * (it announces 7.2.0), so these COMMAND INFO replies are not compared with 7.0's.
     */
    static final Map<String, String> CHANGED_IN_7_2 = Map.ofEntries(
            Map.entry("client|setname", "7.2 adds the tips request_policy:all_nodes, response_policy:all_succeeded"),
            Map.entry("config|resetstat", "7.2 adds the tips request_policy:all_nodes, response_policy:all_succeeded"),
            Map.entry("config|rewrite", "7.2 adds the tips request_policy:all_nodes, response_policy:all_succeeded"),
            Map.entry("cluster|shards", "7.2 drops the loading flag"),
            Map.entry("cluster|slots", "7.2 drops the loading flag"),
            Map.entry("command|getkeys", "7.2's arity is -3 (7.0: -4)"),
            Map.entry("command|getkeysandflags", "7.2's arity is -3 (7.0: -4)"),
            Map.entry("scan", "7.2 adds the tip response_policy:special"),
            Map.entry("wait", "7.2 drops the noscript flag"),
            Map.entry("quit", "7.2 deprecates QUIT (doc_flags only: COMMAND INFO is the same)"));

    /** Replies that 7.2 gives and 7.0 does not, checked on redmap alone. */
    static final Map<String, String> EXPECTED_7_2 = Map.of(
            "COMMAND GETKEYS ttl", "-ERR Invalid number of arguments specified for command\r\n",
            "COMMAND INFO client|setname", "*1\r\n*10\r\n$14\r\nclient|setname\r\n:3\r\n*3\r\n+noscript\r\n+loading\r\n"
                    + "+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*2\r\n$24\r\nrequest_policy:all_nodes\r\n"
                    + "$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n");

    /** Where redmap differs from Redis on purpose, with the reason; not compared. */
    static final Map<String, String> REDMAP_DIFFERS = Map.of(
            "migrate", "MIGRATE is refused inside MULTI (no_multi): it moves files on a thread of its own");

    /** Top-level commands of both servers whose fixed arity a wrong count of arguments breaks harmlessly. */
    static final List<String> FIXED_ARITY = List.of("asking", "dbsize", "discard", "echo", "exec", "lastsave",
            "move", "multi", "pttl", "publish", "readonly", "readwrite", "rename", "renamenx", "replicaof", "reset",
            "role", "save", "select", "slaveof", "time", "ttl", "type", "unwatch", "wait", "keys");

    /** Commands of both servers that take at least n arguments: sent with fewer. */
    static final Map<String, Integer> MINIMUM_ARITY = Map.of("del", 2, "exists", 2, "unlink", 2, "watch", 2,
            "subscribe", 2, "psubscribe", 2, "auth", 2, "scan", 2, "migrate", 6);

    /** Subcommands of both servers, with their arity (negative: at least), for wrong-arity cases. */
    static final Map<String, Integer> SUBCOMMANDS = Map.ofEntries(Map.entry("client|id", 2),
            Map.entry("client|getname", 2), Map.entry("client|setname", 3), Map.entry("client|info", 2),
            Map.entry("client|kill", -3), Map.entry("client|no-evict", 3), Map.entry("client|reply", 3),
            Map.entry("client|pause", -3), Map.entry("client|unpause", 2), Map.entry("client|getredir", 2),
            Map.entry("client|trackinginfo", 2), Map.entry("client|caching", 3), Map.entry("client|unblock", -3),
            Map.entry("client|tracking", -3), Map.entry("config|get", -3), Map.entry("config|set", -4),
            Map.entry("config|resetstat", 2), Map.entry("config|rewrite", 2), Map.entry("config|help", 2),
            Map.entry("command|count", 2), Map.entry("command|info", -2), Map.entry("command|docs", -2),
            Map.entry("command|list", -2), Map.entry("pubsub|numpat", 2), Map.entry("pubsub|channels", -2),
            Map.entry("cluster|keyslot", 3), Map.entry("cluster|info", 2));

    /** Options of both servers that CONFIG GET answers alike (redmap-only ones and paths excluded). */
    static final List<String> OPTIONS = List.of("databases", "requirepass", "protected-mode", "maxclients",
            "timeout", "tcp-keepalive", "tcp-backlog", "proto-max-bulk-len", "client-query-buffer-limit",
            "client-output-buffer-limit", "loglevel", "pidfile", "daemonize", "io-threads", "hz",
            "replicaof", "repl-backlog-size", "replica-read-only", "replica-priority", "replica-announce-ip",
            "replica-announce-port", "replica-announced", "min-replicas-to-write", "min-replicas-max-lag",
            "masterauth", "masteruser", "repl-ping-replica-period", "repl-timeout", "cluster-enabled",
            "cluster-config-file", "cluster-announce-ip", "cluster-node-timeout", "notify-keyspace-events",
            "save", "appendonly", "appendfsync", "slaveof", "slave-priority", "slave-read-only", "min-slaves-to-write");

    static List<Case> keyspace() {
        List<String> keys = List.of("a", "b", "c");
        List<Case> cases = new ArrayList<>();
        String[][] sequences = {
                {"DEL a x", "DEL a", "EXISTS a b x b", "DBSIZE"},
                {"UNLINK b c b"},
                {"TTL a", "PTTL a", "TTL x", "PTTL x"},
                {"TYPE a", "TYPE x"},
                {"RENAME x y", "RENAME a d", "EXISTS a d", "RENAMENX d b", "RENAMENX d e", "RENAME e e"},
                {"MOVE a 1", "MOVE a 1", "MOVE x 1", "MOVE b 99", "MOVE b x", "SELECT 1", "EXISTS a", "DBSIZE"},
                {"SELECT 16", "SELECT x", "SELECT -1", "SELECT 15", "DBSIZE"},
                {"KEYS a", "KEYS x*", "KEYS [ab]x"},
                {"SCAN x", "SCAN 0 COUNT x", "SCAN 0 COUNT 0", "SCAN 0 MATCH", "SCAN 0 bogus 1", "SCAN 0 MATCH zz*"},
                {"FLUSHDB bogus", "FLUSHDB SYNC", "DBSIZE", "FLUSHALL ASYNC", "DBSIZE", "FLUSHALL bogus"},
                {"WATCH a", "MULTI", "WATCH b", "EXISTS a", "EXEC"},
                {"MULTI", "DEL a", "bogus", "EXEC"},
                {"MULTI", "MULTI", "DISCARD", "DISCARD", "EXEC"},
                {"ECHO hi", "PING", "PING hi", "PING a b"},
        };
        for (String[] sequence : sequences) {
            cases.add(new Case(String.join("; ", sequence), keys, List.of(sequence)));
        }
        return cases;
    }

    static List<Case> config() {
        List<Case> cases = new ArrayList<>();
        for (String option : OPTIONS) {
            cases.add(single("CONFIG GET " + option));
        }
        for (String line : List.of("CONFIG SET timeout 100 timeout 200", "CONFIG SET hz 0", "CONFIG SET hz -1",
                "CONFIG SET hz 100000", "CONFIG SET timeout x", "CONFIG SET nosuch 1", "CONFIG SET timeout",
                "CONFIG SET timeout 1 nosuch 2", "CONFIG SET nosuch 2 timeout 1 timeout 2", "CONFIG SET dir /tmp",
                "CONFIG SET daemonize no", "CONFIG SET databases 4", "CONFIG SET maxclients 0",
                "CONFIG SET client-output-buffer-limit bogus", "CONFIG SET client-output-buffer-limit x 1 2 3",
                "CONFIG SET appendfsync sometimes", "CONFIG SET protected-mode maybe", "CONFIG GET",
                "CONFIG BOGUS", "CONFIG HELP x", "CONFIG RESETSTAT x")) {
            cases.add(single(line));
        }
        cases.add(sequence("CONFIG SET hz 0", "CONFIG GET hz", "CONFIG SET hz 100000", "CONFIG GET hz", "CONFIG SET hz 10"));
        cases.add(sequence("CONFIG SET timeout 100 timeout 200", "CONFIG GET timeout"));
        cases.add(sequence("CONFIG SET client-output-buffer-limit \"replica 1mb 2mb 3\"", "CONFIG GET client-output-buffer-limit",
                "CONFIG SET client-output-buffer-limit \"slave 268435456 67108864 60\""));
        cases.add(sequence("CONFIG SET timeout 7 maxclients 0", "CONFIG GET timeout"));
        cases.add(sequence("CONFIG SET slave-priority 5", "CONFIG GET replica-priority", "CONFIG GET slave-priority",
                "CONFIG SET replica-priority 100"));
        return cases;
    }

    static List<Case> client() {
        List<Case> cases = new ArrayList<>();
        for (String line : List.of("CLIENT GETNAME", "CLIENT SETNAME a b", "CLIENT SETNAME \"a b\"", "CLIENT BOGUS",
                "CLIENT REPLY bogus", "CLIENT REPLY ON", "CLIENT TRACKING off", "CLIENT TRACKING bogus",
                "CLIENT GETREDIR", "CLIENT TRACKINGINFO", "CLIENT CACHING yes", "CLIENT CACHING bogus",
                "CLIENT UNBLOCK 1", "CLIENT UNBLOCK x", "CLIENT UNBLOCK 1 bogus", "CLIENT UNBLOCK 1 ERROR",
                "CLIENT PAUSE x", "CLIENT PAUSE -1", "CLIENT PAUSE 10 bogus", "CLIENT UNPAUSE", "CLIENT NO-EVICT on",
                "CLIENT NO-EVICT bogus", "CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID x", "CLIENT KILL bogus x",
                "CLIENT LIST TYPE bogus", "CLIENT LIST ID x", "CLIENT INFO", "CLIENT LIST")) {
            cases.add(single(line));
        }
        cases.add(sequence("CLIENT SETNAME fidelity", "CLIENT GETNAME", "CLIENT INFO"));
        cases.add(sequence("CLIENT REPLY OFF", "PING", "ECHO x", "CLIENT REPLY ON", "PING"));
        cases.add(sequence("CLIENT REPLY SKIP", "ECHO skipped", "ECHO seen"));
        cases.add(sequence("CLIENT REPLY OFF", "CLIENT REPLY SKIP", "PING", "CLIENT REPLY ON", "ECHO back"));
        cases.add(sequence("CLIENT PAUSE 50 WRITE", "PING", "CLIENT UNPAUSE", "PING"));
        return cases;
    }

    static List<Case> introspection() {
        List<Case> cases = new ArrayList<>();
        for (String line : List.of("COMMAND INFO nosuch", "COMMAND INFO get|nosuch", "COMMAND DOCS nosuch",
                "COMMAND GETKEYS rename a b", "COMMAND GETKEYS del a b c", "COMMAND GETKEYS ping x",
                "COMMAND GETKEYS nosuch a", "COMMAND GETKEYS migrate h 1 \"\" 0 0 KEYS a b",
                "COMMAND GETKEYS migrate h 1 k 0 0", "COMMAND GETKEYSANDFLAGS rename a b",
                "COMMAND GETKEYSANDFLAGS del a b", "COMMAND GETKEYSANDFLAGS exists a", "COMMAND GETKEYSANDFLAGS ttl a",
                "COMMAND GETKEYSANDFLAGS move a 1", "COMMAND GETKEYSANDFLAGS renamenx a b",
                "COMMAND GETKEYSANDFLAGS config get x", "COMMAND LIST FILTERBY aclcat nosuch",
                "COMMAND LIST FILTERBY bogus x", "COMMAND LIST bogus", "COMMAND LIST FILTERBY pattern", "COMMAND BOGUS",
                "COMMAND COUNT x")) {
            cases.add(single(line));
        }
        return cases;
    }

    static Case single(String line) {
        return new Case(line, List.of(), List.of(line));
    }

    static Case sequence(String... lines) {
        return new Case(String.join("; ", lines), List.of(), List.of(lines));
    }
}
