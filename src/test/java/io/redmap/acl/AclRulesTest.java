package io.redmap.acl;

import io.redmap.command.CommandTable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rule parser and the check without a server: Redis's errors for bad rules (and nothing
 * changed), the rules as ACL LIST describes them (Redis 7.2 keeps them as given), key, channel and
 * first-argument rules, selectors, and the glob of patterns.
 */
class AclRulesTest {
    private final Acl acl = new Acl(CommandTable.standard().aclCatalog());

    private UserRules rules(String... words) {
        return acl.setUser("u", List.of(words)).user().rules();
    }

    private Denial check(UserRules rules, String... words) {
        byte[][] args = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            args[i] = words[i].getBytes(StandardCharsets.UTF_8);
        }
        AclCommand command = acl.catalog().find(words[0]);
        boolean write = List.of("vset", "vadd", "mmap", "del").contains(words[0]);
        var channels = switch (words[0]) {
            case "publish" -> AccessRequest.Channels.FIRST;
            case "subscribe" -> AccessRequest.Channels.ALL;
            case "psubscribe" -> AccessRequest.Channels.ALL_PATTERNS;
            default -> AccessRequest.Channels.NONE;
        };
        int first = words[0].startsWith("v") || words[0].equals("del") ? 1 : 0;
        int last = words[0].equals("del") ? -1 : first;
        return rules.check(new AccessRequest(command, args.length, i -> args[i], first, last, 1,
                write ? AccessRequest.WRITE : AccessRequest.READ, channels));
    }

    @Test
    void badRulesGetRedissErrorsAndChangeNothing() {
        rules("on", ">pw", "~k*", "+vget");
        String before = acl.user("u").rules().describe();
        List<List<String>> cases = List.of(
                List.of("foo", "Syntax error"),
                List.of("+nosuch", "Unknown command or category name in ACL"),
                List.of("+@nosuch", "Unknown command or category name in ACL"),
                List.of("%X~a", "Syntax error"),
                List.of("%~a", "Syntax error"),
                List.of("<nope", "The password you are trying to remove from the user does not exist"),
                List.of("#abc", "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"),
                List.of("+config|get|x", "Allowing first-arg of a subcommand is not supported"),
                List.of("+config|nosuch", "Unknown command or category name in ACL"),
                List.of("-vget|x", "Unknown command or category name in ACL"),
                List.of("mmapdir:", "Syntax error"));
        for (List<String> bad : cases) {
            assertThatThrownBy(() -> acl.setUser("u", List.of("+vset", bad.get(0), "off")))
                    .isInstanceOfSatisfying(AclRuleException.class, e -> assertThat(e.setUserMessage())
                            .isEqualTo("Error in ACL SETUSER modifier '" + bad.get(0) + "': " + bad.get(1)));
            assertThat(acl.user("u").rules().describe()).as(bad.get(0)).isEqualTo(before);
        }
        assertThatThrownBy(() -> acl.setUser("u", List.of("allkeys", "~a"))).hasMessageContaining("'allkeys' flag");
        assertThatThrownBy(() -> acl.setUser("u", List.of("allchannels", "&a"))).hasMessageContaining("'allchannels' flag");
        assertThatThrownBy(() -> acl.setUser("u", List.of("(~a", "+vget"))).isInstanceOfSatisfying(AclRuleException.class,
                e -> assertThat(e.setUserMessage()).isEqualTo("Unmatched parenthesis in acl selector starting at '(~a'."));
        assertThatThrownBy(() -> acl.setUser("u", List.of("(foo)"))).isInstanceOfSatisfying(AclRuleException.class,
                e -> assertThat(e.setUserMessage()).isEqualTo("Error in ACL SETUSER modifier '(foo)': Syntax error"));
        assertThatThrownBy(() -> acl.setUser("a b", List.of())).hasMessage("Usernames can't contain spaces or null characters");
        assertThat(acl.user("a b")).isNull();
    }

    @Test
    void rulesAreDescribedAsGivenAsRedis72KeepsThem() {
        UserRules alice = rules("on", ">pw", "~k*", "%R~r*", "&ch*", "+vget", "+@read", "-@dangerous", "+config|get",
                "-vget", "+client|list");
        assertThat(alice.describe()).isEqualTo("on #" + Passwords.hash("pw".getBytes(StandardCharsets.UTF_8))
                + " ~k* %R~r* resetchannels &ch* -@all +@read -@dangerous +config|get -vget +client|list");
        // A rule about a whole command replaces the earlier rules about its subcommands.
        assertThat(rules("+client").root().describeCommands()).isEqualTo("-@all +@read -@dangerous +config|get -vget +client");
        assertThat(rules("reset").describe()).isEqualTo("off sanitize-payload resetchannels -@all");
        assertThat(rules("+@all", "-vset", "allkeys", "allchannels", "mmapdir:/data/a", "mmapdir:/data/b").describe())
                .isEqualTo("off sanitize-payload mmapdir:/data/a mmapdir:/data/b ~* &* +@all -vset");
        assertThat(rules("allmmapdirs").mmapDirs()).isEmpty();
        assertThat(rules("(~x* +vget)", "(%W~y* +vset)").describe()).endsWith(" (~x* resetchannels -@all +vget) (%W~y* resetchannels -@all +vset)");
        assertThat(acl.defaultUser().rules().describe()).isEqualTo("on nopass ~* &* +@all");
    }

    @Test
    void passwordsAreKeptAsSha256AndCheckedWhenTheUserIsOn() {
        rules("off", ">one", ">two", "#" + Passwords.hash("three".getBytes(StandardCharsets.UTF_8)));
        assertThat(acl.authenticate("u", "one".getBytes())).isNull();
        rules("on", "<two");
        assertThat(acl.user("u").rules().passwords()).hasSize(2).allMatch(hash -> hash.matches("[0-9a-f]{64}"));
        assertThat(acl.authenticate("u", "one".getBytes())).isSameAs(acl.user("u"));
        assertThat(acl.authenticate("u", "two".getBytes())).isNull();
        assertThat(acl.authenticate("u", "three".getBytes())).isNotNull();
        assertThat(acl.authenticate("nobody", "one".getBytes())).isNull();
        rules("nopass");
        assertThat(acl.authenticate("u", "anything".getBytes())).isNotNull();
    }

    @Test
    void commandsKeysAndChannelsAreCheckedAsRedisDoes() {
        UserRules rules = rules("on", "~k*", "%R~r*", "%W~w*", "&ch*", "+vget", "+vset", "+del", "+publish",
                "+subscribe", "+psubscribe", "+select|0");
        assertThat(rules.unrestricted()).isFalse();
        assertThat(check(rules, "vget", "k1", "0")).isNull();
        assertThat(check(rules, "vget", "r1", "0")).isNull();
        assertThat(check(rules, "vget", "w1", "0")).isEqualTo(new Denial(Denial.Reason.KEY, 1));
        assertThat(check(rules, "vset", "w1", "0", "1")).isNull();
        assertThat(check(rules, "vset", "r1", "0", "1")).isEqualTo(new Denial(Denial.Reason.KEY, 1));
        assertThat(check(rules, "del", "k1", "w2", "x")).isEqualTo(new Denial(Denial.Reason.KEY, 3));
        assertThat(check(rules, "vadd", "k1", "1")).isEqualTo(new Denial(Denial.Reason.COMMAND, 0));
        assertThat(check(rules, "select", "0")).isNull();
        assertThat(check(rules, "select", "1")).isEqualTo(new Denial(Denial.Reason.COMMAND, 0));
        assertThat(check(rules, "auth", "x")).isNull(); // no-auth commands are every user's
        assertThat(check(rules, "publish", "ch1", "m")).isNull();
        assertThat(check(rules, "publish", "other", "m")).isEqualTo(new Denial(Denial.Reason.CHANNEL, 1));
        assertThat(check(rules, "subscribe", "ch1", "other")).isEqualTo(new Denial(Denial.Reason.CHANNEL, 2));
        // A pattern is compared literally with the user's patterns, as Redis does.
        assertThat(check(rules, "psubscribe", "ch*")).isNull();
        assertThat(check(rules, "psubscribe", "ch1*")).isEqualTo(new Denial(Denial.Reason.CHANNEL, 1));
        // A selector that allows the whole request is enough.
        UserRules withSelector = rules("(~w* +vadd)");
        assertThat(check(withSelector, "vadd", "w1", "1")).isNull();
        assertThat(check(withSelector, "vadd", "k1", "1")).isEqualTo(new Denial(Denial.Reason.KEY, 1));
    }

    @Test
    void theDefaultUserAndAllkeysUsersAreUnrestrictedOrPatternFree() {
        assertThat(acl.defaultUser().rules().unrestricted()).isTrue();
        assertThat(rules("on", "+@all", "~*", "&*").unrestricted()).isTrue();
        assertThat(rules("-vset").unrestricted()).isFalse();
    }

    @Test
    void globsMatchAsRedissStringmatch() {
        List<List<String>> matching = List.of(List.of("*", ""), List.of("k*", "k"), List.of("k*", "key"),
                List.of("key", "key"), List.of("k?y", "key"), List.of("k[a-f]y", "key"), List.of("k[^a]y", "key"),
                List.of("*:*", "a:b"), List.of("k\\*", "k*"), List.of("[ek]*", "key"), List.of("a*b*c", "aXbYc"));
        List<List<String>> notMatching = List.of(List.of("k*", "x"), List.of("key", "keys"), List.of("k?y", "ky"),
                List.of("k[^e]y", "key"), List.of("k\\*", "kx"), List.of("a*b*c", "aXbY"), List.of("K*", "key"));
        for (List<String> pair : matching) {
            assertThat(new Glob(pair.get(0).getBytes()).matches(pair.get(1).getBytes())).as("%s", pair).isTrue();
        }
        for (List<String> pair : notMatching) {
            assertThat(new Glob(pair.get(0).getBytes()).matches(pair.get(1).getBytes())).as("%s", pair).isFalse();
        }
    }
}
