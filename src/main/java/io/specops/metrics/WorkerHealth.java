package io.specops.metrics;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Liveness and readiness of one worker, as its health endpoints and Kubernetes' probes see them.
 *
 * <ul>
 *   <li><b>Ready</b>: the model is loaded and its files verified, and Kafka Streams is RUNNING.
 *       During a rebalance the worker is not ready; it is still live.
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

    private volatile boolean modelVerified;
    private volatile Supplier<String> streamsState = () -> STARTING;

    /** The model was loaded and its files checked against their digests. */
    void modelVerified() {
        modelVerified = true;
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
        return modelVerified && RUNNING.equals(state());
    }

    public boolean modelLoaded() {
        return modelVerified;
    }
}
