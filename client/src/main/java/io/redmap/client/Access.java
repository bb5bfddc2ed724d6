package io.redmap.client;

import io.redmap.client.Transfers.LayoutChangedException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.function.Function;

/**
 * What every typed view shares: the wire, the remembered layouts and the chunked transfers, and the
 * rule for which layout an operation trusts. Reads trust the remembered type and row shape (one
 * round trip for a gather) and look again once when a reply does not fit; writes always look again,
 * since bytes of the wrong type written are not undone.
 */
final class Access {
    final Wire wire;
    final Layouts layouts;
    final Transfers transfers;

    Access(Wire wire, int chunkBytes) {
        this.wire = wire;
        this.layouts = new Layouts(wire);
        this.transfers = new Transfers(wire, chunkBytes);
    }

    /**
     * Runs a read with the key's layout: the remembered one, or the server's now when
     * {@code needsCount} (the count is never remembered). A server error makes the client forget the key.
     */
    <T> T reading(String key, boolean needsCount, Function<ArrayInfo, T> read) {
        try {
            ArrayInfo info = needsCount ? layouts.fresh(key) : layouts.remembered(key);
            try {
                return read.apply(info);
            } catch (LayoutChangedException remapped) {
                return read.apply(layouts.fresh(key));
            }
        } catch (JedisDataException e) {
            layouts.forget(key);
            throw e;
        }
    }

    /** Runs a write with the key's layout as the server has it now. */
    <T> T writing(String key, Function<ArrayInfo, T> write) {
        try {
            return write.apply(layouts.fresh(key));
        } catch (JedisDataException e) {
            layouts.forget(key);
            throw e;
        }
    }

    /** Bytes of one row of {@code info} (its values are the primitive's width: checked by the caller). */
    static int rowBytes(ArrayInfo info) {
        return Math.multiplyExact(info.rowLength(), info.type().bytes());
    }

    /** Sends a read with a negative start or count as it is, so that the caller gets the server's own error. */
    void refuseNegative(String key, long start, long count) {
        if (start < 0 || count < 0) {
            wire.vread(key, start, count);
            throw new IllegalStateException("the server accepted VREAD " + key + " " + start + " " + count);
        }
    }

    /** The same for a write at a negative start (VWRITE's own error). */
    void refuseNegative(String key, long start) {
        if (start < 0) {
            wire.vwrite(key, start, new byte[0]);
            throw new IllegalStateException("the server accepted VWRITE " + key + " " + start);
        }
    }
}
