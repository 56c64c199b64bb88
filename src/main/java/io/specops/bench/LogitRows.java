package io.specops.bench;

/** Reading one row of logits, for the drift measurements. */
final class LogitRows {

    private LogitRows() {}

    /** The id of the highest logit in {@code row} other than {@code except} (-1 excepts none). */
    static int highest(float[] row, int except) {
        int best = except == 0 ? 1 : 0;
        for (int id = 0; id < row.length; id++) {
            if (id != except && row[id] > row[best]) {
                best = id;
            }
        }
        return best;
    }

    /** How far the highest logit of {@code row} lies above the next. */
    static float topTwoGap(float[] row) {
        int best = highest(row, -1);
        return row[best] - row[highest(row, best)];
    }
}
