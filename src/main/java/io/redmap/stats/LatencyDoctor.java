package io.redmap.stats;

import java.util.List;
import java.util.Locale;

/**
 * LATENCY DOCTOR's report: Redis's wording (createLatencyReport) for its events, and advice of our
 * own for the events only redmap has ({@code mmap-sync}, {@code mmap-flush}).
 */
final class LatencyDoctor {
    private LatencyDoctor() {
    }

    /** The settings the advice depends on. */
    record Settings(long thresholdMillis, long slowlogMicros) {
    }

    static String report(LatencyMonitor monitor, Settings settings) {
        List<String> events = monitor.eventNames();
        StringBuilder report = new StringBuilder();
        if (events.isEmpty() && settings.thresholdMillis() == 0) {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
                    + "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a "
                    + "deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        boolean slowlogEnable = false;
        boolean slowlogTuning = false;
        boolean commands = false;
        boolean scheduler = false;
        boolean disk = false;
        int number = 0;
        for (String event : events) {
            if (number++ == 0) {
                report.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about "
                        + "it, do you Dave?\n\n");
            }
            report.append(summary(number, event, monitor.history(event), monitor.max(event))).append('\n');
            switch (event) {
                case "command" -> {
                    slowlogEnable = settings.slowlogMicros() < 0;
                    slowlogTuning = !slowlogEnable && settings.slowlogMicros() / 1000 > settings.thresholdMillis();
                    commands = true;
                }
                case "fast-command" -> scheduler = true;
                case "mmap-sync", "mmap-flush" -> disk = true;
                default -> { }
            }
        }
        if (number == 0) {
            return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest "
                    + "bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
        }
        if (!(slowlogEnable || slowlogTuning || commands || scheduler || disk)) {
            return report.append("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please "
                    + "use the Redis community to get some help, providing this report in your help request.\n").toString();
        }
        report.append("\nI have a few advices for you:\n\n");
        if (slowlogEnable) {
            report.append("- There are latency issues with potentially slow commands you are using. Try to enable the Slow "
                    + "Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ")
                    .append(settings.thresholdMillis() * 1000).append("'. If the Slow log is disabled Redis is not able to "
                    + "log slow commands execution for you.\n");
        }
        if (slowlogTuning) {
            report.append("- Your current Slow Log configuration only logs events that are slower than your configured "
                    + "latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ")
                    .append(settings.thresholdMillis() * 1000).append("'.\n");
        }
        if (commands) {
            report.append("- Check your Slow Log to understand what are the commands you are running which are too slow "
                    + "to execute. Please check https://redis.io/commands/slowlog for more information.\n");
        }
        if (scheduler) {
            report.append("- The system is slow to execute Redis code paths not containing system calls. This usually "
                    + "means the system does not provide Redis CPU time to run for long periods. You should try to:\n"
                    + "  1) Lower the system load.\n"
                    + "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
                    + "  3) Check if you have a \"noisy neighbour\" problem.\n"
                    + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n");
        }
        if (disk) {
            report.append("- Syncing mapped files to disk (msync) is slow. With 'mmap-sync always' every write waits for "
                    + "its pages to reach the disk: 'CONFIG SET mmap-sync everysec' syncs once a second instead. Local SSD "
                    + "disks and less disk contention from other processes shorten each sync.\n");
        }
        if (commands) {
            report.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking "
                    + "operation. If you have very large objects that are often deleted, expired, or evicted, try to "
                    + "fragment those objects into multiple smaller objects.\n");
        }
        return report.toString();
    }

    /** {@code 1. command: 2 latency spikes (average 20ms, mean deviation 10ms, period 0.50 sec). Worst all time event 30ms.} */
    private static String summary(int number, String event, List<LatencyMonitor.Sample> samples, long max) {
        long sum = 0;
        long oldest = 0;
        for (LatencyMonitor.Sample sample : samples) {
            sum += sample.millis();
            oldest = oldest == 0 ? sample.unixSeconds() : Math.min(oldest, sample.unixSeconds());
        }
        int count = samples.size();
        long average = count == 0 ? 0 : sum / count;
        long deviation = 0;
        for (LatencyMonitor.Sample sample : samples) {
            deviation += Math.abs(average - sample.millis());
        }
        deviation = count == 0 ? 0 : deviation / count;
        long period = count == 0 ? 0 : Math.max(1, System.currentTimeMillis() / 1000 - oldest);
        return String.format(Locale.ROOT, "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). "
                + "Worst all time event %dms.", number, event, count, average, deviation,
                count == 0 ? Double.NaN : (double) period / count, max);
    }
}
