import io.redmap.client.ElementType;
import io.redmap.client.RedmapClient;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A random batch of rows into Java, two ways, on the same rows: A = RedmapClient's
 * floatRows().gather of 256 random rows of 768 float32 from one redmap key (one VMREAD), B = a
 * JedisPooled mget of the same 256 rows from Redis, each a 3,072-byte string under its own key,
 * decoded into float[][] as an application must (the decode is timed too: both sides hand back the
 * same float[][]). Rounds alternate A B; each runs THREADS threads for SECONDS. Prints
 * "name value" lines for bench/special/java-gather.
 *
 *   java -cp <client classes and Jedis> GatherBench.java redmapPort redisPort rows seconds rounds threads warmSeconds
 */
public final class GatherBench {
    static final int DIM = 768;
    static final int BATCH = 256;

    public static void main(String[] args) throws Exception {
        int redmapPort = Integer.parseInt(args[0]);
        int redisPort = Integer.parseInt(args[1]);
        int rows = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        double warmSeconds = Double.parseDouble(args[6]);
        try (JedisPooled redmapJedis = new JedisPooled("127.0.0.1", redmapPort);
                JedisPooled redis = new JedisPooled("127.0.0.1", redisPort)) {
            RedmapClient redmap = new RedmapClient(redmapJedis);
            byte[][] keys = load(redmap, redis, rows);
            check(redmap, redis, keys, rows);
            Runnable a = () -> redmap.floatRows().gather("emb", randomIndices(rows));
            Runnable b = () -> decode(redis.mget(keysOf(keys, randomIndices(rows))));
            Runnable bRaw = () -> redis.mget(keysOf(keys, randomIndices(rows)));
            run(a, threads, warmSeconds); // warm-up: both JITs (the server's and this client's), pools
            run(b, threads, warmSeconds);
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double ra = run(a, threads, seconds);
                double rb = run(b, threads, seconds);
                ratios.add(ra / rb);
                System.out.printf("round %d %.1f %.1f%n", round, ra, rb);
            }
            System.out.printf("mget_without_decode %.1f%n", run(bRaw, threads, seconds));
            ratios.sort(null);
            System.out.printf("ratio %.3f%n", ratios.get(ratios.size() / 2));
        }
    }

    /** Writes the same random rows to redmap (one key, DIM 768) and to Redis (a key per row). */
    static byte[][] load(RedmapClient redmap, JedisPooled redis, int rows) {
        redmap.jedis().del("emb");
        redmap.mmap("emb", "emb.f4", ElementType.FLOAT, true, DIM);
        Random random = new Random(42);
        byte[][] keys = new byte[rows][];
        int step = 1000;
        for (int first = 0; first < rows; first += step) {
            int n = Math.min(step, rows - first);
            float[][] block = new float[n][DIM];
            try (Pipeline pipeline = redis.pipelined()) {
                for (int r = 0; r < n; r++) {
                    for (int v = 0; v < DIM; v++) {
                        block[r][v] = (float) random.nextGaussian();
                    }
                    keys[first + r] = ("row:" + (first + r)).getBytes();
                    pipeline.set(keys[first + r], bytes(block[r]));
                }
                pipeline.sync();
            }
            redmap.floatRows().append("emb", block);
        }
        return keys;
    }

    /** The two sides give the same rows for the same indices. */
    static void check(RedmapClient redmap, JedisPooled redis, byte[][] keys, int rows) {
        long[] indices = randomIndices(rows);
        float[][] a = redmap.floatRows().gather("emb", indices);
        float[][] b = decode(redis.mget(keysOf(keys, indices)));
        if (!Arrays.deepEquals(a, b) || a.length != BATCH || a[0].length != DIM) {
            throw new AssertionError("redmap's and Redis's rows differ");
        }
        System.out.println("same_rows yes");
    }

    /** Batches a second over {@code threads} threads for {@code seconds}. */
    static double run(Runnable batch, int threads, double seconds) throws InterruptedException {
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    batch.run();
                    done.increment();
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return done.sum() / ((System.nanoTime() - start) / 1e9);
    }

    static long[] randomIndices(int rows) {
        return ThreadLocalRandom.current().longs(BATCH, 0, rows).toArray();
    }

    static byte[][] keysOf(byte[][] keys, long[] indices) {
        byte[][] batch = new byte[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            batch[i] = keys[(int) indices[i]];
        }
        return batch;
    }

    static float[][] decode(List<byte[]> values) {
        float[][] rows = new float[values.size()][DIM];
        for (int i = 0; i < rows.length; i++) {
            ByteBuffer.wrap(values.get(i)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(rows[i]);
        }
        return rows;
    }

    static byte[] bytes(float[] row) {
        ByteBuffer buffer = ByteBuffer.allocate(row.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(row);
        return buffer.array();
    }
}
