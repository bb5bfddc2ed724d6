package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.cluster.IncomingImport;
import io.redmap.keyspace.ByteKey;
import io.redmap.protocol.Request;
import io.redmap.replication.IncomingFile;
import io.redmap.store.ArraySpec;
import io.redmap.store.ElementShape;
import io.redmap.store.MappedArray;
import io.redmap.store.MappedFile;
import io.redmap.store.NpyHeader;
import io.redmap.type.ElementType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.redmap.command.CommandFlag.ADMIN;
import static io.redmap.command.CommandFlag.LOCK_FREE;
import static io.redmap.command.CommandFlag.NOSCRIPT;
import static io.redmap.command.CommandFlag.NO_MULTI;
import static io.redmap.command.CommandFlag.WRITE;
import static io.redmap.command.CommandSpec.command;

/**
 * The target's side of MIGRATE, which the source sends on a connection of its own (as Redis's
 * MIGRATE sends RESTORE-ASKING): {@code RDM.IMPORT.BEGIN} announces a key and its file and answers
 * the checksums of the file the target already holds at that place; {@code RDM.IMPORT.BLOCK} brings
 * a block that differs; {@code RDM.IMPORT.FLUSH} makes them durable before the source's last pass;
 * {@code RDM.IMPORT.KEY} puts the file in place and maps it. The target's
 * replicas take the new key with a full sync, which sends them only the blocks they lack.
 */
final class ImportCommands {
    private static final byte[] RESYNC = "RDM.RESYNC".getBytes(StandardCharsets.US_ASCII);

    private ImportCommands() {
    }

    static List<CommandSpec> specs() {
        return List.of(
                command("rdm.import.begin").arity(6).flags(ADMIN, NOSCRIPT, NO_MULTI).group("cluster")
                        .syntax("db key path size <REPLACE | KEEP>")
                        .summary("An internal command of MIGRATE: a key's file is about to arrive.")
                        .handler(ImportCommands::begin),
                command("rdm.import.block").arity(3).flags(ADMIN, NOSCRIPT, NO_MULTI, LOCK_FREE).group("cluster")
                        .syntax("offset data")
                        .summary("An internal command of MIGRATE: a block of the arriving file.")
                        .handler(ImportCommands::block),
                command("rdm.import.flush").arity(1).flags(ADMIN, NOSCRIPT, NO_MULTI, LOCK_FREE).group("cluster")
                        .summary("An internal command of MIGRATE: makes the blocks received so far durable.")
                        .handler(ImportCommands::flush),
                command("rdm.import.key").arity(-6).flags(WRITE, ADMIN, NOSCRIPT, NO_MULTI).group("cluster")
                        .syntax("size type value_size dim <w | r> [shape]")
                        .summary("An internal command of MIGRATE: the file is complete; map it under the key.")
                        .handler(ImportCommands::key));
    }

    static void begin(CommandContext ctx) {
        int db = (int) ctx.integer(1);
        ByteKey key = ctx.key(2);
        String path = ctx.string(3);
        long size = ctx.integer(4);
        boolean replace = ctx.keyword(5).equals("replace");
        if (db < 0 || db >= ctx.keyspace().databaseCount() || ctx.server().cluster() != null && db != 0) {
            throw RedmapException.err("DB index is out of range");
        }
        if (size < 0) {
            throw RedmapException.err("invalid file size");
        }
        MappedArray existing = ctx.keyspace().get(db, key);
        if (existing != null && !replace) {
            throw new RedmapException("BUSYKEY", "Target key name already exists.");
        }
        Path target = ctx.keyspace().store().files().policy().resolve(path);
        AclCheck.checkKey(ctx, ctx.arg(2));
        AclCheck.checkFile(ctx, target);
        for (MappedFile open : ctx.keyspace().store().files().openFiles()) {
            if (open.path().equals(target.toString()) && (existing == null || existing.file() != open)) {
                throw RedmapException.err("the target file " + target + " is mapped by another key");
            }
        }
        try {
            IncomingFile file = new IncomingFile(target, size, ctx.server().config().fileMode());
            boolean keysOwnFile = existing != null && existing.file().path().equals(target.toString());
            boolean fileThere = Files.exists(target);
            IncomingImport incoming = new IncomingImport(db, key, path, target, file, replace, fileThere,
                    fileThere && !keysOwnFile);
            ctx.session().attach(incoming);
            byte[] sums = file.localChecksums();
            ctx.reply().bulk(sums == null ? new byte[0] : sums);
        } catch (IOException e) {
            throw RedmapException.err("cannot read " + target + ": " + e.getMessage());
        }
    }

    /** Runs without the command lock: it writes only into this connection's temporary file. */
    static void block(CommandContext ctx) {
        IncomingImport incoming = incoming(ctx);
        long offset = ctx.integer(1);
        if (offset < 0) {
            throw RedmapException.err("invalid offset");
        }
        try {
            incoming.file().write(offset, ByteBuffer.wrap(ctx.arg(2)));
        } catch (IOException e) {
            throw abandoned(ctx, incoming, e);
        }
        ctx.reply().ok();
    }

    /** Runs without the command lock, as BLOCK: an fsync of this connection's temporary file. */
    static void flush(CommandContext ctx) {
        IncomingImport incoming = incoming(ctx);
        try {
            incoming.file().flush();
        } catch (IOException e) {
            throw abandoned(ctx, incoming, e);
        }
        ctx.reply().ok();
    }

    static void key(CommandContext ctx) {
        IncomingImport incoming = incoming(ctx);
        long size = ctx.integer(1);
        if (ctx.argc() > 7) {
            throw CommandContext.syntaxError();
        }
        ElementShape shape = ctx.argc() == 7 ? shape(ctx.string(6)) : ElementShape.ofDim((int) ctx.integer(4));
        ArraySpec spec = spec(incoming.path(), ctx.string(2), (int) ctx.integer(3), shape, ctx.keyword(5).equals("w"));
        if (ctx.keyspace().get(incoming.db(), incoming.key()) != null && !incoming.replace()) {
            throw new RedmapException("BUSYKEY", "Target key name already exists.");
        }
        incoming.file().resize(size);
        if (incoming.foreignFile() && incoming.file().changed()) {
            // A file of its own that no key maps here: never overwritten behind the operator's back.
            ctx.session().closeAttachment();
            throw RedmapException.err("the target already has a different file at " + incoming.target()
                    + ", which no key maps: move or delete it, then MIGRATE again");
        }
        try {
            incoming.file().finish();
            incoming.file().commit();
        } catch (IOException e) {
            throw abandoned(ctx, incoming, e);
        }
        ctx.session().attach(null);
        if (incoming.replace()) {
            ctx.keyspace().delete(incoming.db(), incoming.key());
        }
        MappedArray array = ctx.keyspace().map(incoming.db(), incoming.key(), spec, false);
        if (!incoming.fileWasThere()) {
            ctx.keyspace().markCreated(array.file().path());
        }
        ctx.modified(incoming.db(), incoming.key());
        // The replicas lack the file: a full sync brings it, with the key (blocks they hold are not sent).
        ctx.propagateAs(Request.of(RESYNC));
        ctx.reply().ok();
    }

    /** The arriving file could not be written: the import is abandoned (its temporary file goes). */
    private static RedmapException abandoned(CommandContext ctx, IncomingImport incoming, IOException e) {
        ctx.session().closeAttachment();
        return RedmapException.err("cannot write " + incoming.target() + ": " + e.getMessage());
    }

    /** The key's spec as the source mapped it; a .npy file brings its own type and shape. */
    private static ArraySpec spec(String path, String type, int valueSize, ElementShape shape, boolean writable) {
        if (NpyHeader.isNpyPath(path)) {
            return new ArraySpec(path, null, 0, null, writable);
        }
        return new ArraySpec(path, ElementType.require(type), valueSize, shape, writable);
    }

    /** The element shape the source sends when DIM does not say it ({@code (3,4)}). */
    private static ElementShape shape(String text) {
        try {
            return ElementShape.parse(text);
        } catch (IllegalArgumentException e) {
            throw RedmapException.err("bad element shape " + text);
        }
    }

    private static IncomingImport incoming(CommandContext ctx) {
        if (!(ctx.session().attachment() instanceof IncomingImport incoming)) {
            throw RedmapException.err("no MIGRATE is arriving on this connection (RDM.IMPORT.BEGIN first)");
        }
        return incoming;
    }
}
