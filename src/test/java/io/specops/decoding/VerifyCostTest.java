package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Turning timed rounds into c(k): robust to a disturbed round, non-decreasing, c(0) = 1. */
class VerifyCostTest {

    /** {@code rounds} rounds of a model whose step of {@code k + 1} tokens takes {@code 100 + 5k} units. */
    private static long[][] linearTimings(int maxDraftTokens, int rounds) {
        long[][] nanos = new long[maxDraftTokens + 1][rounds];
        for (int k = 0; k <= maxDraftTokens; k++) {
            for (int round = 0; round < rounds; round++) {
                nanos[k][round] = 100_000 + 5_000L * k;
            }
        }
        return nanos;
    }

    @Test
    void undisturbed_timings_give_the_ratio_to_a_one_token_step() {
        VerifyCost cost = VerifyCost.fromTimings(linearTimings(16, 5));

        assertThat(cost.relative(0)).isEqualTo(1.0);
        assertThat(cost.relative(4)).isCloseTo(1.2, within(1e-9));
        assertThat(cost.relative(16)).isCloseTo(1.8, within(1e-9));
        assertThat(cost.oneTokenNanos()).isEqualTo(100_000);
    }

    @Test
    void a_shape_slowed_in_most_rounds_does_not_raise_the_cost_of_longer_drafts() {
        long[][] nanos = linearTimings(16, 5);
        for (int round = 0; round < 4; round++) {
            nanos[9][round] = 300_000; // k = 9 slowed by other work in four of five rounds
        }

        VerifyCost cost = VerifyCost.fromTimings(nanos);

        assertThat(cost.relative(9)).isCloseTo(1.45, within(1e-9));
        assertThat(cost.relative(16)).isCloseTo(1.8, within(1e-9));
    }

    @Test
    void a_shape_slow_in_every_round_is_pooled_with_its_neighbours_not_carried_to_every_longer_draft() {
        long[][] nanos = linearTimings(16, 5);
        for (int round = 0; round < 5; round++) {
            nanos[9][round] = 300_000;
        }

        VerifyCost cost = VerifyCost.fromTimings(nanos);

        for (int k = 1; k <= 16; k++) {
            assertThat(cost.relative(k)).isGreaterThanOrEqualTo(cost.relative(k - 1));
        }
        assertThat(cost.relative(16)).isLessThan(2.0);
        assertThat(cost.relative(9)).isLessThan(3.0).isGreaterThan(1.45);
    }

    @Test
    void a_faster_one_token_round_sets_the_base_and_no_verify_step_costs_less_than_one() {
        long[][] nanos = linearTimings(4, 3);
        nanos[0][1] = 90_000;
        nanos[2][0] = 80_000; // faster than any one-token round: measurement noise

        VerifyCost cost = VerifyCost.fromTimings(nanos);

        assertThat(cost.oneTokenNanos()).isEqualTo(90_000);
        assertThat(cost.relative(1)).isGreaterThanOrEqualTo(1.0);
        assertThat(cost.relative(2)).isGreaterThanOrEqualTo(cost.relative(1));
        assertThat(cost.relative(4)).isCloseTo(120_000 / 90_000.0, within(1e-9));
    }
}
