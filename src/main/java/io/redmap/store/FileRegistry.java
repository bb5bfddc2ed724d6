package io.redmap.store;

import io.redmap.RedmapException;
import io.redmap.SplitWork;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens files for keys, confined by a {@link PathPolicy}, and makes every key on one file share
 * one {@link MappedFile}: a write, append, pop or clear through one key is at once seen through
 * the others, and none of them holds a stale length.
 *
 * <p>Files are recognised by device and inode, so two spellings of one path, or two hard links,
 * share a mapping too. A file is unmapped when its last key lets go of it.
 */
public final class FileRegistry implements AutoCloseable {
    private final PathPolicy policy;
    private final int createMode;
    private final Map<MappedFile.FileId, Shared> files = new HashMap<>();
    private final PendingBuffers pendingBuffers = new PendingBuffers();
    /** Whether the kernel lets us open with openat2 (see {@link #openWithoutSymlinks}). */
    private volatile boolean quickOpen = true;
    /** Opens the files of keys whose opening was deferred (see {@link #openFiles}); set by {@link ArrayStore}. */
    private Runnable openDeferred = () -> { };
    /** Files opened and mapped ahead by {@link #preopen}, by {@link #preopenKey}, until {@link #acquire} takes them. */
    private final Map<String, MappedFile> preopened = new ConcurrentHashMap<>();

    private static final class Shared {
        final MappedFile file;
        int references;

        Shared(MappedFile file) {
            this.file = file;
        }
    }

    /**
     * @param createMode the permission bits of files the server creates (0600 by default)
     */
    public FileRegistry(PathPolicy policy, int createMode) {
        this.policy = policy;
        this.createMode = createMode;
    }

    public PathPolicy policy() {
        return policy;
    }

    /**
     * Opens and maps the file a client named, or shares the mapping another key already has.
     *
     * @param create whether a missing file may be created (empty)
     */
    public MappedFile acquire(String givenPath, boolean writable, boolean create) {
        int flags = openFlags(writable, create);
        MappedFile ahead = preopened.isEmpty() ? null : preopened.remove(preopenKey(givenPath, flags));
        if (ahead != null) {
            if (!files.containsKey(ahead.id())) {
                return register(ahead);
            }
            ahead.close(); // another key maps that file already: share its mapping, as below
        }
        Opened opened = openWithoutSymlinks(givenPath, flags);
        if (opened == null) {
            opened = openChecked(givenPath, flags, writable, create);
        }
        return share(opened.fd, opened.stat, opened.path, givenPath, writable);
    }

    private static int openFlags(boolean writable, boolean create) {
        return (writable ? LibC.O_RDWR : LibC.O_RDONLY) | LibC.O_NOFOLLOW | LibC.O_CLOEXEC
                | LibC.O_NONBLOCK | LibC.O_NOCTTY | (create ? LibC.O_CREAT : 0);
    }

    private static String preopenKey(String givenPath, int flags) {
        return flags + ":" + givenPath;
    }

    /**
     * Opens and maps existing files ahead, the quick way ({@link #openWithoutSymlinks}), for
     * {@link #acquire} to take (a start's catalogue: the system calls of 10,000 opens and maps
     * are most of its load, and they are independent); with {@code split}, on the caller's thread
     * and {@link SplitWork}'s helpers. What this could not open is opened by acquire as usual,
     * which words the errors. Call {@link #discardPreopened} afterwards.
     */
    public void preopen(List<ArraySpec> specs, boolean split) {
        SplitWork.run(specs.size(), SplitWork.chunks(specs.size(), split), (chunk, from, to) -> {
            for (long i = from; i < to; i++) {
                try {
                    openAhead(specs.get((int) i));
                } catch (NativeIOException | RuntimeException e) {
                    // (nothing is left open) acquire tries that file again and reports what fails
                }
            }
        });
    }

    private void openAhead(ArraySpec spec) throws NativeIOException {
        int flags = openFlags(spec.writable(), false);
        String key = preopenKey(spec.path(), flags);
        if (preopened.containsKey(key)) {
            return; // two keys on one file: the second acquire opens its own
        }
        Opened opened = openWithoutSymlinks(spec.path(), flags);
        if (opened == null) {
            return;
        }
        MappedFile file = MappedFile.map(opened.fd, opened.path, spec.writable(), pendingBuffers, opened.stat);
        if (!spec.writable()) {
            file.closeIdleDescriptor(0); // Reads need only the mapping.
        }
        if (preopened.putIfAbsent(key, file) != null) {
            file.close();
        }
    }

    /** Closes what {@link #preopen} opened and no acquire took. */
    public void discardPreopened() {
        // One by one: a background pass may be opening ahead meanwhile (ArrayStore.openDeferred).
        for (String key : preopened.keySet()) {
            MappedFile left = preopened.remove(key);
            if (left != null) {
                left.close();
            }
        }
    }

    /** An open descriptor, what fstat said of it, and its real path. */
    private record Opened(int fd, LibC.Stat stat, String path) {
    }

    /**
     * The quick way, for the usual path with no symlink on it (a start reopens every key of the
     * catalogue this way; see docs/operations.md): the lexical absolute path, when it lies in an
     * allowed directory, is opened with the kernel refusing any symlink on the way, so that it is
     * the file's real path and no check before or after the open is needed. Three system calls
     * (stat, openat2, fstat), against ten for {@link #openChecked}. Null when that does not apply
     * or fails in any way (a symlink, a missing file, a kernel without openat2...): the checked
     * way then decides, and words the error.
     */
    private Opened openWithoutSymlinks(String givenPath, int flags) {
        Path lexical = quickPath(givenPath);
        if (lexical == null) {
            return null;
        }
        String path = lexical.toString();
        int fd;
        try {
            // Devices and FIFOs are refused before any open (as by the checked way): opening one
            // may have effects of its own.
            LibC.Stat before = LibC.stat(path);
            if (before == null ? (flags & LibC.O_CREAT) == 0 : !before.isRegularFile()) {
                return null;
            }
            fd = LibC.openNoSymlinks(path, flags, createMode);
        } catch (NativeIOException e) {
            if (e.errno() == LibC.ENOSYS || e.errno() == LibC.EPERM) {
                quickOpen = false; // an old kernel, or a seccomp filter without openat2
            }
            return null;
        }
        try {
            LibC.Stat stat = LibC.fstat(fd, path);
            if (stat.isRegularFile()) {
                int handOver = fd;
                fd = -1;
                return new Opened(handOver, stat, path);
            }
            return null;
        } catch (NativeIOException e) {
            return null;
        } finally {
            if (fd >= 0) {
                LibC.close(fd);
            }
        }
    }

    /** The checked way: the real path resolved and vetted, opened, and what was opened vetted again. */
    private Opened openChecked(String givenPath, int flags, boolean writable, boolean create) {
        Path real = policy.resolve(givenPath);
        String path = real.toString();
        checkKind(real, givenPath, writable, create);
        int fd;
        try {
            fd = LibC.open(path, flags, createMode);
        } catch (NativeIOException e) {
            throw openFailure(givenPath, e);
        }
        try {
            LibC.Stat stat = LibC.fstat(fd, path);
            if (!stat.isRegularFile()) {
                throw RedmapException.err(givenPath + " is a " + stat.kind() + ", not a regular file");
            }
            // The path was checked before the open; check what was opened, in case a directory
            // on the way was swapped for a symlink in between.
            if (!policy.isAllowed(openedPath(fd))) {
                throw RedmapException.err(PathPolicy.OUTSIDE);
            }
            int handOver = fd;
            fd = -1;
            return new Opened(handOver, stat, path);
        } catch (NativeIOException e) {
            throw openFailure(givenPath, e);
        } finally {
            if (fd >= 0) {
                LibC.close(fd);
            }
        }
    }

    /** Maps the opened file, or hands its descriptor to the mapping another key already has. */
    private MappedFile share(int fd, LibC.Stat stat, String path, String givenPath, boolean writable) {
        try {
            MappedFile.FileId id = new MappedFile.FileId(stat.device(), stat.inode());
            Shared shared = files.get(id);
            if (shared != null) {
                if (writable && !shared.file.isWritable()) {
                    int handOver = fd;
                    fd = -1;
                    shared.file.upgradeToWritable(handOver);
                }
                shared.references++;
                return shared.file;
            }
            int handOver = fd;
            fd = -1;
            MappedFile file = MappedFile.map(handOver, path, writable, pendingBuffers, stat);
            if (!writable) {
                file.closeIdleDescriptor(0); // Reads need only the mapping.
            }
            return register(file);
        } catch (NativeIOException e) {
            throw openFailure(givenPath, e);
        } finally {
            if (fd >= 0) {
                LibC.close(fd);
            }
        }
    }

    /**
     * The cheap check a start makes of a catalogue entry before deferring its open: one stat, no
     * descriptor (10,000 of them took a start about 0.1 s of CPU, in a profile). The path the
     * quick way would open ({@link #openWithoutSymlinks}) is allowed and names a regular file, and
     * a .npy file is not empty (an empty one is refused, or given a header, by the open itself).
     * False sends the entry to be opened at once, which words the error.
     */
    boolean looksOpenable(ArraySpec spec) {
        Path lexical = quickPath(spec.path());
        if (lexical == null) {
            return false;
        }
        try {
            // Through java.nio, not LibC: a start that opens no file then never waits for LibC's
            // downcalls to be linked (0.3 - 0.5 s in a fresh JVM, see docs/operations.md).
            BasicFileAttributes stat = Files.readAttributes(lexical, BasicFileAttributes.class);
            return stat.isRegularFile() && (stat.size() > 0 || !NpyHeader.isNpyPath(spec.path()));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The path the quick way opens: the given path made absolute lexically, when the quick way is
     * on and that path lies in an allowed directory; otherwise null (the checked way decides).
     */
    private Path quickPath(String givenPath) {
        if (!quickOpen || givenPath.indexOf('\0') >= 0) {
            return null;
        }
        try {
            Path lexical = policy.dir().resolve(givenPath).normalize();
            return policy.isAllowed(lexical) ? lexical : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    void deferredOpens(Runnable openDeferred) {
        this.openDeferred = openDeferred;
    }

    /** A newly mapped file, with its first key. */
    private MappedFile register(MappedFile file) {
        Shared shared = new Shared(file);
        shared.references = 1;
        files.put(file.id(), shared);
        return file;
    }

    /** Lets go of a file a key had; the last one out unmaps it and closes it. */
    public void release(MappedFile file, Durability durability) {
        Shared shared = files.get(file.id());
        if (shared == null || shared.file != file) {
            return;
        }
        if (--shared.references == 0) {
            files.remove(file.id());
            durability.closing(file);
            file.close();
        }
    }

    /** How many keys map this file (OBJECT REFCOUNT); 0 once it is closed. */
    public int references(MappedFile file) {
        openDeferred.run(); // another key on this file may not have opened it yet
        Shared shared = files.get(file.id());
        return shared == null || shared.file != file ? 0 : shared.references;
    }

    /**
     * Every file the keys map (INFO mmap, MEMORY STATS, the checks of MIGRATE and RESTORE...):
     * the files of keys whose opening was deferred are opened first, so that callers see what
     * they would have seen had the start opened every file. Under the command lock.
     */
    public Collection<MappedFile> openFiles() {
        openDeferred.run();
        return mappedFiles();
    }

    /** The files mapped now, without opening deferred ones (the housekeeping of descriptors). */
    Collection<MappedFile> mappedFiles() {
        return files.values().stream().map(s -> s.file).toList();
    }

    public int size() {
        return files.size();
    }

    private static void checkKind(Path real, String givenPath, boolean writable, boolean create) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            if (!create) {
                throw RedmapException.err("cannot open " + givenPath + ": No such file or directory");
            }
            return;
        } catch (IOException e) {
            throw RedmapException.err("cannot open " + givenPath + ": " + e.getMessage());
        }
        if (attributes.isDirectory()) {
            throw PathPolicy.isDirectory(givenPath);
        }
        if (attributes.isSymbolicLink()) {
            // resolve() followed every link that exists: one that appears now was swapped in.
            throw RedmapException.err(PathPolicy.OUTSIDE);
        }
        if (!attributes.isRegularFile()) {
            throw RedmapException.err(givenPath + " is a " + (attributes.isOther() ? "special file" : "link")
                    + ", not a regular file");
        }
    }

    private static Path openedPath(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw RedmapException.err(PathPolicy.OUTSIDE);
        }
    }

    private static RedmapException openFailure(String givenPath, NativeIOException e) {
        if (e.errno() == LibC.ELOOP) {
            return RedmapException.err(PathPolicy.OUTSIDE);
        }
        String message = e.getMessage();
        String reason = message.substring(message.lastIndexOf(": ") + 2);
        return RedmapException.err("cannot open " + givenPath + ": " + reason);
    }

    @Override
    public void close() {
        for (Shared shared : files.values()) {
            shared.file.close();
        }
        files.clear();
    }
}
