package io.redmap.acl;

import java.util.ArrayList;
import java.util.List;

/** How rules are split into words: on spaces, with a selector {@code (...)} spread over words joined again. */
public final class RuleWords {
    private RuleWords() {
    }

    /** The words of a line of rules (an aclfile or config {@code user} line): split on spaces. */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.split(" ")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /**
     * Redis's {@code ACLMergeSelectorArguments}: {@code "(~a" "+get)"} becomes {@code "(~a +get)"}.
     *
     * @throws AclRuleException naming the word that opened a selector never closed
     */
    public static List<String> merge(List<String> words) {
        List<String> merged = new ArrayList<>();
        StringBuilder selector = null;
        String opening = null;
        for (String word : words) {
            if (selector == null && word.startsWith("(") && !word.endsWith(")")) {
                selector = new StringBuilder(word);
                opening = word;
                continue;
            }
            if (selector != null) {
                selector.append(' ').append(word);
                if (word.endsWith(")")) {
                    merged.add(selector.toString());
                    selector = null;
                }
                continue;
            }
            merged.add(word);
        }
        if (selector != null) {
            throw new AclRuleException("Unmatched parenthesis in acl selector starting at '" + opening + "'.");
        }
        return merged;
    }
}
