package io.specops.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.specops.decoding.Detokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's bindings, with truncation off so long prompts
 * are measured rather than silently cut, and with DJL's network access disabled.
 */
public final class HfTokenizer implements Detokenizer, AutoCloseable {

    static {
        // DJL otherwise looks up a cloud metadata address and sends usage telemetry on first use.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private final HuggingFaceTokenizer tokenizer;

    HfTokenizer(Path tokenizerFile) {
        try {
            this.tokenizer = HuggingFaceTokenizer.newInstance(
                    tokenizerFile, Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot load tokenizer " + tokenizerFile + ": " + e.getMessage(), e);
        }
    }

    /** The prompt's ids as the model was trained to see them (with the tokenizer's special tokens). */
    public int[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, true, false);
        long[] ids = encoding.getIds();
        int[] result = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            result[i] = (int) ids[i];
        }
        return result;
    }

    @Override
    public String decode(int[] ids, int from, int to) {
        long[] window = new long[to - from];
        for (int i = from; i < to; i++) {
            window[i - from] = ids[i];
        }
        return tokenizer.decode(window, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
