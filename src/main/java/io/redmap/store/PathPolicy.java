package io.redmap.store;

import io.redmap.RedmapException;

import java.io.IOException;
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
     * Resolves a client's path to the real path of the file it names (which may not exist yet),
     * or refuses it.
     */
    public Path resolve(String given) {
        if (given.isEmpty() || given.indexOf('\0') >= 0 || given.length() > MAX_PATH_BYTES) {
            throw RedmapException.err(OUTSIDE);
        }
        Path path;
        try {
            path = dir.resolve(given).normalize();
        } catch (InvalidPathException e) {
            throw RedmapException.err(OUTSIDE);
        }
        Path real = realPath(path);
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
