package io.redmap.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * mincore through FFM: the pages a file has in the page cache are counted exactly while the budget
 * covers them, and estimated from evenly spread windows beyond it; tiny windows and budgets make the
 * sampling code run on small files (as Lucene's tests run MMapDirectory with tiny chunks).
 */
class ResidencyTest {
    private static final int PAGE = Residency.pageSize();

    @TempDir
    Path dir;

    private final List<MappedFile> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(MappedFile::close);
    }

    /** A sparse file of {@code pages} pages whose listed pages, and only those, were written (so cached). */
    private MappedFile sparseFileWithPagesWritten(String name, long pages, long... written) throws IOException {
        Path path = dir.resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(pages * PAGE);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            for (long page : written) {
                channel.write(ByteBuffer.wrap(new byte[PAGE]).put(0, (byte) 1), page * PAGE);
            }
        }
        MappedFile file = MappedFile.map(LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0),
                path.toString(), false);
        opened.add(file);
        return file;
    }

    private static long[] range(long from, long to) {
        long[] pages = new long[(int) (to - from)];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = from + i;
        }
        return pages;
    }

    @Test
    void countsExactlyThePagesInThePageCache() throws IOException {
        MappedFile file = sparseFileWithPagesWritten("a", 100, 0, 1, 2, 50, 99);
        Residency.Estimate estimate = Residency.of(List.of(file));
        assertThat(estimate.exact()).isTrue();
        assertThat(estimate.mappedBytes()).isEqualTo(100L * PAGE);
        assertThat(estimate.residentBytes()).isEqualTo(5L * PAGE);
        assertThat(estimate.ratio()).isEqualTo(0.05);
    }

    @Test
    void windowsSmallerThanTheFileStillCountEveryPageWhileTheBudgetCoversIt() throws IOException {
        MappedFile file = sparseFileWithPagesWritten("a", 103, range(0, 40));
        Residency.Estimate estimate = Residency.of(List.of(file), 8, 1000);
        assertThat(estimate.exact()).isTrue();
        assertThat(estimate.residentBytes()).isEqualTo(40L * PAGE);
    }

    @Test
    void pastTheBudgetEvenlySpreadWindowsEstimate() throws IOException {
        // The first half cached: windows at pages 0, 256, 512 and 768 find 2 of 4 windows resident.
        MappedFile file = sparseFileWithPagesWritten("a", 1024, range(0, 512));
        Residency.Estimate estimate = Residency.of(List.of(file), 4, 16);
        assertThat(estimate.exact()).isFalse();
        assertThat(estimate.residentBytes()).isEqualTo(512L * PAGE);
        assertThat(estimate.ratio()).isEqualTo(0.5);
    }

    @Test
    void theBudgetIsSharedByTheFilesInProportionToTheirSize() throws IOException {
        MappedFile cold = sparseFileWithPagesWritten("cold", 4096);
        MappedFile hot = sparseFileWithPagesWritten("hot", 1024, range(0, 1024));
        Residency.Estimate estimate = Residency.of(List.of(cold, hot), 4, 64);
        assertThat(estimate.exact()).isFalse();
        assertThat(estimate.mappedBytes()).isEqualTo(5120L * PAGE);
        assertThat(estimate.residentBytes()).isEqualTo(1024L * PAGE);
    }

    @Test
    void aHugeSparseMappingNeedsNoHugeVector() throws IOException {
        // 64 GiB of address space, nothing of it cached but its first page: sampled, not walked.
        long pages = (64L << 30) / PAGE;
        MappedFile file = sparseFileWithPagesWritten("huge", pages, 0);
        Residency.Estimate estimate = Residency.of(List.of(file));
        assertThat(estimate.exact()).isFalse();
        assertThat(estimate.mappedBytes()).isEqualTo(64L << 30);
        assertThat(estimate.residentBytes()).isBetween((long) PAGE, (long) PAGE * pages / Residency.BUDGET_PAGES);
    }

    @Test
    void aPartialLastPageCountsOnlyTheFilesBytes() throws IOException {
        Path path = dir.resolve("short");
        java.nio.file.Files.write(path, new byte[100]);
        MappedFile file = MappedFile.map(LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0), path.toString(), false);
        opened.add(file);
        assertThat(Residency.of(List.of(file))).isEqualTo(new Residency.Estimate(100, 100, true));
        assertThat(Residency.of(List.of())).isEqualTo(new Residency.Estimate(0, 0, true));
    }
}
