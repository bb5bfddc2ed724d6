package io.redmap.pubsub;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.redmap.testing.RawClient;
import io.redmap.testing.TestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pub/Sub through real clients: Jedis's JedisPubSub (RESP2 subscribed mode) and Lettuce's
 * pub/sub connection (RESP2 and RESP3 pushes), with subscribers spread over several network
 * threads; PUBSUB's counts; CLIENT LIST and CLIENT KILL TYPE pubsub.
 */
class PubSubClientsTest {
    @Test
    void jedisSubscribersOnOtherNetworkThreadsReceiveEveryMessage() throws Exception {
        try (TestServer server = TestServer.start("--io-threads", "4"); Jedis publisher = server.jedis()) {
            int subscribers = 4;
            List<Recorder> recorders = new CopyOnWriteArrayList<>();
            CountDownLatch subscribed = new CountDownLatch(subscribers);
            List<Thread> threads = new java.util.ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                Recorder recorder = new Recorder(subscribed);
                recorders.add(recorder);
                Jedis jedis = server.jedis();
                Thread thread = Thread.ofVirtual().start(() -> jedis.psubscribe(recorder, "news.*"));
                threads.add(thread);
            }
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(publisher.pubsubNumPat()).isEqualTo(1L);
            for (int i = 0; i < 100; i++) {
                assertThat(publisher.publish("news." + i, "m" + i)).isEqualTo(subscribers);
            }
            assertThat(publisher.publish("other", "x")).isZero();
            for (Recorder recorder : recorders) {
                for (int i = 0; i < 100; i++) {
                    assertThat(recorder.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("news.*|news." + i + "|m" + i);
                }
                recorder.punsubscribe();
            }
            for (Thread thread : threads) {
                thread.join(10_000);
                assertThat(thread.isAlive()).as("psubscribe returns once unsubscribed").isFalse();
            }
            assertThat(publisher.pubsubNumPat()).isZero();
        }
    }

    @Test
    void jedisChannelSubscriptionsAndPubsubCounts() throws Exception {
        try (TestServer server = TestServer.start(); Jedis publisher = server.jedis(); Jedis jedis = server.jedis()) {
            CountDownLatch subscribed = new CountDownLatch(2);
            Recorder recorder = new Recorder(subscribed);
            Thread thread = Thread.ofVirtual().start(() -> jedis.subscribe(recorder, "a", "b"));
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(publisher.pubsubNumSub("a", "b", "c")).isEqualTo(Map.of("a", 1L, "b", 1L, "c", 0L));
            assertThat(publisher.pubsubChannels()).containsExactlyInAnyOrder("a", "b");
            assertThat(publisher.pubsubChannels("a*")).containsExactly("a");
            assertThat(publisher.info("stats")).contains("pubsub_channels:2\r\n").contains("pubsub_patterns:0\r\n");
            assertThat(publisher.publish("b", "hello")).isEqualTo(1L);
            assertThat(recorder.messages.poll(10, TimeUnit.SECONDS)).isEqualTo("b|hello");
            recorder.unsubscribe("a");
            awaitUntil(() -> publisher.pubsubNumSub("a").get("a") == 0L);
            assertThat(publisher.publish("a", "lost")).isZero();
            recorder.unsubscribe();
            thread.join(10_000);
            assertThat(publisher.pubsubChannels()).isEmpty();
            assertThat(jedis.ping()).as("the connection is back to normal mode").isEqualTo("PONG");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lettucePubSubConnectionReceivesMessages(boolean resp3) throws Exception {
        try (TestServer server = TestServer.start(); Jedis publisher = server.jedis()) {
            RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
            client.setOptions(ClientOptions.builder()
                    .protocolVersion(resp3 ? ProtocolVersion.RESP3 : ProtocolVersion.RESP2).build());
            try (StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub()) {
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                connection.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        received.add(channel + "|" + message);
                    }

                    @Override
                    public void message(String pattern, String channel, String message) {
                        received.add(pattern + "|" + channel + "|" + message);
                    }
                });
                connection.sync().subscribe("ch");
                connection.sync().psubscribe("c?");
                assertThat(publisher.publish("ch", "one")).isEqualTo(2L);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("ch|one");
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("c?|ch|one");
                if (resp3) {
                    // RESP3 tells pushes from replies: the subscriber may run any command.
                    assertThat(connection.sync().echo("still here")).isEqualTo("still here");
                }
                connection.sync().unsubscribe("ch");
                connection.sync().punsubscribe("c?");
                assertThat(publisher.publish("ch", "two")).isZero();
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aSubscriberIsOfTypePubsubAndClientKillTypePubsubClosesIt() {
        try (TestServer server = TestServer.start(); RawClient admin = new RawClient(server.port());
                RawClient subscriber = new RawClient(server.port())) {
            subscriber.call("SUBSCRIBE", "a");
            subscriber.call("PSUBSCRIBE", "x*");
            String listed = admin.call("CLIENT", "LIST", "TYPE", "pubsub");
            assertThat(listed.lines().filter(line -> line.contains("id=")).count()).isEqualTo(1);
            assertThat(listed).contains(" flags=P ").contains(" sub=1 psub=1 ssub=0 ").contains(" cmd=psubscribe ");
            assertThat(admin.call("CLIENT", "INFO")).contains(" flags=N ").contains(" sub=0 psub=0 ");
            assertThat(admin.call("CLIENT", "LIST", "TYPE", "normal")).doesNotContain("flags=P");

            assertThat(admin.call("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(":1\r\n");
            assertThat(subscriber.closedByServer()).isTrue();
            awaitUntil(() -> admin.call("PUBSUB", "NUMSUB", "a").endsWith(":0\r\n"));
            assertThat(admin.call("PUBSUB", "NUMPAT")).isEqualTo(":0\r\n");
            assertThat(admin.call("CLIENT", "KILL", "TYPE", "pubsub")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void resetAndDisconnectionDropSubscriptions() {
        try (TestServer server = TestServer.start(); RawClient admin = new RawClient(server.port())) {
            try (RawClient subscriber = new RawClient(server.port())) {
                subscriber.call("SUBSCRIBE", "a");
                assertThat(subscriber.call("RESET")).isEqualTo("+RESET\r\n");
                assertThat(admin.call("PUBSUB", "NUMSUB", "a")).isEqualTo("*2\r\n$1\r\na\r\n:0\r\n");
                assertThat(subscriber.call("CLIENT", "INFO")).contains(" flags=N ");
                subscriber.call("SUBSCRIBE", "b");
            }
            awaitUntil(() -> admin.call("PUBSUB", "CHANNELS").equals("*0\r\n"));
            assertThat(admin.call("PUBLISH", "b", "x")).isEqualTo(":0\r\n");
        }
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition never met").isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Records what a Jedis subscriber receives, as "pattern|channel|message" or "channel|message". */
    private static final class Recorder extends JedisPubSub {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final CountDownLatch subscribed;

        Recorder(CountDownLatch subscribed) {
            this.subscribed = subscribed;
        }

        @Override
        public void onSubscribe(String channel, int count) {
            subscribed.countDown();
        }

        @Override
        public void onPSubscribe(String pattern, int count) {
            subscribed.countDown();
        }

        @Override
        public void onMessage(String channel, String message) {
            messages.add(channel + "|" + message);
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            messages.add(pattern + "|" + channel + "|" + message);
        }
    }
}
