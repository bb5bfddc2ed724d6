package io.redmap.store;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmap.RedmapException;
import io.redmap.type.ElementType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedArrayTest {
    private static final ValueLayout.OfDouble DOUBLE_LE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    private ArrayStore store;
    private final Arena arena = Arena.ofConfined();

    @BeforeEach
    void setUp() {
        store = new ArrayStore(new PathPolicy(dir, List.of()), 0600, SyncMode.NO);
    }

    @AfterEach
    void tearDown() {
        store.close();
        arena.close();
    }

    private MappedArray open(String path, ElementType type, int dim, boolean writable, boolean create) {
        return store.open(new ArraySpec(path, type, type.fixedSize(), dim, writable), create);
    }

    private MemorySegment doubles(double... values) {
        MemorySegment segment = arena.allocate(8L * values.length);
        for (int i = 0; i < values.length; i++) {
            segment.set(DOUBLE_LE, 8L * i, values[i]);
        }
        return segment;
    }

    private MemorySegment ints(int... values) {
        MemorySegment segment = arena.allocate(4L * values.length);
        for (int i = 0; i < values.length; i++) {
            segment.set(INT_LE, 4L * i, values[i]);
        }
        return segment;
    }

    @Test
    void countIsDerivedFromTheSharedFileLength() throws Exception {
        MappedArray asDouble = open("a.bin", ElementType.DOUBLE, 1, true, true);
        MappedArray asInt = open("./a.bin", ElementType.INT32, 1, true, false);
        assertThat(asInt.file()).isSameAs(asDouble.file());
        assertThat(asDouble.count()).isZero();
        assertThat(asInt.count()).isZero();

        asDouble.append(doubles(1.5, -2.25));
        assertThat(asDouble.count()).isEqualTo(2);
        assertThat(asInt.count()).isEqualTo(4);

        asInt.append(ints(7, 8));
        assertThat(asInt.count()).isEqualTo(6);
        assertThat(asDouble.count()).isEqualTo(3);
        assertThat(asDouble.segment().get(INT_LE, asInt.offsetOf(5))).isEqualTo(8);
        assertThat(asInt.segment().get(DOUBLE_LE, asDouble.offsetOf(1))).isEqualTo(-2.25);

        asDouble.truncateRows(1);
        assertThat(asInt.count()).isEqualTo(2);
        assertThat(Files.size(dir.resolve("a.bin"))).isEqualTo(8);
    }

    @Test
    void aReadOnlyKeySeesAWritableKeysAppendsButCannotWrite() {
        MappedArray writer = open("a.bin", ElementType.INT32, 1, true, true);
        MappedArray reader = open("a.bin", ElementType.INT32, 1, false, false);
        writer.append(ints(1, 2, 3));
        assertThat(reader.count()).isEqualTo(3);
        assertThatThrownBy(() -> reader.append(ints(4))).isSameAs(Errors.NOT_WRITABLE);
        assertThatThrownBy(() -> reader.truncateRows(0)).isSameAs(Errors.NOT_WRITABLE);
        assertThatThrownBy(() -> reader.writeRow(0, ints(9), 0)).isSameAs(Errors.NOT_WRITABLE);
        assertThat(Errors.NOT_WRITABLE.getMessage()).isEqualTo("The file is not writable");
        assertThat(writer.count()).isEqualTo(3);
    }

    @Test
    void partialTrailingBytesAreIgnoredAndAppendsAreRefused() throws Exception {
        Path path = dir.resolve("odd.bin");
        byte[] content = new byte[8 + 8 + 3];
        Arrays.fill(content, (byte) 0x5A);
        Files.write(path, content);
        MappedArray array = open("odd.bin", ElementType.DOUBLE, 1, true, false);
        assertThat(array.count()).isEqualTo(2);
        assertThat(array.hasPartialRow()).isTrue();
        assertThatThrownBy(array::requireWholeRows).isInstanceOf(RedmapException.class)
                .hasMessageContaining("not a whole number of elements");
        assertThatThrownBy(() -> array.append(doubles(1.0))).isInstanceOf(RedmapException.class)
                .hasMessageContaining("not a whole number of elements");
        assertThat(Files.readAllBytes(path)).isEqualTo(content);
    }

    @Test
    void aPartialRowLeftByAnotherKeyIsIgnoredByCount() {
        MappedArray asDouble = open("a.bin", ElementType.DOUBLE, 1, true, true);
        MappedArray asInt = open("a.bin", ElementType.INT32, 1, true, false);
        asDouble.append(doubles(3.0));
        asInt.append(ints(42));
        assertThat(asDouble.count()).isEqualTo(1);
        assertThat(asDouble.hasPartialRow()).isTrue();
        assertThat(asInt.hasPartialRow()).isFalse();
        assertThatThrownBy(() -> asDouble.append(doubles(4.0))).isInstanceOf(RedmapException.class);
        assertThat(asDouble.file().length()).isEqualTo(12);
        asInt.append(ints(43));
        assertThat(asDouble.count()).isEqualTo(2);
        assertThat(asDouble.hasPartialRow()).isFalse();
    }

    @Test
    void rowsWithSeveralValuesCountWholeRowsOnly() {
        MappedArray rows = open("m.bin", ElementType.INT32, 3, true, true);
        MappedArray flat = open("m.bin", ElementType.INT32, 1, true, false);
        assertThat(rows.rowBytes()).isEqualTo(12);
        flat.append(ints(1, 2, 3, 4, 5, 6, 7));
        assertThat(rows.count()).isEqualTo(2);
        assertThat(rows.hasPartialRow()).isTrue();
        flat.append(ints(8, 9));
        assertThat(rows.count()).isEqualTo(3);
        assertThat(rows.segment().get(INT_LE, rows.offsetOf(2) + 8)).isEqualTo(9);
    }

    @Test
    void writeRowCopiesExactlyOneRow() throws Exception {
        Path path = dir.resolve("w.bin");
        byte[] content = new byte[3 * 24];
        Arrays.fill(content, (byte) 0xAA);
        Files.write(path, content);
        MappedArray array = open("w.bin", ElementType.DOUBLE, 3, true, false);
        assertThat(array.count()).isEqualTo(3);

        MemorySegment source = arena.allocate(48);
        for (int i = 0; i < 48; i++) {
            source.set(JAVA_BYTE, i, (byte) i);
        }
        array.writeRow(1, source, 8);

        byte[] expected = content.clone();
        for (int i = 0; i < 24; i++) {
            expected[24 + i] = (byte) (8 + i);
        }
        assertThat(array.segment().asSlice(0, 72).toArray(JAVA_BYTE)).isEqualTo(expected);
        assertThat(Files.readAllBytes(path)).isEqualTo(expected);
        assertThat(Files.size(path)).isEqualTo(72);
    }

    @Test
    void refreshCountFollowsAFileChangedBehindTheStoresBack() throws Exception {
        MappedArray array = open("r.bin", ElementType.INT32, 1, true, true);
        array.append(ints(1, 2, 3, 4));
        try (FileChannel other = FileChannel.open(dir.resolve("r.bin"), StandardOpenOption.WRITE)) {
            other.truncate(6);
        }
        assertThat(array.refreshCount()).isEqualTo(1);
        assertThat(array.hasPartialRow()).isTrue();
        assertThat(array.segment().get(INT_LE, 0)).isEqualTo(1);
    }

    @Test
    void writtenMarksTheFileDirtyUntilTheNextSync() {
        MappedArray array = open("d.bin", ElementType.INT32, 1, true, true);
        array.append(ints(1));
        array.written();
        assertThat(store.durability().dirtyCount()).isEqualTo(1);
        assertThat(store.syncDirty(message -> { })).isEqualTo(1);
        assertThat(store.durability().dirtyCount()).isZero();
    }
}
