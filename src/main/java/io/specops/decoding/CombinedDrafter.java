package io.specops.decoding;

/**
 * Asks two drafters and keeps the longer draft; on a tie the first wins. Prompt lookup proposes only
 * where the sequence repeats itself and the shared statistics only where they are confident, so the
 * longer proposal is the one with the longer supporting match.
 */
public final class CombinedDrafter implements Drafter {

    private final Drafter first;
    private final Drafter second;
    private final ThreadLocal<int[]> scratch;

    public CombinedDrafter(Drafter first, Drafter second, int maxDraftTokens) {
        this.first = first;
        this.second = second;
        this.scratch = ThreadLocal.withInitial(() -> new int[maxDraftTokens]);
    }

    @Override
    public int propose(TokenHistory history, int maxDraftTokens, int[] draft) {
        int firstCount = first.propose(history, maxDraftTokens, draft);
        if (firstCount == maxDraftTokens) {
            return firstCount;
        }
        int[] other = scratch.get();
        int secondCount = second.propose(history, Math.min(maxDraftTokens, other.length), other);
        if (secondCount > firstCount) {
            System.arraycopy(other, 0, draft, 0, secondCount);
            return secondCount;
        }
        return firstCount;
    }
}
