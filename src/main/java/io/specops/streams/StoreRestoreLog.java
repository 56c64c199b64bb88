package io.specops.streams;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs how long restoring a state store took: the in-flight store and the n-gram aggregate from
 * their changelogs, the global n-gram store from its compacted topic. Partitions with nothing to
 * restore are logged at DEBUG only.
 */
final class StoreRestoreLog implements StateRestoreListener {

    private static final Logger log = LoggerFactory.getLogger(StoreRestoreLog.class);

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
        if (totalRestored > 0) {
            log.info("Restored store {} from {}: {} records in {} ms", storeName, partition, totalRestored, millis);
        } else {
            log.debug("Store {} had nothing to restore from {}", storeName, partition);
        }
    }
}
