package io.redmap.bench.cluster;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;

/**
 * The reply of any command as an Object: a bulk or simple string as a String (nil as null), an
 * integer as a Long, a double as a Double. Arrays are not expected (their elements overwrite each
 * other). An error reply completes the command exceptionally (Lettuce's handling of setError).
 */
final class AnyOutput extends CommandOutput<String, String, Object> {

    AnyOutput() {
        super(StringCodec.UTF8, null);
    }

    @Override
    public void set(ByteBuffer bytes) {
        output = bytes == null ? null : StringCodec.UTF8.decodeValue(bytes);
    }

    @Override
    public void set(long integer) {
        output = integer;
    }

    @Override
    public void set(double number) {
        output = number;
    }

    @Override
    public void set(boolean value) {
        output = value;
    }
}
