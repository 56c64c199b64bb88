package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.specops.TestModels;
import io.specops.config.SpecOpsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the files it mounts agree with each other. There is no Docker engine here
 * to start it; {@code .ci/run} checks the file's syntax with {@code docker compose config}.
 */
class ComposeFileTest {

    private static final Path PROJECT = TestModels.projectDirectory();
    private static JsonNode services;

    @BeforeAll
    static void read() throws IOException {
        services = new YAMLMapper()
                .readTree(PROJECT.resolve("docker-compose.yml").toFile())
                .path("services");
    }

    private static List<String> workers() {
        List<String> workers = new ArrayList<>();
        services.fieldNames().forEachRemaining(name -> {
            if (services.path(name).path("command").path(0).asText().equals("worker")) {
                workers.add(name);
            }
        });
        return workers;
    }

    @Test
    void kafka_runs_in_kraft_mode_and_a_job_creates_the_topics_before_the_workers_start() {
        JsonNode kafka = services.path("kafka");
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
        assertThat(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText())
                .isEqualTo("broker,controller");
        JsonNode topics = services.path("topics");
        assertThat(topics.path("command").path(0).asText()).isEqualTo("topics");
        assertThat(topics.path("depends_on").path("kafka").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(workers()).hasSize(2);
        for (String worker : workers()) {
            JsonNode service = services.path(worker);
            assertThat(service.path("build").asText()).isEqualTo(".");
            assertThat(service.path("depends_on")
                            .path("topics")
                            .path("condition")
                            .asText())
                    .isEqualTo("service_completed_successfully");
            assertThat(service.path("environment").path("SPECOPS_WORKER_ID").asText())
                    .isEqualTo(worker);
        }
        assertThat(PROJECT.resolve("Dockerfile")).isRegularFile();
    }

    @Test
    void prometheus_scrapes_every_worker_on_its_metrics_port() throws IOException {
        int port = SpecOpsConfig.from(Map.of()).worker().metricsPort();
        JsonNode scrape = new YAMLMapper()
                .readTree(MonitoringFiles.PROMETHEUS_DIRECTORY
                        .resolve("prometheus.yml")
                        .toFile())
                .path("scrape_configs")
                .get(0);
        List<String> targets = new ArrayList<>();
        scrape.path("static_configs").get(0).path("targets").forEach(t -> targets.add(t.asText()));
        assertThat(targets)
                .containsExactlyInAnyOrderElementsOf(
                        workers().stream().map(w -> w + ":" + port).toList());
        assertThat(scrape.path("job_name").asText())
                .as("the job the alert rules name")
                .isEqualTo("specops-worker");
    }

    @Test
    void grafana_reads_the_provisioned_datasource_and_dashboard_and_finds_prometheus() throws IOException {
        assertThat(services.path("prometheus").path("image").asText()).startsWith("prom/prometheus:");
        for (String service : List.of("prometheus", "grafana")) {
            for (JsonNode volume : services.path(service).path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(Files.isDirectory(PROJECT.resolve(source)))
                            .as(volume.asText())
                            .isTrue();
                }
            }
        }
        String url = new YAMLMapper()
                .readTree(MonitoringFiles.DATASOURCE.toFile())
                .path("datasources")
                .get(0)
                .path("url")
                .asText();
        assertThat(url).isEqualTo("http://prometheus:9090");
        assertThat(services.path("prometheus").path("ports").get(0).asText()).endsWith(":9090");
        String home = services.path("grafana")
                .path("environment")
                .path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
                .asText();
        assertThat(PROJECT.resolve("monitoring/grafana/dashboards")
                        .resolve(Path.of(home).getFileName()))
                .isRegularFile();
    }
}
