package io.redmap.command;

/** Executes one command: reads its arguments from the context and writes one reply. */
@FunctionalInterface
public interface Handler {
    void execute(CommandContext context);
}
