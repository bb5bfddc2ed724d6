package io.redmap.client.docs;

import io.redmap.client.ElementType;
import io.redmap.client.RedmapClient;
import io.redmap.client.RedmapTypeException;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.Arrays;
import java.util.Objects;

/** Embeddings as float[][] rows and a double[] series through RedmapClient over a JedisPooled. */
final class JavaExample {
    private JavaExample() {
    }

    static void run(int port) {
        try (JedisPooled jedis = new JedisPooled("127.0.0.1", port)) {
            RedmapClient redmap = new RedmapClient(jedis);

            // Rows of 4 float32 values (a real model's have 768), in a file in the server's dir.
            expect(redmap.mmap("emb", "emb.f4", ElementType.FLOAT, true, 4), 0L);
            float[][] embeddings = {
                    {0.1f, 0.2f, 0.3f, 0.4f},
                    {1f, 2f, 3f, 4f},
                    {-1.5f, 0f, 1.5f, 3f}};
            expect(redmap.floatRows().append("emb", embeddings), 3L);
            expect(Arrays.toString(redmap.shape("emb")), "[3, 4]");

            // A random batch: one VMREAD, the rows' raw bytes, decoded in bulk.
            float[][] batch = redmap.floatRows().gather("emb", 2, 0, 2);
            expect(Arrays.deepEquals(batch, new float[][] {embeddings[2], embeddings[0], embeddings[2]}), true);
            // The same rows flat, and a range of rows (VREAD).
            expect(redmap.floats().gather("emb", 1).length, 4);
            expect(Arrays.deepEquals(redmap.floatRows().read("emb", 1, 2), new float[][] {embeddings[1], embeddings[2]}), true);

            // Checked before anything is sent: a row of the wrong length, an array of the wrong type.
            expect(refused(() -> redmap.floatRows().append("emb", new float[][] {{1f, 2f, 3f}})),
                    "row 0 has 3 values, but the rows of 'emb' have 4 (shape float[3, 4]); nothing was written");
            expect(refused(() -> redmap.doubles().append("emb", new double[] {1, 2, 3, 4})),
                    "cannot write a double[] to 'emb': the key 'emb' holds float values, a double[] carries double");

            // A double[] series: appended, overwritten and read back whole.
            redmap.mmap("series", "series.f8", ElementType.DOUBLE, true);
            double[] values = new double[100_000];
            Arrays.setAll(values, i -> i * 0.5);
            expect(redmap.doubles().append("series", values), 100_000L);
            expect(redmap.doubles().write("series", 99_999, new double[] {-1, -2}), 2L); // overwrites 1, appends 1
            double[] back = redmap.doubles().read("series");
            expect(back.length, 100_001);
            expect(back[100_000], -2.0);

            // The server's errors keep its text.
            try {
                redmap.doubles().gather("series", 100_001);
                throw new AssertionError("an index past the end must fail");
            } catch (JedisDataException e) {
                expect(e.getMessage(), "ERR index exceeds size");
            }
        }
    }

    static String refused(Runnable write) {
        try {
            write.run();
        } catch (RedmapTypeException e) {
            return e.getMessage();
        }
        throw new AssertionError("the write must be refused");
    }

    static void expect(Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError("expected " + expected + " but got " + actual);
        }
    }
}
