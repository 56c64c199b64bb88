package io.specops.streams;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs how long restoring the global n-gram store from its compacted topic took, per partition. */
final class NgramRestoreLog implements StateRestoreListener {

    private static final Logger log = LoggerFactory.getLogger(NgramRestoreLog.class);

    private final java.util.Map<TopicPartition, Long> startNanos = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startOffset, long endOffset) {
        startNanos.put(partition, System.nanoTime());
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long restored) {}

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        Long start = startNanos.remove(partition);
        long millis = start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
        log.info("Restored store {} from {}: {} records in {} ms", storeName, partition, totalRestored, millis);
    }
}
