package io.specops.decoding;

/** Turns token ids back into text; implemented by the model's tokenizer. */
public interface Detokenizer {

    /** Decodes {@code ids[from, to)}, special tokens included, exactly as the tokenizer would. */
    String decode(int[] ids, int from, int to);
}
