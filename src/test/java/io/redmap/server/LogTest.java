package io.redmap.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

class LogTest {
    /** Redis's strftime("%d %b %Y %H:%M:%S") plus milliseconds, month names in the C locale. */
    private static final DateTimeFormatter REDIS = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS", Locale.ENGLISH);

    @ParameterizedTest
    @CsvSource({
            "2026-11-24T10:00:00.000Z, UTC",
            "2026-01-05T23:59:59.999Z, Europe/Paris",
            "2026-03-29T01:30:00.007Z, Europe/Paris",
            "2026-07-01T03:04:05.060Z, America/New_York",
            "1999-12-31T23:00:00.100Z, Asia/Kolkata",
            "2026-12-02T00:00:00.000Z, Pacific/Chatham",
    })
    void timestampsAreWrittenAsRedisWritesThemInTheLocalZone(String instant, String zone) {
        long millis = Instant.parse(instant).toEpochMilli();
        String expected = REDIS.format(Instant.ofEpochMilli(millis).atZone(TimeZone.getTimeZone(zone).toZoneId()));
        assertThat(Log.timestamp(millis, TimeZone.getTimeZone(zone))).isEqualTo(expected);
    }
}
