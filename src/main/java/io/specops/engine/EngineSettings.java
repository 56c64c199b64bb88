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
 */
public record EngineSettings(
        Path modelDirectory,
        SessionSettings session,
        SpeculationSettings speculation,
        int calibrationRounds,
        double verifyCostPerToken) {}
