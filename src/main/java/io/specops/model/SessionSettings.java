package io.specops.model;

/**
 * ONNX Runtime session options.
 *
 * @param intraOpThreads threads one inference call may use
 * @param optimizationLevel graph optimisation: {@code none}, {@code basic}, {@code extended} or {@code all}
 * @param memoryArena the CPU arena allocator (faster, keeps freed memory)
 * @param memoryPattern pre-planned allocations for repeated shapes
 * @param maxConcurrentCalls inference calls that may run at once; a thread whose call would exceed
 *     it waits its turn (first come, first served)
 */
public record SessionSettings(
        int intraOpThreads,
        String optimizationLevel,
        boolean memoryArena,
        boolean memoryPattern,
        int maxConcurrentCalls) {

    public static final SessionSettings DEFAULT = new SessionSettings(1, "all", true, true, defaultConcurrentCalls(1));

    /**
     * One call per core's worth of intra-op threads: more running at once only take turns on the
     * cores, while each stays runnable and crowds out the Kafka clients' heartbeat and stream threads
     * (case 5 of docs/RELIABILITY.md saw a member miss its session that way).
     */
    public static int defaultConcurrentCalls(int intraOpThreads) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / intraOpThreads);
    }

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be >= 1 but was " + intraOpThreads);
        }
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("max concurrent calls must be >= 1 but was " + maxConcurrentCalls);
        }
        if (!java.util.List.of("none", "basic", "extended", "all").contains(optimizationLevel)) {
            throw new IllegalArgumentException(
                    "optimization level must be one of none, basic, extended, all but was '" + optimizationLevel + "'");
        }
    }
}
