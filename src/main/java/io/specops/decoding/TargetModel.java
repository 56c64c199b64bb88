package io.specops.decoding;

/**
 * The model whose output the decoder must reproduce. Implementations wrap an inference runtime;
 * the decoder sees only token ids in and logits out.
 */
public interface TargetModel {

    int vocabSize();

    /** The longest sequence (prompt plus generated tokens) the model can attend over. */
    int contextLength();

    /** Opens a fresh sequence with an empty KV cache. The caller closes it. */
    TargetSequence openSequence();
}
