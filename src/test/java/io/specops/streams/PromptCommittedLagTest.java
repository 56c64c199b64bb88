package io.specops.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.config.SpecOpsConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PromptCommittedLagTest {

    @Test
    void the_admin_client_connects_as_the_worker_does() {
        Properties streams = Worker.streamsProperties(SpecOpsConfig.from(Map.of(
                        "worker.id", "w1",
                        "kafka.bootstrap.servers", "broker:9093",
                        "kafka.security.protocol", "SASL_SSL",
                        "kafka.sasl.mechanism", "SCRAM-SHA-512",
                        "kafka.sasl.jaas.config", "login module",
                        "kafka.ssl.truststore.location", "/etc/trust.p12",
                        "kafka.admin.request.timeout.ms", "7000"))
                .worker());

        Properties admin = PromptCommittedLag.adminProperties(streams);

        assertThat(admin)
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "login module")
                .containsEntry("ssl.truststore.location", "/etc/trust.p12")
                .containsEntry("request.timeout.ms", "7000")
                .containsEntry("client.id", "w1-committed-lag");
        // Streams-only and consumer-only settings are not admin settings.
        assertThat(admin).doesNotContainKeys("application.id", "poll.ms", "consumer.max.poll.records");
    }
}
