package io.redmap.store;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFileTest {
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    private static MappedFile open(Path path, boolean writable) throws NativeIOException {
        int flags = (writable ? LibC.O_RDWR | LibC.O_CREAT : LibC.O_RDONLY) | LibC.O_CLOEXEC;
        return MappedFile.map(LibC.open(path.toString(), flags, 0600), path.toString(), writable);
    }

    /** {@code size} bytes, each a function of its absolute position in the file and a seed. */
    private static byte[] pattern(long start, int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            long position = start + i;
            bytes[i] = (byte) (position * 31 + (position >>> 8) + seed);
        }
        return bytes;
    }

    private static void append(MappedFile file, byte[] bytes) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(bytes.length);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, data, 0, bytes.length);
            file.append(data);
        }
    }

    private static byte[] read(MappedFile file, long offset, int size) {
        return file.segment().asSlice(offset, size).toArray(JAVA_BYTE);
    }

    @Test
    void appendsGrowTheFileExactlyAndTheDataIsVisibleThroughTheSegment() throws Exception {
        Path path = dir.resolve("a.bin");
        try (MappedFile file = open(path, true)) {
            assertThat(file.length()).isZero();
            assertThat(file.capacity()).isGreaterThanOrEqualTo(MappedFile.MIN_WRITABLE_RESERVATION);
            long address = file.segment().address();
            long written = 0;
            int seed = 0;
            for (int size : new int[] {1, 7, 8, 4095, 4096, 4097, 1, 100_000, 3}) {
                byte[] chunk = pattern(written, size, seed++);
                append(file, chunk);
                written += size;
                assertThat(Files.size(path)).isEqualTo(written);
                assertThat(file.length()).isEqualTo(written);
                assertThat(read(file, written - size, size)).isEqualTo(chunk);
            }
            assertThat(file.segment().address()).as("appends within the reservation never remap").isEqualTo(address);
            assertThat(read(file, 0, 1)).isEqualTo(pattern(0, 1, 0));
        }
    }

    @Test
    void appendingPastTheReservationRemapsAndKeepsEarlierData() throws Exception {
        Path path = dir.resolve("big.bin");
        int chunk = 7 << 20;
        try (MappedFile file = open(path, true)) {
            long initialCapacity = file.capacity();
            MemorySegment before = file.segment();
            for (int i = 0; i < 3; i++) {
                append(file, pattern((long) i * chunk, chunk, i));
                assertThat(Files.size(path)).isEqualTo((long) (i + 1) * chunk);
            }
            assertThat(file.length()).isEqualTo(3L * chunk).isGreaterThan(MappedFile.MIN_WRITABLE_RESERVATION);
            assertThat(file.capacity()).isGreaterThan(initialCapacity).isGreaterThanOrEqualTo(file.length());
            for (int i = 0; i < 3; i++) {
                assertThat(read(file, (long) i * chunk, chunk)).isEqualTo(pattern((long) i * chunk, chunk, i));
            }
            // The old mapping is unmapped: using a stale segment fails instead of reading freed memory.
            assertThatThrownBy(() -> before.get(JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        }
        assertThat(Files.readAllBytes(path)).startsWith(pattern(0, 64, 0));
    }

    @Test
    void truncateCutsTheFileAndLaterAppendsContinueFromThere() throws Exception {
        Path path = dir.resolve("t.bin");
        try (MappedFile file = open(path, true)) {
            byte[] data = pattern(0, 100, 5);
            append(file, data);
            file.truncate(40);
            assertThat(file.length()).isEqualTo(40);
            assertThat(Files.size(path)).isEqualTo(40);
            assertThat(read(file, 0, 40)).isEqualTo(Arrays.copyOf(data, 40));

            append(file, new byte[] {9, 9});
            assertThat(Files.size(path)).isEqualTo(42);
            assertThat(read(file, 38, 4)).containsExactly(data[38], data[39], 9, 9);

            assertThatThrownBy(() -> file.truncate(43)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> file.truncate(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(Files.size(path)).isEqualTo(42);

            file.truncate(0);
            assertThat(file.length()).isZero();
            assertThat(Files.size(path)).isZero();
        }
    }

    @Test
    void refreshLengthFollowsAFileGrownByAnotherWriter() throws Exception {
        Path path = dir.resolve("shared.bin");
        try (MappedFile file = open(path, true);
             FileChannel other = FileChannel.open(path, StandardOpenOption.WRITE)) {
            append(file, pattern(0, 16, 1));
            other.write(ByteBuffer.wrap(pattern(16, 1000, 2)), 16);
            assertThat(file.length()).as("not observed yet").isEqualTo(16);
            assertThat(file.refreshLength()).isEqualTo(1016);
            assertThat(read(file, 16, 1000)).isEqualTo(pattern(16, 1000, 2));

            // Beyond the reservation: the mapping must follow.
            long farEnd = MappedFile.MIN_WRITABLE_RESERVATION + 12345;
            other.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0x1122334455667788L),
                    farEnd - 8);
            assertThat(file.refreshLength()).isEqualTo(farEnd);
            assertThat(file.capacity()).isGreaterThanOrEqualTo(farEnd);
            assertThat(file.segment().get(LONG_LE, farEnd - 8)).isEqualTo(0x1122334455667788L);
            assertThat(read(file, 0, 16)).isEqualTo(pattern(0, 16, 1));
        }
    }

    @Test
    void refreshLengthFollowsAFileTruncatedByAnotherWriter() throws Exception {
        Path path = dir.resolve("shrunk.bin");
        try (MappedFile file = open(path, true);
             FileChannel other = FileChannel.open(path, StandardOpenOption.WRITE)) {
            append(file, pattern(0, 5000, 3));
            other.truncate(10);
            assertThat(file.refreshLength()).isEqualTo(10);
            assertThat(read(file, 0, 10)).isEqualTo(pattern(0, 10, 3));
            // The next append lands at the real end, not at the stale one.
            append(file, new byte[] {1, 2, 3});
            assertThat(Files.size(path)).isEqualTo(13);
            assertThat(Arrays.copyOfRange(Files.readAllBytes(path), 10, 13)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void closeUnmapsAndLaterSegmentAccessThrows() throws Exception {
        MappedFile file = open(dir.resolve("c.bin"), true);
        append(file, new byte[] {1, 2, 3, 4});
        MemorySegment segment = file.segment();
        assertThat(segment.get(JAVA_BYTE, 3)).isEqualTo((byte) 4);
        file.close();
        assertThatThrownBy(() -> segment.get(JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> file.segment().get(JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThatCode(file::close).as("closing twice is harmless").doesNotThrowAnyException();
    }

    @Test
    void readOnlyMappingReadsAndRefusesChanges() throws Exception {
        Path path = dir.resolve("ro.bin");
        byte[] data = pattern(0, 10_000, 7);
        Files.write(path, data);
        try (MappedFile file = open(path, false)) {
            assertThat(file.isWritable()).isFalse();
            assertThat(file.length()).isEqualTo(10_000);
            assertThat(file.capacity()).isGreaterThanOrEqualTo(10_000).isLessThan(MappedFile.MIN_WRITABLE_RESERVATION);
            assertThat(read(file, 0, 10_000)).isEqualTo(data);
            assertThatThrownBy(() -> append(file, new byte[] {1})).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> file.truncate(0)).isInstanceOf(IllegalStateException.class);
            // A stray write through a PROT_READ mapping must throw, not crash the JVM.
            assertThat(file.segment().isReadOnly()).isTrue();
            assertThatThrownBy(() -> file.segment().set(JAVA_BYTE, 0, (byte) 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only");
            assertThatCode(file::sync).doesNotThrowAnyException();
        }
        assertThat(Files.readAllBytes(path)).isEqualTo(data);
    }

    @Test
    void readOnlyMappingOfAnEmptyFile() throws Exception {
        Path path = dir.resolve("empty.bin");
        Files.createFile(path);
        try (MappedFile file = open(path, false)) {
            assertThat(file.length()).isZero();
            assertThat(file.refreshLength()).isZero();
        }
    }

    @Test
    void filesLargerThan2GiBAreAddressedWith64BitOffsets() throws Exception {
        Path path = dir.resolve("sparse.bin");
        long size = 3L << 30;
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(size);
        }
        long[] offsets = {(1L << 31) + 8, (1L << 31) + 4093, size - 16, size - 8};
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            for (long offset : offsets) {
                channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, ~offset), offset);
            }
        }
        assertThat(Files.size(path)).isEqualTo(size);
        try (MappedFile file = open(path, false)) {
            assertThat(file.length()).isEqualTo(size);
            for (long offset : offsets) {
                assertThat(file.segment().get(LONG_LE, offset)).isEqualTo(~offset);
            }
            assertThat(file.segment().get(LONG_LE, 1L << 31)).isZero();
        }
        try (MappedFile file = open(path, true)) {
            append(file, new byte[] {42});
            assertThat(Files.size(path)).isEqualTo(size + 1);
            assertThat(file.segment().get(JAVA_BYTE, size)).isEqualTo((byte) 42);
            assertThat(file.segment().get(LONG_LE, size - 8)).isEqualTo(~(size - 8));
        }
    }
}
