package io.redmap.keyspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmap.RedmapException;
import io.redmap.persistence.Catalogue;
import io.redmap.persistence.DamagedCatalogueException;
import io.redmap.store.ArraySpec;
import io.redmap.store.ArrayStore;
import io.redmap.store.MappedArray;
import io.redmap.store.PathPolicy;
import io.redmap.store.SyncMode;
import io.redmap.type.ElementType;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyspaceTest {
    @TempDir
    Path root;

    private Path dir;
    private Path cataloguePath;
    private final List<Keyspace> opened = new ArrayList<>();
    private Keyspace keyspace;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createDirectory(root.resolve("data"));
        cataloguePath = root.resolve("keyspace.catalogue");
        keyspace = newKeyspace();
    }

    @AfterEach
    void tearDown() {
        opened.forEach(Keyspace::close);
    }

    private Keyspace newKeyspace() {
        ArrayStore store = new ArrayStore(new PathPolicy(dir, List.of()), 0600, SyncMode.NO);
        Keyspace created = new Keyspace(16, store, new Catalogue(cataloguePath));
        opened.add(created);
        return created;
    }

    private static ArraySpec spec(String path, ElementType type, boolean writable) {
        return new ArraySpec(path, type, type.fixedSize(), 1, writable);
    }

    private static ArraySpec spec(String path) {
        return spec(path, ElementType.DOUBLE, true);
    }

    /** Every key of every database with what it maps, in a comparable form. */
    private static TreeSet<String> describe(Keyspace keyspace) {
        TreeSet<String> all = new TreeSet<>();
        for (int db = 0; db < keyspace.databaseCount(); db++) {
            for (ByteKey key : keyspace.database(db).keys()) {
                MappedArray array = keyspace.get(db, key);
                all.add(db + " " + key + " " + array.givenPath() + " " + array.codec().type().canonicalName()
                        + " " + array.dim() + " " + (array.isWritable() ? "w" : "r"));
            }
        }
        return all;
    }

    /** What a restarted server would see: a fresh keyspace over the same catalogue and directory. */
    private TreeSet<String> reloaded() throws Exception {
        Keyspace restarted = newKeyspace();
        Keyspace.LoadReport report = restarted.load(false);
        assertThat(report.problems()).isEmpty();
        assertThat(report.loaded()).isEqualTo(restarted.size());
        return describe(restarted);
    }

    @Test
    void everyChangeIsPersistedInTheCatalogue() throws Exception {
        Files.write(dir.resolve("ro.bin"), new byte[16]);
        keyspace.map(0, ByteKey.of("a"), spec("a.bin"), true);
        keyspace.map(0, ByteKey.of("b"), spec("b.bin", ElementType.INT16, true), true);
        keyspace.map(3, ByteKey.of("c"), spec("ro.bin", ElementType.UINT8, false), false);
        keyspace.map(3, ByteKey.wrap(new byte[] {0, 1, (byte) 0xFF}), spec("a.bin"), true);
        assertThat(reloaded()).isEqualTo(describe(keyspace)).hasSize(4)
                .contains("3 c ro.bin uint8 1 r", "0 b b.bin int16 1 w");

        assertThat(keyspace.delete(0, ByteKey.of("b"))).isTrue();
        assertThat(keyspace.delete(0, ByteKey.of("b"))).isFalse();
        assertThat(Files.exists(dir.resolve("b.bin"))).as("DEL keeps the file").isTrue();
        assertThat(reloaded()).isEqualTo(describe(keyspace)).hasSize(3);

        assertThat(keyspace.rename(0, ByteKey.of("a"), ByteKey.of("z"), false)).isTrue();
        assertThat(reloaded()).isEqualTo(describe(keyspace)).contains("0 z a.bin double 1 w");

        assertThat(keyspace.move(0, ByteKey.of("z"), 5)).isTrue();
        assertThat(reloaded()).isEqualTo(describe(keyspace)).contains("5 z a.bin double 1 w");

        keyspace.flush(3);
        assertThat(reloaded()).isEqualTo(describe(keyspace)).containsExactly("5 z a.bin double 1 w");
        assertThat(Files.exists(dir.resolve("ro.bin"))).as("FLUSHDB keeps files").isTrue();

        keyspace.flushAll();
        assertThat(reloaded()).isEmpty();
        assertThat(keyspace.store().files().size()).isZero();
    }

    @Test
    void renameOverAnExistingKeyReleasesItsFile() throws Exception {
        keyspace.map(0, ByteKey.of("a"), spec("a.bin"), true);
        keyspace.map(0, ByteKey.of("b"), spec("b.bin"), true);
        assertThat(keyspace.rename(0, ByteKey.of("a"), ByteKey.of("b"), true)).isFalse();
        assertThat(keyspace.rename(0, ByteKey.of("a"), ByteKey.of("b"), false)).isTrue();
        assertThat(keyspace.store().files().size()).isEqualTo(1);
        assertThat(reloaded()).containsExactly("0 b a.bin double 1 w");
        assertThatThrownBy(() -> keyspace.rename(0, ByteKey.of("a"), ByteKey.of("c"), false))
                .isInstanceOf(RedmapException.class);
    }

    @Test
    void moveRefusesATargetThatHasTheKey() throws Exception {
        keyspace.map(0, ByteKey.of("k"), spec("a.bin"), true);
        keyspace.map(1, ByteKey.of("k"), spec("b.bin"), true);
        assertThat(keyspace.move(0, ByteKey.of("k"), 1)).isFalse();
        assertThat(keyspace.move(0, ByteKey.of("missing"), 1)).isFalse();
        assertThat(reloaded()).containsExactly("0 k a.bin double 1 w", "1 k b.bin double 1 w");
    }

    @Test
    void mmapOfAMappedKeyIsIdempotentOnTheSameFileAndRefusedOnAnother() throws Exception {
        MappedArray first = keyspace.map(0, ByteKey.of("k"), spec("x.bin"), true);
        try (Arena arena = Arena.ofConfined()) {
            first.append(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0, 2.0));
        }
        MappedArray again = keyspace.map(0, ByteKey.of("k"), spec("x.bin"), true);
        assertThat(again).isSameAs(first);
        assertThat(again.count()).isEqualTo(2);
        assertThat(keyspace.store().files().size()).isEqualTo(1);

        assertThatThrownBy(() -> keyspace.map(0, ByteKey.of("k"), spec("y.bin"), true))
                .isInstanceOf(RedmapException.class).hasMessage("It is already mapped on another file");
        assertThat(Files.exists(dir.resolve("y.bin"))).isFalse();
        assertThat(keyspace.get(0, ByteKey.of("k"))).isSameAs(first);
        assertThat(reloaded()).containsExactly("0 k x.bin double 1 w");
    }

    @Test
    void aRefusedMmapLeavesTheKeyspaceUnchanged() throws Exception {
        keyspace.map(0, ByteKey.of("a"), spec("a.bin"), true);
        assertThatThrownBy(() -> keyspace.map(0, ByteKey.of("b"), spec("../escape.bin"), true))
                .isInstanceOf(RedmapException.class).hasMessage(PathPolicy.OUTSIDE);
        assertThatThrownBy(() -> keyspace.map(0, ByteKey.of("c"), spec("missing.bin", ElementType.INT8, false), false))
                .isInstanceOf(RedmapException.class);
        assertThat(keyspace.get(0, ByteKey.of("b"))).isNull();
        assertThat(keyspace.get(0, ByteKey.of("c"))).isNull();
        assertThat(Files.exists(root.resolve("escape.bin"))).isFalse();
        assertThat(reloaded()).containsExactly("0 a a.bin double 1 w");
    }

    @Test
    void aKeyWhoseFileDisappearedIsReportedAndNotRecreated() throws Exception {
        keyspace.map(0, ByteKey.of("gone"), spec("gone.bin"), true);
        keyspace.map(2, ByteKey.of("kept"), spec("kept.bin"), true);
        keyspace.close();
        Files.delete(dir.resolve("gone.bin"));

        Keyspace restarted = newKeyspace();
        Keyspace.LoadReport report = restarted.load(false);
        assertThat(report.loaded()).isEqualTo(1);
        assertThat(report.problems()).singleElement().asString().contains("gone");
        assertThat(restarted.get(0, ByteKey.of("gone"))).isNull();
        assertThat(restarted.get(2, ByteKey.of("kept"))).isNotNull();
        assertThat(Files.exists(dir.resolve("gone.bin"))).isFalse();

        // The entry stays in the catalogue, so that putting the file back and restarting recovers the key.
        restarted.map(1, ByteKey.of("other"), spec("other.bin"), true);
        assertThat(Files.exists(dir.resolve("gone.bin"))).isFalse();
        Files.write(dir.resolve("gone.bin"), new byte[24]);
        TreeSet<String> recovered = reloaded();
        assertThat(recovered).contains("0 gone gone.bin double 1 w", "2 kept kept.bin double 1 w");
    }

    @Test
    void aDamagedCatalogueIsRefusedUnlessToldToLoadWhatCanBeRead() throws Exception {
        keyspace.map(0, ByteKey.of("a"), spec("a.bin"), true);
        keyspace.map(0, ByteKey.of("b"), spec("b.bin"), true);
        List<String> lines = new ArrayList<>(Files.readAllLines(cataloguePath));
        lines.set(1, lines.get(1).replace(' ', '_'));
        Files.write(cataloguePath, lines);
        byte[] damaged = Files.readAllBytes(cataloguePath);

        Keyspace refused = newKeyspace();
        assertThatThrownBy(() -> refused.load(false)).isInstanceOf(DamagedCatalogueException.class)
                .hasMessageContaining("line 2: expected 8 fields").hasMessageContaining("catalogue-load-damaged yes");
        assertThat(refused.size()).isZero();
        assertThat(Files.readAllBytes(cataloguePath)).isEqualTo(damaged);

        Keyspace restarted = newKeyspace();
        Keyspace.LoadReport report = restarted.load(true);
        assertThat(report.loaded()).isEqualTo(1);
        assertThat(report.problems()).singleElement().asString().startsWith("line 2:");
        assertThat(restarted.size()).isEqualTo(1);
        assertThat(report.damagedCopy().getFileName().toString()).startsWith("keyspace.catalogue.damaged-");
        assertThat(Files.readAllBytes(report.damagedCopy())).isEqualTo(damaged);
    }

    @Test
    void keyNamesAreAtMost64KiB() throws Exception {
        ByteKey longest = ByteKey.wrap(new byte[Keyspace.MAX_KEY_BYTES]);
        ByteKey tooLong = ByteKey.wrap(new byte[Keyspace.MAX_KEY_BYTES + 1]);
        assertThat(Keyspace.MAX_KEY_BYTES).isEqualTo(65536);
        keyspace.map(0, longest, spec("a.bin"), true);
        assertThatThrownBy(() -> keyspace.map(0, tooLong, spec("b.bin"), true))
                .isInstanceOf(RedmapException.class).hasMessage("key name too long");
        assertThat(Files.exists(dir.resolve("b.bin"))).isFalse();
        assertThatThrownBy(() -> keyspace.rename(0, longest, tooLong, false))
                .isInstanceOf(RedmapException.class).hasMessage("key name too long");
        assertThat(keyspace.get(0, longest)).isNotNull();
        assertThat(keyspace.rename(0, longest, ByteKey.of("short"), false)).isTrue();
        assertThat(keyspace.rename(0, ByteKey.of("short"), longest, false)).isTrue();
        assertThat(reloaded()).hasSize(1);
    }

    /** One change of each kind, that the catalogue cannot save. */
    private record Change(String name, ThrowingRunnable change) {
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aChangeTheCatalogueCannotSaveIsUndoneAndChangesAreRefusedUntilASaveWorks() throws Exception {
        List<Change> changes = List.of(
                new Change("MMAP creating its file", () -> keyspace.map(0, ByteKey.of("new"), spec("new.bin"), true)),
                new Change("DEL", () -> keyspace.delete(0, ByteKey.of("a"))),
                new Change("RENAME over a key", () -> keyspace.rename(0, ByteKey.of("a"), ByteKey.of("b"), false)),
                new Change("MOVE", () -> keyspace.move(0, ByteKey.of("a"), 7)),
                new Change("FLUSHDB", () -> keyspace.flush(0)),
                new Change("FLUSHALL", keyspace::flushAll));
        keyspace.map(0, ByteKey.of("a"), spec("a.bin"), true);
        keyspace.map(0, ByteKey.of("b"), spec("b.bin"), true);
        keyspace.map(3, ByteKey.of("c"), spec("c.bin"), true);
        for (Change change : changes) {
            TreeSet<String> before = describe(keyspace);
            byte[] saved = Files.readAllBytes(cataloguePath);
            int files = keyspace.store().files().size();
            Files.delete(cataloguePath);
            Files.createDirectory(cataloguePath);

            assertThatThrownBy(change.change()::run).as(change.name()).isInstanceOf(KeyspaceNotSaved.class)
                    .hasMessageStartingWith("Errors writing the keyspace catalogue (Is a directory)");
            assertThat(describe(keyspace)).as(change.name() + " undone").isEqualTo(before);
            assertThat(keyspace.store().files().size()).as(change.name() + ": files mapped").isEqualTo(files);
            assertThat(Files.exists(dir.resolve("new.bin"))).as("the file the MMAP created").isFalse();
            assertThat(keyspace.notSavedReason()).isEqualTo("Is a directory");
            try (var left = Files.list(root)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file")
                        .containsExactlyInAnyOrder("data", "keyspace.catalogue");
            }
            // Refused before anything is tried, while the catalogue still cannot be saved.
            assertThatThrownBy(() -> keyspace.delete(0, ByteKey.of("a"))).isInstanceOf(RedmapException.class)
                    .isNotInstanceOf(KeyspaceNotSaved.class).hasMessageContaining("(Is a directory)")
                    .extracting(e -> ((RedmapException) e).code()).isEqualTo("MISCONF");
            assertThat(describe(keyspace)).isEqualTo(before);

            Files.delete(cataloguePath);
            Files.write(cataloguePath, saved);
            keyspace.save();
            assertThat(keyspace.notSavedReason()).isNull();
            assertThat(reloaded()).isEqualTo(before);
        }
        keyspace.delete(0, ByteKey.of("a"));
        assertThat(reloaded()).containsExactly("0 b b.bin double 1 w", "3 c c.bin double 1 w");
    }

    @Test
    void aGroupOfChangesIsUndoneInReverseOrder() throws Exception {
        keyspace.map(0, ByteKey.of("a"), spec("a.bin"), true);
        keyspace.map(0, ByteKey.of("b"), spec("b.bin"), true);
        keyspace.deferCommits(true);
        TreeSet<String> before = describe(keyspace);
        long first = keyspace.changes() + 1;
        // Each step depends on the one before: undoing them in another order would not restore this.
        keyspace.delete(0, ByteKey.of("a"));
        keyspace.map(0, ByteKey.of("a"), spec("b.bin"), true);
        keyspace.rename(0, ByteKey.of("a"), ByteKey.of("z"), false);
        keyspace.move(0, ByteKey.of("b"), 2);
        keyspace.map(2, ByteKey.of("b2"), spec("new.bin"), true);
        keyspace.flushAll();
        keyspace.map(0, ByteKey.of("a"), spec("a.bin"), true);
        assertThat(keyspace.hasUncommittedChanges()).isTrue();
        Files.delete(cataloguePath);
        Files.createDirectory(cataloguePath);

        assertThatThrownBy(keyspace::commit).isInstanceOfSatisfying(KeyspaceNotSaved.class, e -> {
            assertThat(e.firstUndone()).isEqualTo(first);
            assertThat(e.lastUndone()).isEqualTo(first + 6);
            assertThat(e.undoProblems()).isEmpty();
        });
        assertThat(describe(keyspace)).isEqualTo(before);
        assertThat(keyspace.hasUncommittedChanges()).isFalse();
        assertThat(keyspace.store().files().size()).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("new.bin"))).isFalse();
        MappedArray a = keyspace.get(0, ByteKey.of("a"));
        try (Arena arena = Arena.ofConfined()) {
            a.append(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 5.0));
        }
        assertThat(a.count()).as("the array DEL kept mapped still works").isEqualTo(1);
    }

    @Test
    void twoKeysOnOneFileShareItAndDeletingOneKeepsTheOther() throws Exception {
        MappedArray a = keyspace.map(0, ByteKey.of("a"), spec("s.bin"), true);
        MappedArray b = keyspace.map(0, ByteKey.of("b"), spec("./s.bin"), true);
        assertThat(b.file()).isSameAs(a.file());
        try (Arena arena = Arena.ofConfined()) {
            a.append(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 4.0));
        }
        keyspace.delete(0, ByteKey.of("a"));
        assertThat(b.count()).isEqualTo(1);
        assertThat(b.segment().get(ValueLayout.JAVA_DOUBLE_UNALIGNED, 0)).isEqualTo(4.0);
        assertThat(keyspace.store().files().size()).isEqualTo(1);
    }
}
