package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specops.decoding.Completion;
import io.specops.decoding.FinishReason;
import io.specops.decoding.GenerationStats;
import io.specops.decoding.SamplingParams;
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

    /** 5 prompt tokens, 11 generated; first token after 4 ms, last after 24 ms; 3 verify steps. */
    private static Completion completion(FinishReason reason) {
        GenerationStats stats = new GenerationStats(5, 11, 6, 3, 12, 7, 4_000_000, 24_000_000, 20_000_000, 100_000);
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
        assertThat(success("length")).isEqualTo(1);
        assertThat(success("stop")).isEqualTo(1);

        var ttft = registry.get(MetricNames.TIME_TO_FIRST_TOKEN).timer();
        assertThat(ttft.count()).isEqualTo(2);
        assertThat(ttft.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(8, within(1e-9));
        // 20 ms of decoding over the 10 tokens after the first: 2 ms each.
        var itl = registry.get(MetricNames.INTER_TOKEN_LATENCY).timer();
        assertThat(itl.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(4, within(1e-9));
        var e2e = registry.get(MetricNames.E2E_REQUEST_LATENCY).timer();
        assertThat(e2e.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(24 + 2.5 + 24 + 0.5, within(1e-6));
        var queue = registry.get(MetricNames.REQUEST_QUEUE_TIME).timer();
        assertThat(queue.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(3, within(1e-6));
    }

    @Test
    void a_one_token_request_has_no_inter_token_latency() {
        GenerationStats stats = new GenerationStats(5, 1, 2, 0, 0, 0, 4_000_000, 4_000_000, 3_000_000, 0);
        meters.finished(request("r1"), new Completion(new int[0], "", FinishReason.END_TOKEN, stats), 0);

        assertThat(registry.get(MetricNames.INTER_TOKEN_LATENCY).timer().count())
                .isZero();
        assertThat(registry.get(MetricNames.TIME_TO_FIRST_TOKEN).timer().count())
                .isEqualTo(1);
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

    private double tagged(String name, String code) {
        return registry.get(name).tag(MetricNames.TAG_CODE, code).counter().count();
    }
}
