package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.protocol.Request;
import io.redmap.replication.Replication;
import io.redmap.server.ClientType;
import io.redmap.protocol.AsciiNumbers;
import io.redmap.store.ArraySpec;
import io.redmap.store.ElementShape;
import io.redmap.store.MappedArray;
import io.redmap.store.NpyHeader;
import io.redmap.store.PathPolicy;
import io.redmap.type.ElementType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.redmap.command.CommandFlag.ARRAY_EVENT;
import static io.redmap.command.CommandFlag.DENYOOM;
import static io.redmap.command.CommandFlag.WRITE;
import static io.redmap.command.CommandSpec.command;

/**
 * {@code MMAP key path [type [value_size] [DIM n | SHAPE d1 [d2 ...]] [WRITABLE]]}: makes a key of a
 * file. The two-argument form is the seed form: a writable double array, created if missing.
 * {@code SHAPE} is the shape of one element (its values are one row, in C order); {@code DIM n} is
 * {@code SHAPE n}. A {@code .npy} file brings its own type and shape: {@code MMAP key file.npy [WRITABLE]}.
 */
final class MmapCommand {
    static final int MAX_STRING_SIZE = 1 << 20;
    static final int MAX_DIM = 1 << 20;

    private MmapCommand() {
    }

    static List<CommandSpec> specs() {
        return List.of(command("mmap").arity(-3).flags(WRITE, DENYOOM, ARRAY_EVENT).keys(KeySpec.atFirst("OW", "insert")).group("module")
                .syntax("key path [type [value_size] [DIM n | SHAPE d1 [d2 ...]] [WRITABLE]]")
                .summary("Maps a file of typed values to a key; replies the element count.")
                .handler(MmapCommand::mmap));
    }

    static void mmap(CommandContext ctx) {
        ArraySpec spec = parse(ctx);
        AclCheck.checkMappedPath(ctx, spec.path());
        boolean create = spec.writable() && ctx.server().config().mmapCreateAllowed();
        if (create && ctx.session().type() == ClientType.MASTER) {
            makeParentDirectories(ctx, spec.path());
        }
        boolean streaming = ctx.server().replication().streaming();
        Path file = streaming ? ctx.keyspace().store().files().policy().resolve(spec.path()) : null;
        boolean existed = streaming && Files.exists(file);
        long changes = ctx.keyspace().changes();
        MappedArray array = ctx.keyspace().map(ctx.session().db(), ctx.key(1), spec, create);
        ctx.reply().integer(array.count());
        if (streaming) {
            propagate(ctx, file, existed, ctx.keyspace().changes() != changes);
        }
    }

    /**
     * Replicas map the same file, named as they name it (relative to their dir when it lies in
     * ours). A file that existed before has contents they may lack: they take it with a full sync,
     * which sends only the blocks that differ from what they hold.
     */
    private static void propagate(CommandContext ctx, Path file, boolean existed, boolean mapped) {
        if (!mapped) {
            ctx.propagateAs(); // the key already mapped this file: nothing changed
            return;
        }
        byte[][] words = new byte[ctx.argc()][];
        for (int i = 0; i < words.length; i++) {
            words[i] = ctx.arg(i);
        }
        Path dir = ctx.keyspace().store().files().policy().dir();
        words[2] = Replication.transferPath(dir, file).getBytes(StandardCharsets.UTF_8);
        Request map = Request.of(words);
        if (existed) {
            ctx.propagateAs(map, Request.of(RESYNC));
        } else {
            ctx.propagateAs(map);
        }
    }

    /**
     * On a replica, an MMAP from the master that creates a file in a subdirectory of the master's
     * dir: the directory is made here too (inside the allowed paths: resolve checks).
     */
    private static void makeParentDirectories(CommandContext ctx, String path) {
        Path parent = ctx.keyspace().store().files().policy().resolve(path).getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw RedmapException.err("cannot create directory " + parent + ": " + e.getMessage());
        }
    }

    private static final byte[] RESYNC = "RDM.RESYNC".getBytes(StandardCharsets.US_ASCII);

    /** Reads and checks every option before anything is opened. */
    static ArraySpec parse(CommandContext ctx) {
        String path = PathPolicy.decode(ctx.arg(2));
        boolean npy = NpyHeader.isNpyPath(path);
        if (ctx.argc() == 3 && !npy) {
            return new ArraySpec(path, ElementType.DOUBLE, 8, ElementShape.SCALAR, true);
        }
        // A .npy file names its own type: "MMAP key file.npy [WRITABLE]" needs none.
        int i = 3;
        ElementType type = null;
        if (ctx.argc() > 3 && !(npy && isOption(ctx.keyword(3)))) {
            type = ElementType.require(ctx.string(3));
            i = 4;
        }
        int valueSize = 0;
        // For a .npy file, null means "as the header says"; a shape given must match it.
        ElementShape shape = null;
        boolean writable = false;
        for (; i < ctx.argc(); i++) {
            String word = ctx.keyword(i);
            if (word.equals("writable")) {
                writable = true;
            } else if (word.equals("dim") || word.equals("shape")) {
                if (i + 1 >= ctx.argc()) {
                    throw CommandContext.syntaxError();
                }
                if (shape != null) {
                    throw RedmapException.err("DIM and SHAPE cannot be used together, nor either twice");
                }
                if (word.equals("dim")) {
                    shape = ElementShape.ofDim(parseDim(ctx.arg(++i)));
                } else {
                    int end = i + 1;
                    while (end < ctx.argc() && !isOption(ctx.keyword(end))) {
                        end++; // the axes: every word up to the next option
                    }
                    shape = parseShape(ctx, i + 1, end);
                    i = end - 1;
                }
            } else {
                valueSize = parseValueSize(ctx.arg(i));
            }
        }
        if (shape == null && !npy) {
            shape = ElementShape.SCALAR;
        }
        if (type == null) {
            return new ArraySpec(path, null, 0, shape, writable);
        }
        if (type.hasFixedSize()) {
            if (valueSize != 0 && valueSize != type.fixedSize()) {
                throw RedmapException.err("invalid value_size");
            }
            valueSize = type.fixedSize();
        } else if (valueSize == 0) {
            throw RedmapException.err("string type must has value_size");
        }
        return new ArraySpec(path, type, valueSize, shape, writable);
    }

    private static boolean isOption(String word) {
        return word.equals("writable") || word.equals("dim") || word.equals("shape");
    }

    private static int parseValueSize(byte[] word) {
        long size;
        try {
            size = AsciiNumbers.parseLong(word);
        } catch (NumberFormatException e) {
            throw RedmapException.err("Arguments must be \"writable\" or integer");
        }
        if (size <= 0) {
            throw RedmapException.err("value_size must be positive");
        }
        if (size > MAX_STRING_SIZE) {
            throw RedmapException.err("value_size must be between 1 and " + MAX_STRING_SIZE);
        }
        return (int) size;
    }

    /** The axes of {@code SHAPE d1 [d2 ...]}: arguments {@code [from, to)}. */
    private static ElementShape parseShape(CommandContext ctx, int from, int to) {
        if (to == from) {
            throw RedmapException.err("SHAPE needs at least one axis");
        }
        if (to - from >= ElementShape.MAX_AXES) {
            throw RedmapException.err("SHAPE has more than " + (ElementShape.MAX_AXES - 1) + " axes");
        }
        int[] axes = new int[to - from];
        long values = 1;
        for (int i = 0; i < axes.length; i++) {
            long axis;
            try {
                axis = AsciiNumbers.parseLong(ctx.arg(from + i));
            } catch (NumberFormatException e) {
                throw RedmapException.err("SHAPE axes must be positive integers");
            }
            if (axis <= 0) {
                throw RedmapException.err("SHAPE axes must be positive integers");
            }
            values = Math.min(values * Math.min(axis, MAX_DIM + 1L), MAX_DIM + 1L); // no overflow, however many axes
            axes[i] = (int) Math.min(axis, MAX_DIM + 1L);
        }
        if (values > MAX_DIM) {
            throw RedmapException.err("SHAPE must hold between 1 and " + MAX_DIM + " values per element");
        }
        return ElementShape.of(axes);
    }

    private static int parseDim(byte[] word) {
        long dim;
        try {
            dim = AsciiNumbers.parseLong(word);
        } catch (NumberFormatException e) {
            throw RedmapException.err("DIM must be a positive integer");
        }
        if (dim <= 0 || dim > MAX_DIM) {
            throw RedmapException.err("DIM must be between 1 and " + MAX_DIM);
        }
        return (int) dim;
    }
}
