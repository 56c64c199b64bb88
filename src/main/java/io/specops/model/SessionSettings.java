package io.specops.model;

/**
 * ONNX Runtime session options.
 *
 * @param intraOpThreads threads one inference call may use
 * @param optimizationLevel graph optimisation: {@code none}, {@code basic}, {@code extended} or {@code all}
 * @param memoryArena the CPU arena allocator (faster, keeps freed memory)
 * @param memoryPattern pre-planned allocations for repeated shapes
 */
public record SessionSettings(
        int intraOpThreads, String optimizationLevel, boolean memoryArena, boolean memoryPattern) {

    public static final SessionSettings DEFAULT = new SessionSettings(1, "all", true, true);

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be >= 1 but was " + intraOpThreads);
        }
        if (!java.util.List.of("none", "basic", "extended", "all").contains(optimizationLevel)) {
            throw new IllegalArgumentException(
                    "optimization level must be one of none, basic, extended, all but was '" + optimizationLevel + "'");
        }
    }
}
