package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specops.decoding.Completion;
import io.specops.decoding.FinishReason;
import io.specops.decoding.GenerationStats;
import io.specops.decoding.SamplingParams;
import io.specops.decoding.StepTimeline;
import io.specops.engine.DrafterMode;
import io.specops.streams.PromptRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RequestMeters meters = new RequestMeters(registry);

    private static PromptRequest request(String id) {
        return new PromptRequest(
                id,
                "session-" + id,
                "Once",
                new int[] {1, 2},
                16,
                SamplingParams.GREEDY,
                List.of(),
                DrafterMode.COMBINED);
    }

    private static final long MS = 1_000_000;

    /**
     * 5 prompt tokens, 11 generated. The prefill settles the first token after 4 ms; then three
     * verify steps of 4 draft tokens each: none accepted (1 token, at 5 ms), the first 3 accepted (4
     * tokens, at 13 ms) and all 4 accepted (5 tokens, at 24 ms).
     */
    private static Completion completion(FinishReason reason) {
        StepTimeline steps = new StepTimeline(new long[] {4 * MS, 5 * MS, 13 * MS, 24 * MS}, new int[] {1, 1, 4, 5});
        GenerationStats stats = new GenerationStats(
                5, 11, 4, 3, 12, 7, 1, 4 * MS, 24 * MS, 20 * MS, MS / 10, new int[] {2, 2, 2, 1}, steps);
        return new Completion(new int[] {3, 4}, "text", reason, stats);
    }

    @Test
    void a_finished_request_adds_its_tokens_latencies_and_speculation_counts() {
        meters.finished(request("r1"), completion(FinishReason.MAX_TOKENS), 2.5);
        meters.finished(request("r2"), completion(FinishReason.END_TOKEN), 0.5);

        assertThat(registry.get(MetricNames.PROMPT_TOKENS).counter().count()).isEqualTo(10);
        assertThat(registry.get(MetricNames.GENERATION_TOKENS).counter().count())
                .isEqualTo(22);
        assertThat(registry.get(MetricNames.SPEC_DECODE_DRAFTS).counter().count())
                .isEqualTo(6);
        assertThat(registry.get(MetricNames.SPEC_DECODE_DRAFT_TOKENS).counter().count())
                .isEqualTo(24);
        assertThat(registry.get(MetricNames.SPEC_DECODE_ACCEPTED_TOKENS)
                        .counter()
                        .count())
                .isEqualTo(14);
        assertThat(registry.get(MetricNames.SPEC_DECODE_TIE_REPLAYS).counter().count())
                .isEqualTo(2);
        assertThat(success("length")).isEqualTo(1);
        assertThat(success("stop")).isEqualTo(1);

        var ttft = registry.get(MetricNames.TIME_TO_FIRST_TOKEN).timer();
        assertThat(ttft.count()).isEqualTo(2);
        assertThat(ttft.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(8, within(1e-9));
        // One gap per token after the first: 1 ms, then 8 ms over 4 tokens, then 11 ms over 5 tokens.
        var itl = registry.get(MetricNames.INTER_TOKEN_LATENCY).timer();
        assertThat(itl.count()).isEqualTo(2 * 10);
        assertThat(itl.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(2 * 20, within(1e-9));
        assertThat(cumulativeCount(itl, 1)).as("gaps of at most 1 ms").isEqualTo(2 * 1);
        assertThat(cumulativeCount(itl, 2.5)).as("gaps of at most 2.5 ms").isEqualTo(2 * 10);
        var e2e = registry.get(MetricNames.E2E_REQUEST_LATENCY).timer();
        assertThat(e2e.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(24 + 2.5 + 24 + 0.5, within(1e-6));
        var queue = registry.get(MetricNames.REQUEST_QUEUE_TIME).timer();
        assertThat(queue.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(3, within(1e-6));
    }

    @Test
    void a_one_token_request_has_no_inter_token_latency() {
        GenerationStats stats = new GenerationStats(
                5,
                1,
                1,
                0,
                0,
                0,
                0,
                4 * MS,
                4 * MS,
                3 * MS,
                0,
                new int[0],
                new StepTimeline(new long[] {4 * MS}, new int[] {1}));
        meters.finished(request("r1"), new Completion(new int[0], "", FinishReason.END_TOKEN, stats), 0);

        assertThat(registry.get(MetricNames.INTER_TOKEN_LATENCY).timer().count())
                .isZero();
        assertThat(registry.get(MetricNames.TIME_TO_FIRST_TOKEN).timer().count())
                .isEqualTo(1);
    }

    @Test
    void accepted_tokens_are_counted_by_draft_position_and_the_positions_add_up_to_the_accepted_tokens() {
        meters.finished(request("r1"), completion(FinishReason.MAX_TOKENS), 0);
        meters.finished(request("r2"), completion(FinishReason.MAX_TOKENS), 0);

        assertThat(position("0")).isEqualTo(4);
        assertThat(position("1")).isEqualTo(4);
        assertThat(position("2")).isEqualTo(4);
        assertThat(position("3")).isEqualTo(2);
        assertThat(position("4")).isZero();
        assertThat(registry.get(MetricNames.SPEC_DECODE_ACCEPTED_TOKENS_PER_POSITION)
                        .counters())
                .hasSize(MetricNames.MAX_DRAFT_POSITION_LABELS);
        double byPosition = registry.get(MetricNames.SPEC_DECODE_ACCEPTED_TOKENS_PER_POSITION).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        assertThat(byPosition)
                .isEqualTo(registry.get(MetricNames.SPEC_DECODE_ACCEPTED_TOKENS)
                        .counter()
                        .count());
    }

    @Test
    void draft_positions_from_31_on_share_the_last_label() {
        int[] byPosition = new int[40];
        java.util.Arrays.fill(byPosition, 1);
        GenerationStats stats = new GenerationStats(
                5,
                41,
                2,
                1,
                40,
                40,
                0,
                MS,
                2 * MS,
                MS,
                0,
                byPosition,
                new StepTimeline(new long[] {MS, 2 * MS}, new int[] {1, 40}));
        meters.finished(request("r1"), new Completion(new int[0], "", FinishReason.MAX_TOKENS, stats), 0);

        assertThat(position("30")).isEqualTo(1);
        assertThat(MetricNames.lastDraftPositionLabel()).isEqualTo("31+");
        assertThat(position("31+")).as("positions 31 to 39").isEqualTo(9);
        assertThat(registry.find(MetricNames.SPEC_DECODE_ACCEPTED_TOKENS_PER_POSITION)
                        .tag(MetricNames.TAG_POSITION, "31")
                        .counter())
                .isNull();
        assertThat(registry.get(MetricNames.SPEC_DECODE_ACCEPTED_TOKENS_PER_POSITION)
                        .counters())
                .hasSize(MetricNames.MAX_DRAFT_POSITION_LABELS);
    }

    @Test
    void every_known_outcome_reads_zero_before_it_first_happens() {
        for (String reason : MetricNames.FINISHED_REASONS) {
            assertThat(success(reason)).isZero();
        }
        for (String code : MetricNames.DEAD_LETTER_CODES) {
            assertThat(tagged(MetricNames.PROMPTS_DEAD_LETTERED, code)).isZero();
        }
        for (String code : MetricNames.FAILURE_CODES) {
            assertThat(tagged(MetricNames.REQUEST_FAILURE, code)).isZero();
        }
        for (int position = 0; position < MetricNames.MAX_DRAFT_POSITION_LABELS; position++) {
            assertThat(position(MetricNames.draftPositionLabel(position))).isZero();
        }
    }

    @Test
    void rejections_failures_acceptances_and_resumptions_are_counted_by_code() {
        meters.accepted();
        meters.accepted();
        meters.rejected("malformed_json");
        meters.rejected("a_code_added_later");
        meters.failed("internal_error");
        meters.resumed(3);

        assertThat(registry.get(MetricNames.REQUESTS_ACCEPTED).counter().count())
                .isEqualTo(2);
        assertThat(tagged(MetricNames.PROMPTS_DEAD_LETTERED, "malformed_json")).isEqualTo(1);
        assertThat(tagged(MetricNames.PROMPTS_DEAD_LETTERED, "a_code_added_later"))
                .isEqualTo(1);
        assertThat(tagged(MetricNames.REQUEST_FAILURE, "internal_error")).isEqualTo(1);
        assertThat(registry.get(MetricNames.REQUESTS_RESUMED).counter().count()).isEqualTo(3);
    }

    @Test
    void no_meter_carries_a_request_or_session_id() {
        meters.finished(request("request-42"), completion(FinishReason.STOP_STRING), 1);

        registry.getMeters()
                .forEach(meter -> meter.getId()
                        .getTags()
                        .forEach(tag -> assertThat(tag.getValue())
                                .doesNotContain("request-42")
                                .doesNotContain("session-request-42")));
        assertThat(registry.getMeters())
                .allSatisfy(meter -> assertThat(meter.getId().getTags())
                        .extracting(io.micrometer.core.instrument.Tag::getKey)
                        .doesNotContain("request_id", "session_id"));
    }

    private double success(String reason) {
        return registry.get(MetricNames.REQUEST_SUCCESS)
                .tag(MetricNames.TAG_FINISHED_REASON, reason)
                .counter()
                .count();
    }

    private double position(String label) {
        return registry.get(MetricNames.SPEC_DECODE_ACCEPTED_TOKENS_PER_POSITION)
                .tag(MetricNames.TAG_POSITION, label)
                .counter()
                .count();
    }

    /** Observations of at most {@code millis}, from the timer's bucket with exactly that bound. */
    private static double cumulativeCount(io.micrometer.core.instrument.Timer timer, double millis) {
        for (var bucket : timer.takeSnapshot().histogramCounts()) {
            if (Math.abs(bucket.bucket(TimeUnit.MILLISECONDS) - millis) < 1e-9) {
                return bucket.count();
            }
        }
        throw new AssertionError("no bucket at " + millis + " ms");
    }

    private double tagged(String name, String code) {
        return registry.get(name).tag(MetricNames.TAG_CODE, code).counter().count();
    }
}
