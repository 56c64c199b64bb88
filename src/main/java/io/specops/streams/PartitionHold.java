package io.specops.streams;

import org.apache.kafka.common.TopicPartition;

/**
 * Holds back an input partition of one stream thread's main consumer: no records of it are fetched
 * until it is released, whatever Kafka Streams resumes meanwhile. Call it only on that stream thread,
 * as the consumer it acts on is not thread-safe.
 */
public interface PartitionHold {

    /** Stops fetching {@code partition} now and keeps it stopped until {@link #release}. */
    void holdBack(TopicPartition partition);

    /** Fetches {@code partition} again, if it is still assigned. */
    void release(TopicPartition partition);

    /**
     * Drops the hold on {@code partition} without resuming it: its task is closing, and whoever owns
     * the partition next (this thread after a restoration, or another member) resumes it as usual.
     */
    void forget(TopicPartition partition);

    /** Holds nothing: where there is no consumer of ours (a topology test driver, a foreign thread). */
    PartitionHold NONE = new PartitionHold() {
        @Override
        public void holdBack(TopicPartition partition) {}

        @Override
        public void release(TopicPartition partition) {}

        @Override
        public void forget(TopicPartition partition) {}
    };
}
