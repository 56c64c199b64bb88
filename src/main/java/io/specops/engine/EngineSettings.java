package io.specops.engine;

import io.specops.decoding.SpeculationSettings;
import io.specops.model.SessionSettings;
import java.nio.file.Path;

/**
 * Everything an {@link Engine} is built from.
 *
 * @param calibrationRounds rounds of the start-up verify-cost measurement; 0 uses {@code
 *     verifyCostPerToken} instead
 * @param verifyCostPerToken assumed extra cost of each draft token, as a fraction of a one-token call
 * @param ngrams the shared n-gram statistics and their drafter
 */
public record EngineSettings(
        Path modelDirectory,
        SessionSettings session,
        SpeculationSettings speculation,
        int calibrationRounds,
        double verifyCostPerToken,
        NgramSettings ngrams) {}
