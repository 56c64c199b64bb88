package io.specops.ngram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NgramCountsTest {

    private static final long CONTEXT = 0x1234_5678_9ABCL;
    private static final int CAPACITY = 4;

    /** Random single observations over 20 distinct tokens, more than the capacity holds. */
    private static List<NgramCounts> observations(long seed, int count) {
        Random random = new Random(seed);
        List<NgramCounts> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(NgramCounts.single(CONTEXT, random.nextInt(20)));
        }
        return list;
    }

    private static NgramCounts mergeLeft(List<NgramCounts> parts) {
        NgramCounts merged = NgramCounts.empty();
        for (NgramCounts part : parts) {
            merged = merged.merge(part, CAPACITY);
        }
        return merged;
    }

    /** Merges pairwise, as a tree: another grouping of the same parts. */
    private static NgramCounts mergeTree(List<NgramCounts> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int half = parts.size() / 2;
        return mergeTree(parts.subList(0, half)).merge(mergeTree(parts.subList(half, parts.size())), CAPACITY);
    }

    @Test
    void merge_gives_the_same_counts_in_any_order_and_grouping() {
        List<NgramCounts> parts = observations(7, 200);
        NgramCounts reference = mergeLeft(parts);
        assertThat(reference.size()).isEqualTo(CAPACITY);
        for (long seed = 0; seed < 20; seed++) {
            List<NgramCounts> shuffled = new ArrayList<>(parts);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(mergeLeft(shuffled)).isEqualTo(reference);
            assertThat(mergeTree(shuffled)).isEqualTo(reference);
        }
    }

    @Test
    void merge_is_commutative_and_associative_on_bounded_values() {
        NgramCounts a = mergeLeft(observations(1, 30));
        NgramCounts b = mergeLeft(observations(2, 30));
        NgramCounts c = mergeLeft(observations(3, 30));
        assertThat(a.merge(b, CAPACITY)).isEqualTo(b.merge(a, CAPACITY));
        assertThat(a.merge(b, CAPACITY).merge(c, CAPACITY)).isEqualTo(a.merge(b.merge(c, CAPACITY), CAPACITY));
    }

    @Test
    void a_kept_token_keeps_its_full_count() {
        List<NgramCounts> parts = observations(11, 300);
        NgramCounts merged = mergeLeft(parts);
        NgramCounts unbounded = NgramCounts.empty();
        for (NgramCounts part : parts) {
            unbounded = unbounded.merge(part, Integer.MAX_VALUE);
        }
        for (int token = 0; token < 20; token++) {
            if (merged.count(token) > 0) {
                assertThat(merged.count(token)).isEqualTo(unbounded.count(token));
            }
        }
    }

    @Test
    void the_binary_form_round_trips() {
        NgramCounts counts = mergeLeft(observations(5, 500));
        assertThat(NgramCounts.fromBytes(counts.toBytes(), CONTEXT)).isEqualTo(counts);
        assertThat(counts.toBytes().length).isLessThan(1 + CAPACITY * 4);
    }

    @Test
    void most_frequent_prefers_the_higher_count() {
        NgramCounts counts = NgramCounts.single(CONTEXT, 9)
                .merge(NgramCounts.single(CONTEXT, 4), 8)
                .merge(NgramCounts.single(CONTEXT, 9), 8);
        assertThat(counts.mostFrequent()).isEqualTo(9);
        assertThat(counts.total()).isEqualTo(3);
    }
}
