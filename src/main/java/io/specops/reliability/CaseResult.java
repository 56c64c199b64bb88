package io.specops.reliability;

import java.util.List;

/**
 * The outcome of one reliability case: its figures, one per line, and whether every promise held.
 *
 * @param report the verifier's report, or null for a case that checks no topic output
 */
public record CaseResult(String name, List<String> lines, boolean passed, Verifier.Report report) {

    public CaseResult {
        lines = List.copyOf(lines);
    }

    public String text() {
        StringBuilder text = new StringBuilder("== " + name + (passed ? " (passed)" : " (FAILED)") + "\n");
        lines.forEach(line -> text.append("  ").append(line).append('\n'));
        return text.toString();
    }
}
