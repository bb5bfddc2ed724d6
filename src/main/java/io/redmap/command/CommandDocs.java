package io.redmap.command;

import io.redmap.protocol.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "arguments" of COMMAND DOCS, read from a command's syntax line
 * ({@code key index [index ...]}): one argument per top-level word or bracketed group.
 */
final class CommandDocs {
    private CommandDocs() {
    }

    record Argument(String name, String type, boolean optional, boolean multiple, String token) {
    }

    static List<Argument> arguments(String syntax) {
        List<Argument> arguments = new ArrayList<>();
        int i = 0;
        while (i < syntax.length()) {
            char c = syntax.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            String text;
            boolean optional = false;
            if (c == '[') {
                int end = matchingBracket(syntax, i);
                text = syntax.substring(i + 1, end).trim();
                optional = true;
                i = end + 1;
            } else {
                int end = syntax.indexOf(' ', i);
                end = end < 0 ? syntax.length() : end;
                text = syntax.substring(i, end);
                i = end;
            }
            if (text.equals("...")) {
                if (!arguments.isEmpty()) {
                    Argument last = arguments.removeLast();
                    arguments.add(new Argument(last.name(), last.type(), last.optional(), true, last.token()));
                }
                continue;
            }
            boolean multiple = text.endsWith("...");
            if (multiple) {
                text = text.substring(0, text.length() - 3).trim();
            }
            arguments.add(describe(text, optional, multiple));
        }
        return arguments;
    }

    private static Argument describe(String text, boolean optional, boolean multiple) {
        String[] words = text.split(" ");
        String first = words[0];
        if (words.length == 1) {
            return new Argument(first.toLowerCase(Locale.ROOT), typeOf(first), optional, multiple, null);
        }
        if (first.equals(first.toUpperCase(Locale.ROOT)) && Character.isLetter(first.charAt(0)) && !text.contains("|")) {
            // "MATCH pattern": a token followed by its value.
            return new Argument(words[1].toLowerCase(Locale.ROOT), typeOf(words[1]), optional, multiple, first);
        }
        // A group or a choice: shown as one string argument, since a "block" or "oneof" would need
        // nested argument lists that redis-cli insists on.
        return new Argument(first.toLowerCase(Locale.ROOT).replace("|", ""), "string", optional, multiple, null);
    }

    private static String typeOf(String word) {
        String name = word.toLowerCase(Locale.ROOT);
        if (name.equals("key") || name.equals("newkey")) {
            return "key";
        }
        if (word.equals(word.toUpperCase(Locale.ROOT)) && Character.isLetter(word.charAt(0))) {
            return "pure-token";
        }
        if (name.equals("index") || name.equals("count") || name.equals("db") || name.equals("cursor")
                || name.equals("start") || name.equals("stop") || name.equals("n") || name.equals("delta")) {
            return "integer";
        }
        return "string";
    }

    private static int matchingBracket(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            if (text.charAt(i) == '[') {
                depth++;
            } else if (text.charAt(i) == ']' && --depth == 0) {
                return i;
            }
        }
        return text.length() - 1;
    }

    static void write(List<Argument> arguments, Reply reply) {
        reply.arrayHeader(arguments.size());
        for (Argument argument : arguments) {
            List<String> flags = new ArrayList<>();
            if (argument.optional()) {
                flags.add("optional");
            }
            if (argument.multiple()) {
                flags.add("multiple");
            }
            int fields = 3 + (argument.token() != null ? 1 : 0) + (flags.isEmpty() ? 0 : 1);
            reply.mapHeader(fields);
            reply.bulk("name");
            reply.bulk(argument.name());
            reply.bulk("type");
            reply.bulk(argument.type());
            reply.bulk("display_text");
            reply.bulk(argument.name());
            if (argument.token() != null) {
                reply.bulk("token");
                reply.bulk(argument.token());
            }
            if (!flags.isEmpty()) {
                reply.bulk("flags");
                reply.arrayHeader(flags.size());
                for (String flag : flags) {
                    reply.simple(flag);
                }
            }
        }
    }
}
