package io.redmap.store;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the store needs, bound through the FFM linker (Linux, x86-64 and aarch64).
 *
 * <p>Why not {@code FileChannel.map}: it extends the file to the mapped size, so it cannot
 * reserve address space for appends without making the file visibly longer (and leaving zeros
 * behind after a crash). Calling {@code mmap} directly maps past the end of the file, and the
 * file grows only when data is written. {@code open} is called directly too, so that
 * {@code O_NOFOLLOW}, {@code O_NONBLOCK} (a FIFO must never block the server) and an
 * {@code fstat} of the opened descriptor are available.
 *
 * <p>Every call captures {@code errno}; a failure becomes a {@link NativeIOException} that names
 * the operation and the file.
 */
final class LibC {
    static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    static final int O_CLOEXEC = 02000000;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MS_SYNC = 4;
    static final int MADV_RANDOM = 1;
    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int EOPNOTSUPP = 95;

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFBLK = 0060000;
    static final int S_IFIFO = 0010000;
    static final int S_IFSOCK = 0140000;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ENOSYS = 38;
    static final int EINTR = 4;
    static final int EEXIST = 17;
    static final int ELOOP = 40;
    static final int ENOSPC = 28;

    /** {@code struct stat} is 144 bytes on x86-64 and 128 on aarch64; 144 covers both. */
    private static final long STAT_SIZE = 144;
    private static final long STAT_DEV = 0;
    private static final long STAT_INO = 8;
    private static final long STAT_MODE = AARCH64 ? 16 : 24;
    private static final long STAT_SIZE_FIELD = 48;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle OPEN = bind("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    /** {@code syscall(SYS_openat2, ...)}: glibc has no wrapper for it (Linux 5.6+; 437 on every architecture). */
    private static final MethodHandle OPENAT2 = bind("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final long SYS_OPENAT2 = 437;
    private static final int AT_FDCWD = -100;
    /** {@code RESOLVE_NO_SYMLINKS} of {@code struct open_how}: no symlink (nor /proc magic link) on the way. */
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FSTAT = bind("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle STAT = bind("stat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MMAP = bind("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle GETPAGESIZE = LINKER.downcallHandle(
            LIBC.find("getpagesize").orElseThrow(), FunctionDescriptor.of(JAVA_INT));

    /**
     * The calls a start does not need (writes, syncs, unmaps, hints, errors): linking all 18
     * downcall handles took a start 0.25 s of CPU, so these are linked apart, on another thread
     * while the catalogue loads ({@link #linkTheRest}), and the ones above by the first open.
     */
    private static final class Later {
        static final MethodHandle FTRUNCATE = bind("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
        static final MethodHandle FALLOCATE = bind("fallocate",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
        static final MethodHandle FSYNC = bind("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle FDATASYNC = bind("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle PWRITE = bind("pwrite",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle MSYNC = bind("msync",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle MADVISE = bind("madvise",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle MINCORE = bind("mincore",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle STRERROR = LINKER.downcallHandle(
                LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** Links {@link Later}'s calls (a start does it on another thread). */
    static void linkTheRest() {
        Objects.requireNonNull(Later.PWRITE); // reading a field of the holder initialises it
    }

    private LibC() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** What {@code fstat} says of an open file. */
    record Stat(long device, long inode, int mode, long size) {
        boolean isRegularFile() {
            return (mode & S_IFMT) == S_IFREG;
        }

        /** A word for the kind of file, for error messages. */
        String kind() {
            return switch (mode & S_IFMT) {
                case S_IFREG -> "regular file";
                case S_IFDIR -> "directory";
                case S_IFIFO -> "FIFO";
                case S_IFCHR, S_IFBLK -> "device";
                case S_IFSOCK -> "socket";
                default -> "special file";
            };
        }
    }

    static int open(String path, int flags, int mode) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment cPath = arena.allocateFrom(path);
            while (true) {
                int fd = (int) OPEN.invokeExact(state, cPath, flags, mode);
                if (fd >= 0) {
                    return fd;
                }
                int errno = errno(state);
                if (errno != EINTR) {
                    throw new NativeIOException("open", path, errno, strerror(errno));
                }
            }
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /**
     * Opens an absolute path that must contain no symlink at all (openat2 with
     * {@code RESOLVE_NO_SYMLINKS}): the kernel refuses with {@code ELOOP} when any component is
     * one, so the path opened is its own real path. {@code ENOSYS} where the kernel lacks openat2.
     */
    static int openNoSymlinks(String path, int flags, int mode) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment how = arena.allocate(24, 8); // struct open_how { u64 flags, mode, resolve; }
            how.set(JAVA_LONG, 0, flags & 0xFFFFFFFFL);
            how.set(JAVA_LONG, 8, (flags & O_CREAT) != 0 ? mode : 0); // EINVAL otherwise
            how.set(JAVA_LONG, 16, RESOLVE_NO_SYMLINKS);
            while (true) {
                long fd = (long) OPENAT2.invokeExact(state, SYS_OPENAT2, AT_FDCWD, cPath, how, 24L);
                if (fd >= 0) {
                    return (int) fd;
                }
                int errno = errno(state);
                if (errno != EINTR) {
                    throw new NativeIOException("openat2", path, errno, strerror(errno));
                }
            }
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            // close() is never retried on EINTR on Linux: the descriptor is released either way.
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static Stat fstat(int fd, String path) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(STAT_SIZE, 8);
            int rc = (int) FSTAT.invokeExact(state, fd, buf);
            check(rc, state, "fstat", path);
            return new Stat(buf.get(JAVA_LONG, STAT_DEV), buf.get(JAVA_LONG, STAT_INO),
                    buf.get(JAVA_INT, STAT_MODE), buf.get(JAVA_LONG, STAT_SIZE_FIELD));
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code stat} of a path (following symlinks); null when nothing is there. */
    static Stat stat(String path) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(STAT_SIZE, 8);
            int rc = (int) STAT.invokeExact(state, arena.allocateFrom(path), buf);
            if (rc != 0) {
                int errno = errno(state);
                if (errno == ENOENT) {
                    return null;
                }
                throw new NativeIOException("stat", path, errno, strerror(errno));
            }
            return new Stat(buf.get(JAVA_LONG, STAT_DEV), buf.get(JAVA_LONG, STAT_INO),
                    buf.get(JAVA_INT, STAT_MODE), buf.get(JAVA_LONG, STAT_SIZE_FIELD));
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static void ftruncate(int fd, long size, String path) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            while (true) {
                int rc = (int) Later.FTRUNCATE.invokeExact(state, fd, size);
                if (rc == 0 || errno(state) != EINTR) {
                    check(rc, state, "ftruncate", path);
                    return;
                }
            }
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** Allocates disk blocks for {@code [offset, offset+length)} without changing the file's size. */
    static void reserve(int fd, long offset, long length, String path) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) Later.FALLOCATE.invokeExact(state, fd, FALLOC_FL_KEEP_SIZE, offset, length);
            check(rc, state, "fallocate", path);
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static void fsync(int fd, String path, boolean dataOnly) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = dataOnly ? (int) Later.FDATASYNC.invokeExact(state, fd)
                    : (int) Later.FSYNC.invokeExact(state, fd);
            check(rc, state, dataOnly ? "fdatasync" : "fsync", path);
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** Writes all of {@code data} (a native segment) at {@code offset}, looping over short writes. */
    static void pwriteFully(int fd, MemorySegment data, long offset, String path) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long done = 0;
            long total = data.byteSize();
            while (done < total) {
                long n = (long) Later.PWRITE.invokeExact(state, fd, data.asSlice(done), total - done, offset + done);
                if (n < 0) {
                    int errno = errno(state);
                    if (errno == EINTR) {
                        continue;
                    }
                    throw new NativeIOException("write", path, errno, strerror(errno));
                }
                done += n;
            }
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** Maps {@code length} bytes of {@code fd} from offset 0; the length may exceed the file's size. */
    static long mmap(int fd, long length, boolean writable, String path) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot,
                    MAP_SHARED, fd, 0L);
            if (addr.address() == -1L) {
                int errno = errno(state);
                throw new NativeIOException("mmap", path, errno, strerror(errno));
            }
            return addr.address();
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static void munmap(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) Later.MUNMAP.invokeExact(arena.allocate(CAPTURE), MemorySegment.ofAddress(address),
                    length);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** Writes dirty pages of {@code [address, address+length)} to disk and waits (MS_SYNC). */
    static void msync(long address, long length, String path) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) Later.MSYNC.invokeExact(state, MemorySegment.ofAddress(address), length, MS_SYNC);
            check(rc, state, "msync", path);
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** A hint only: failures are ignored. */
    static void madvise(long address, long length, int advice) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) Later.MADVISE.invokeExact(arena.allocate(CAPTURE), MemorySegment.ofAddress(address),
                    length, advice);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /**
     * Which pages of {@code [address, address+length)} are in memory: one byte per page in
     * {@code vector} (which must hold that many), bit 0 set for a resident page.
     */
    static void mincore(long address, long length, MemorySegment vector, String path) throws NativeIOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) Later.MINCORE.invokeExact(state, MemorySegment.ofAddress(address), length, vector);
            check(rc, state, "mincore", path);
        } catch (NativeIOException e) {
            throw e;
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** The size of a memory page (4 KiB on x86-64; 4, 16 or 64 KiB on aarch64). */
    static int pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    private static void check(int rc, MemorySegment state, String op, String path) throws NativeIOException {
        if (rc != 0) {
            int errno = errno(state);
            throw new NativeIOException(op, path, errno, strerror(errno));
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) Later.STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static Error linkageFailure(Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        return new AssertionError("unexpected checked exception from a native call", t);
    }

}
