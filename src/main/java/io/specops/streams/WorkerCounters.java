package io.specops.streams;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of what the worker did, shared by its processors; read by the metrics binder. */
public final class WorkerCounters {

    public final AtomicLong accepted = new AtomicLong();
    public final AtomicLong rejected = new AtomicLong();
    public final AtomicLong finished = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    public final AtomicLong resumed = new AtomicLong();
    /** Generations on a decoding thread now. */
    public final AtomicLong running = new AtomicLong();
    /** Prompts taken on and not yet started, over all tasks. */
    public final AtomicLong waiting = new AtomicLong();
    /** Prompt partitions not fetched now because enough prompts wait. */
    public final AtomicLong heldBackPartitions = new AtomicLong();

    /** Counts one more running generation unless {@code limit} already run; true if it was counted. */
    boolean tryStart(int limit) {
        while (true) {
            long now = running.get();
            if (now >= limit) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }
}
