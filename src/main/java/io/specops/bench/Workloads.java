package io.specops.bench;

import io.specops.decoding.GenerationRequest;
import io.specops.decoding.TokenStreamListener;
import io.specops.engine.Engine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's prompts, built from the story openers in {@code bench/story-openers.txt}.
 *
 * <ul>
 *   <li><b>open-ended</b>: each opener alone; the model writes a new story.
 *   <li><b>input-grounded</b>: a quoted story, then the story's opener again, the way a prompt
 *       quotes a document that the answer goes on to repeat (editing, summarising, answering from a
 *       passage). A 260K-parameter model copies from its context only weakly, so the quote is found
 *       as a fixed point: start from the model's own story, then replace the quote by what the
 *       model writes after {@code opener + quote + "\n" + opener}, up to {@value #MAX_REFINEMENTS}
 *       times or until the two agree. The continuation then repeats the quote, as the workload
 *       intends; where no fixed point was reached it repeats part of it.
 *   <li><b>golden</b>: the begin-of-sequence token alone, the prompt of the golden reference output.
 * </ul>
 */
public final class Workloads {

    /** Tokens of the quoted story in an input-grounded prompt. */
    private static final int QUOTED_TOKENS = 200;

    /** Times the quote is replaced by what the model writes after it, looking for a fixed point. */
    private static final int MAX_REFINEMENTS = 6;

    private Workloads() {}

    public static List<String> storyOpeners() {
        InputStream in = Workloads.class.getResourceAsStream("/bench/story-openers.txt");
        if (in == null) {
            throw new IllegalStateException("bench/story-openers.txt is missing from the classpath");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> openers = new ArrayList<>();
            reader.lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .forEach(openers::add);
            return openers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Workload openEnded(Engine engine, int maxTokens) {
        List<int[]> prompts = new ArrayList<>();
        for (String opener : storyOpeners()) {
            prompts.add(engine.encode(opener));
        }
        return new Workload("open-ended", "story openers, the model writes on", prompts, maxTokens);
    }

    public static Workload inputGrounded(Engine engine, int maxTokens) {
        List<int[]> prompts = new ArrayList<>();
        for (String opener : storyOpeners()) {
            String quote = continuation(engine, opener);
            for (int refinement = 0; refinement < MAX_REFINEMENTS; refinement++) {
                String next = continuation(engine, groundedPrompt(opener, quote));
                if (next.equals(quote)) {
                    break;
                }
                quote = next;
            }
            prompts.add(engine.encode(groundedPrompt(opener, quote)));
        }
        return new Workload("input-grounded", "a quoted story, then its opening again", prompts, maxTokens);
    }

    private static String groundedPrompt(String opener, String quote) {
        return opener + quote + "\n" + opener;
    }

    private static String continuation(Engine engine, String prompt) {
        GenerationRequest request = GenerationRequest.greedy(engine.encode(prompt), QUOTED_TOKENS);
        return engine.generate(request, true, TokenStreamListener.IGNORE).text();
    }

    public static Workload golden(Engine engine, int maxTokens) {
        int bos = engine.model().bosTokenId();
        return new Workload("golden", "the begin-of-sequence token alone", List.of(new int[] {bos}), maxTokens);
    }
}
