package io.specops.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import io.specops.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case 7, short: 200 prompts at once to one worker process with the heap and memory limits of k8s/.
 * The worker takes on at most 8 prompts ahead of its decoding thread and polls at most 20 records at a
 * time, so its backlog must stay within 8 + 20 + 1 running, far below the 131 it reached when it took
 * on every prompt it could poll, and the rest of the burst must show as consumer lag on the topic: in
 * the committed lag read from the broker and in the one the worker exports, not in the consumer's
 * records-lag.
 */
class BurstCaseTest {

    private static final Pattern LAG_PEAKS = Pattern.compile(
            "lag peaks on the prompts topic: committed lag read from the broker (\\d+); exported by the workers as"
                    + " specops_prompts_committed_lag (\\d+), as the consumer's records-lag (\\d+)");

    @TempDir
    Path directory;

    @Test
    void a_burst_is_answered_in_full_within_the_heap_and_memory_limits() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(directory.resolve("kafka"));
                Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            CaseResult result = BurstCase.run(
                    kafka.bootstrapServers(),
                    engine,
                    directory.resolve("workers"),
                    new BurstCase.Settings(
                            7,
                            1,
                            200,
                            8,
                            "307m",
                            768L << 20,
                            Map.of("worker.max.waiting.prompts", "8", "kafka.consumer.max.poll.records", "20")));
            System.out.print(result.text());

            Verifier.Report report = result.report();
            assertThat(report.answered()).isEqualTo(200);
            assertThat(report.lost()).isZero();
            assertThat(report.wrongText()).isZero();
            assertThat(report.queueP99Millis()).isPositive();
            assertThat(result.lines()).anyMatch(line -> line.contains("high-water mark"));
            assertThat(result.lines()).anyMatch(line -> line.startsWith("backlog bound per worker: 29 "));
            long[] peaks = lagPeaks(result);
            long broker = peaks[0];
            long exportedCommitted = peaks[1];
            long exportedRecords = peaks[2];
            // The bound holds most of the 200 prompts on the topic, where the broker's committed lag sees them.
            assertThat(broker).isGreaterThan(100);
            assertThat(2 * exportedCommitted)
                    .as("exported committed lag against the broker's")
                    .isGreaterThanOrEqualTo(broker);
            // The contrast of docs/RELIABILITY.md, bug 12: the consumer's records-lag misses prompts fetched ahead.
            assertThat(2 * exportedRecords)
                    .as("records-lag against the broker's")
                    .isLessThan(broker);
            // passed() also requires the backlog peak within that bound and lag seen after the send ended.
            assertThat(result.passed()).as(String.join("\n", result.lines())).isTrue();
        }
    }

    /** The broker's committed lag, the exported committed lag and the exported records-lag peaks, from the case's line. */
    private static long[] lagPeaks(CaseResult result) {
        for (String line : result.lines()) {
            Matcher matcher = LAG_PEAKS.matcher(line);
            if (matcher.find()) {
                return new long[] {
                    Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3))
                };
            }
        }
        throw new AssertionError("no lag peaks line in:\n" + String.join("\n", result.lines()));
    }
}
