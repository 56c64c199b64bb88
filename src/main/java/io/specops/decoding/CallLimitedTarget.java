package io.specops.decoding;

import java.util.concurrent.Semaphore;

/**
 * A target that runs at most a given number of forward calls at once, over all its sequences; a
 * thread whose call would exceed that waits its turn, first come, first served.
 *
 * <p>With more decoding threads than cores, every thread stays runnable and the scheduler shares the
 * cores among all of them, the Kafka clients' heartbeat and stream threads included: on a loaded
 * machine a worker then missed its consumer session. Holding the calls to what the cores can run
 * leaves the other threads room and changes no token: each sequence's calls run in its own order.
 */
public final class CallLimitedTarget implements TargetModel {

    private final TargetModel target;
    private final Semaphore calls;

    public CallLimitedTarget(TargetModel target, int maxConcurrentCalls) {
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("max concurrent calls must be >= 1 but was " + maxConcurrentCalls);
        }
        this.target = target;
        this.calls = new Semaphore(maxConcurrentCalls, true);
    }

    @Override
    public int vocabSize() {
        return target.vocabSize();
    }

    @Override
    public int contextLength() {
        return target.contextLength();
    }

    @Override
    public TargetSequence openSequence() {
        TargetSequence sequence = target.openSequence();
        return new TargetSequence() {
            @Override
            public int cachedTokens() {
                return sequence.cachedTokens();
            }

            @Override
            public float[] forward(int[] tokens, int from, int count, int logitRows) {
                calls.acquireUninterruptibly();
                try {
                    return sequence.forward(tokens, from, count, logitRows);
                } finally {
                    calls.release();
                }
            }

            @Override
            public void truncate(int cachedTokens) {
                sequence.truncate(cachedTokens);
            }

            @Override
            public long inferenceNanos() {
                return sequence.inferenceNanos();
            }

            @Override
            public void close() {
                sequence.close();
            }
        };
    }
}
