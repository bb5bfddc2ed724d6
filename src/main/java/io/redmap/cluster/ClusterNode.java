package io.redmap.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A node of the declared topology: one address of a shard's line. Its id, 40 hex characters as
 * Redis's, is derived from the shard's name and the address, so that every node computes the same
 * id for it, across restarts, without telling each other anything.
 */
public record ClusterNode(String id, String host, int port, String shard) {

    static ClusterNode of(String shard, String host, int port) {
        return new ClusterNode(idOf(shard, host + ":" + port), host, port, shard);
    }

    public String address() {
        return host + ":" + port;
    }

    /** The id of a shard (CLUSTER SHARDS, CLUSTER MYSHARDID): derived from its name the same way. */
    static String idOf(String shard, String address) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((shard + "\n" + address).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
