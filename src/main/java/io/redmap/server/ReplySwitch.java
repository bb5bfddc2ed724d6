package io.redmap.server;

/**
 * CLIENT REPLY ON|OFF|SKIP of one connection: OFF drops every reply until ON; SKIP drops the
 * reply of the next command only. As in Redis, CLIENT REPLY OFF and SKIP themselves reply nothing.
 */
public final class ReplySwitch {
    private boolean off;
    private boolean skipNext;
    private boolean skipping;

    public void on() {
        off = false;
        skipNext = false;
        skipping = false;
    }

    public void off() {
        off = true;
    }

    /** SKIP: ignored while replies are off, as in Redis. */
    public void skipNext() {
        if (!off) {
            skipNext = true;
        }
    }

    /** After each command: whether its reply is to be dropped; a SKIP given by it applies to the next. */
    public boolean dropAfterCommand() {
        boolean drop = off || skipping;
        skipping = skipNext;
        skipNext = false;
        return drop;
    }
}
