package io.redmap.store;

import io.redmap.RedmapException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which files a client may map: those whose real path (after {@code ..} and symlinks) lies in
 * the server's {@code dir} or one of the {@code mmap-allow-path} directories.
 *
 * <p>A check of a path is only half of it: a symlink can be swapped in between the check and the
 * open. {@link FileRegistry} therefore opens the checked real path with {@code O_NOFOLLOW} and
 * checks the opened descriptor's path again.
 */
public final class PathPolicy {
    /** Longer paths are refused before any system call sees them (PATH_MAX is 4096). */
    private static final int MAX_PATH_BYTES = 4095;
    public static final String OUTSIDE = "path is outside the allowed directories";
    public static final String NOT_UTF8 = "path must be valid UTF-8";

    private final Path dir;
    private final List<Path> roots;

    /**
     * @param dir the directory relative paths resolve against
     * @param allowed further directories files may live in
     */
    public PathPolicy(Path dir, List<Path> allowed) {
        this.dir = realDirectory(dir);
        List<Path> all = new ArrayList<>();
        all.add(this.dir);
        for (Path extra : allowed) {
            all.add(realDirectory(extra));
        }
        this.roots = List.copyOf(all);
    }

    public Path dir() {
        return dir;
    }

    /**
     * A client's path, from the bytes it sent. Java paths are strings: a lenient decoding would
     * turn every malformed byte into U+FFFD, so that two different names open one file (and a
     * read-only MMAP serves another file's data). Such a path is refused instead.
     */
    public static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw RedmapException.err(NOT_UTF8);
        }
    }

    /** The error for a path that names a directory (the existing wording of the store). */
    static RedmapException isDirectory(String given) {
        return RedmapException.err((given.isEmpty() ? "the empty path" : given) + " is a directory, not a regular file");
    }

    /**
     * Resolves a client's path to the real path of the file it names (which may not exist yet),
     * or refuses it. The empty path, {@code .} and every allowed directory itself name directories.
     */
    public Path resolve(String given) {
        if (given.indexOf('\0') >= 0 || given.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw RedmapException.err(OUTSIDE);
        }
        Path path;
        try {
            path = dir.resolve(given).normalize();
        } catch (InvalidPathException e) {
            throw RedmapException.err(OUTSIDE);
        }
        Path real = realPath(path);
        if (roots.contains(real)) {
            throw isDirectory(given);
        }
        if (!isAllowed(real)) {
            throw RedmapException.err(OUTSIDE);
        }
        return real;
    }

    /** Whether a real (symlink-free, absolute) path lies inside one of the allowed roots. */
    public boolean isAllowed(Path real) {
        for (Path root : roots) {
            if (real.startsWith(root) && !real.equals(root)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The real path of a file that may not exist: the real path of its nearest existing ancestor,
     * followed by the remaining names.
     */
    private static Path realPath(Path absolute) {
        Path existing = absolute;
        Path rest = null;
        while (existing != null) {
            try {
                Path real = existing.toRealPath();
                return rest == null ? real : real.resolve(rest).normalize();
            } catch (IOException e) {
                Path name = existing.getFileName();
                if (name == null) {
                    break;
                }
                rest = rest == null ? name : name.resolve(rest);
                existing = existing.getParent();
            }
        }
        throw RedmapException.err(OUTSIDE);
    }

    private static Path realDirectory(Path dir) {
        try {
            Path real = dir.toAbsolutePath().normalize().toRealPath();
            if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(dir + " is not a directory");
            }
            return real;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot use directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
