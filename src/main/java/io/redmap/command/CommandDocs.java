package io.redmap.command;

import io.redmap.protocol.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The "arguments" of COMMAND DOCS, read from a command's syntax line as Redis's documentation
 * writes it, and written back the same way ({@link #render}): {@code [x]} optional,
 * {@code x [x ...]} repeated, {@code <a | b>} one of (plain {@code [a | b]} when optional),
 * {@code TOKEN value} a value after its keyword, a group of words a block.
 */
final class CommandDocs {
    private static final Set<String> INTEGERS = Set.of("index", "count", "db", "cursor", "start", "stop", "n", "delta",
            "numreplicas", "timeout", "port", "slot", "offset", "value_size", "size", "client-id", "protover", "epoch",
            "destination-db", "dim", "numkeys");

    private CommandDocs() {
    }

    /**
     * One argument, as Redis's command table describes it.
     *
     * @param type string, integer, key, pattern, pure-token, oneof or block
     * @param token the keyword before the value ({@code MATCH} of {@code MATCH pattern}), or null
     * @param children the parts of a block or the choices of a oneof
     */
    record Argument(String name, String type, String token, boolean optional, boolean multiple,
                    List<Argument> children) {
        Argument optional(boolean value) {
            return new Argument(name, type, token, value, multiple, children);
        }

        Argument repeated() {
            return new Argument(name, type, token, optional, true, children);
        }

        Argument withToken(String keyword) {
            return new Argument(name, type, keyword, optional, multiple, children);
        }

        boolean isGroup() {
            return type.equals("oneof") || type.equals("block");
        }
    }

    static List<Argument> arguments(String syntax) {
        Parser parser = new Parser(syntax);
        List<Argument> arguments = parser.sequence();
        if (parser.position < syntax.length()) {
            throw new IllegalArgumentException("unbalanced syntax: " + syntax);
        }
        return arguments;
    }

    /** The syntax line that the arguments describe (the inverse of {@link #arguments}). */
    static String render(List<Argument> arguments) {
        List<String> parts = new ArrayList<>();
        for (Argument argument : arguments) {
            parts.add(render(argument));
        }
        return String.join(" ", parts);
    }

    private static String render(Argument argument) {
        String once = switch (argument.type()) {
            case "pure-token" -> argument.token();
            case "block" -> render(argument.children());
            case "oneof" -> {
                String inner = String.join(" | ", argument.children().stream().map(choice -> render(List.of(choice))).toList());
                yield argument.optional() && argument.token() == null && !argument.multiple() ? inner : "<" + inner + ">";
            }
            default -> argument.name();
        };
        // A keyword is written once before its repeated values: "ID client-id [client-id ...]".
        String values = argument.multiple() ? once + " [" + once + " ...]" : once;
        String text = argument.type().equals("pure-token") ? values : prefixed(argument.token(), values);
        return argument.optional() ? "[" + text + "]" : text;
    }

    private static String prefixed(String token, String text) {
        return token == null ? text : token + " " + text;
    }

    /** Reads the syntax line: a sequence of words, [optional] groups, <choices> and "..." repeats. */
    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        /** Items up to the end, a closing bracket or a '|', keywords joined to their values. */
        List<Argument> sequence() {
            return attachTokens(rawSequence());
        }

        private List<Argument> rawSequence() {
            List<Argument> items = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (position >= text.length() || "]>|".indexOf(text.charAt(position)) >= 0) {
                    return items;
                }
                char c = text.charAt(position);
                if (c == '[') {
                    position++;
                    List<List<Argument>> choices = choices(']');
                    if (choices.size() == 1 && endsWithEllipsis(choices.getFirst())) {
                        // "x [x ...]": the bracket repeats the words before it.
                        List<Argument> repeated = withoutEllipsis(choices.getFirst());
                        int count = repeated.size();
                        if (items.size() >= count && items.subList(items.size() - count, items.size()).equals(repeated)) {
                            items = new ArrayList<>(items.subList(0, items.size() - count));
                            items.add(group(attachTokens(repeated)).repeated());
                            continue;
                        }
                        throw new IllegalArgumentException("'...' repeats nothing before it in: " + text);
                    }
                    items.add(oneOrChoice(choices).optional(true));
                } else if (c == '<') {
                    position++;
                    items.add(oneOrChoice(choices('>')));
                } else {
                    items.add(word());
                }
            }
        }

        private List<List<Argument>> choices(char close) {
            List<List<Argument>> choices = new ArrayList<>();
            while (true) {
                choices.add(rawSequence());
                if (position >= text.length()) {
                    throw new IllegalArgumentException("unclosed group in: " + text);
                }
                char c = text.charAt(position++);
                if (c == close) {
                    return choices;
                }
                if (c != '|') {
                    throw new IllegalArgumentException("unexpected '" + c + "' in: " + text);
                }
            }
        }

        private Argument oneOrChoice(List<List<Argument>> choices) {
            if (choices.size() == 1) {
                return group(attachTokens(choices.getFirst()));
            }
            List<Argument> options = choices.stream().map(choice -> group(attachTokens(choice))).toList();
            String name = String.join("-", options.stream().map(Argument::name).toList());
            return new Argument(name, "oneof", null, false, false, options);
        }

        /** A single item as itself; several as a block named after its first. */
        private static Argument group(List<Argument> items) {
            if (items.size() == 1) {
                return items.getFirst();
            }
            return new Argument(items.getFirst().name(), "block", null, false, false, List.copyOf(items));
        }

        private Argument word() {
            int start = position;
            while (position < text.length() && " []<>|".indexOf(text.charAt(position)) < 0) {
                position++;
            }
            String word = text.substring(start, position);
            if (word.equals("...")) {
                return new Argument("...", "ellipsis", null, false, false, List.of());
            }
            String name = word.toLowerCase(Locale.ROOT);
            if (isToken(word)) {
                return new Argument(name, "pure-token", word, false, false, List.of());
            }
            String type = name.equals("key") || name.equals("newkey") ? "key"
                    : name.equals("pattern") ? "pattern" : INTEGERS.contains(name) ? "integer" : "string";
            return new Argument(word, type, null, false, false, List.of());
        }

        /** "MATCH pattern": a keyword followed by a value (or a choice) becomes that value's token. */
        private static List<Argument> attachTokens(List<Argument> items) {
            List<Argument> result = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Argument item = items.get(i);
                boolean plainToken = item.type().equals("pure-token") && !item.optional() && !item.multiple();
                if (plainToken && i + 1 < items.size()) {
                    Argument next = items.get(i + 1);
                    boolean takesToken = !next.type().equals("pure-token") && !next.type().equals("ellipsis")
                            && !next.optional() && next.token() == null;
                    if (takesToken) {
                        result.add(next.withToken(item.token()));
                        i++;
                        continue;
                    }
                }
                result.add(item);
            }
            return result;
        }

        private static boolean endsWithEllipsis(List<Argument> items) {
            return !items.isEmpty() && items.getLast().type().equals("ellipsis");
        }

        private static List<Argument> withoutEllipsis(List<Argument> items) {
            return new ArrayList<>(items.subList(0, items.size() - 1));
        }

        private void skipSpaces() {
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
        }

        private static boolean isToken(String word) {
            return word.chars().anyMatch(Character::isLetter) && word.equals(word.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Writes the arguments as Redis 7.2 does ({@code addReplyCommandArgList}); key arguments
     * name their key spec, the n-th key the n-th spec (the last one for any after it).
     */
    static void write(List<Argument> arguments, int keySpecs, Reply reply) {
        write(arguments, keySpecs, new int[1], reply);
    }

    private static void write(List<Argument> arguments, int keySpecs, int[] keysSeen, Reply reply) {
        reply.arrayHeader(arguments.size());
        for (Argument argument : arguments) {
            boolean isKey = argument.type().equals("key") && keySpecs > 0;
            List<String> flags = new ArrayList<>();
            if (argument.optional()) {
                flags.add("optional");
            }
            if (argument.multiple()) {
                flags.add("multiple");
            }
            int fields = 3 + (isKey ? 1 : 0) + (argument.token() != null ? 1 : 0) + (flags.isEmpty() ? 0 : 1);
            reply.mapHeader(fields);
            reply.bulk("name");
            reply.bulk(argument.name());
            reply.bulk("type");
            reply.bulk(argument.type());
            if (!argument.isGroup()) {
                reply.bulk("display_text");
                reply.bulk(argument.name());
            }
            if (isKey) {
                reply.bulk("key_spec_index");
                reply.integer(Math.min(keysSeen[0]++, keySpecs - 1));
            }
            if (argument.token() != null) {
                reply.bulk("token");
                reply.bulk(argument.token());
            }
            if (!flags.isEmpty()) {
                reply.bulk("flags");
                reply.setHeader(flags.size());
                for (String flag : flags) {
                    reply.simple(flag);
                }
            }
            if (argument.isGroup()) {
                reply.bulk("arguments");
                write(argument.children(), keySpecs, keysSeen, reply);
            }
        }
    }
}
