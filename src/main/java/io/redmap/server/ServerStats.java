package io.redmap.server;

import java.util.concurrent.atomic.LongAdder;

/** Counters for INFO stats; CONFIG RESETSTAT zeroes them. */
public final class ServerStats {
    public final LongAdder connectionsReceived = new LongAdder();
    public final LongAdder connectionsRejected = new LongAdder();
    public final LongAdder commandsProcessed = new LongAdder();
    public final LongAdder errorReplies = new LongAdder();
    public final LongAdder protocolErrors = new LongAdder();
    public final LongAdder bytesRead = new LongAdder();
    public final LongAdder bytesWritten = new LongAdder();
    /** Lookups of an array's key by its commands that found it, and that did not (INFO keyspace_hits/misses). */
    public final LongAdder keyspaceHits = new LongAdder();
    public final LongAdder keyspaceMisses = new LongAdder();
    /** Requests the ACL refused, by what was refused (INFO acl_access_denied_*; mmapdir: counts as a key). */
    public final LongAdder aclDeniedAuth = new LongAdder();
    public final LongAdder aclDeniedCommand = new LongAdder();
    public final LongAdder aclDeniedKey = new LongAdder();
    public final LongAdder aclDeniedChannel = new LongAdder();

    public void reset() {
        connectionsReceived.reset();
        connectionsRejected.reset();
        commandsProcessed.reset();
        errorReplies.reset();
        protocolErrors.reset();
        bytesRead.reset();
        bytesWritten.reset();
        keyspaceHits.reset();
        keyspaceMisses.reset();
        aclDeniedAuth.reset();
        aclDeniedCommand.reset();
        aclDeniedKey.reset();
        aclDeniedChannel.reset();
    }
}
