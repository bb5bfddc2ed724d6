package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.protocol.Reply;
import io.redmap.protocol.Request;
import io.redmap.store.ElementShape;
import io.redmap.store.MappedArray;
import io.redmap.type.ElementCodec;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.redmap.command.CommandFlag.ARRAY_EVENT;
import static io.redmap.command.CommandFlag.DENYOOM;
import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.LOCK_FREE_READ;
import static io.redmap.command.CommandFlag.READONLY;
import static io.redmap.command.CommandFlag.WRITE;
import static io.redmap.command.CommandSpec.command;

/** The RedisMMap element commands: read, write, append, pop and describe an array's elements. */
final class ArrayCommands {
    private static final RedmapException INDEX_NOT_INTEGER = RedmapException.err("index argument must be integer");
    private static final RedmapException INDEX_EXCEEDS = RedmapException.err("index exceeds size");
    private static final byte[] VWRITE = "VWRITE".getBytes(StandardCharsets.US_ASCII);

    private ArrayCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("vget").arity(3).flags(READONLY, FAST, LOCK_FREE_READ).keys(KeySpec.atFirst("RO", "access")).group("module")
                        .syntax("key index").summary("Returns the element at an index.")
                        .handler(ArrayCommands::vget),
                command("vmget").arity(-3).flags(READONLY, FAST, LOCK_FREE_READ).keys(KeySpec.atFirst("RO", "access")).group("module")
                        .syntax("key index [index ...]").complexity("O(N) where N is the number of indices")
                        .summary("Returns the elements at several indices.").handler(ArrayCommands::vmget),
                command("vset").arity(-4).flags(WRITE, DENYOOM, FAST, ARRAY_EVENT).keys(KeySpec.atFirst("RW", "update")).group("module")
                        .syntax("key index value [index value ...]").complexity("O(N) where N is the number of values")
                        .summary("Sets elements at indices; replies how many were set.").handler(ArrayCommands::vset),
                command("vadd").arity(-3).flags(WRITE, DENYOOM, FAST, ARRAY_EVENT).keys(KeySpec.atFirst("RW", "insert")).group("module")
                        .syntax("key value [value ...]").complexity("O(N) where N is the number of values")
                        .summary("Appends elements; replies how many were appended.").handler(ArrayCommands::vadd),
                command("vpop").arity(2).flags(WRITE, FAST, ARRAY_EVENT).keys(KeySpec.atFirst("RW", "access", "delete")).group("module")
                        .syntax("key").summary("Removes and returns the last element; nil when empty.")
                        .handler(ArrayCommands::vpop),
                command("vcount").arity(2).flags(READONLY, FAST).keys(KeySpec.atFirst("RO")).group("module")
                        .syntax("key").summary("Returns the number of elements.").handler(ArrayCommands::vcount),
                command("vclear").arity(2).flags(WRITE, ARRAY_EVENT).keys(KeySpec.atFirst("RW", "delete")).group("module")
                        .syntax("key").summary("Truncates the file to no elements; replies the count before.")
                        .handler(ArrayCommands::vclear),
                command("vall").arity(2).flags(READONLY).keys(KeySpec.atFirst("RO", "access")).group("module")
                        .syntax("key").complexity("O(N) where N is the number of elements")
                        .summary("Returns every element.").handler(ArrayCommands::vall),
                command("vtype").arity(2).flags(READONLY, FAST).keys(KeySpec.atFirst("RO")).group("module")
                        .syntax("key").summary("Returns the element type.").handler(ArrayCommands::vtype),
                command("vshape").arity(2).flags(READONLY, FAST).keys(KeySpec.atFirst("RO")).group("module")
                        .syntax("key").summary("Returns the array's shape, first axis (the element count) first.")
                        .handler(ArrayCommands::vshape),
                command("vsize").arity(2).flags(READONLY, FAST).keys(KeySpec.atFirst("RO")).group("module")
                        .syntax("key").summary("Returns the size of one value in bytes.").handler(ArrayCommands::vsize),
                command("vfilepath").arity(2).flags(READONLY, FAST).keys(KeySpec.atFirst("RO")).group("module")
                        .syntax("key").summary("Returns the file path as given to MMAP.")
                        .handler(ArrayCommands::vfilepath));
    }

    static void vget(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        long row = index(ctx, 2, array.count());
        replyRow(array, row, ctx.reply());
    }

    static void vmget(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        long count = array.count();
        long[] rows = new long[ctx.argc() - 2];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = index(ctx, i + 2, count);
        }
        RowStream.reply(ctx, array, rows);
    }

    static void vset(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        array.requireWritable();
        int group = 1 + array.dim();
        int pairs = (ctx.argc() - 2) / group;
        if ((ctx.argc() - 2) % group != 0) {
            throw wrongValueCount(ctx, array, "an index and");
        }
        long count = array.count();
        long[] rows = new long[pairs];
        MemorySegment staged = Staging.of(pairs * array.rowBytes());
        for (int p = 0; p < pairs; p++) {
            int at = 2 + p * group;
            rows[p] = index(ctx, at, count);
            parseRow(ctx, at + 1, array, staged, p * array.rowBytes());
        }
        for (long row : rows) {
            array.requireWritableRows(row, 1); // all or nothing: a refused row changes no other
        }
        for (int p = 0; p < pairs; p++) {
            array.writeRow(rows[p], staged, p * array.rowBytes());
        }
        array.written();
        ctx.reply().integer(pairs);
    }

    static void vadd(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        array.requireWritable();
        int values = ctx.argc() - 2;
        if (values % array.dim() != 0) {
            throw wrongValueCount(ctx, array, "");
        }
        int rows = values / array.dim();
        MemorySegment staged = Staging.of(rows * array.rowBytes());
        for (int r = 0; r < rows; r++) {
            parseRow(ctx, 2 + r * array.dim(), array, staged, r * array.rowBytes());
        }
        long before = array.count();
        if (array.append(staged)) {
            ctx.session().deferredAppends().note(array.file());
        }
        array.written();
        ctx.reply().integer(rows);
        if (!ctx.server().replication().streaming()) {
            return;
        }
        // Replicas append the very bytes appended here, not text to parse again.
        byte[] appended = staged.asSlice(0, rows * array.rowBytes()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        ctx.propagateAs(Request.of(VWRITE, ctx.arg(1), Long.toString(before).getBytes(StandardCharsets.US_ASCII), appended));
    }

    static void vpop(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        array.requireWritable();
        long count = array.count();
        if (count == 0) {
            ctx.modifiedNothing();
            ctx.reply().nil();
            return;
        }
        array.requireWholeRows();
        array.requireTruncatable(count - 1); // before the reply: a refused pop replies only its error
        replyRow(array, count - 1, ctx.reply());
        array.truncateRows(count - 1);
        array.written();
    }

    static void vcount(CommandContext ctx) {
        ctx.reply().integer(ctx.array(1).refreshCount());
    }

    static void vclear(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        array.requireWritable();
        long before = array.count();
        array.truncateRows(0);
        array.written();
        ctx.reply().integer(before);
    }

    static void vall(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        RowStream.reply(ctx, array, 0, array.count());
    }

    static void vtype(CommandContext ctx) {
        ctx.reply().bulk(ctx.array(1).codec().type().canonicalName());
    }

    static void vshape(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        ElementShape element = array.elementShape();
        ctx.reply().arrayHeader(1 + element.rank());
        ctx.reply().integer(array.count());
        for (int i = 0; i < element.rank(); i++) {
            ctx.reply().integer(element.axis(i));
        }
    }

    static void vsize(CommandContext ctx) {
        ctx.reply().integer(ctx.array(1).codec().size());
    }

    static void vfilepath(CommandContext ctx) {
        ctx.reply().bulk(ctx.array(1).givenPath());
    }

    /** Parses index argument {@code at} and checks it against the count (no multiplication can overflow after). */
    static long index(CommandContext ctx, int at, long count) {
        long index;
        try {
            index = ctx.request().parseLong(at);
        } catch (NumberFormatException e) {
            throw INDEX_NOT_INTEGER;
        }
        if (index < 0 || index >= count) {
            throw INDEX_EXCEEDS;
        }
        return index;
    }

    /** One element: a value, or for rows (DIM n) an array of n values. */
    static void replyRow(MappedArray array, long row, Reply reply) {
        ElementCodec codec = array.codec();
        MemorySegment segment = array.segment();
        long offset = array.offsetOf(row);
        if (array.dim() == 1) {
            codec.reply(segment, offset, reply);
            return;
        }
        reply.arrayHeader(array.dim());
        for (int i = 0; i < array.dim(); i++) {
            codec.reply(segment, offset + (long) i * codec.size(), reply);
        }
    }

    /**
     * Replies the given rows, each a value or for rows (DIM n) an array of n values. The array is
     * used up: its entries are overwritten.
     */
    static void replyRows(MappedArray array, long[] rows, Reply reply) {
        if (array.dim() != 1) {
            for (long row : rows) {
                replyRow(array, row, reply);
            }
            return;
        }
        for (int i = 0; i < rows.length; i++) {
            rows[i] = array.offsetOf(rows[i]);
        }
        array.codec().replyAll(array.segment(), rows, reply);
    }

    /** Parses the {@code dim} values of one row, from argument {@code first} on, into the staging buffer. */
    private static void parseRow(CommandContext ctx, int first, MappedArray array, MemorySegment staged, long offset) {
        ElementCodec codec = array.codec();
        for (int i = 0; i < array.dim(); i++) {
            codec.parse(ctx.arg(first + i), staged, offset + (long) i * codec.size());
        }
    }


    private static RedmapException wrongValueCount(CommandContext ctx, MappedArray array, String what) {
        int dim = array.dim();
        if (dim == 1) {
            return RedmapException.err("wrong number of arguments for '" + ctx.keyword(0) + "' command");
        }
        ElementShape shape = array.elementShape();
        String has = shape.rank() == 1 ? "DIM " + dim : "SHAPE " + shape.text();
        return RedmapException.err("each row needs " + what + (what.isEmpty() ? "" : " ") + dim
                + " values (the key has " + has + ")");
    }
}
