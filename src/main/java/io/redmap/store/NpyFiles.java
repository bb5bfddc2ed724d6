package io.redmap.store;

import java.nio.file.Path;
import java.nio.file.Files;
import io.redmap.RedmapException;
import io.redmap.type.ElementCodec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Opens .npy files as arrays: reads (or, for a new writable file, writes) the header. */
final class NpyFiles {
    private NpyFiles() {
    }

    /**
     * Refuses, before any file is opened or created, a request that could not make a valid
     * .npy file: a missing file needs a type numpy knows.
     */
    static void checkBeforeOpen(ArraySpec spec, Path real) {
        if (Files.exists(real)) {
            return;
        }
        if (spec.type() == null) {
            throw RedmapException.err("a new .npy file needs a type: MMAP key path.npy type [SHAPE d1 ...] WRITABLE");
        }
        if (spec.type().codec(spec.valueSize()).npyDescr() == null) {
            throw RedmapException.err("numpy has no dtype for " + spec.type().canonicalName());
        }
    }

    static MappedArray open(MappedFile file, ArraySpec spec, Durability durability) {
        if (file.length() == 0) {
            createHeader(file, spec);
        }
        NpyHeader header = NpyHeader.read(file.segment(), file.length());
        header.requireServable();
        ElementCodec codec = NpyHeader.codecFor(header.descr());
        if (spec.type() != null && (spec.type() != codec.type() || spec.valueSize() != codec.size())) {
            throw RedmapException.err("the type does not match the .npy header ('" + header.descr() + "')");
        }
        ElementShape shape = header.elementShape();
        if (spec.shape() != null && !spec.shape().matches(shape)) {
            throw RedmapException.err("SHAPE " + spec.shape().text() + " does not match the .npy header's elements of shape "
                    + shape.text());
        }
        MappedArray array = new MappedArray(file, spec.path(), codec, shape, header.dataOffset(),
                spec.writable(), durability, header);
        file.npyGuard().add(header, array.rowBytes());
        boolean success = false;
        try {
            if (spec.writable()) {
                // A crash between an append and its header update leaves the header short: set it right.
                array.shapeChanged();
            }
            success = true;
        } finally {
            if (!success) {
                file.npyGuard().remove();
            }
        }
        return array;
    }

    private static void createHeader(MappedFile file, ArraySpec spec) {
        if (!spec.writable()) {
            throw RedmapException.err("not a usable .npy file: it is empty");
        }
        if (spec.type() == null) {
            throw RedmapException.err("a new .npy file needs a type: MMAP key path.npy type [SHAPE d1 ...] WRITABLE");
        }
        String descr = spec.type().codec(spec.valueSize()).npyDescr();
        if (descr == null) {
            throw RedmapException.err("numpy has no dtype for " + spec.type().canonicalName());
        }
        byte[] header = NpyHeader.create(descr, 0, spec.shape() == null ? ElementShape.SCALAR : spec.shape());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(header.length);
            MemorySegment.copy(MemorySegment.ofArray(header), 0, bytes, 0, header.length);
            file.append(bytes);
        } catch (NativeIOException e) {
            throw RedmapException.err("cannot write the .npy header: " + e.getMessage());
        }
    }
}
