package io.redmap.store;

import java.io.IOException;

/** A failed libc call, with its errno, so that callers can tell "no such file" from "disk full". */
public final class NativeIOException extends IOException {
    private final int errno;

    public NativeIOException(String operation, String path, int errno, String reason) {
        super(operation + " " + path + ": " + reason);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public boolean isDiskFull() {
        return errno == LibC.ENOSPC;
    }
}
