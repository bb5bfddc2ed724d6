package io.redmap.it;

import io.redmap.acl.AclCategory;
import io.redmap.command.CommandSpec;
import io.redmap.command.CommandTable;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails when a command of the table has no ACL category, or is missing from {@code ACL CAT} of one
 * of its categories: the command table is the single source of what {@code +@cat} rules allow.
 */
class AclCategoriesCoverageTest {
    @Test
    void everyCommandHasCategoriesAndIsListedUnderEachOfThem() {
        List<CommandSpec> commands = new ArrayList<>();
        for (CommandSpec spec : CommandTable.standard().all()) {
            commands.add(spec);
            commands.addAll(spec.subcommands());
        }
        assertThat(commands.stream().filter(spec -> spec.categories().isEmpty()).map(CommandSpec::name))
                .as("commands without ACL categories").isEmpty();
        assertThat(commands.stream().filter(spec -> spec.in(AclCategory.FAST) == spec.in(AclCategory.SLOW))
                .map(CommandSpec::name)).as("commands not exactly one of @fast and @slow").isEmpty();
        try (TestServer server = TestServer.start(); Jedis jedis = server.jedis()) {
            assertThat(jedis.aclCat()).containsExactlyElementsOf(
                    Arrays.stream(AclCategory.values()).map(AclCategory::wireName).toList());
            for (AclCategory category : AclCategory.values()) {
                List<String> listed = jedis.aclCat(category.wireName());
                List<String> expected = commands.stream().filter(spec -> spec.in(category)).map(CommandSpec::name).toList();
                assertThat(listed).as("ACL CAT %s", category.wireName()).containsExactlyInAnyOrderElementsOf(expected);
            }
            assertThat(jedis.aclCat("array")).contains("mmap", "vget", "vset", "vadd", "vread");
            assertThat(jedis.aclCat("read")).contains("vget", "vall");
            assertThat(jedis.aclCat("write")).contains("vset", "mmap");
        }
    }
}
