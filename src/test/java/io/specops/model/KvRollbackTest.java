package io.specops.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.decoding.TargetSequence;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rolling the KV cache back past rejected draft tokens leaves it as if they had never been fed. */
class KvRollbackTest {

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("stories260k", TestModels.stories(), 1e-4),
                Arguments.of("tiny-random-llama-fp16", TestModels.tinyRandomFp16(), 2e-2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void logits_after_a_rejection_equal_a_fresh_run_over_the_accepted_tokens(
            String name, Path directory, double tolerance) {
        try (LoadedModel model = TestModels.load(directory)) {
            int[] prompt = model.tokenizer().encode("Once upon a time, there was a little dog named Max.");
            int n = prompt.length;
            int[] verified = {300, 301, 302, 303, 304, 305}; // the last accepted token, then a 5-token draft
            int accepted = 2;
            int next = 310;

            float[] afterRollback;
            try (TargetSequence speculative = model.target().openSequence()) {
                speculative.forward(prompt, 0, n, 1);
                speculative.forward(verified, 0, verified.length, verified.length);
                speculative.truncate(n + 1 + accepted);
                assertThat(speculative.cachedTokens()).isEqualTo(n + 1 + accepted);
                afterRollback = speculative.forward(new int[] {next}, 0, 1, 1);
            }

            int[] acceptedSequence = Arrays.copyOf(prompt, n + 1 + accepted);
            System.arraycopy(verified, 0, acceptedSequence, n, 1 + accepted);
            float[] fresh;
            try (TargetSequence plain = model.target().openSequence()) {
                plain.forward(acceptedSequence, 0, acceptedSequence.length, 1);
                fresh = plain.forward(new int[] {next}, 0, 1, 1);
            }

            assertThat(maxAbsoluteDifference(afterRollback, fresh)).isLessThan(tolerance);
            assertThat(argMax(afterRollback)).isEqualTo(argMax(fresh));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void rollbacks_while_the_cache_grows_past_its_first_buffers_match_a_fresh_run(
            String name, Path directory, double tolerance) {
        try (LoadedModel model = TestModels.load(directory)) {
            int context = Math.min(model.target().contextLength(), 300);
            int[] accepted = new int[context];
            int length = 0;
            float[] afterRollbacks;
            try (TargetSequence speculative = model.target().openSequence()) {
                // Steps of 1 token then a 9-token draft of which 3 are kept, in turn, then a second
                // rollback straight after the first, until the cache has outgrown 64, 128 and 256 tokens.
                int step = 0;
                while (length + 10 < context - 1) {
                    int[] input = new int[10];
                    for (int i = 0; i < input.length; i++) {
                        input[i] = 5 + (7 * (length + i) + step) % 300;
                    }
                    speculative.forward(input, 0, input.length, input.length);
                    speculative.truncate(length + 6);
                    speculative.truncate(length + 4);
                    System.arraycopy(input, 0, accepted, length, 4);
                    length += 4;
                    step++;
                }
                assertThat(speculative.cachedTokens()).isEqualTo(length).isGreaterThan(256 - 10);
                afterRollbacks = speculative.forward(new int[] {310}, 0, 1, 1);
            }

            float[] fresh;
            try (TargetSequence plain = model.target().openSequence()) {
                plain.forward(accepted, 0, length, 1);
                fresh = plain.forward(new int[] {310}, 0, 1, 1);
            }

            assertThat(maxAbsoluteDifference(afterRollbacks, fresh)).isLessThan(tolerance);
            assertThat(argMax(afterRollbacks)).isEqualTo(argMax(fresh));
        }
    }

    private static double maxAbsoluteDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
