package io.specops.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes the metrics of a Kafka client (here Kafka Streams with its consumers, producer and admin
 * client) as Micrometer meters, read live from the client's own registry.
 *
 * <p>This plays the part of Micrometer's {@code KafkaStreamsMetrics}, which takes the
 * {@code KafkaStreams} object itself; the architecture rules keep Kafka Streams types inside the
 * worker packages, so this binder takes the client's metric map through a supplier instead
 * ({@code kafkaStreams::metrics}). Names follow Micrometer's Kafka binders: {@code kafka.}, the
 * metric group without its {@code -metrics} suffix, the metric name, dashes as dots; Kafka's tags
 * become tags. A metric whose name ends in {@code -total} is a counter, any other numeric one a
 * gauge, and text-valued ones (versions, commit ids) are left out.
 *
 * <p>Kafka adds metrics as partitions are assigned and removes them as they are revoked, so the
 * meters are brought up to date by {@link #refresh()}, which the HTTP endpoint calls before each
 * scrape; there is no timer thread. Prometheus requires every series of one name to carry the same
 * tag keys, and Kafka reports a few names at two levels (for example {@code records-lag-max} per
 * client and per partition): the tag keys first registered for a name win, and within one refresh
 * the metric with more tags goes first, so per-partition series are kept.
 */
final class KafkaClientMeters {

    private static final Logger log = LoggerFactory.getLogger(KafkaClientMeters.class);

    private final MeterRegistry registry;
    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private final Map<MetricName, Meter> meters = new HashMap<>();
    private final Map<String, Set<String>> tagKeysByName = new HashMap<>();

    KafkaClientMeters(MeterRegistry registry, Supplier<Map<MetricName, ? extends Metric>> metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    /** Registers meters for new Kafka metrics and removes those of metrics Kafka dropped. */
    synchronized void refresh() {
        Map<MetricName, ? extends Metric> current;
        try {
            current = Map.copyOf(metrics.get());
        } catch (RuntimeException e) {
            log.debug("Kafka client metrics are not readable now", e);
            return;
        }
        for (var it = meters.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!current.containsKey(entry.getKey())) {
                registry.remove(entry.getValue());
                it.remove();
            }
        }
        List<Metric> added = new ArrayList<>();
        for (Metric metric : current.values()) {
            if (!meters.containsKey(metric.metricName()) && metric.metricValue() instanceof Number) {
                added.add(metric);
            }
        }
        added.sort(Comparator.comparingInt((Metric m) -> -m.metricName().tags().size()));
        for (Metric metric : added) {
            try {
                register(metric);
            } catch (RuntimeException e) {
                // One odd client metric must not cost the worker its whole /metrics page.
                log.debug("Cannot export Kafka metric {}", metric.metricName(), e);
            }
        }
    }

    private void register(Metric metric) {
        MetricName kafkaName = metric.metricName();
        String name = meterName(kafkaName);
        Set<String> tagKeys = new TreeSet<>(kafkaName.tags().keySet());
        Set<String> registered = tagKeysByName.putIfAbsent(name, tagKeys);
        if (registered != null && !registered.equals(tagKeys)) {
            log.debug(
                    "Skipping Kafka metric {} with tags {}: {} is exported with tags {}",
                    kafkaName,
                    tagKeys,
                    name,
                    registered);
            return;
        }
        List<Tag> tags = new ArrayList<>();
        kafkaName.tags().forEach((key, value) -> tags.add(Tag.of(key, value)));
        String description = kafkaName.description().isEmpty() ? null : kafkaName.description();
        Meter meter = kafkaName.name().endsWith("-total")
                ? FunctionCounter.builder(name, metric, KafkaClientMeters::value)
                        .tags(tags)
                        .description(description)
                        .register(registry)
                : Gauge.builder(name, metric, KafkaClientMeters::value)
                        .tags(tags)
                        .description(description)
                        .register(registry);
        meters.put(kafkaName, meter);
    }

    /**
     * Group {@code consumer-fetch-manager-metrics} and name {@code records-lag} give
     * {@code kafka.consumer.fetch.manager.records.lag}.
     */
    static String meterName(MetricName kafkaName) {
        String group = kafkaName.group();
        if (group.endsWith("-metrics")) {
            group = group.substring(0, group.length() - "-metrics".length());
        }
        return ("kafka." + group + "." + kafkaName.name()).replace('-', '.');
    }

    private static double value(Metric metric) {
        return metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
    }
}
