package io.redmap.acl;

/**
 * A user, as connections hold it: its name and its current rules. ACL SETUSER and ACL LOAD replace
 * the rules at once, and every connection of the user follows; a deleted user is marked so.
 */
public final class User {
    private final String name;
    private volatile UserRules rules;
    private volatile boolean deleted;

    User(String name, UserRules rules) {
        this.name = name;
        this.rules = rules;
    }

    public String name() {
        return name;
    }

    public UserRules rules() {
        return rules;
    }

    void rules(UserRules rules) {
        this.rules = rules;
    }

    /** Whether ACL DELUSER or ACL LOAD removed it: its connections are being closed. */
    public boolean deleted() {
        return deleted;
    }

    void delete() {
        deleted = true;
    }

    @Override
    public String toString() {
        return name;
    }
}
