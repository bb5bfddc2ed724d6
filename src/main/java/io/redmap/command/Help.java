package io.redmap.command;

/** The reply of a container's HELP subcommand, framed as Redis's addReplyHelp frames it. */
final class Help {
    private Help() {
    }

    /** A header naming the command, the lines (status replies), and Redis's HELP footer. */
    static void reply(CommandContext ctx, String command, String... lines) {
        ctx.reply().arrayHeader(lines.length + 3);
        ctx.reply().simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            ctx.reply().simple(line);
        }
        ctx.reply().simple("HELP");
        ctx.reply().simple("    Print this help.");
    }
}
