package io.specops.metrics;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Liveness and readiness of one worker, as its health endpoints and Kubernetes' probes see them.
 *
 * <ul>
 *   <li><b>Ready</b>: the model is loaded, its files were checked against its SHA256SUMS manifest,
 *       and Kafka Streams is RUNNING. During a rebalance the worker is not ready; it is still live.
 *       A worker allowed to run a model directory without a manifest serves, but is never ready.
 *   <li><b>Live</b>: Kafka Streams is in neither ERROR nor NOT_RUNNING. A worker that is still
 *       loading its model, or whose Kafka Streams is being created, is live: a restart would only
 *       start the load again.
 * </ul>
 *
 * Thread-safe: the state is read from Kafka Streams on each call.
 */
public final class WorkerHealth {

    private static final Set<String> DEAD_STATES = Set.of("ERROR", "NOT_RUNNING");
    private static final String RUNNING = "RUNNING";
    /** What {@link #state()} says before Kafka Streams exists. */
    public static final String STARTING = "STARTING";

    private volatile boolean modelLoaded;
    private volatile boolean modelVerified;
    private volatile Supplier<String> streamsState = () -> STARTING;

    /**
     * The model was loaded.
     *
     * @param verified whether its files were checked against the digests of its manifest
     */
    void modelLoaded(boolean verified) {
        modelVerified = verified;
        modelLoaded = true;
    }

    /** @param state the name of Kafka Streams' current state, read on every health check */
    void bindStreamsState(Supplier<String> state) {
        streamsState = state;
    }

    /** Kafka Streams' state name, or {@link #STARTING} before it exists. */
    public String state() {
        try {
            String state = streamsState.get();
            return state == null ? STARTING : state;
        } catch (RuntimeException e) {
            return "UNKNOWN";
        }
    }

    public boolean live() {
        return !DEAD_STATES.contains(state());
    }

    public boolean ready() {
        return modelLoaded && modelVerified && RUNNING.equals(state());
    }

    public boolean modelLoaded() {
        return modelLoaded;
    }

    /** The loaded model's files were checked against their manifest; false before the model is loaded. */
    public boolean modelVerified() {
        return modelVerified;
    }
}
