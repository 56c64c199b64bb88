package io.specops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecOpsConfigTest {

    @Test
    void defaults_need_no_settings() {
        SpecOpsConfig config = SpecOpsConfig.from(Map.of());
        assertThat(config.engine().session().intraOpThreads()).isEqualTo(1);
        assertThat(config.engine().speculation().enabled()).isTrue();
        assertThat(config.engine().speculation().maxDraftTokens()).isEqualTo(32);
    }

    @Test
    void flags_override_environment_which_overrides_the_file(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("worker.properties");
        Files.writeString(file, "model.intra.op.threads=3\nspeculation.max.draft.tokens=5\nspeculation.ngram.max=6\n");
        Map<String, String> environment = Map.of(
                "SPECOPS_SPECULATION_MAX_DRAFT_TOKENS", "7",
                "SPECOPS_SPECULATION_NGRAM_MAX", "8",
                "SPECOPS_LOG_LEVEL", "DEBUG",
                "PATH", "/bin");
        Map<String, String> flags = Map.of("speculation.ngram.max", "9");

        SpecOpsConfig config = SpecOpsConfig.from(ConfigSources.layered(file, environment, flags));

        assertThat(config.engine().session().intraOpThreads()).isEqualTo(3);
        assertThat(config.engine().speculation().maxDraftTokens()).isEqualTo(7);
        assertThat(config.engine().speculation().maxNgram()).isEqualTo(9);
    }

    @Test
    void every_problem_is_reported_at_once_with_the_rule_and_the_value() {
        Map<String, String> settings = Map.of(
                "model.intra.op.threads", "0",
                "speculation.max.draft.tokens", "many",
                "speculation.adaptive", "sometimes",
                "model.optimization.level", "max",
                "speculation.maxdraft", "4");
        assertThatThrownBy(() -> SpecOpsConfig.from(settings))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "model.intra.op.threads must be in [1, 256] but was 0",
                                        "speculation.max.draft.tokens must be an integer but was 'many'",
                                        "speculation.adaptive must be true or false but was 'sometimes'",
                                        "model.optimization.level must be one of [none, basic, extended, all]"
                                                + " but was 'max'",
                                        "unknown setting 'speculation.maxdraft'"));
    }

    @Test
    void the_worker_takes_on_four_prompts_per_generation_thread_ahead_unless_told_otherwise() {
        assertThat(SpecOpsConfig.from(Map.of("worker.generation.threads", "3"))
                        .worker()
                        .maxWaitingPrompts())
                .isEqualTo(12);
        assertThat(SpecOpsConfig.from(Map.of("worker.generation.threads", "3", "worker.max.waiting.prompts", "1"))
                        .worker()
                        .maxWaitingPrompts())
                .isEqualTo(1);
        assertThatThrownBy(() -> SpecOpsConfig.from(Map.of("worker.max.waiting.prompts", "0")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly("worker.max.waiting.prompts must be in [1, 1000000] but was 0"));
    }

    @Test
    void the_committed_lag_is_read_every_five_seconds_unless_told_otherwise() {
        assertThat(SpecOpsConfig.from(Map.of()).worker().lagInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(SpecOpsConfig.from(Map.of("metrics.lag.interval.ms", "250"))
                        .worker()
                        .lagInterval())
                .isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> SpecOpsConfig.from(Map.of("metrics.lag.interval.ms", "10")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly("metrics.lag.interval.ms must be in [100, 3600000] but was 10"));
    }

    @Test
    void the_long_ngram_context_is_longer_than_the_short_one_or_off() {
        assertThat(SpecOpsConfig.from(Map.of()).engine().ngrams().orders()).containsExactly(32, 16);
        assertThat(SpecOpsConfig.from(Map.of("ngram.long.order", "0"))
                        .engine()
                        .ngrams()
                        .orders())
                .containsExactly(16);
        assertThatThrownBy(() -> SpecOpsConfig.from(Map.of("ngram.order", "8", "ngram.long.order", "8")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly("ngram.long.order (8) must be 0 or greater than ngram.order (8)"));
    }
}
