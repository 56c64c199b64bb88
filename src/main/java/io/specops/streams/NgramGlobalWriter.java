package io.specops.streams;

import io.specops.ngram.NgramTable;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global n-gram store and the drafter's in-memory {@link NgramTable} equal to the
 * compacted n-gram topic. Runs on the global stream thread; on start it copies the restored store
 * into the table.
 */
final class NgramGlobalWriter implements Processor<byte[], byte[], Void, Void> {

    private final NgramTable table;
    private KeyValueStore<byte[], byte[]> store;

    NgramGlobalWriter(NgramTable table) {
        this.table = table;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(WorkerTopology.NGRAM_GLOBAL_STORE);
        table.clear();
        try (KeyValueIterator<byte[], byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<byte[], byte[]> entry = all.next();
                table.put(entry.key, entry.value);
            }
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null || record.key().length % Integer.BYTES != 0) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            table.remove(record.key());
        } else {
            store.put(record.key(), record.value());
            table.put(record.key(), record.value());
        }
    }
}
