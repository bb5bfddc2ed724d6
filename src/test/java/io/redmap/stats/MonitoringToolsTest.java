package io.redmap.stats;

import io.redmap.testing.Poll;
import io.redmap.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tools an operator points at Redis, pointed at redmap: Debian's prometheus-redis-exporter
 * (it scrapes with no error and finds per-command metrics), {@code redis-cli --stat} and
 * {@code redis-cli --latency} (their figures are redmap's).
 */
class MonitoringToolsTest {
    private static final Path EXPORTER = Path.of("/usr/bin/prometheus-redis-exporter");
    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");

    private TestServer server;
    private Jedis jedis;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void start() {
        server = TestServer.start();
        jedis = server.jedis();
        jedis.sendCommand(() -> "MMAP".getBytes(), "a", "a.f8", "double", "WRITABLE");
        jedis.sendCommand(() -> "MMAP".getBytes(), "b", "b.i4", "int32", "WRITABLE");
        jedis.sendCommand(() -> "VADD".getBytes(), "a", "1", "2");
        jedis.sendCommand(() -> "VGET".getBytes(), "a", "1");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        server.close();
    }

    private Process launch(Path log, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (log != null) {
            builder.redirectOutput(log.toFile());
        }
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void thePrometheusExporterScrapesWithoutAnError() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(EXPORTER), "no " + EXPORTER);
        int port = freePort();
        Path log = server.path("exporter.log");
        launch(log, EXPORTER.toString(), "--redis.addr=redis://127.0.0.1:" + server.port(),
                "--web.listen-address=127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        String metrics = Poll.until(Duration.ofSeconds(30), "scraped", () -> {
            try {
                return http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, body -> body.contains("redis_up"), () -> readQuietly(log));
        // A second scrape: the exporter logs some errors once only, on the first.
        metrics = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();

        assertThat(metrics).contains("\nredis_up 1\n");
        assertThat(metrics).containsPattern("\nredis_commands_total\\{cmd=\"vget\"} [1-9]");
        assertThat(metrics).containsPattern("\nredis_commands_duration_seconds_total\\{cmd=\"vadd\"} ");
        assertThat(metrics).contains("redis_latency_percentiles_usec{cmd=\"vget\",quantile=\"99.9\"}");
        assertThat(metrics).containsPattern("\nredis_slowlog_length \\d+\n");
        assertThat(metrics).containsPattern("\nredis_db_keys\\{db=\"db0\"} 2\n");
        assertThat(readQuietly(log)).contains("level=info").doesNotContain("level=error");
    }

    @Test
    void redisCliStatShowsKeysClientsAndRequests() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(REDIS_CLI), "no " + REDIS_CLI);
        // stdbuf: redis-cli writes its lines through stdio, which would hold them in a pipe.
        Process stat = launch(null, "stdbuf", "-oL", REDIS_CLI.toString(), "-p", Integer.toString(server.port()),
                "--stat", "-i", "0.1");
        BufferedReader lines = new BufferedReader(new InputStreamReader(stat.getInputStream(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("------- data ------");
        assertThat(lines.readLine()).matches("keys +mem +clients +blocked +requests +connections *");
        long previousRequests = -1;
        for (int i = 0; i < 3; i++) {
            String[] fields = lines.readLine().trim().split("\\s+");
            assertThat(fields[0]).as("keys").isEqualTo("2");
            assertThat(fields[1]).as("mem").matches("\\d+(\\.\\d+)?[BKMG]");
            assertThat(Long.parseLong(fields[2])).as("clients: Jedis and redis-cli").isGreaterThanOrEqualTo(2);
            assertThat(fields[3]).as("blocked").isEqualTo("0");
            long requests = Long.parseLong(fields[4]);
            assertThat(requests).as("requests: what Jedis sent, then one INFO a line").isGreaterThanOrEqualTo(5);
            if (previousRequests >= 0) {
                assertThat(requests).isGreaterThan(previousRequests);
                assertThat(fields[5]).isEqualTo("(+" + (requests - previousRequests) + ")");
            }
            previousRequests = requests;
        }
    }

    @Test
    void redisCliLatencyMeasuresPings() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(REDIS_CLI), "no " + REDIS_CLI);
        // Not on a terminal, redis-cli --latency prints "min max avg samples" after one interval and exits.
        Process latency = launch(null, REDIS_CLI.toString(), "-p", Integer.toString(server.port()), "--latency", "-i", "1");
        String output = new String(latency.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(latency.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).matches("\\d+ \\d+ \\d+\\.\\d{2} \\d+");
        String[] figures = output.split(" ");
        double min = Double.parseDouble(figures[0]);
        double max = Double.parseDouble(figures[1]);
        double average = Double.parseDouble(figures[2]);
        assertThat(Long.parseLong(figures[3])).as("samples").isPositive();
        assertThat(min).isLessThanOrEqualTo(average);
        assertThat(average).isLessThanOrEqualTo(max);
        String pings = jedis.info("commandstats").replaceAll("(?s).*cmdstat_ping:calls=(\\d+),.*", "$1");
        assertThat(Long.parseLong(pings)).as("each sample is a PING redmap counted").isGreaterThanOrEqualTo(Long.parseLong(figures[3]));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
