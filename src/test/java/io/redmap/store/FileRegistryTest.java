package io.redmap.store;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.redmap.RedmapException;
import io.redmap.type.ElementType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileRegistryTest {
    private static final String OUTSIDE = "path is outside the allowed directories";
    private static final Duration QUICKLY = Duration.ofSeconds(5);

    @TempDir
    Path root;

    private Path dir;
    private Path outside;
    private Path extra;
    private FileRegistry registry;
    private final Durability durability = new Durability(SyncMode.NO);

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createDirectory(root.resolve("dir"));
        outside = Files.createDirectory(root.resolve("outside"));
        extra = Files.createDirectory(root.resolve("extra"));
        registry = new FileRegistry(new PathPolicy(dir, List.of(extra)), 0600);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private static void append(MappedFile file, byte... bytes) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            file.append(arena.allocateFrom(JAVA_BYTE, bytes));
        }
    }

    private static List<String> names(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void allSpellingsAndHardLinksOfOneFileShareOneMapping() throws Exception {
        MappedFile first = registry.acquire("x.bin", true, true);
        Files.createLink(dir.resolve("hard.bin"), dir.resolve("x.bin"));
        Files.createSymbolicLink(dir.resolve("soft.bin"), dir.resolve("x.bin"));
        List<String> spellings = List.of("x.bin", "a/../x.bin", "./x.bin", "hard.bin", "soft.bin",
                dir.resolve("x.bin").toString());
        for (String spelling : spellings.subList(1, spellings.size())) {
            assertThat(registry.acquire(spelling, true, false)).as(spelling).isSameAs(first);
        }
        assertThat(registry.size()).isEqualTo(1);
        assertThat(first.path()).isEqualTo(dir.toRealPath().resolve("x.bin").toString());

        append(first, (byte) 7);
        MemorySegment segment = first.segment();
        for (int i = 0; i < spellings.size() - 1; i++) {
            registry.release(first, durability);
            assertThat(segment.get(JAVA_BYTE, 0)).as("still mapped after %d releases", i + 1).isEqualTo((byte) 7);
        }
        registry.release(first, durability);
        assertThat(registry.size()).isZero();
        assertThat(registry.openFiles()).isEmpty();
        assertThatThrownBy(() -> segment.get(JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readAllBytes(dir.resolve("x.bin"))).containsExactly(7);
    }

    @Test
    void aDirectoryOnTheWaySwappedForASymlinkAfterwardsIsFollowedOnlyInside() throws Exception {
        // Files on symlink-free paths are opened the quick way (openat2 refusing symlinks);
        // once a directory on the way becomes a symlink, the checked way decides.
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/y.bin"), new byte[] {1, 2});
        MappedFile before = registry.acquire("sub/y.bin", false, false);
        assertThat(before.path()).isEqualTo(dir.toRealPath().resolve("sub/y.bin").toString());
        registry.release(before, durability);

        Files.move(dir.resolve("sub"), dir.resolve("moved"));
        Files.createSymbolicLink(dir.resolve("sub"), dir.resolve("moved"));
        MappedFile inside = registry.acquire("sub/y.bin", false, false);
        assertThat(inside.path()).isEqualTo(dir.toRealPath().resolve("moved/y.bin").toString());
        registry.release(inside, durability);

        Files.delete(dir.resolve("sub"));
        Files.write(outside.resolve("y.bin"), new byte[] {3});
        Files.createSymbolicLink(dir.resolve("sub"), outside);
        assertThatThrownBy(() -> registry.acquire("sub/y.bin", false, false))
                .isInstanceOf(RedmapException.class)
                .hasMessage(PathPolicy.OUTSIDE);
        assertThat(registry.size()).isZero();
    }

    @Test
    void filesOpenedAheadOnSeveralThreadsAreTakenByAcquireAndTheRestClosed() throws Exception {
        List<ArraySpec> specs = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Files.write(dir.resolve(i + ".bin"), new byte[] {(byte) i});
            specs.add(spec(i + ".bin", i % 3 != 0));
        }
        Files.createSymbolicLink(dir.resolve("link.bin"), dir.resolve("7.bin"));
        specs.add(spec("link.bin", true));      // a symlink: left to acquire's checked way
        specs.add(spec("missing.bin", false));  // refused by acquire, with its usual error
        specs.add(spec("5.bin", false));        // a second key on a file
        specs.add(spec("never-acquired.bin", false));
        Files.write(dir.resolve("never-acquired.bin"), new byte[] {1});

        registry.preopen(specs, true);
        for (int i = 0; i < 300; i++) {
            MappedFile file = registry.acquire(i + ".bin", i % 3 != 0, false);
            assertThat(file.segment().get(JAVA_BYTE, 0)).isEqualTo((byte) i);
            assertThat(file.path()).isEqualTo(dir.toRealPath().resolve(i + ".bin").toString());
        }
        assertThat(registry.acquire("link.bin", true, false)).isSameAs(registry.acquire("7.bin", true, false));
        assertThatThrownBy(() -> registry.acquire("missing.bin", false, false))
                .isInstanceOf(RedmapException.class)
                .hasMessage("cannot open missing.bin: No such file or directory");
        assertThat(registry.acquire("5.bin", false, false)).isSameAs(registry.acquire("5.bin", true, false));
        registry.discardPreopened();
        assertThat(registry.size()).isEqualTo(300);
        assertThat(openDescriptorsNaming("never-acquired.bin")).isZero();
    }

    private static ArraySpec spec(String path, boolean writable) {
        return new ArraySpec(path, ElementType.UINT8, 1, ElementShape.SCALAR, writable);
    }

    private static long openDescriptorsNaming(String name) throws Exception {
        long count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).getFileName().toString().equals(name)) {
                        count++;
                    }
                } catch (java.io.IOException closedMeanwhile) {
                    // the listing's own descriptor
                }
            }
        }
        return count;
    }

    @Test
    void releasingAFileTwiceOrAForeignFileDoesNotCloseAnotherKeysMapping() throws Exception {
        MappedFile file = registry.acquire("x.bin", true, true);
        registry.acquire("x.bin", true, false);
        registry.release(file, durability);
        assertThat(registry.size()).isEqualTo(1);
        registry.release(file, durability);
        assertThat(registry.size()).isZero();
        registry.release(file, durability);
        MappedFile again = registry.acquire("x.bin", true, false);
        assertThat(again).isNotSameAs(file);
        registry.release(file, durability);
        assertThat(registry.size()).as("a stale file is not the registered one").isEqualTo(1);
    }

    @Test
    void aWritableAcquisitionUpgradesASharedReadOnlyFile() throws Exception {
        Files.write(dir.resolve("x.bin"), new byte[] {1, 2, 3});
        MappedFile readOnly = registry.acquire("x.bin", false, false);
        assertThat(readOnly.isWritable()).isFalse();
        MappedFile writable = registry.acquire("./x.bin", true, false);
        assertThat(writable).isSameAs(readOnly);
        assertThat(writable.isWritable()).isTrue();
        append(writable, (byte) 4);
        assertThat(Files.readAllBytes(dir.resolve("x.bin"))).containsExactly(1, 2, 3, 4);
        assertThat(readOnly.segment().asSlice(0, 4).toArray(JAVA_BYTE)).containsExactly(1, 2, 3, 4);
        // A later read-only acquisition does not downgrade it.
        assertThat(registry.acquire("x.bin", false, false).isWritable()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.bin", "../outside/x.bin", "a/../../outside.bin", "/etc/passwd", "/dev/null",
            "link-out/x.bin", "file-link", "dangling-link", "x\0.bin", ".."})
    void pathsOutsideTheAllowedDirectoriesAreRefused(String given) throws Exception {
        Files.createSymbolicLink(dir.resolve("link-out"), outside);
        Files.writeString(outside.resolve("target.bin"), "secret");
        Files.createSymbolicLink(dir.resolve("file-link"), outside.resolve("target.bin"));
        Files.createSymbolicLink(dir.resolve("dangling-link"), outside.resolve("new.bin"));
        for (boolean writable : new boolean[] {false, true}) {
            assertThatThrownBy(() -> registry.acquire(given, writable, writable))
                    .isInstanceOf(RedmapException.class).hasMessage(OUTSIDE);
        }
        assertThat(names(outside)).containsExactly("target.bin");
        assertThat(names(root)).containsExactly("dir", "extra", "outside");
        assertThat(Files.readString(outside.resolve("target.bin"))).isEqualTo("secret");
        assertThat(registry.size()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "./", "sub/..", "../dir", "EXTRA"})
    void theAllowedDirectoriesThemselvesAreDirectories(String given) throws Exception {
        String path = given.equals("EXTRA") ? extra.toString() : given;
        for (boolean writable : new boolean[] {false, true}) {
            assertThatThrownBy(() -> registry.acquire(path, writable, writable))
                    .isInstanceOf(RedmapException.class)
                    .hasMessage((path.isEmpty() ? "the empty path" : path) + " is a directory, not a regular file");
        }
        assertThat(names(dir)).isEmpty();
        assertThat(names(extra)).isEmpty();
        assertThat(registry.size()).isZero();
    }

    @Test
    void anAbsolutePathOutsideAndAnOverLongPathAreRefused() throws Exception {
        for (String given : List.of(outside.resolve("x.bin").toString(), "a".repeat(5000),
                "d/".repeat(2500) + "x.bin")) {
            assertThatThrownBy(() -> registry.acquire(given, true, true))
                    .isInstanceOf(RedmapException.class).hasMessage(OUTSIDE);
        }
        assertThat(names(outside)).isEmpty();
        assertThat(names(dir)).isEmpty();
    }

    @Test
    void pathsUnderAnExtraAllowedDirectoryWork() throws Exception {
        MappedFile absolute = registry.acquire(extra.resolve("e.bin").toString(), true, true);
        assertThat(Files.exists(extra.resolve("e.bin"))).isTrue();
        assertThat(registry.acquire("../extra/e.bin", false, false)).isSameAs(absolute);
        assertThatThrownBy(() -> registry.acquire(extra.toString(), true, true))
                .as("the allowed directory itself is not a file").isInstanceOf(RedmapException.class);
    }

    @Test
    void aFifoIsRefusedQuicklyWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        Files.createSymbolicLink(dir.resolve("fifo-link"), fifo);
        for (String given : List.of("fifo", "fifo-link")) {
            for (boolean writable : new boolean[] {false, true}) {
                assertTimeoutPreemptively(QUICKLY, () ->
                        assertThatThrownBy(() -> registry.acquire(given, writable, writable))
                                .isInstanceOf(RedmapException.class)
                                .hasMessageContaining("not a regular file"));
            }
        }
        assertThat(registry.size()).isZero();
    }

    @Test
    void aDeviceInAnAllowedDirectoryIsRefusedQuickly() {
        try (FileRegistry withDev = new FileRegistry(new PathPolicy(dir, List.of(Path.of("/dev"))), 0600)) {
            for (String device : List.of("/dev/null", "/dev/zero", "/dev/tty")) {
                if (!Files.exists(Path.of(device))) {
                    continue;
                }
                for (boolean writable : new boolean[] {false, true}) {
                    assertTimeoutPreemptively(QUICKLY, () ->
                            assertThatThrownBy(() -> withDev.acquire(device, writable, writable))
                                    .isInstanceOf(RedmapException.class)
                                    .hasMessageContaining("not a regular file"));
                }
            }
            assertThat(withDev.size()).isZero();
        }
    }

    @Test
    void aDirectoryIsRefusedWithAClearError() throws Exception {
        Files.createDirectory(dir.resolve("sub"));
        for (String given : List.of("sub", "sub/", "sub/.")) {
            for (boolean writable : new boolean[] {false, true}) {
                assertTimeoutPreemptively(QUICKLY, () ->
                        assertThatThrownBy(() -> registry.acquire(given, writable, writable))
                                .isInstanceOf(RedmapException.class)
                                .hasMessageContaining("directory, not a regular file"));
            }
        }
        assertThat(names(dir.resolve("sub"))).isEmpty();
    }

    @Test
    void aReadOnlyAcquisitionOfAMissingFileFailsWithoutCreatingIt() {
        assertThatThrownBy(() -> registry.acquire("missing.bin", false, false))
                .isInstanceOf(RedmapException.class).hasMessageContaining("No such file");
        assertThatThrownBy(() -> registry.acquire("missing.bin", true, false))
                .isInstanceOf(RedmapException.class).hasMessageContaining("No such file");
        assertThatThrownBy(() -> registry.acquire("no-dir/missing.bin", true, true))
                .isInstanceOf(RedmapException.class);
        assertThat(Files.exists(dir.resolve("missing.bin"))).isFalse();
        assertThat(Files.exists(dir.resolve("no-dir"))).isFalse();
    }

    @Test
    void createdFilesAreOwnerOnly() throws Exception {
        registry.acquire("new.bin", true, true);
        assertThat(Files.getPosixFilePermissions(dir.resolve("new.bin")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.size(dir.resolve("new.bin"))).isZero();
    }

    @Test
    void anExistingFileKeepsItsPermissions() throws Exception {
        Path path = dir.resolve("shared.bin");
        Files.createFile(path);
        Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        registry.acquire("shared.bin", true, true);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                .isEqualTo("rw-r--r--");
    }
}
