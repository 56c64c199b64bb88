package io.specops.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * A stream thread's main consumer that lets the worker hold back input partitions: it forwards every
 * call to the consumer it wraps, except that {@link #resume} leaves out the partitions held back.
 *
 * <p>Kafka Streams has no pause for one partition that a processor could use, and it resumes
 * partitions itself, so a plain {@code pause} would not last. Its own calls on the main consumer
 * (Kafka Streams 4.4, classic group protocol) and why a hold survives each and breaks none:
 *
 * <ul>
 *   <li>{@code StreamTask.addRecords} pauses a partition whose record queue is full, and
 *       {@code TaskManager.resumePollingForPartitionsWithAvailableSpace}, at the top of every loop
 *       of the stream thread, resumes it once the queue has room. Pauses pass through; the resume
 *       skips a held partition, whose records stay on the broker until it is released.
 *   <li>{@code TaskManager.handleRebalanceComplete} pauses the partitions of tasks not initialized
 *       yet after a rebalance, and {@code transitRestoredTaskToRunning} resumes a task's input
 *       partitions once its stores are restored, right after its processors' {@code init}, which
 *       may hold the partition back already; the resume skips it then. A held partition belongs to
 *       a running task, and a cooperative rebalance that leaves the task here leaves the partition
 *       paused, as it should. A task that is closed or revoked drops its hold first
 *       ({@link #forget}), so the resume of its next owner goes through.
 *   <li>{@code StreamTask.addPartitionsForOffsetReset} pauses partitions whose offsets must be
 *       reset during restoration, before the processors of the task exist, so before any hold.
 *   <li>Nothing in Kafka Streams reads {@code paused()} of the main consumer (the changelog reader
 *       pauses and reads the restore consumer, which is not wrapped).
 * </ul>
 *
 * With {@code group.protocol=streams} Kafka Streams builds its main consumer itself instead of asking
 * the client supplier, so there is nothing to wrap and no partition is held back.
 *
 * <p>Only the stream thread that owns this consumer may call {@link #holdBack}, {@link #release}
 * and {@link #forget}: a Kafka consumer is used by one thread.
 */
final class HoldBackConsumer implements Consumer<byte[], byte[]>, PartitionHold {

    private final Consumer<byte[], byte[]> delegate;
    private final Set<TopicPartition> heldBack = new HashSet<>();

    HoldBackConsumer(Consumer<byte[], byte[]> delegate) {
        this.delegate = delegate;
    }

    @Override
    public void holdBack(TopicPartition partition) {
        if (delegate.assignment().contains(partition) && heldBack.add(partition)) {
            delegate.pause(List.of(partition));
        }
    }

    @Override
    public void release(TopicPartition partition) {
        if (heldBack.remove(partition) && delegate.assignment().contains(partition)) {
            delegate.resume(List.of(partition));
        }
    }

    @Override
    public void forget(TopicPartition partition) {
        heldBack.remove(partition);
    }

    /** Resumes the given partitions except those held back. */
    @Override
    public void resume(Collection<TopicPartition> partitions) {
        if (heldBack.isEmpty()) {
            delegate.resume(partitions);
            return;
        }
        List<TopicPartition> free = new ArrayList<>(partitions.size());
        for (TopicPartition partition : partitions) {
            if (!heldBack.contains(partition)) {
                free.add(partition);
            }
        }
        if (!free.isEmpty()) {
            delegate.resume(free);
        }
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        delegate.pause(partitions);
    }

    @Override
    public Set<TopicPartition> paused() {
        return delegate.paused();
    }

    @Override
    public Set<TopicPartition> assignment() {
        return delegate.assignment();
    }

    @Override
    public Set<String> subscription() {
        return delegate.subscription();
    }

    @Override
    public void subscribe(Collection<String> topics) {
        delegate.subscribe(topics);
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener callback) {
        delegate.subscribe(topics, callback);
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        delegate.assign(partitions);
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener callback) {
        delegate.subscribe(pattern, callback);
    }

    @Override
    public void subscribe(Pattern pattern) {
        delegate.subscribe(pattern);
    }

    @Override
    public void subscribe(SubscriptionPattern pattern, ConsumerRebalanceListener callback) {
        delegate.subscribe(pattern, callback);
    }

    @Override
    public void subscribe(SubscriptionPattern pattern) {
        delegate.subscribe(pattern);
    }

    @Override
    public void unsubscribe() {
        delegate.unsubscribe();
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        return delegate.poll(timeout);
    }

    @Override
    public void commitSync() {
        delegate.commitSync();
    }

    @Override
    public void commitSync(Duration timeout) {
        delegate.commitSync(timeout);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        delegate.commitSync(offsets);
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        delegate.commitSync(offsets, timeout);
    }

    @Override
    public void commitAsync() {
        delegate.commitAsync();
    }

    @Override
    public void commitAsync(OffsetCommitCallback callback) {
        delegate.commitAsync(callback);
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        delegate.commitAsync(offsets, callback);
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        delegate.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        delegate.unregisterMetricFromSubscription(metric);
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        delegate.seek(partition, offset);
    }

    @Override
    public void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
        delegate.seek(partition, offsetAndMetadata);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        delegate.seekToBeginning(partitions);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        delegate.seekToEnd(partitions);
    }

    @Override
    public long position(TopicPartition partition) {
        return delegate.position(partition);
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        return delegate.position(partition, timeout);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return delegate.committed(partitions);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        return delegate.committed(partitions, timeout);
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return delegate.clientInstanceId(timeout);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return delegate.metrics();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        return delegate.partitionsFor(topic, timeout);
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics() {
        return delegate.listTopics();
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics(Duration timeout) {
        return delegate.listTopics(timeout);
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch) {
        return delegate.offsetsForTimes(timestampsToSearch);
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
            Map<TopicPartition, Long> timestampsToSearch, Duration timeout) {
        return delegate.offsetsForTimes(timestampsToSearch, timeout);
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return delegate.beginningOffsets(partitions);
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return delegate.beginningOffsets(partitions, timeout);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return delegate.endOffsets(partitions);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return delegate.endOffsets(partitions, timeout);
    }

    @Override
    public OptionalLong currentLag(TopicPartition partition) {
        return delegate.currentLag(partition);
    }

    @Override
    public ConsumerGroupMetadata groupMetadata() {
        return delegate.groupMetadata();
    }

    @Override
    public void enforceRebalance() {
        delegate.enforceRebalance();
    }

    @Override
    public void enforceRebalance(String reason) {
        delegate.enforceRebalance(reason);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Forwarded as {@link #close(CloseOptions)}, which replaces it. */
    @Deprecated
    @Override
    public void close(Duration timeout) {
        delegate.close(CloseOptions.timeout(timeout));
    }

    @Override
    public void close(CloseOptions option) {
        delegate.close(option);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }
}
