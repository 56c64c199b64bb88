package io.specops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.specops.TestModels;
import io.specops.decoding.SamplingParams;
import io.specops.decoding.SpeculationSettings;
import io.specops.engine.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathDriftTest {

    @Test
    void greedy_runs_compare_every_shared_position_and_stay_equal_while_the_logits_drift() {
        try (Engine engine = TestModels.engine(TestModels.stories(), SpeculationSettings.DEFAULT)) {
            List<int[]> prompts = Workloads.openEnded(engine, 64).prompts().subList(0, 4);

            PathDrift.Result result =
                    PathDrift.measure(engine, prompts, 64, SamplingParams.GREEDY, SpeculationSettings.DEFAULT);

            assertThat(result.prompts()).isEqualTo(4);
            // Every generated token's position is computed by both runs, the first from the prompt's call.
            assertThat(result.positions()).isGreaterThanOrEqualTo(result.tokens());
            assertThat(result.largestDifference())
                    .as("verify passes round differently")
                    .isPositive();
            assertThat(result.largestGapDrift()).isPositive().isLessThan(SpeculationSettings.DEFAULT.tieMargin());
            assertThat(result.differingOutputs()).isZero();
        }
    }
}
