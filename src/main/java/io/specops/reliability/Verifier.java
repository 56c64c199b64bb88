package io.specops.reliability;

import io.specops.client.PromptSpec;
import io.specops.decoding.GenerationRequest;
import io.specops.decoding.TokenStreamListener;
import io.specops.engine.DrafterMode;
import io.specops.engine.Engine;
import io.specops.reliability.OutputSnapshot.Chunk;
import io.specops.reliability.OutputSnapshot.DeadLetter;
import io.specops.reliability.OutputSnapshot.Terminal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a run's output against what every prompt is owed (DESIGN.md, "What users are promised"):
 * per good prompt exactly one terminal record after keeping the first per request id, every copy of
 * it the same, its text equal to the engine's own greedy text, and the chunks of the final attempt
 * a gap-free sequence in order that spells that text; per bad prompt one dead letter with the right
 * code and, when its request id is readable, one failed completion. {@link Report#lines()} holds one
 * line per figure; the last is {@code ALL-RECORDS-DELIVERED} or names what failed.
 */
public final class Verifier {

    /** What the verifier expects: the text of every good prompt, the kind of every bad one, by request id. */
    public record Expectations(Map<String, String> goodText, Map<String, BadInput> bad) {
        public Expectations {
            goodText = Map.copyOf(goodText);
            bad = Map.copyOf(bad);
        }

        public Set<String> awaitedTerminals() {
            Set<String> ids = new HashSet<>(goodText.keySet());
            bad.forEach((id, kind) -> {
                if (kind.answerable()) {
                    ids.add(id);
                }
            });
            return ids;
        }
    }

    /** The figures of one verification. */
    public record Report(
            int goodPrompts,
            int badPrompts,
            int answered,
            int lost,
            int terminalRecords,
            int duplicatedRequests,
            int conflicting,
            int wrongText,
            int chunkFaults,
            int reusedAttempts,
            int reusedAndCutDifferently,
            int retried,
            int maxAttempt,
            int missingMetrics,
            int deadLetters,
            int deadLetterFaults,
            int errorCompletions,
            int errorCompletionFaults,
            int unexpected,
            double queueP50Millis,
            double queueP95Millis,
            double queueP99Millis,
            List<String> failures) {

        public Report {
            failures = List.copyOf(failures);
        }

        public boolean delivered() {
            return failures.isEmpty();
        }

        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add("prompts: " + goodPrompts + " good, " + badPrompts + " bad");
            lines.add("answered: " + answered + "/" + goodPrompts + " good prompts have a terminal record");
            lines.add("lost: " + lost);
            lines.add("terminal records: " + terminalRecords + " raw; requests with more than one: "
                    + duplicatedRequests + "; copies that disagree: " + conflicting);
            lines.add("terminal records per request after dedupe: "
                    + (lost == 0 && unexpected == 0 ? "exactly 1" : "not 1 (see lost, unexpected)"));
            lines.add("wrong text (differs from the engine's own greedy output): " + wrongText);
            lines.add("final-attempt chunk faults (gap, repeat, out of order, text differs): " + chunkFaults);
            lines.add("requests whose final attempt number ran more than once (replayed input): " + reusedAttempts
                    + "; of them cut into different chunks under the same seq: " + reusedAndCutDifferently);
            lines.add("retried requests (output of more than one attempt): " + retried + "; highest attempt: "
                    + maxAttempt);
            lines.add("finished requests without a metrics record: " + missingMetrics);
            lines.add("dead letters: " + deadLetters + " for " + badPrompts + " bad prompts; faults: "
                    + deadLetterFaults);
            lines.add("error completions: " + errorCompletions + "; faults: " + errorCompletionFaults);
            lines.add("records for request ids never sent: " + unexpected);
            lines.add(String.format(
                    java.util.Locale.ROOT,
                    "queue time ms: p50 %.1f, p95 %.1f, p99 %.1f",
                    queueP50Millis,
                    queueP95Millis,
                    queueP99Millis));
            if (failures.isEmpty()) {
                lines.add("ALL-RECORDS-DELIVERED");
            } else {
                lines.add("FAILED: " + String.join("; ", failures.subList(0, Math.min(10, failures.size())))
                        + (failures.size() > 10 ? "; and " + (failures.size() - 10) + " more" : ""));
            }
            return lines;
        }
    }

    private Verifier() {}

    /** The text each prompt must come back with: the engine's plain (not speculative) greedy output. */
    public static Map<String, String> expectedText(Engine engine, Collection<PromptSpec> prompts) {
        Map<String, String> expected = new HashMap<>();
        for (PromptSpec prompt : prompts) {
            if (prompt.temperature() != 0.0 || !prompt.stop().isEmpty()) {
                throw new IllegalArgumentException("the verifier computes greedy text only: " + prompt.requestId());
            }
            GenerationRequest request = GenerationRequest.greedy(engine.encode(prompt.prompt()), prompt.maxTokens());
            expected.put(
                    prompt.requestId(),
                    engine.generate(request, DrafterMode.NONE, TokenStreamListener.IGNORE)
                            .text());
        }
        return expected;
    }

    public static Report check(OutputSnapshot snapshot, Expectations expectations) {
        List<String> failures = new ArrayList<>();
        Map<String, List<Terminal>> terminals = group(snapshot.terminals(), Terminal::requestId);
        Map<String, List<Chunk>> chunks = group(snapshot.chunks(), Chunk::requestId);
        Map<String, List<OutputSnapshot.Metrics>> metrics =
                group(snapshot.metrics(), OutputSnapshot.Metrics::requestId);

        int answered = 0;
        int lost = 0;
        int duplicated = 0;
        int conflicting = 0;
        int wrongText = 0;
        int chunkFaults = 0;
        int retried = 0;
        int maxAttempt = 0;
        int missingMetrics = 0;
        int reusedAttempts = 0;
        int reusedAndCutDifferently = 0;
        List<Double> queueMillis = new ArrayList<>();
        for (Map.Entry<String, String> good : new TreeMap<>(expectations.goodText()).entrySet()) {
            String id = good.getKey();
            List<Terminal> copies = terminals.getOrDefault(id, List.of());
            if (copies.isEmpty()) {
                lost++;
                failures.add("lost " + id);
                continue;
            }
            answered++;
            Terminal kept = copies.get(0);
            if (copies.size() > 1) {
                duplicated++;
                boolean same = copies.stream()
                        .allMatch(c ->
                                c.status().equals(kept.status()) && c.text().equals(kept.text()));
                if (!same) {
                    conflicting++;
                    failures.add("terminal records of " + id + " disagree");
                }
            }
            if (!"finished".equals(kept.status()) || !kept.text().equals(good.getValue())) {
                wrongText++;
                failures.add("wrong text for " + id + " (status " + kept.status() + ", "
                        + kept.text().length() + " chars, expected "
                        + good.getValue().length() + ")");
            }
            int finalAttempt = copies.stream().mapToInt(Terminal::attempt).max().orElse(0);
            maxAttempt = Math.max(maxAttempt, finalAttempt);
            boolean earlierAttempt = copies.stream().anyMatch(t -> t.attempt() != finalAttempt)
                    || chunks.getOrDefault(id, List.of()).stream().anyMatch(c -> c.attempt() != finalAttempt);
            if (earlierAttempt) {
                retried++;
            }
            List<List<Chunk>> runs = runs(chunks.getOrDefault(id, List.of()), finalAttempt);
            if (runs.size() > 1) {
                reusedAttempts++;
                if (cutDifferently(runs)) {
                    reusedAndCutDifferently++;
                    failures.add(id + " has " + runs.size() + " runs under attempt " + finalAttempt
                            + " that cut the text differently under the same seq numbers:"
                            + runs.stream().map(Verifier::describe).collect(Collectors.joining(" then")));
                }
            }
            String chunkFault = chunkFault(runs.isEmpty() ? List.of() : runs.get(runs.size() - 1), good.getValue());
            if (chunkFault != null) {
                chunkFaults++;
                failures.add("chunks of " + id + " attempt " + finalAttempt + ": " + chunkFault);
            }
            List<OutputSnapshot.Metrics> ownMetrics = metrics.getOrDefault(id, List.of());
            if (ownMetrics.isEmpty()) {
                missingMetrics++;
                failures.add("no metrics record for " + id);
            } else {
                queueMillis.add(ownMetrics.get(0).queueMillis());
            }
        }

        int errorCompletions = 0;
        int errorFaults = 0;
        int deadLetterFaults = 0;
        Map<String, List<DeadLetter>> deadLetters = group(snapshot.deadLetters(), DeadLetter::key);
        for (Map.Entry<String, BadInput> bad : new TreeMap<>(expectations.bad()).entrySet()) {
            String id = bad.getKey();
            BadInput kind = bad.getValue();
            List<DeadLetter> letters = deadLetters.getOrDefault(id, List.of());
            if (letters.size() != 1 || !kind.errorCode().equals(letters.get(0).code())) {
                deadLetterFaults++;
                failures.add(kind + " " + id + ": " + letters.size() + " dead letters, codes "
                        + letters.stream().map(DeadLetter::code).toList() + ", expected one " + kind.errorCode());
            }
            List<Terminal> answers = terminals.getOrDefault(id, List.of());
            errorCompletions += answers.size();
            int owed = kind.answerable() ? 1 : 0;
            boolean right = answers.size() == owed
                    && answers.stream()
                            .allMatch(t -> "failed".equals(t.status())
                                    && kind.errorCode().equals(t.errorCode()));
            if (!right) {
                errorFaults++;
                failures.add(kind + " " + id + ": " + answers.size() + " completions, expected " + owed + " failed");
            }
        }

        int unexpected = 0;
        for (String id : terminals.keySet()) {
            if (!expectations.goodText().containsKey(id) && !expectations.bad().containsKey(id)) {
                unexpected++;
                failures.add("terminal record for unknown request " + id);
            }
        }
        for (String key : deadLetters.keySet()) {
            if (!expectations.bad().containsKey(key)) {
                unexpected++;
                failures.add("dead letter for a good or unknown prompt " + key);
            }
        }
        queueMillis.sort(Double::compare);
        return new Report(
                expectations.goodText().size(),
                expectations.bad().size(),
                answered,
                lost,
                snapshot.terminals().size(),
                duplicated,
                conflicting,
                wrongText,
                chunkFaults,
                reusedAttempts,
                reusedAndCutDifferently,
                retried,
                maxAttempt,
                missingMetrics,
                snapshot.deadLetters().size(),
                deadLetterFaults,
                errorCompletions,
                errorFaults,
                unexpected,
                percentile(queueMillis, 0.50),
                percentile(queueMillis, 0.95),
                percentile(queueMillis, 0.99),
                failures);
    }

    /**
     * The runs of one attempt number: a run starts at seq 0. More than one run means two owners
     * generated under the same attempt number (the second replayed the prompt record because the
     * first had not committed its in-flight entry yet).
     */
    static List<List<Chunk>> runs(List<Chunk> all, int attempt) {
        List<List<Chunk>> runs = new ArrayList<>();
        for (Chunk chunk : all) {
            if (chunk.attempt() != attempt) {
                continue;
            }
            if (chunk.seq() == 0 || runs.isEmpty()) {
                runs.add(new ArrayList<>());
            }
            runs.get(runs.size() - 1).add(chunk);
        }
        return runs;
    }

    /**
     * Whether two runs of one attempt number cut the text differently, so that a consumer dropping
     * chunks by {@code (request_id, attempt, seq)} would splice them wrongly.
     */
    static boolean cutDifferently(List<List<Chunk>> runs) {
        Map<Integer, String> cut = new HashMap<>();
        for (List<Chunk> run : runs) {
            for (Chunk chunk : run) {
                String piece = chunk.textOffset() + ":" + chunk.delta();
                if (!cut.computeIfAbsent(chunk.seq(), seq -> piece).equals(piece)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Why {@code chunks} (one run) are not a complete stream of {@code text}, or null if they are: in
     * offset order their seq must run 0, 1, 2, ..., each text and token offset must continue the one
     * before, only the last may carry a finish reason, and the deltas must spell the text.
     */
    static String chunkFault(List<Chunk> chunks, String text) {
        if (chunks.isEmpty()) {
            return "none";
        }
        StringBuilder spelled = new StringBuilder();
        int tokens = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            if (chunk.seq() != i) {
                return "seq " + chunk.seq() + " at position " + i + " (gap or out of order)" + describe(chunks);
            }
            if (chunk.textOffset() != spelled.length() || chunk.tokenOffset() != tokens) {
                return "seq " + i + " starts at text offset " + chunk.textOffset() + " but " + spelled.length()
                        + " characters came before" + describe(chunks);
            }
            boolean last = i == chunks.size() - 1;
            if ((chunk.finishReason() != null) != last) {
                return (last ? "the last chunk has no finish_reason" : "seq " + i + " has a finish_reason")
                        + describe(chunks);
            }
            spelled.append(chunk.delta());
            tokens += chunk.tokenCount();
        }
        return spelled.toString().equals(text) ? null : "the deltas spell other text" + describe(chunks);
    }

    private static String describe(List<Chunk> chunks) {
        return " "
                + chunks.stream()
                        .map(c -> "[seq " + c.seq() + " @" + c.textOffset() + "+"
                                + c.delta().length() + (c.finishReason() != null ? " " + c.finishReason() : "") + "]")
                        .collect(Collectors.joining());
    }

    private static <T> Map<String, List<T>> group(List<T> records, java.util.function.Function<T, String> key) {
        return records.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.toList()));
    }

    static double percentile(List<Double> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
