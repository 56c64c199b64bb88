package io.specops.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.specops.config.SpecOpsConfig;
import io.specops.config.WorkerConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {

    private static WorkerConfig config(Map<String, String> settings) {
        return SpecOpsConfig.from(settings).worker();
    }

    @Test
    void kafka_settings_pass_through_and_long_generations_keep_the_poll_interval() {
        Properties properties = Worker.streamsProperties(
                config(Map.of("kafka.bootstrap.servers", "broker:9092", "kafka.security.protocol", "SASL_SSL")));
        assertThat(properties.get("bootstrap.servers")).isEqualTo("broker:9092");
        assertThat(properties.get("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
        assertThat(properties.get("consumer.max.poll.interval.ms")).isEqualTo(300_000);
    }

    @Test
    void prompts_are_fetched_without_delay_and_n_gram_updates_with_fewer_empty_fetches() {
        StreamsConfig streams = new StreamsConfig(Worker.streamsProperties(config(Map.of())));
        assertThat(streams.getMainConsumerConfigs("group", "client", 0).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
                .isEqualTo(10);
        assertThat(streams.getGlobalConsumerConfigs("client").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
                .isEqualTo(100);

        StreamsConfig overridden = new StreamsConfig(
                Worker.streamsProperties(config(Map.of("kafka.global.consumer.fetch.max.wait.ms", "50"))));
        assertThat(overridden.getGlobalConsumerConfigs("client").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
                .isEqualTo("50");
    }

    @Test
    void exactly_once_is_refused_with_the_reason() {
        WorkerConfig eos = config(Map.of("kafka.processing.guarantee", "exactly_once_v2"));
        assertThatThrownBy(() -> Worker.streamsProperties(eos))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be at_least_once but was exactly_once_v2")
                .hasMessageContaining("read_committed");
    }

    @Test
    void secrets_are_redacted_in_the_logged_configuration() {
        Properties properties = Worker.streamsProperties(config(Map.of(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"worker\" password=\"hunter2\";",
                "kafka.ssl.truststore.password",
                "changeit",
                "kafka.ssl.keystore.key",
                "-----BEGIN PRIVATE KEY----- secret-key-material",
                "kafka.ssl.keystore.type",
                "PEM")));
        Map<String, Object> logged = Worker.redacted(properties);
        assertThat(logged.get("sasl.jaas.config")).isEqualTo("[redacted]");
        assertThat(logged.get("ssl.truststore.password")).isEqualTo("[redacted]");
        assertThat(logged.get("ssl.keystore.key")).isEqualTo("[redacted]");
        assertThat(logged.get("ssl.keystore.type")).isEqualTo("PEM");
        assertThat(logged.toString())
                .doesNotContain("hunter2")
                .doesNotContain("changeit")
                .doesNotContain("secret-key-material");
    }

    @Test
    void refused_credentials_or_acls_stop_the_worker_instead_of_replacing_its_thread() {
        assertThat(Worker.brokerRefusal(new org.apache.kafka.streams.errors.StreamsException(
                        new org.apache.kafka.common.errors.SaslAuthenticationException("bad password"))))
                .containsInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
        assertThat(Worker.brokerRefusal(new org.apache.kafka.streams.errors.StreamsException(
                        new org.apache.kafka.common.errors.GroupAuthorizationException("no ACL"))))
                .containsInstanceOf(org.apache.kafka.common.errors.GroupAuthorizationException.class);
        assertThat(Worker.brokerRefusal(new IllegalStateException("a bug"))).isEmpty();
    }
}
