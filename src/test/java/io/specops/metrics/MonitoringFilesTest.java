package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules name only series the registry really renders. They are JSON and
 * YAML and cannot import {@link MetricNames}, so this is where a renamed meter is caught without
 * starting anything. MonitoringIntegrationTest then runs every query on a real Prometheus.
 */
class MonitoringFilesTest {

    private static final Metrics KAFKA = new Metrics();
    private static Set<String> renderedNames;

    @BeforeAll
    static void renderEveryMeter() {
        KAFKA.addMetric(
                KAFKA.metricName(
                        "records-lag",
                        "consumer-fetch-manager-metrics",
                        Map.of("client-id", "c", "topic", "specops.prompts", "partition", "0")),
                (Gauge<Double>) (config, now) -> 0.0);
        try (WorkerMetrics metrics = WorkerMetrics.create()) {
            metrics.modelLoaded(Path.of("models/stories260k"), "0".repeat(64), true);
            metrics.bindKafkaStreams(KAFKA::metrics, () -> "RUNNING");
            metrics.bindRunningGenerations(() -> 0);
            metrics.bindWaitingPrompts(() -> 0, () -> 0);
            metrics.bindNgramStore(() -> 0, () -> 0, () -> 0);
            metrics.bindCommittedLag("specops.prompts", () -> Map.of(0, 0L));
            PrometheusText text = new PrometheusText(metrics.scrape());
            renderedNames = new java.util.TreeSet<>(text.names(""));
        }
    }

    @AfterAll
    static void close() {
        KAFKA.close();
    }

    @Test
    void every_series_the_dashboard_queries_is_one_the_worker_exports() throws Exception {
        List<String> unknown = new ArrayList<>();
        for (MonitoringFiles.PanelQuery query : MonitoringFiles.panelQueries()) {
            for (String name : MonitoringFiles.metricNames(query.expr(), "specops_", "kafka_", "jvm_", "process_")) {
                if (!renderedNames.contains(name)) {
                    unknown.add(query.panel() + ": " + name);
                }
            }
        }
        assertThat(unknown).isEmpty();
    }

    @Test
    void every_series_an_alert_reads_is_one_the_worker_exports() throws Exception {
        List<String> unknown = new ArrayList<>();
        for (MonitoringFiles.AlertRule rule : MonitoringFiles.alertRules()) {
            for (String name : MonitoringFiles.metricNames(rule.signal(), "specops_", "kafka_")) {
                if (!renderedNames.contains(name)) {
                    unknown.add(rule.name() + ": " + name);
                }
            }
        }
        assertThat(unknown).isEmpty();
    }

    @Test
    void the_names_in_metric_names_are_rendered_as_prometheus_name_says() {
        assertThat(renderedNames)
                .contains(
                        MetricNames.prometheusName(MetricNames.TIME_TO_FIRST_TOKEN, MetricNames.Kind.TIMER) + "_bucket",
                        MetricNames.prometheusName(MetricNames.INTER_TOKEN_LATENCY, MetricNames.Kind.TIMER) + "_sum",
                        MetricNames.prometheusName(MetricNames.E2E_REQUEST_LATENCY, MetricNames.Kind.TIMER) + "_count",
                        MetricNames.prometheusName(MetricNames.REQUEST_QUEUE_TIME, MetricNames.Kind.TIMER) + "_bucket",
                        MetricNames.prometheusName(MetricNames.PROMPT_TOKENS, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.GENERATION_TOKENS, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.REQUEST_SUCCESS, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.REQUEST_FAILURE, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.REQUESTS_ACCEPTED, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.REQUESTS_RESUMED, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.PROMPTS_DEAD_LETTERED, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.SPEC_DECODE_DRAFTS, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.SPEC_DECODE_DRAFT_TOKENS, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.SPEC_DECODE_ACCEPTED_TOKENS, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(
                                MetricNames.SPEC_DECODE_ACCEPTED_TOKENS_PER_POSITION, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.REQUESTS_RUNNING, MetricNames.Kind.GAUGE),
                        MetricNames.prometheusName(MetricNames.REQUESTS_WAITING, MetricNames.Kind.GAUGE),
                        MetricNames.prometheusName(MetricNames.PROMPT_PARTITIONS_HELD_BACK, MetricNames.Kind.GAUGE),
                        MetricNames.prometheusName(MetricNames.PROMPTS_COMMITTED_LAG, MetricNames.Kind.GAUGE),
                        MetricNames.prometheusName(MetricNames.MODEL_INFO, MetricNames.Kind.GAUGE),
                        MetricNames.prometheusName(MetricNames.NGRAM_STORE_CONTEXTS, MetricNames.Kind.GAUGE),
                        MetricNames.prometheusName(MetricNames.NGRAM_STORE_LOOKUPS, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.NGRAM_STORE_HITS, MetricNames.Kind.COUNTER),
                        MetricNames.prometheusName(MetricNames.WORKER_READY, MetricNames.Kind.GAUGE),
                        MetricNames.prometheusName(MetricNames.WORKER_STATE, MetricNames.Kind.GAUGE),
                        MetricNames.prometheusName(MetricNames.KAFKA_CONSUMER_RECORDS_LAG, MetricNames.Kind.GAUGE));
        assertThat(renderedNames.stream().filter(name -> name.startsWith("specops_")))
                .allMatch(name -> name.startsWith(MetricNames.PREFIX + "_"));
    }

    @Test
    void every_panel_has_a_query_on_the_provisioned_datasource() throws Exception {
        JsonNode datasources = new YAMLMapper().readTree(MonitoringFiles.DATASOURCE.toFile());
        String uid = datasources.path("datasources").get(0).path("uid").asText();
        for (JsonNode panel : MonitoringFiles.dashboard().path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText())
                    .as(panel.path("title").asText())
                    .isEqualTo(uid);
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo(uid);
            }
        }
    }

    @Test
    void the_dashboard_shows_what_the_issue_asks_for() throws Exception {
        List<String> titles = new ArrayList<>();
        MonitoringFiles.dashboard()
                .path("panels")
                .forEach(panel -> titles.add(panel.path("title").asText()));
        assertThat(titles)
                .contains(
                        "Requests/s",
                        "Tokens/s",
                        "Time to first token",
                        "Inter-token latency",
                        "End-to-end request latency",
                        "Speculation: acceptance rate",
                        "Speculation: mean acceptance length",
                        "Speculation: acceptance by draft position",
                        "Consumer lag (prompts)",
                        "Dead-letter rate",
                        "Worker state");
        for (String latency : List.of("Time to first token", "Inter-token latency", "End-to-end request latency")) {
            assertThat(MonitoringFiles.panelQueries().stream()
                            .filter(q -> q.panel().equals(latency))
                            .map(MonitoringFiles.PanelQuery::expr))
                    .as(latency)
                    .anyMatch(e -> e.startsWith("histogram_quantile(0.5,"))
                    .anyMatch(e -> e.startsWith("histogram_quantile(0.95,"))
                    .anyMatch(e -> e.startsWith("histogram_quantile(0.99,"));
        }
    }

    @Test
    void the_alerts_cover_latency_lag_dead_letters_and_readiness() throws Exception {
        assertThat(MonitoringFiles.alertRules())
                .extracting(MonitoringFiles.AlertRule::name)
                .contains(
                        "SpecOpsTimeToFirstTokenP99High",
                        "SpecOpsConsumerLagHigh",
                        "SpecOpsDeadLetterRateHigh",
                        "SpecOpsWorkerNotReady");
    }
}
