package io.redmap.docs;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** An ACL user that may read one team's arrays and map files under that team's directory only. */
final class AclExample {
    private AclExample() {
    }

    static void run(int port, Path dir) throws Exception {
        Path team = Files.createDirectories(dir.resolve("team-a"));
        try (Jedis admin = new Jedis("127.0.0.1", port); Jedis reader = new Jedis("127.0.0.1", port)) {
            expect(admin.aclSetUser("reader", "on", ">reader-pw", "~team-a:*", "+@array", "-@write", "+mmap",
                    "mmapdir:" + team), "OK");
            expect(reader.auth("reader", "reader-pw"), "OK");
            expect(reader.sendCommand(() -> "MMAP".getBytes(), "team-a:v", team.resolve("v.f8").toString(),
                    "double", "WRITABLE"), 0L);
            refused(() -> reader.sendCommand(() -> "VADD".getBytes(), "team-a:v", "1.5"),
                    "NOPERM User reader has no permissions to run the 'vadd' command");
            refused(() -> reader.sendCommand(() -> "VCOUNT".getBytes(), "team-b:v"),
                    "NOPERM No permissions to access a key");
            refused(() -> reader.sendCommand(() -> "MMAP".getBytes(), "team-a:w", dir.resolve("w.f8").toString(),
                    "double", "WRITABLE"), "NOPERM No permissions to map a file outside the user's mmapdir directories");
            expect(admin.aclLog().get(0).getReason(), "mmapdir");
        }
    }

    private static void refused(Runnable command, String error) {
        try {
            command.run();
            throw new AssertionError("expected " + error);
        } catch (JedisAccessControlException e) {
            expect(e.getMessage(), error);
        }
    }

    private static void expect(Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError("expected " + expected + " but got " + actual);
        }
    }
}
