package io.specops.streams;

import io.specops.decoding.Completion;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.TokenStreamListener;
import io.specops.engine.DrafterMode;
import io.specops.engine.Engine;

/** What the worker needs of the engine: one blocking generation, streaming as it goes. */
@FunctionalInterface
public interface Generator {

    Completion generate(GenerationRequest request, DrafterMode drafter, TokenStreamListener listener);

    static Generator of(Engine engine) {
        return engine::generate;
    }
}
