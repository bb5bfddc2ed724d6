package io.redmap.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmap.store.ArraySpec;
import io.redmap.store.ElementShape;
import io.redmap.type.ElementType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    /** Entries hold byte arrays, so records do not compare them by content: compare this instead. */
    private static String describe(Catalogue.Entry entry) {
        return entry.db() + "|" + HEX.formatHex(entry.key()) + "|" + entry.spec();
    }

    private static List<String> describe(List<Catalogue.Entry> entries) {
        return entries.stream().map(CatalogueTest::describe).toList();
    }

    private static Catalogue.Entry entry(int db, byte[] key, String path, ElementType type, int valueSize, int dim,
                                         boolean writable) {
        return new Catalogue.Entry(db, key, new ArraySpec(path, type, valueSize, dim, writable));
    }

    private static List<Catalogue.Entry> sample(int count, Random random) {
        List<Catalogue.Entry> entries = new ArrayList<>();
        ElementType[] types = ElementType.values();
        for (int i = 0; i < count; i++) {
            ElementType type = types[i % types.length];
            int valueSize = type.hasFixedSize() ? type.fixedSize() : 1 + random.nextInt(300);
            byte[] key = new byte[1 + random.nextInt(12)];
            random.nextBytes(key);
            String path = switch (i % 4) {
                case 0 -> "plain-" + i + ".bin";
                case 1 -> "données/日本語 " + i + ".f8";
                case 2 -> "/abs/with space/and\nnewline-" + i;
                default -> "emoji-\uD83D\uDE00-" + i + ".npy";
            };
            entries.add(entry(random.nextInt(16), key, path, type, valueSize, 1 + random.nextInt(4),
                    random.nextBoolean()));
        }
        return entries;
    }

    @Test
    void roundTripsEveryTypeBinaryKeysAndUnicodePaths() throws Exception {
        List<Catalogue.Entry> entries = new ArrayList<>(sample(ElementType.values().length * 2, new Random(1)));
        entries.add(entry(0, new byte[] {0, ' ', '\n', '\r', (byte) 0xFF}, "x.bin", ElementType.DOUBLE, 8, 1, true));
        entries.add(entry(15, new byte[0], "y.bin", ElementType.STRING, 255, 1, false));
        entries.add(entry(2, "k".getBytes(StandardCharsets.UTF_8), "z", ElementType.STRING, 1000, 7, true));
        Catalogue catalogue = new Catalogue(dir.resolve("catalogue"));
        catalogue.save(entries);

        Catalogue.Loaded loaded = new Catalogue(dir.resolve("catalogue")).load();
        assertThat(loaded.damaged()).isEmpty();
        assertThat(describe(loaded.entries())).containsExactlyElementsOf(describe(entries));
        assertThat(loaded.entries()).extracting(e -> e.spec().type()).contains(ElementType.values());
    }

    @Test
    void saveReplacesAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        Catalogue catalogue = new Catalogue(dir.resolve("catalogue"));
        catalogue.save(sample(5, new Random(2)));
        List<Catalogue.Entry> second = sample(3, new Random(3));
        catalogue.save(second);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("catalogue");
        }
        assertThat(describe(catalogue.load().entries())).containsExactlyElementsOf(describe(second));
        catalogue.save(List.of());
        assertThat(Files.readString(dir.resolve("catalogue"))).isEqualTo(Catalogue.MAGIC + "\n");
        assertThat(catalogue.load().entries()).isEmpty();
    }

    @Test
    void aMissingFileLoadsAsAnEmptyKeyspace() throws Exception {
        Catalogue.Loaded loaded = new Catalogue(dir.resolve("absent")).load();
        assertThat(loaded.entries()).isEmpty();
        assertThat(loaded.damaged()).isEmpty();
        assertThat(Files.exists(dir.resolve("absent"))).isFalse();
    }

    @Test
    void aFileWithoutTheHeaderIsReported() throws Exception {
        Files.writeString(dir.resolve("catalogue"), "something else\n");
        Catalogue.Loaded loaded = new Catalogue(dir.resolve("catalogue")).load();
        assertThat(loaded.entries()).isEmpty();
        assertThat(loaded.damaged()).singleElement().asString().startsWith("line 1: not a redmap catalogue header");
        Files.writeString(dir.resolve("catalogue"), "redmap-catalogue 3\n");
        assertThat(new Catalogue(dir.resolve("catalogue")).load().damaged()).singleElement().asString()
                .isEqualTo("line 1: format 'redmap-catalogue 3' is not one this server reads ('redmap-catalogue 2')");
    }

    /** No version ever saved an empty catalogue (the header is always written), so 0 bytes is damage. */
    @Test
    void anEmptyFileIsDamage() throws Exception {
        Files.write(dir.resolve("catalogue"), new byte[0]);
        assertThat(new Catalogue(dir.resolve("catalogue")).load().damaged()).singleElement().asString()
                .startsWith("line 1: the file is empty (0 bytes)");
    }

    @Test
    void aLastLineWithoutItsNewlineIsDamageEvenWhenItsEntryReads() throws Exception {
        Path file = dir.resolve("catalogue");
        new Catalogue(file).save(frozenEntries());
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 1));
        Catalogue.Loaded loaded = new Catalogue(file).load();
        assertThat(describe(loaded.entries())).containsExactlyElementsOf(describe(frozenEntries()));
        assertThat(loaded.damaged()).singleElement().asString().isEqualTo("line 5: cut short (the file does not end with a newline)");

        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 10));
        loaded = new Catalogue(file).load();
        assertThat(loaded.entries()).hasSize(3);
        assertThat(loaded.damaged()).hasSize(2).endsWith("line 5: cut short (the file does not end with a newline)")
                .first().asString().startsWith("line 5: ");
    }

    @Test
    void aCopyOfADamagedFileIsKeptBesideIt() throws Exception {
        Path file = dir.resolve("redmap.catalog");
        byte[] damaged = {'r', 'e', 'd', 0, (byte) 0xFF, '\n', 'x'};
        Files.write(file, damaged);
        Catalogue catalogue = new Catalogue(file);
        Path first = catalogue.keepCopy();
        Path second = catalogue.keepCopy();
        assertThat(first.getParent()).isEqualTo(dir);
        assertThat(first.getFileName().toString()).matches("redmap\\.catalog\\.damaged-\\d{8}-\\d{6}(-\\d+)?");
        assertThat(second).isNotEqualTo(first);
        assertThat(Files.readAllBytes(first)).isEqualTo(damaged);
        assertThat(Files.readAllBytes(second)).isEqualTo(damaged);
        assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
    }

    @Test
    void aFailedSaveLeavesTheOldCatalogueAndNoTemporaryFile() throws Exception {
        Path file = dir.resolve("catalogue");
        Files.createDirectory(file);
        Catalogue catalogue = new Catalogue(file);
        assertThatThrownBy(() -> catalogue.save(frozenEntries())).isInstanceOf(java.io.IOException.class);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("catalogue");
        }
        assertThat(Files.isDirectory(file)).isTrue();
    }

    @Test
    void flippedBytesNeverYieldAWrongEntry() throws Exception {
        Random random = new Random(20240601);
        List<Catalogue.Entry> originals = sample(20, random);
        Path file = dir.resolve("catalogue");
        Catalogue catalogue = new Catalogue(file);
        catalogue.save(originals);
        byte[] saved = Files.readAllBytes(file);
        Set<String> known = new HashSet<>(describe(originals));
        assertThat(known).hasSize(20);

        for (int trial = 0; trial < 1000; trial++) {
            byte[] damaged = saved.clone();
            int flips = 1 + random.nextInt(2);
            for (int f = 0; f < flips; f++) {
                damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
            }
            Files.write(file, damaged);
            Catalogue.Loaded[] result = new Catalogue.Loaded[1];
            assertThatCode(() -> result[0] = catalogue.load()).as("trial %d", trial).doesNotThrowAnyException();
            List<String> loaded = describe(result[0].entries());
            assertThat(known).as("trial %d: every entry is an original", trial).containsAll(loaded);
            assertThat(new HashSet<>(loaded)).as("trial %d: no duplicates", trial).hasSameSizeAs(loaded);
            if (loaded.size() < originals.size()) {
                assertThat(result[0].damaged()).as("trial %d: a lost entry is reported", trial).isNotEmpty();
            }
            if (!new String(damaged, 0, Catalogue.MAGIC.length(), StandardCharsets.ISO_8859_1)
                    .equals(Catalogue.MAGIC)) {
                assertThat(result[0].damaged()).as("trial %d: a damaged header is reported", trial).isNotEmpty();
            }
        }
    }

    /** The on-disk format, written out by hand: if this test fails, old catalogues no longer load. */
    private static final String FROZEN = """
            redmap-catalogue 2
            33130044 0 w double 8 () 74656d7073 74656d70732e62696e
            32e0d7af 3 r string 16 () 00ff0a20 646f6e6ec3a965732fc3bc2e62696e
            6d101edc 15 w int32 4 (3,) 67726964 2f646174612f677269642e693332
            37238487 1 r bfloat16 2 () 68 682e6266
            2467a971 2 w float 4 (32,32,3) 696d61676573 696d616765732e6e7079
            1743367d 4 w uint8 1 (1,) 6f6e65 6f6e652e7538
            """;

    /** Version 1, before arrays of any rank: values per row where version 2 has the element shape. */
    private static final String FROZEN_V1 = """
            redmap-catalogue 1
            61430a13 0 w double 8 1 74656d7073 74656d70732e62696e
            e60c8137 3 r string 16 1 00ff0a20 646f6e6ec3a965732fc3bc2e62696e
            c420da22 15 w int32 4 3 67726964 2f646174612f677269642e693332
            ccb29bef 1 r bfloat16 2 1 68 682e6266
            """;

    private static List<Catalogue.Entry> frozenEntries() {
        return List.of(
                entry(0, "temps".getBytes(StandardCharsets.US_ASCII), "temps.bin", ElementType.DOUBLE, 8, 1, true),
                entry(3, new byte[] {0, (byte) 0xFF, '\n', ' '}, "données/ü.bin", ElementType.STRING, 16, 1, false),
                entry(15, "grid".getBytes(StandardCharsets.US_ASCII), "/data/grid.i32", ElementType.INT32, 4, 3, true),
                entry(1, "h".getBytes(StandardCharsets.US_ASCII), "h.bf", ElementType.BFLOAT16, 2, 1, false));
    }

    private static List<Catalogue.Entry> frozenEntriesV2() {
        List<Catalogue.Entry> entries = new ArrayList<>(frozenEntries());
        entries.add(new Catalogue.Entry(2, "images".getBytes(StandardCharsets.US_ASCII),
                new ArraySpec("images.npy", ElementType.FLOAT, 4, ElementShape.of(32, 32, 3), true)));
        entries.add(new Catalogue.Entry(4, "one".getBytes(StandardCharsets.US_ASCII),
                new ArraySpec("one.u8", ElementType.UINT8, 1, ElementShape.of(1), true)));
        return entries;
    }

    @Test
    void theFrozenFormatLoads() throws Exception {
        Path file = dir.resolve("catalogue");
        Files.writeString(file, FROZEN + "deadbeef 0 w double 8 () 6b 6b2e62696e\n\n", StandardCharsets.ISO_8859_1);
        Catalogue.Loaded loaded = new Catalogue(file).load();
        assertThat(describe(loaded.entries())).containsExactlyElementsOf(describe(frozenEntriesV2()));
        assertThat(loaded.damaged()).singleElement().asString().startsWith("line 8:").contains("checksum");
    }

    @Test
    void theFirstVersionStillLoadsWithDimAsTheShape() throws Exception {
        Path file = dir.resolve("catalogue");
        Files.writeString(file, FROZEN_V1 + "deadbeef 0 w double 8 1 6b 6b2e62696e\n\n", StandardCharsets.ISO_8859_1);
        Catalogue.Loaded loaded = new Catalogue(file).load();
        assertThat(describe(loaded.entries())).containsExactlyElementsOf(describe(frozenEntries()));
        assertThat(loaded.entries()).extracting(e -> e.spec().shape().text()).containsExactly("()", "()", "(3,)", "()");
        assertThat(loaded.damaged()).singleElement().asString().startsWith("line 6:").contains("checksum");
    }

    @Test
    void aBadShapeIsOneDamagedLine() throws Exception {
        Path file = dir.resolve("catalogue");
        Files.writeString(file, "redmap-catalogue 2\n" + "4dec4dfd 0 w double 8 (0,3) 6b 6b2e62696e\n"
                + FROZEN.lines().skip(1).findFirst().orElseThrow() + "\n", StandardCharsets.ISO_8859_1);
        Catalogue.Loaded loaded = new Catalogue(file).load();
        assertThat(loaded.entries()).hasSize(1);
        assertThat(loaded.damaged()).singleElement().asString().startsWith("line 2:");
    }

    @Test
    void theFrozenFormatIsWhatSaveWrites() throws Exception {
        Path file = dir.resolve("catalogue");
        new Catalogue(file).save(frozenEntriesV2());
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).isEqualTo(FROZEN);
    }
}
