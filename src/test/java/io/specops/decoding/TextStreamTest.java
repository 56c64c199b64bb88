package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextStreamTest {

    /** Ids stand for byte strings and decode as UTF-8, like a byte-fallback tokenizer. */
    private static final Map<Integer, byte[]> PIECES = Map.of(
            0, "<s>".getBytes(StandardCharsets.UTF_8),
            1, " snow".getBytes(StandardCharsets.UTF_8),
            2, new byte[] {(byte) 0xE2},
            3, new byte[] {(byte) 0x98},
            4, new byte[] {(byte) 0x83},
            5, " end".getBytes(StandardCharsets.UTF_8),
            6, ".".getBytes(StandardCharsets.UTF_8));

    private static final Detokenizer BYTES = (ids, from, to) -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            out.writeBytes(PIECES.get(ids[i]));
        }
        return out.toString(StandardCharsets.UTF_8);
    };

    private static List<String> stream(int[] generated, List<String> stops) {
        TokenHistory history = new TokenHistory(new int[] {0}, 16);
        TextStream text = new TextStream(BYTES, history, stops);
        List<String> deltas = new ArrayList<>();
        for (int id : generated) {
            history.append(id);
            deltas.add(text.advance());
            if (text.stopped()) {
                break;
            }
        }
        deltas.add(text.flush());
        return deltas;
    }

    @Test
    void a_multi_byte_character_is_never_split_across_deltas() {
        List<String> deltas = stream(new int[] {1, 2, 3, 4, 5}, List.of());
        assertThat(deltas).noneMatch(delta -> delta.contains("\uFFFD"));
        assertThat(deltas).containsExactly(" snow", "", "", "\u2603", " end", "");
    }

    @Test
    void text_after_a_stop_string_is_dropped_and_the_stop_string_too() {
        List<String> deltas = stream(new int[] {1, 5, 6, 1}, List.of("end."));
        assertThat(String.join("", deltas)).isEqualTo(" snow ");
    }

    @Test
    void text_that_may_begin_a_stop_string_is_held_until_it_cannot() {
        List<String> deltas = stream(new int[] {1, 5, 1}, List.of("end."));
        // " end" could still become "end.": up to three characters stay held back.
        assertThat(deltas.get(0) + deltas.get(1)).isEqualTo(" snow ");
        assertThat(String.join("", deltas)).isEqualTo(" snow end snow");
    }

    @Test
    void an_incomplete_character_at_the_end_is_flushed() {
        List<String> deltas = stream(new int[] {1, 2}, List.of());
        assertThat(String.join("", deltas)).isEqualTo(" snow\uFFFD");
    }
}
