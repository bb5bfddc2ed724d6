package io.redmap.command;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * COMMAND DOCS carries each command's whole syntax: the arguments read from a syntax line
 * render back to that very line, for every command and subcommand of the table.
 */
class CommandDocsTest {
    private static List<CommandSpec> everyCommand() {
        List<CommandSpec> all = new ArrayList<>();
        for (CommandSpec spec : CommandTable.standard().all()) {
            all.add(spec);
            all.addAll(spec.subcommands());
        }
        return all;
    }

    @Test
    void everyCommandsDocumentedArgumentsRenderBackToItsSyntaxLine() {
        List<String> mismatches = new ArrayList<>();
        for (CommandSpec spec : everyCommand()) {
            String rendered = CommandDocs.render(CommandDocs.arguments(spec.syntax()));
            if (!rendered.equals(spec.syntax())) {
                mismatches.add(spec.name() + ": '" + spec.syntax() + "' renders as '" + rendered + "'");
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(everyCommand()).hasSizeGreaterThan(100);
    }

    @Test
    void mmapsOptionalTypeCarriesValueSizeDimOrShapeAndWritable() {
        List<CommandDocs.Argument> arguments = CommandDocs.arguments(CommandTable.standard().find("mmap").syntax());
        assertThat(arguments).extracting(CommandDocs.Argument::name).containsExactly("key", "path", "type");
        CommandDocs.Argument type = arguments.get(2);
        assertThat(type.type()).isEqualTo("block");
        assertThat(type.optional()).isTrue();
        assertThat(type.children()).extracting(CommandDocs.Argument::name)
                .containsExactly("type", "value_size", "n-axis", "writable");
        CommandDocs.Argument shape = type.children().get(2);
        assertThat(shape.type()).isEqualTo("oneof");
        assertThat(shape.optional()).isTrue();
        CommandDocs.Argument dim = shape.children().get(0);
        assertThat(dim.token()).isEqualTo("DIM");
        assertThat(dim.type()).isEqualTo("integer");
        CommandDocs.Argument axes = shape.children().get(1);
        assertThat(axes.token()).isEqualTo("SHAPE");
        assertThat(axes.multiple()).isTrue();
        assertThat(type.children().get(3).type()).isEqualTo("pure-token");
    }

    @Test
    void redisShapesParseIntoTheirArgumentKinds() {
        var scan = CommandDocs.arguments("cursor [MATCH pattern] [COUNT count] [TYPE type]");
        assertThat(scan.get(1)).isEqualTo(new CommandDocs.Argument("pattern", "pattern", "MATCH", true, false, List.of()));
        var vset = CommandDocs.arguments("key index value [index value ...]");
        assertThat(vset).hasSize(2);
        assertThat(vset.get(1).type()).isEqualTo("block");
        assertThat(vset.get(1).multiple()).isTrue();
        var replicaof = CommandDocs.arguments("<host port | NO ONE>").getFirst();
        assertThat(replicaof.type()).isEqualTo("oneof");
        assertThat(replicaof.children()).extracting(CommandDocs.Argument::type).containsExactly("block", "block");
        var list = CommandDocs.arguments("[TYPE <NORMAL | MASTER>] [ID client-id [client-id ...]]");
        assertThat(list.get(0).token()).isEqualTo("TYPE");
        assertThat(list.get(1)).isEqualTo(new CommandDocs.Argument("client-id", "integer", "ID", true, true, List.of()));
    }

    @Test
    void malformedSyntaxLinesAreRefused() {
        assertThatThrownBy(() -> CommandDocs.arguments("key [index")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandDocs.arguments("key [value ...]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandDocs.arguments("key ]")).isInstanceOf(IllegalArgumentException.class);
    }
}
