package io.redmap.store;

import io.redmap.RedmapException;
import io.redmap.type.ByteSwappedCodec;
import io.redmap.type.ElementCodec;
import io.redmap.type.ElementType;
import io.redmap.type.Layouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a numpy {@code .npy} file (format versions 1, 2 and 3): magic, version, the
 * length of a Python dict literal, and the dict itself, e.g.
 * {@code {'descr': '<f8', 'fortran_order': False, 'shape': (10, 3), }}, padded with spaces so
 * that the data starts at a multiple of 64.
 *
 * <p>numpy leaves room in the padding for the first dimension to grow; appends and pops
 * rewrite the shape in place, keeping the header's length, so that
 * {@code numpy.load(path, mmap_mode='r')} always reads the current array.
 */
public record NpyHeader(int majorVersion, int dataOffset, String descr, boolean fortranOrder, long[] shape) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** numpy's room for the growing dimension: 21 digits. */
    private static final int GROWTH_DIGITS = 21;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Whether a path names a .npy file (by its extension, as numpy does). */
    public static boolean isNpyPath(String path) {
        return path.toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    /** Reads and checks the header at the start of a mapped file of {@code length} bytes. */
    static NpyHeader read(MemorySegment file, long length) {
        if (length < 10 || mismatch(file)) {
            throw invalid("missing magic string");
        }
        int major = Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, 6));
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(file.get(Layouts.SHORT, 8));
            prefix = 10;
        } else if (major == 2 || major == 3) {
            if (length < 12) {
                throw invalid("truncated header");
            }
            headerLength = Integer.toUnsignedLong(file.get(Layouts.INT, 8));
            prefix = 12;
        } else {
            throw invalid("unsupported format version " + major);
        }
        if (prefix + headerLength > length || prefix + headerLength > Integer.MAX_VALUE) {
            throw invalid("header longer than the file");
        }
        byte[] bytes = file.asSlice(prefix, headerLength).toArray(ValueLayout.JAVA_BYTE);
        String dict = new String(bytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        Matcher shape = SHAPE.matcher(dict);
        if (!descr.find()) {
            throw invalid(dict.contains("'descr'") ? "structured or object dtypes are not supported" : "no descr");
        }
        if (!fortran.find() || !shape.find()) {
            throw invalid("header lacks fortran_order or shape");
        }
        return new NpyHeader(major, (int) (prefix + headerLength), descr.group(1), fortran.group(1).equals("True"),
                parseShape(shape.group(1)));
    }

    private static boolean mismatch(MemorySegment file) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (file.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                return true;
            }
        }
        return false;
    }

    private static long[] parseShape(String text) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                try {
                    long dim = Long.parseLong(trimmed.endsWith("L") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
                    if (dim < 0) {
                        throw new NumberFormatException();
                    }
                    dims.add(dim);
                } catch (NumberFormatException e) {
                    throw invalid("bad shape (" + text + ")");
                }
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** The shape of one element: the axes after the first (C order: each element is one row). */
    ElementShape elementShape() {
        int[] axes = new int[shape.length - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = (int) shape[i + 1];
        }
        return ElementShape.of(axes);
    }

    /** Checks that redmap can serve this array: C order, at least one axis, elements of whole values. */
    void requireServable() {
        if (fortranOrder) {
            throw invalid("Fortran-order arrays are not supported (save with numpy.ascontiguousarray)");
        }
        if (shape.length == 0) {
            throw invalid("a 0-D array (a single value) has no axis to index; save it as shape (1,)");
        }
        if (shape.length > ElementShape.MAX_AXES) {
            throw invalid("more than " + ElementShape.MAX_AXES + " axes");
        }
        long values = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw invalid("shape " + shapeText() + " has an empty axis after the first: its elements hold no values");
            }
            values *= shape[i];
            if (values > Integer.MAX_VALUE) {
                throw invalid("shape " + shapeText() + ": an element of more than " + Integer.MAX_VALUE + " values");
            }
        }
    }

    private String shapeText() {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            out.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return out.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * A complete version-1 header for a new file, with numpy's growth room and 64-byte
     * alignment.
     */
    static byte[] create(String descr, long rows, ElementShape element) {
        String dict = dict(descr, element.numpyShape(rows));
        int growth = Math.max(0, GROWTH_DIGITS - Long.toString(rows).length());
        int unpadded = 10 + dict.length() + growth + 1;
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        return layout(1, dict, total);
    }

    /** This header with another number of rows, the same length (the data must not move). */
    byte[] withRows(long rows) {
        return layout(majorVersion, dict(descr, elementShape().numpyShape(rows)), dataOffset);
    }

    /** The dict literal, with the shape as numpy writes it ({@code (5,)}, {@code (5, 3, 4)}). */
    private static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    private static byte[] layout(int major, String dict, int total) {
        int prefix = major == 1 ? 10 : 12;
        byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int headerLength = total - prefix;
        if (text.length + 1 > headerLength) {
            throw RedmapException.err("the .npy header has no room left for the new shape");
        }
        byte[] out = new byte[total];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = (byte) major;
        out[7] = 0;
        if (major == 1) {
            out[8] = (byte) headerLength;
            out[9] = (byte) (headerLength >>> 8);
        } else {
            for (int i = 0; i < 4; i++) {
                out[8 + i] = (byte) (headerLength >>> (8 * i));
            }
        }
        System.arraycopy(text, 0, out, prefix, text.length);
        for (int i = prefix + text.length; i < total - 1; i++) {
            out[i] = ' ';
        }
        out[total - 1] = '\n';
        return out;
    }

    /** The element type a numpy dtype string names ({@code <f8}, {@code >i4}, {@code |S16}...). */
    static ElementCodec codecFor(String descr) {
        if (descr.length() < 2) {
            throw invalid("unsupported dtype '" + descr + "'");
        }
        char order = descr.charAt(0);
        String kind = "<>|=".indexOf(order) >= 0 ? descr.substring(1) : descr;
        boolean bigEndian = order == '>';
        ElementCodec codec;
        if (kind.startsWith("S") && kind.length() > 1) {
            int size;
            try {
                size = Integer.parseInt(kind.substring(1));
            } catch (NumberFormatException e) {
                throw invalid("unsupported dtype '" + descr + "'");
            }
            if (size <= 0) {
                throw invalid("unsupported dtype '" + descr + "'");
            }
            return ElementType.STRING.codec(size);
        }
        ElementType type = kind.matches("[iuf][0-9]+") ? ElementType.find(kind) : null;
        if (type == null) {
            throw invalid("unsupported dtype '" + descr + "' (object, bool, complex and datetime arrays cannot be served)");
        }
        codec = type.codec(type.fixedSize());
        return bigEndian && codec.size() > 1 ? ByteSwappedCodec.of(codec) : codec;
    }

    private static RedmapException invalid(String reason) {
        return RedmapException.err("not a usable .npy file: " + reason);
    }
}
