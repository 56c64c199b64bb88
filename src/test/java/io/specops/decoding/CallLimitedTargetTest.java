package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallLimitedTargetTest {

    /** A target whose calls take 2 ms and which records how many ran at once. */
    private static final class SlowTarget implements TargetModel {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        private final ScriptedTargetModel script = new ScriptedTargetModel(512);

        @Override
        public int vocabSize() {
            return script.vocabSize();
        }

        @Override
        public int contextLength() {
            return script.contextLength();
        }

        @Override
        public TargetSequence openSequence() {
            TargetSequence sequence = script.openSequence();
            return new TargetSequence() {
                @Override
                public int cachedTokens() {
                    return sequence.cachedTokens();
                }

                @Override
                public float[] forward(int[] tokens, int from, int count, int logitRows) {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return sequence.forward(tokens, from, count, logitRows);
                }

                @Override
                public void truncate(int cachedTokens) {
                    sequence.truncate(cachedTokens);
                }

                @Override
                public long inferenceNanos() {
                    return 0;
                }

                @Override
                public void close() {}
            };
        }
    }

    @Test
    void six_decoding_threads_run_at_most_two_calls_at_once_and_get_the_same_tokens() throws Exception {
        SlowTarget slow = new SlowTarget();
        TargetModel limited = new CallLimitedTarget(slow, 2);
        SpeculativeDecoder decoder = new SpeculativeDecoder(
                limited,
                ScriptedTargetModel.TEXT,
                new int[0],
                Drafter.NONE,
                SpeculationSettings.OFF,
                VerifyCost.linear(1, 0.05));
        GenerationRequest request = GenerationRequest.greedy(new int[] {0, 3}, 20);
        Completion alone = new SpeculativeDecoder(
                        new ScriptedTargetModel(512),
                        ScriptedTargetModel.TEXT,
                        new int[0],
                        Drafter.NONE,
                        SpeculationSettings.OFF,
                        VerifyCost.linear(1, 0.05))
                .generate(request);

        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<Future<Completion>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(threads.submit(() -> decoder.generate(request)));
            }
            for (Future<Completion> result : results) {
                assertThat(result.get().tokenIds()).containsExactly(alone.tokenIds());
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(slow.mostAtOnce.get()).isEqualTo(2);
    }
}
