package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Turning timed rounds into c(k): a line robust to disturbed rounds and shapes, never below 1, c(0) = 1. */
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

    /** Sets {@code nanos[k]} to {@code slowNanos} in its first {@code rounds} rounds. */
    private static void slowDown(long[][] nanos, int k, int rounds, long slowNanos) {
        for (int round = 0; round < rounds; round++) {
            nanos[k][round] = slowNanos;
        }
    }

    /** k = 9 slowed by other work in four of five rounds, or in all five. */
    @ParameterizedTest(name = "slowed in {0} of 5 rounds")
    @ValueSource(ints = {4, 5})
    void a_slowed_shape_bends_neither_its_own_cost_nor_that_of_longer_drafts(int slowedRounds) {
        long[][] nanos = linearTimings(16, 5);
        slowDown(nanos, 9, slowedRounds, 300_000);

        VerifyCost cost = VerifyCost.fromTimings(nanos);

        assertThat(cost.relative(9)).isCloseTo(1.45, within(1e-9));
        assertThat(cost.relative(16)).isCloseTo(1.8, within(1e-9));
    }

    @Test
    void one_token_rounds_slow_in_every_round_do_not_scale_every_cost_down() {
        long[][] nanos = linearTimings(16, 5);
        slowDown(nanos, 0, 5, 150_000); // the base itself disturbed: dividing by it would give c(16) = 1.2

        VerifyCost cost = VerifyCost.fromTimings(nanos);

        assertThat(cost.oneTokenNanos()).isCloseTo(100_000, within(1e-6));
        assertThat(cost.relative(16)).isCloseTo(1.8, within(1e-9));
    }

    @Test
    void rounds_slowed_at_random_still_give_the_line_within_a_few_percent() {
        java.util.Random random = new java.util.Random(11);
        long[][] nanos = linearTimings(32, 5);
        for (long[] shape : nanos) {
            for (int round = 0; round < shape.length; round++) {
                // Most rounds a little slower, one in five up to twice as slow.
                double slowdown = random.nextInt(5) == 0 ? random.nextDouble() : 0.1 * random.nextDouble();
                shape[round] = Math.round(shape[round] * (1 + slowdown));
            }
        }

        VerifyCost cost = VerifyCost.fromTimings(nanos);

        assertThat(cost.relative(16)).isCloseTo(1.8, within(0.05));
        assertThat(cost.relative(32)).isCloseTo(2.6, within(0.08));
        for (int k = 1; k <= 32; k++) {
            assertThat(cost.relative(k)).isGreaterThan(cost.relative(k - 1));
        }
    }

    @Test
    void no_verify_step_costs_less_than_one_token() {
        long[][] nanos = linearTimings(4, 3);
        for (int k = 0; k <= 4; k++) {
            for (int round = 0; round < 3; round++) {
                nanos[k][round] = 100_000 - 1_000L * k; // longer calls measured faster: noise, not a cost
            }
        }

        VerifyCost cost = VerifyCost.fromTimings(nanos);

        for (int k = 0; k <= 4; k++) {
            assertThat(cost.relative(k)).isEqualTo(1.0);
        }
    }

    @Test
    void the_points_the_line_is_fitted_to_are_each_shapes_fastest_round_over_the_one_token_one() {
        long[][] nanos = linearTimings(4, 3);
        nanos[0][1] = 90_000;
        nanos[2][0] = 80_000;

        double[] fastest = VerifyCost.fastestRelative(nanos);

        assertThat(fastest[0]).isEqualTo(1.0);
        assertThat(fastest[2]).isCloseTo(80_000 / 90_000.0, within(1e-12));
        assertThat(fastest[4]).isCloseTo(120_000 / 90_000.0, within(1e-12));
    }
}
