package io.redmap.command;

import io.redmap.protocol.Reply;

import java.util.List;

/**
 * One command's entry in COMMAND INFO and COMMAND DOCS, field for field as Redis 7.2 writes them
 * ({@code addReplyCommandInfo}, {@code addReplyCommandDocs}): sets where Redis writes sets, so
 * that RESP3 clients see the same types.
 */
final class CommandInfoReply {
    private CommandInfoReply() {
    }

    static void info(CommandSpec spec, Reply reply) {
        reply.arrayHeader(10);
        reply.bulk(spec.name());
        reply.integer(spec.arity());
        List<String> flags = spec.flags().stream().filter(CommandFlag::shownInCommandInfo).map(CommandFlag::wireName).toList();
        simpleSet(flags, reply);
        reply.integer(spec.keys().first());
        reply.integer(spec.keys().last());
        reply.integer(spec.keys().step());
        List<String> categories = spec.categories().stream().map(category -> "@" + category.wireName()).toList();
        simpleSet(categories, reply);
        reply.setHeader(spec.tips().size());
        for (String tip : spec.tips()) {
            reply.bulk(tip);
        }
        keySpecs(spec.keys(), reply);
        if (spec.isContainer()) {
            reply.arrayHeader(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands()) {
                info(sub, reply);
            }
        } else {
            reply.setHeader(0);
        }
    }

    private static void simpleSet(List<String> items, Reply reply) {
        reply.setHeader(items.size());
        for (String item : items) {
            reply.simple(item);
        }
    }

    private static void keySpecs(KeySpec keys, Reply reply) {
        reply.setHeader(keys.ranges().size());
        for (KeySpec.Range range : keys.ranges()) {
            reply.mapHeader(3);
            reply.bulk("flags");
            simpleSet(range.flags(), reply);
            reply.bulk("begin_search");
            reply.mapHeader(2);
            reply.bulk("type");
            if (range.keyword() == null) {
                reply.bulk("index");
                reply.bulk("spec");
                reply.mapHeader(1);
                reply.bulk("index");
                reply.integer(range.index());
            } else {
                reply.bulk("keyword");
                reply.bulk("spec");
                reply.mapHeader(2);
                reply.bulk("keyword");
                reply.bulk(range.keyword());
                reply.bulk("startfrom");
                reply.integer(range.startFrom());
            }
            reply.bulk("find_keys");
            reply.mapHeader(2);
            reply.bulk("type");
            reply.bulk("range");
            reply.bulk("spec");
            reply.mapHeader(3);
            reply.bulk("lastkey");
            reply.integer(range.lastKey());
            reply.bulk("keystep");
            reply.integer(range.keyStep());
            reply.bulk("limit");
            reply.integer(range.limit());
        }
    }

    static void docs(CommandSpec spec, Reply reply) {
        List<CommandDocs.Argument> arguments = CommandDocs.arguments(spec.syntax());
        DocInfo doc = spec.docInfo();
        List<String> docFlags = doc.docFlags();
        int fields = 4 + (docFlags.isEmpty() ? 0 : 1) + (doc.deprecatedSince() == null ? 0 : 1)
                + (doc.replacedBy() == null ? 0 : 1) + (doc.history().isEmpty() ? 0 : 1)
                + (arguments.isEmpty() ? 0 : 1) + (spec.isContainer() ? 1 : 0);
        reply.mapHeader(fields);
        reply.bulk("summary");
        reply.bulk(spec.summary());
        reply.bulk("since");
        reply.bulk(doc.since());
        reply.bulk("group");
        reply.bulk(spec.group());
        reply.bulk("complexity");
        reply.bulk(spec.complexity());
        if (!docFlags.isEmpty()) {
            reply.bulk("doc_flags");
            simpleSet(docFlags, reply);
        }
        if (doc.deprecatedSince() != null) {
            reply.bulk("deprecated_since");
            reply.bulk(doc.deprecatedSince());
        }
        if (doc.replacedBy() != null) {
            reply.bulk("replaced_by");
            reply.bulk(doc.replacedBy());
        }
        if (!doc.history().isEmpty()) {
            reply.bulk("history");
            reply.setHeader(doc.history().size());
            for (List<String> change : doc.history()) {
                reply.arrayHeader(2);
                reply.bulk(change.get(0));
                reply.bulk(change.get(1));
            }
        }
        if (!arguments.isEmpty()) {
            reply.bulk("arguments");
            CommandDocs.write(arguments, spec.keys().ranges().size(), reply);
        }
        if (spec.isContainer()) {
            reply.bulk("subcommands");
            reply.mapHeader(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands()) {
                reply.bulk(sub.name());
                docs(sub, reply);
            }
        }
    }
}
