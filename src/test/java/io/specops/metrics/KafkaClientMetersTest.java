package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against Kafka's own metrics registry, the one every Kafka client (and Kafka Streams) reports into. */
class KafkaClientMetersTest {

    private final Metrics kafkaMetrics = new Metrics();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaClientMeters meters = new KafkaClientMeters(registry, kafkaMetrics::metrics);

    @AfterEach
    void close() {
        kafkaMetrics.close();
        registry.close();
    }

    @Test
    void per_partition_lag_becomes_a_gauge_tagged_by_topic_and_partition_that_follows_the_client() {
        Sensor lag = kafkaMetrics.sensor("lag");
        MetricName name = kafkaMetrics.metricName(
                "records-lag",
                "consumer-fetch-manager-metrics",
                "lag of a partition",
                Map.of("client-id", "w1-consumer", "topic", "specops.prompts", "partition", "3"));
        lag.add(name, new Value());
        lag.record(42);

        meters.refresh();

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("kafka_consumer_fetch_manager_records_lag{client_id=\"w1-consumer\",partition=\"3\","
                        + "topic=\"specops.prompts\"} 42.0");
        lag.record(7);
        assertThat(registry.scrape()).contains("partition=\"3\",topic=\"specops.prompts\"} 7.0");
    }

    @Test
    void total_metrics_are_counters_and_text_metrics_are_left_out() {
        Sensor processed = kafkaMetrics.sensor("process");
        processed.add(
                kafkaMetrics.metricName("process-total", "stream-thread-metrics", Map.of("thread-id", "t1")),
                new CumulativeSum());
        processed.record(5);
        kafkaMetrics.addMetric(
                kafkaMetrics.metricName("version", "app-info", Map.of("client-id", "w1")),
                (Gauge<String>) (config, now) -> "4.4.0");

        meters.refresh();

        String scrape = registry.scrape();
        assertThat(scrape).contains("# TYPE kafka_stream_thread_process_total counter");
        assertThat(scrape).contains("kafka_stream_thread_process_total{thread_id=\"t1\"} 5.0");
        assertThat(scrape).doesNotContain("kafka_app_info_version");
    }

    @Test
    void a_metric_kafka_removes_is_removed_at_the_next_refresh() {
        MetricName name = kafkaMetrics.metricName(
                "records-lag", "consumer-fetch-manager-metrics", Map.of("topic", "t", "partition", "0"));
        kafkaMetrics.addMetric(name, (Gauge<Double>) (config, now) -> 1.0);
        meters.refresh();
        assertThat(registry.scrape()).contains("kafka_consumer_fetch_manager_records_lag{");

        kafkaMetrics.removeMetric(name);
        meters.refresh();

        assertThat(registry.scrape()).doesNotContain("kafka_consumer_fetch_manager_records_lag{");
    }

    @Test
    void a_name_reported_at_two_levels_keeps_the_series_with_more_tags() {
        kafkaMetrics.addMetric(
                kafkaMetrics.metricName("records-lag-max", "consumer-fetch-manager-metrics", Map.of("client-id", "c")),
                (Gauge<Double>) (config, now) -> 9.0);
        kafkaMetrics.addMetric(
                kafkaMetrics.metricName(
                        "records-lag-max",
                        "consumer-fetch-manager-metrics",
                        Map.of("client-id", "c", "topic", "t", "partition", "1")),
                (Gauge<Double>) (config, now) -> 4.0);

        meters.refresh();

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"c\",partition=\"1\","
                        + "topic=\"t\"} 4.0");
        assertThat(scrape).doesNotContain("kafka_consumer_fetch_manager_records_lag_max{client_id=\"c\"} 9.0");
    }
}
