package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final float[] LOGITS = {2.0f, 1.0f, 0.0f, -1.0f, 3.0f};

    private static double[] frequencies(SamplingParams params, int draws) {
        Sampler sampler = new Sampler(params, LOGITS.length);
        double[] counts = new double[LOGITS.length];
        for (int position = 0; position < draws; position++) {
            counts[sampler.sample(LOGITS, 0, position)]++;
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] /= draws;
        }
        return counts;
    }

    private static double[] softmax(double temperature, boolean... keep) {
        double[] p = new double[LOGITS.length];
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = keep.length == 0 || keep[i] ? Math.exp(LOGITS[i] / temperature) : 0;
            total += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    @Test
    void greedy_takes_the_arg_max() {
        assertThat(new Sampler(SamplingParams.GREEDY, LOGITS.length).sample(LOGITS, 0, 0))
                .isEqualTo(4);
    }

    @Test
    void sampling_follows_the_softmax_of_the_tempered_logits() {
        double[] observed = frequencies(new SamplingParams(0.7, 1.0, 0, 11), 200_000);
        double[] expected = softmax(0.7);
        for (int i = 0; i < expected.length; i++) {
            assertThat(observed[i]).as("p(%d)", i).isCloseTo(expected[i], within(0.005));
        }
    }

    @Test
    void top_k_keeps_only_the_k_likeliest_and_renormalises() {
        double[] observed = frequencies(new SamplingParams(1.0, 1.0, 2, 3), 200_000);
        double[] expected = softmax(1.0, true, false, false, false, true);
        for (int i = 0; i < expected.length; i++) {
            assertThat(observed[i]).as("p(%d)", i).isCloseTo(expected[i], within(0.005));
        }
    }

    @Test
    void top_p_keeps_the_smallest_set_reaching_p() {
        // softmax(1.0) is about 0.64, 0.24, 0.09, 0.03, 0.01 in rank order: p = 0.8 keeps the top two.
        double[] observed = frequencies(new SamplingParams(1.0, 0.8, 0, 5), 200_000);
        double[] expected = softmax(1.0, true, false, false, false, true);
        for (int i = 0; i < expected.length; i++) {
            assertThat(observed[i]).as("p(%d)", i).isCloseTo(expected[i], within(0.005));
        }
    }

    @Test
    void the_draw_depends_only_on_seed_and_position() {
        SamplingParams params = new SamplingParams(1.0, 1.0, 0, 99);
        Sampler first = new Sampler(params, LOGITS.length);
        Sampler second = new Sampler(params, LOGITS.length);
        for (int position = 0; position < 100; position++) {
            assertThat(first.sample(LOGITS, 0, position)).isEqualTo(second.sample(LOGITS, 0, position));
        }
        assertThat(Sampler.uniform(1, 5)).isNotEqualTo(Sampler.uniform(2, 5)).isNotEqualTo(Sampler.uniform(1, 6));
    }

    @Test
    void the_greedy_margin_is_the_gap_between_the_two_highest_logits() {
        Sampler sampler = new Sampler(SamplingParams.GREEDY, LOGITS.length);
        sampler.sample(LOGITS, 0, 0);
        assertThat(sampler.lastMargin()).isEqualTo(1.0f);

        Sampler tied = new Sampler(SamplingParams.GREEDY, 3);
        assertThat(tied.sample(new float[] {1.0f, 4.0f, 4.0f}, 0, 0)).isEqualTo(1);
        assertThat(tied.lastMargin()).isZero();
    }

    /**
     * The margin's promise, checked on random rows: moving every logit by less than half the margin
     * (so every difference between two logits by less than the margin) never changes the greedy
     * token, while moving them by a few times the margin sometimes does. Rows are 64 logits drawn
     * close together so that the top two often nearly tie.
     */
    @Test
    void no_change_of_the_logits_within_the_greedy_margin_changes_the_token() {
        Random random = new Random(42);
        Sampler sampler = new Sampler(SamplingParams.GREEDY, 64);
        int changedBeyond = 0;
        for (int row = 0; row < 4000; row++) {
            float[] logits = new float[64];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (random.nextGaussian() * 0.3);
            }
            int token = sampler.sample(logits, 0, row);
            float margin = sampler.lastMargin();
            assertThat(margin).isPositive();
            float[] within = logits.clone();
            float[] beyond = logits.clone();
            for (int i = 0; i < logits.length; i++) {
                double unit = random.nextDouble() - 0.5;
                within[i] += (float) (unit * 0.99 * margin);
                beyond[i] += (float) (unit * 8 * margin);
            }
            assertThat(sampler.sample(within, 0, row))
                    .as("row %d, margin %s", row, margin)
                    .isEqualTo(token);
            changedBeyond += sampler.sample(beyond, 0, row) != token ? 1 : 0;
        }
        assertThat(changedBeyond).isPositive();
    }
}
