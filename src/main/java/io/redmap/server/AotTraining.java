package io.redmap.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the launcher's AOT cache (JDK 25, JEP 483/515): {@code bin/redmap-server}
 * runs this with {@code -XX:AOTCacheOutput}, and the cache then holds every class this loaded, so
 * that a server started with {@code -XX:AOTCache} starts faster; linked, and with the method
 * profiles of what ran, only when no incubator module is in the boot layer (the launcher's
 * {@code REDMAP_VECTOR_API=no}: JDK 25 archives no module graph with one).
 *
 * <p>It starts an embedded server in a temporary directory, maps keys, restarts it (so that the
 * catalogue is loaded as at a real start), and drives the loads of {@code bench/run} over loopback
 * with {@link TrainingLoad}: single and pipelined reads, gathers, writes, appends, whole-array and
 * byte replies, aggregates, INFO. Nothing here is used by a running server.
 */
public final class AotTraining {
    static final int ELEMENTS = 1_000_000;
    private static final int SMALL_KEYS = 500;

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        // At the server's own level: writing the log (local time, its formatter) is part of a start.
        Log.configure(System.err, "notice");
        Path dir = Files.createTempDirectory("redmap-aot-training");
        try {
            writeDoubles(dir.resolve("k.f8"), ELEMENTS);
            Files.createDirectory(dir.resolve("f"));
            try (RedmapServer server = start(dir)) {
                var load = new TrainingLoad(server.port());
                load.prepare(SMALL_KEYS);
            }
            // The second start loads the catalogue the first one saved: SMALL_KEYS + 2 keys.
            try (RedmapServer server = start(dir)) {
                new TrainingLoad(server.port()).run();
            }
        } finally {
            deleteTree(dir);
        }
        System.exit(0);
    }

    private static RedmapServer start(Path dir) throws IOException, InterruptedException {
        return RedmapServer.start(ServerConfig.fromArgs("--port", "0", "--bind", "127.0.0.1", "--dir", dir.toString()));
    }

    /** Element i is i / 4: short and long decimal texts alike. */
    private static void writeDoubles(Path file, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < n; i++) {
                buffer.putDouble(i / 4.0 + (i % 7) * 0.01);
                if (!buffer.hasRemaining()) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    buffer.clear();
                }
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }
}
