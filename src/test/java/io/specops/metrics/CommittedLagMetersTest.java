package io.specops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommittedLagMetersTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Map<Integer, Long>> owned = new AtomicReference<>(Map.of());
    private final CommittedLagMeters meters = new CommittedLagMeters(registry, "specops.prompts", owned::get);

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void each_owned_partition_has_one_series_and_a_partition_that_moved_away_has_none() {
        owned.set(Map.of(0, 120L, 3, 7L));
        meters.refresh();
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("specops_prompts_committed_lag{partition=\"0\",topic=\"specops.prompts\"} 120.0")
                .contains("specops_prompts_committed_lag{partition=\"3\",topic=\"specops.prompts\"} 7.0");

        owned.set(Map.of(3, 9L));
        meters.refresh();
        scrape = registry.scrape();
        assertThat(scrape)
                .doesNotContain("partition=\"0\"")
                .contains("specops_prompts_committed_lag{partition=\"3\",topic=\"specops.prompts\"} 9.0");
    }

    @Test
    void a_supplier_that_fails_leaves_the_last_figures() {
        owned.set(Map.of(1, 40L));
        meters.refresh();
        owned.set(null); // Map.copyOf(null) throws, as a failing supplier would
        meters.refresh();
        assertThat(registry.scrape())
                .contains("specops_prompts_committed_lag{partition=\"1\",topic=\"specops.prompts\"} 40.0");
    }
}
