package io.redmap.acl;

/** A refused ACL rule: which rule, and why. Nothing was changed. */
public final class AclRuleException extends RuntimeException {
    private final RuleError error;
    private final String rule;

    public AclRuleException(RuleError error, String rule) {
        super(error.text(), null, false, false);
        this.error = error;
        this.rule = rule;
    }

    /** A refusal with a message of its own (an unmatched parenthesis, a bad user name). */
    public AclRuleException(String message) {
        super(message, null, false, false);
        this.error = null;
        this.rule = null;
    }

    /** Null for a refusal with a message of its own. */
    public RuleError error() {
        return error;
    }

    public String rule() {
        return rule;
    }

    /** ACL SETUSER's error: {@code Error in ACL SETUSER modifier '<rule>': <reason>}. */
    public String setUserMessage() {
        return error == null ? getMessage() : "Error in ACL SETUSER modifier '" + rule + "': " + getMessage();
    }
}
