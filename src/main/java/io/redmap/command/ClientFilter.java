package io.redmap.command;

import io.redmap.RedmapException;
import io.redmap.protocol.AsciiNumbers;
import io.redmap.server.ClientSession;
import io.redmap.server.ClientType;

/**
 * The options of CLIENT KILL's filter form, {@code ID TYPE ADDR LADDR USER SKIPME}, parsed as
 * Redis's networking.c does: in order, each option checked as it is met, so the first bad one is
 * the error. Every given option must match; SKIPME defaults to yes (the caller survives).
 *
 * @param id 0 for any
 * @param type null for any
 * @param address null for any
 * @param localAddress null for any
 * @param user null for any
 */
record ClientFilter(long id, ClientType type, String address, String localAddress, String user, boolean skipMe) {

    /** Parses the option pairs from word {@code from} on. */
    static ClientFilter parse(CommandContext ctx, int from) {
        long id = 0;
        ClientType type = null;
        String address = null;
        String localAddress = null;
        String user = null;
        boolean skipMe = true;
        for (int i = from; i < ctx.argc(); i += 2) {
            if (i + 1 >= ctx.argc()) {
                throw CommandContext.syntaxError();
            }
            String value = ctx.string(i + 1);
            switch (ctx.keyword(i)) {
                case "id" -> id = clientId(ctx.arg(i + 1));
                case "type" -> type = type(value);
                case "addr" -> address = value;
                case "laddr" -> localAddress = value;
                case "user" -> user = knownUser(ctx, value);
                case "skipme" -> skipMe = yesOrNo(value);
                default -> throw CommandContext.syntaxError();
            }
        }
        return new ClientFilter(id, type, address, localAddress, user, skipMe);
    }

    boolean matches(ClientSession candidate, ClientSession caller) {
        return (id == 0 || candidate.id() == id)
                && (type == null || candidate.type() == type)
                && (address == null || candidate.address().equals(address))
                && (localAddress == null || candidate.localAddress().equals(localAddress))
                && (user == null || candidate.userName().equals(user))
                && !(skipMe && candidate == caller);
    }

    /** CLIENT LIST TYPE and CLIENT KILL TYPE: a type name, or Redis's error quoting it. */
    static ClientType type(String name) {
        ClientType type = ClientType.byName(name);
        if (type == null) {
            throw RedmapException.err("Unknown client type '" + name + "'");
        }
        return type;
    }

    private static long clientId(byte[] text) {
        long id;
        try {
            id = AsciiNumbers.parseLong(text);
        } catch (NumberFormatException e) {
            id = 0;
        }
        if (id < 1) {
            throw RedmapException.err("client-id should be greater than 0");
        }
        return id;
    }

    /** Redis refuses a user name it does not know. */
    private static String knownUser(CommandContext ctx, String name) {
        if (ctx.server().acl().user(name) == null) {
            throw RedmapException.err("No such user '" + name + "'");
        }
        return name;
    }

    private static boolean yesOrNo(String value) {
        if (value.equalsIgnoreCase("yes")) {
            return true;
        }
        if (value.equalsIgnoreCase("no")) {
            return false;
        }
        throw CommandContext.syntaxError();
    }
}
