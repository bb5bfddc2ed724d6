package io.redmap.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmap.RedmapException;
import io.redmap.protocol.Request;
import io.redmap.protocol.Reply;
import io.redmap.store.MappedArray;
import io.redmap.type.Aggregates;
import io.redmap.type.BFloat16;
import io.redmap.type.HalfFloat;
import io.redmap.type.IntegerSum;
import io.redmap.type.FloatText;
import io.redmap.type.NumericCodec;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.redmap.command.CommandFlag.ARRAY_EVENT;
import static io.redmap.command.CommandFlag.DENYOOM;
import static io.redmap.command.CommandFlag.FAST;
import static io.redmap.command.CommandFlag.READONLY;
import static io.redmap.command.CommandFlag.WRITE;
import static io.redmap.command.CommandSpec.command;

/**
 * Arithmetic on the server: atomic increments (commands run one at a time under the command
 * lock, so concurrent increments never lose an update) and aggregation over the mapped data.
 */
final class NumericCommands {
    private NumericCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("vincrby").arity(4).flags(WRITE, DENYOOM, FAST, ARRAY_EVENT).keys(KeySpec.atFirst("RW", "access", "update")).group("module")
                        .syntax("key index delta").summary("Adds an integer to an element atomically; replies the new value.")
                        .handler(NumericCommands::vincrby),
                command("vincrbyfloat").arity(4).flags(WRITE, DENYOOM, FAST, ARRAY_EVENT).keys(KeySpec.atFirst("RW", "access", "update")).group("module")
                        .syntax("key index delta")
                        .summary("Adds a floating-point number to an element atomically; replies the new value.")
                        .handler(NumericCommands::vincrbyfloat),
                command("vagg").arity(-3).flags(READONLY).keys(KeySpec.atFirst("RO", "access")).group("module")
                        .syntax("key <SUM | MIN | MAX | AVG | COUNT> [start stop]")
                        .complexity("O(N) where N is the number of elements in the range")
                        .summary("Aggregates elements on the server (as numpy computes them); nil for an empty range.")
                        .handler(NumericCommands::vagg));
    }

    static void vincrby(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        NumericCodec codec = numeric(array, "VINCRBY");
        array.requireWritable();
        long index = ArrayCommands.index(ctx, 2, array.count());
        long delta = ctx.integer(3);
        array.requireWritableRows(index, 1);
        long offset = array.offsetOf(index);
        codec.incrementBy(array.segment(), offset, delta);
        array.written();
        codec.reply(array.segment(), offset, ctx.reply());
        propagateResult(ctx, array, offset);
    }

    static void vincrbyfloat(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        NumericCodec codec = numeric(array, "VINCRBYFLOAT");
        array.requireWritable();
        long index = ArrayCommands.index(ctx, 2, array.count());
        double delta;
        try {
            delta = FloatText.parseDouble(new String(ctx.arg(3), StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw RedmapException.err("value is not a valid float");
        }
        if (!Double.isFinite(delta)) {
            throw RedmapException.err("increment would produce NaN or Infinity");
        }
        array.requireWritableRows(index, 1);
        long offset = array.offsetOf(index);
        codec.incrementByFloat(array.segment(), offset, delta);
        array.written();
        codec.reply(array.segment(), offset, ctx.reply());
        propagateResult(ctx, array, offset);
    }

    /**
     * Replicas are sent the VSET of the result, as Redis propagates INCRBYFLOAT as a SET: the
     * value's text reads back to the same bits, whatever the replica's copy held meanwhile.
     */
    private static void propagateResult(CommandContext ctx, MappedArray array, long offset) {
        if (!ctx.server().replication().streaming()) {
            return;
        }
        ByteBuf text = Unpooled.buffer(48);
        array.codec().reply(array.segment(), offset, new Reply(text, 2));
        ctx.propagateAs(Request.of("VSET".getBytes(StandardCharsets.US_ASCII), ctx.arg(1), ctx.arg(2), valueOf(text)));
    }

    /** The value of a RESP2 integer ({@code :n}) or bulk string ({@code $len text}) reply. */
    private static byte[] valueOf(ByteBuf reply) {
        String written = reply.toString(StandardCharsets.US_ASCII);
        int lineEnd = written.indexOf("\r\n");
        String value = written.charAt(0) == ':' ? written.substring(1, lineEnd)
                : written.substring(lineEnd + 2, written.length() - 2);
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    static void vagg(CommandContext ctx) {
        MappedArray array = ctx.array(1);
        String function = ctx.keyword(2);
        if (ctx.argc() != 3 && ctx.argc() != 5) {
            throw CommandContext.syntaxError();
        }
        if (!List.of("sum", "min", "max", "avg", "count").contains(function)) {
            throw RedmapException.err("unknown aggregate '" + ctx.string(2) + "': use SUM, MIN, MAX, AVG or COUNT");
        }
        NumericCodec codec = function.equals("count") ? null : numeric(array, "VAGG " + function.toUpperCase());
        BulkCommands.Range range = ctx.argc() == 5
                ? BulkCommands.Range.of(ctx.integer(3), ctx.integer(4), array.count())
                : new BulkCommands.Range(0, array.count());
        long values = range.count() * array.dim();
        long offset = array.offsetOf(range.first());
        Reply reply = ctx.reply();
        if (function.equals("count")) {
            reply.integer(range.count());
            return;
        }
        if (values == 0) {
            if (function.equals("sum")) {
                replySum(codec, array, offset, 0, reply);
            } else {
                reply.nil();
            }
            return;
        }
        switch (function) {
            case "sum" -> replySum(codec, array, offset, values, reply);
            case "avg" -> reply.doubleText(formatAs(codec, Aggregates.mean(codec, array.segment(), offset, values)));
            default -> codec.reply(array.segment(),
                    Aggregates.extremeOffset(codec, array.segment(), offset, values, function.equals("max")), reply);
        }
    }

    private static void replySum(NumericCodec codec, MappedArray array, long offset, long values, Reply reply) {
        if (codec.isInteger()) {
            // Exact: an integer when it fits in int64, else digits as uint64 values above 2^63-1 are.
            IntegerSum sum = Aggregates.sumExact(codec, array.segment(), offset, values);
            if (sum.fitsLong()) {
                reply.integer(sum.low());
            } else {
                reply.bigNumber(sum.toString());
            }
            return;
        }
        reply.doubleText(formatAs(codec, Aggregates.sumFloating(codec, array.segment(), offset, values)));
    }

    /**
     * A floating result printed as a value of the array's type, as numpy shows a float32 or
     * float16 sum (the value is exact in that type already).
     */
    private static String formatAs(NumericCodec codec, double value) {
        return switch (codec.type()) {
            case FLOAT -> FloatText.formatFloat((float) value);
            case FLOAT16 -> HalfFloat.format(Float.floatToFloat16((float) value));
            case BFLOAT16 -> BFloat16.format((short) (Float.floatToRawIntBits((float) value) >>> 16));
            default -> FloatText.formatDouble(value);
        };
    }

    private static NumericCodec numeric(MappedArray array, String command) {
        if (array.dim() > 1 && command.startsWith("VINCR")) {
            throw RedmapException.err(command + " needs an array without DIM: it increments one value, not a row");
        }
        if (array.codec() instanceof NumericCodec numeric) {
            return numeric;
        }
        throw RedmapException.err(command + " needs a numeric type, not " + array.codec().type().canonicalName());
    }

}
