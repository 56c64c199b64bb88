package io.specops.reliability;

import io.specops.reliability.OutputSnapshot.Chunk;
import io.specops.reliability.OutputSnapshot.Terminal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pauses in a run's output: stretches of time in which some prompt was owed an answer (sent, not
 * yet answered) and no chunk or terminal record was written. Times are the records' own timestamps
 * and the driver's send times, read from the clock of this one machine.
 */
final class OutputPauses {

    /** A stretch without output while a prompt was owed one. */
    record Pause(long startMillis, long endMillis) {
        long millis() {
            return endMillis - startMillis;
        }
    }

    private OutputPauses() {}

    /** Every pause of the run, in time order. */
    static List<Pause> of(OutputSnapshot snapshot, List<Driver.Sent> sent) {
        List<Long> times = new ArrayList<>();
        snapshot.chunks().forEach(chunk -> times.add(chunk.timestampMillis()));
        snapshot.terminals().forEach(terminal -> times.add(terminal.timestampMillis()));
        List<Driver.Sent> bySendTime = new ArrayList<>(sent);
        bySendTime.sort(Comparator.comparingLong(Driver.Sent::sentAtMillis));
        if (!bySendTime.isEmpty()) {
            times.add(bySendTime.get(0).sentAtMillis());
        }
        times.sort(Long::compare);
        Map<String, Long> answeredAt = new HashMap<>();
        for (Terminal terminal : snapshot.terminals()) {
            answeredAt.merge(terminal.requestId(), terminal.timestampMillis(), Math::min);
        }
        List<Pause> pauses = new ArrayList<>();
        for (int i = 0; i + 1 < times.size(); i++) {
            long previous = times.get(i);
            long next = times.get(i + 1);
            // The first prompt (by send time) still owed when the next output came: from its send
            // time, or from the previous output if it was sent before that, nothing was written.
            for (Driver.Sent prompt : bySendTime) {
                if (prompt.sentAtMillis() >= next) {
                    break;
                }
                if (answeredAt.getOrDefault(prompt.key(), Long.MAX_VALUE) >= next) {
                    long start = Math.max(previous, prompt.sentAtMillis());
                    if (next > start) {
                        pauses.add(new Pause(start, next));
                    }
                    break;
                }
            }
        }
        return pauses;
    }

    /** The longest pause that began in {@code [fromMillis, toMillis)}. */
    static Optional<Pause> longest(List<Pause> pauses, long fromMillis, long toMillis) {
        return pauses.stream()
                .filter(p -> p.startMillis() >= fromMillis && p.startMillis() < toMillis)
                .max(Comparator.comparingLong(Pause::millis));
    }

    /** The first chunk written at or after {@code millis}, if any. */
    static Optional<Chunk> firstChunkFrom(OutputSnapshot snapshot, long millis) {
        return snapshot.chunks().stream()
                .filter(c -> c.timestampMillis() >= millis)
                .min(Comparator.comparingLong(Chunk::timestampMillis));
    }
}
