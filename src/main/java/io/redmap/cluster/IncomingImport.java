package io.redmap.cluster;

import io.redmap.keyspace.ByteKey;
import io.redmap.replication.IncomingFile;

import java.nio.file.Path;

/**
 * A key arriving by MIGRATE, on the target: its file comes in beside its final place (blocks that
 * differ from what the target already holds there), and becomes the file, mapped under the key,
 * only when the source sends the key's metadata. A MIGRATE that fails or whose connection drops
 * leaves the target as it was.
 *
 * @param path the file as the source names it: relative to the target's {@code dir} when it lay
 *     in the source's, else absolute
 * @param fileWasThere whether a file was at the target's place before (else this MIGRATE creates it)
 * @param foreignFile whether that file is not the one of the key it replaces: it must then be the
 *     same file (nothing to send), or the import is refused
 */
public record IncomingImport(int db, ByteKey key, String path, Path target, IncomingFile file, boolean replace,
                             boolean fileWasThere, boolean foreignFile) implements AutoCloseable {

    @Override
    public void close() {
        file.abort();
    }

    @Override
    public String toString() {
        return "the MIGRATE of " + target;
    }
}
