package io.specops.reliability;

import io.specops.client.PromptSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends prompts at a steady rate from a thread of its own while a case changes the system under
 * them: prompt {@code i} leaves {@code i / perSecond} seconds after the start, or as soon as the
 * broker took the one before it, when the broker is away. Close it.
 */
final class SteadyLoad implements AutoCloseable {

    private final Driver driver;
    private final List<PromptSpec> prompts;
    private final double perSecond;
    private final List<Driver.Sent> sent = new ArrayList<>();
    private final Thread sender;
    private volatile long startMillis;
    private volatile RuntimeException failure;
    private volatile boolean stopped;

    private SteadyLoad(Driver driver, List<PromptSpec> prompts, double perSecond) {
        this.driver = driver;
        this.prompts = List.copyOf(prompts);
        this.perSecond = perSecond;
        this.sender = new Thread(this::send, "reliability-load");
        sender.setDaemon(true);
    }

    static SteadyLoad start(Driver driver, List<PromptSpec> prompts, double perSecond) {
        SteadyLoad load = new SteadyLoad(driver, prompts, perSecond);
        load.startMillis = System.currentTimeMillis();
        load.sender.start();
        return load;
    }

    /** How long sending all prompts takes at the rate. */
    static Duration duration(int prompts, double perSecond) {
        return Duration.ofMillis((long) (1000 * prompts / perSecond));
    }

    private void send() {
        try {
            long startNanos = System.nanoTime();
            for (int i = 0; i < prompts.size() && !stopped; i++) {
                long dueNanos = startNanos + (long) (i * 1e9 / perSecond);
                long waitNanos = dueNanos - System.nanoTime();
                if (waitNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
                List<Driver.Sent> one = driver.send(List.of(prompts.get(i)));
                synchronized (sent) {
                    sent.addAll(one);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    long startMillis() {
        return startMillis;
    }

    /** Waits until every prompt is on the broker; false if {@code timeout} passed first. */
    boolean awaitSent(Duration timeout) throws InterruptedException {
        sender.join(timeout.toMillis());
        if (failure != null) {
            throw new IllegalStateException("the load could not send every prompt", failure);
        }
        return !sender.isAlive();
    }

    /** Sends no more prompts after the one being sent now; waits until that one is on the broker. */
    void stop(Duration timeout) throws InterruptedException {
        stopped = true;
        awaitSent(timeout);
    }

    /** The prompts on the broker so far, in the order they were sent. */
    List<Driver.Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    @Override
    public void close() {
        sender.interrupt();
        try {
            sender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
