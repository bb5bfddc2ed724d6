package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.protocol.AsciiNumbers;
import io.redmap.store.MappedArray;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.redmap.command.CommandFlag.ARRAY_EVENT;
import static io.redmap.command.CommandFlag.DENYOOM;
import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOCK_FREE_READ;
import static io.redmap.command.CommandFlag.READONLY;
import static io.redmap.command.CommandFlag.WRITE;
import static io.redmap.command.CommandSpec.command;

/**
 * Ranges and raw bytes: VRANGE (LRANGE's rules), VREAD, VMREAD and VWRITE (little-endian elements,
 * no text conversion: for moving millions of values, or a batch of random rows, to and from numpy
 * or Java), and VSYNC.
 */
final class BulkCommands {
    private BulkCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("vrange").arity(4).flags(READONLY).keys(KeySpec.atFirst("RO", "access")).group("module")
                        .syntax("key start stop").complexity("O(N) where N is the number of elements returned")
                        .summary("Returns the elements from start to stop, inclusive (negative counts from the end).")
                        .handler(BulkCommands::vrange),
                command("vread").arity(4).flags(READONLY, LOCK_FREE_READ).keys(KeySpec.atFirst("RO", "access")).group("module")
                        .syntax("key start count").complexity("O(N) where N is the number of bytes returned")
                        .summary("Returns count elements from start as their raw little-endian bytes.")
                        .handler(BulkCommands::vread),
                command("vmread").arity(-3).flags(READONLY, FAST, LOCK_FREE_READ).keys(KeySpec.atFirst("RO", "access")).group("module")
                        .syntax("key index [index ...]").complexity("O(N) where N is the number of bytes returned")
                        .summary("Returns the elements at several indices, in order, as their raw little-endian bytes.")
                        .handler(BulkCommands::vmread),
                command("vwrite").arity(4).flags(WRITE, DENYOOM, ARRAY_EVENT).keys(KeySpec.atFirst("RW", "update")).group("module")
                        .syntax("key start bytes").complexity("O(N) where N is the number of bytes written")
                        .summary("Writes raw little-endian elements from start (start == count appends); replies how many.")
                        .handler(BulkCommands::vwrite),
                command("vsync").arity(2).flags(WRITE, FAST).keys(KeySpec.atFirst("RW")).group("module")
                        .syntax("key").summary("Returns once the key's data and length are durable on disk.")
                        .handler(BulkCommands::vsync));
    }

    /** A row range after LRANGE's rules: {@code [first, first + count)}. */
    record Range(long first, long count) {
        static Range of(long start, long stop, long length) {
            if (start < 0) {
                start = Math.max(0, length + start);
            }
            if (stop < 0) {
                stop = length + stop;
            }
            if (stop >= length) {
                stop = length - 1;
            }
            if (start > stop || start >= length) {
                return new Range(0, 0);
            }
            return new Range(start, stop - start + 1);
        }
    }

    static void vrange(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        Range range = Range.of(ctx.integer(2), ctx.integer(3), array.count());
        RowStream.reply(ctx, array, range.first(), range.count());
    }

    static void vread(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        long start = position(ctx.arg(2));
        long rows = position(ctx.arg(3));
        long count = array.count();
        if (start > count || rows > count - start) {
            throw RedmapException.err("index exceeds size");
        }
        ByteStream.replyRange(ctx, array, start, rows);
    }

    static void vmread(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        long count = array.count();
        long[] rows = new long[ctx.argc() - 2];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = ArrayCommands.index(ctx, i + 2, count); // VMGET's checks and errors, in its order
        }
        ByteStream.replyRows(ctx, array, rows);
    }

    static void vwrite(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        array.requireWritable();
        long start = position(ctx.arg(2));
        byte[] data = ctx.arg(3);
        if (data.length % array.rowBytes() != 0) {
            throw RedmapException.err("data length " + data.length + " is not a whole number of "
                    + array.rowBytes() + "-byte elements");
        }
        long rows = data.length / array.rowBytes();
        long count = array.count();
        if (start > count) {
            throw RedmapException.err("index exceeds size");
        }
        long overwritten = Math.min(rows, count - start);
        if (overwritten < rows) {
            array.requireWholeRows();
        }
        array.requireWritableRows(start, overwritten);
        MemorySegment source = MemorySegment.ofArray(data);
        long overwrittenBytes = overwritten * array.rowBytes();
        if (overwritten < rows) { // append first: a refused append (disk full, .npy header) changes nothing
            MemorySegment tail = Staging.of(data.length - overwrittenBytes);
            MemorySegment.copy(source, overwrittenBytes, tail, 0, tail.byteSize());
            if (array.append(tail)) {
                ctx.session().deferredAppends().note(array.file());
            }
        }
        MemorySegment.copy(source, 0, array.segment(), array.offsetOf(start), overwrittenBytes);
        array.written();
        ctx.reply().integer(rows);
    }

    static void vsync(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        array.sync();
        // A write command for its flags (it touches the disk), but no element changes.
        ctx.modifiedNothing();
        ctx.reply().ok();
    }

    /** A non-negative index or count; the text rules are those of index arguments. */
    private static long position(byte[] text) {
        long value;
        try {
            value = AsciiNumbers.parseLong(text);
        } catch (NumberFormatException e) {
            throw RedmapException.err("index argument must be integer");
        }
        if (value < 0) {
            throw RedmapException.err("index exceeds size");
        }
        return value;
    }
}
