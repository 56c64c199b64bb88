package io.specops.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link MetricNames#PROMPTS_COMMITTED_LAG} gauge per prompt partition the worker owns, brought
 * up to date by {@link #refresh()} before each scrape, as {@link KafkaClientMeters} is. A partition
 * that moved to another worker loses its gauge here, so that a sum over workers counts each
 * partition once outside a rebalance; the queries in {@code monitoring/} and {@code k8s/} still take
 * the largest value per partition first, for the moment both workers report it.
 */
final class CommittedLagMeters {

    private static final Logger log = LoggerFactory.getLogger(CommittedLagMeters.class);

    private final MeterRegistry registry;
    private final String topic;
    private final Supplier<Map<Integer, Long>> lagByPartition;
    private final Map<Integer, Gauge> gauges = new HashMap<>();
    private volatile Map<Integer, Long> current = Map.of();

    CommittedLagMeters(MeterRegistry registry, String topic, Supplier<Map<Integer, Long>> lagByPartition) {
        this.registry = registry;
        this.topic = topic;
        this.lagByPartition = lagByPartition;
    }

    /** Takes the latest figures, registers gauges for newly owned partitions and removes the others'. */
    synchronized void refresh() {
        Map<Integer, Long> latest;
        try {
            latest = Map.copyOf(lagByPartition.get());
        } catch (RuntimeException e) {
            log.debug("The committed lag is not readable now", e);
            return;
        }
        current = latest;
        for (var it = gauges.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!latest.containsKey(entry.getKey())) {
                registry.remove(entry.getValue());
                it.remove();
            }
        }
        for (Integer partition : latest.keySet()) {
            gauges.computeIfAbsent(partition, this::register);
        }
    }

    private Gauge register(int partition) {
        return Gauge.builder(MetricNames.PROMPTS_COMMITTED_LAG, this, meters -> meters.lag(partition))
                .description("Log end offset less the consumer group's committed offset, per owned prompt partition")
                .tag(MetricNames.TAG_TOPIC, topic)
                .tag(MetricNames.TAG_PARTITION, Integer.toString(partition))
                .register(registry);
    }

    private double lag(int partition) {
        Long lag = current.get(partition);
        return lag == null ? Double.NaN : lag;
    }
}
