package io.specops.streams;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of what the worker did, shared by its processors; read by the metrics binder. */
public final class WorkerCounters {

    public final AtomicLong accepted = new AtomicLong();
    public final AtomicLong rejected = new AtomicLong();
    public final AtomicLong finished = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    public final AtomicLong resumed = new AtomicLong();
    public final AtomicLong running = new AtomicLong();
}
