package io.specops.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DraftLengthPolicyTest {

    private static final VerifyCost CHEAP = VerifyCost.linear(16, 0.05);

    @Test
    void drafts_long_when_every_draft_is_accepted() {
        DraftLengthPolicy policy = new DraftLengthPolicy(SpeculationSettings.DEFAULT, CHEAP);
        for (int i = 0; i < 20; i++) {
            policy.onVerified(8, 8);
        }
        assertThat(policy.nextDraftLength(16)).isEqualTo(16);
    }

    @Test
    void stops_drafting_when_drafts_are_rejected_then_probes_again_later() {
        DraftLengthPolicy policy = new DraftLengthPolicy(SpeculationSettings.DEFAULT, VerifyCost.linear(16, 0.1));
        for (int i = 0; i < 20; i++) {
            policy.onVerified(2, 0);
        }
        assertThat(policy.nextDraftLength(16)).isZero();
        int skipped = 0;
        while (policy.nextDraftLength(16) == 0 && skipped < 1000) {
            policy.onSkipped();
            skipped++;
        }
        assertThat(skipped).isBetween(5, 200);
    }

    @Test
    void an_expensive_verify_pass_shortens_the_draft() {
        DraftLengthPolicy cheap = new DraftLengthPolicy(SpeculationSettings.DEFAULT, CHEAP);
        DraftLengthPolicy dear = new DraftLengthPolicy(SpeculationSettings.DEFAULT, VerifyCost.linear(16, 0.3));
        for (int i = 0; i < 20; i++) {
            cheap.onVerified(4, 3);
            dear.onVerified(4, 3);
        }
        assertThat(dear.nextDraftLength(16))
                .isLessThan(cheap.nextDraftLength(16))
                .isPositive();
    }

    @Test
    void a_request_starts_from_what_the_decoders_last_request_saw() {
        DraftLengthPolicy.Memory memory = new DraftLengthPolicy.Memory();
        DraftLengthPolicy fresh = memory.newPolicy(SpeculationSettings.DEFAULT, CHEAP);
        int firstDraftFromThePrior = fresh.nextDraftLength(16);
        for (int i = 0; i < 10; i++) {
            fresh.onVerified(16, 16);
        }
        memory.remember(fresh);

        DraftLengthPolicy next = memory.newPolicy(SpeculationSettings.DEFAULT, CHEAP);

        assertThat(next.nextDraftLength(16)).isGreaterThan(firstDraftFromThePrior);
        assertThat(next.estimatedAcceptance())
                .isGreaterThan(SpeculationSettings.DEFAULT.priorAcceptance())
                .isLessThan(fresh.estimatedAcceptance());
    }

    @Test
    void carried_evidence_gives_way_to_the_requests_own_rejections() {
        DraftLengthPolicy.Memory memory = new DraftLengthPolicy.Memory();
        DraftLengthPolicy accepting = memory.newPolicy(SpeculationSettings.DEFAULT, CHEAP);
        for (int i = 0; i < 50; i++) {
            accepting.onVerified(16, 16);
        }
        memory.remember(accepting);

        DraftLengthPolicy rejecting = memory.newPolicy(SpeculationSettings.DEFAULT, VerifyCost.linear(16, 0.2));
        int rejectedSteps = 0;
        while (rejecting.nextDraftLength(16) > 0 && rejectedSteps < 100) {
            rejecting.onVerified(rejecting.nextDraftLength(16), 0);
            rejectedSteps++;
        }

        assertThat(rejectedSteps).isPositive().isLessThanOrEqualTo(20);
    }

    @Test
    void a_request_that_verified_no_draft_leaves_the_memory_as_it_was() {
        DraftLengthPolicy.Memory memory = new DraftLengthPolicy.Memory();
        DraftLengthPolicy accepting = memory.newPolicy(SpeculationSettings.DEFAULT, CHEAP);
        for (int i = 0; i < 10; i++) {
            accepting.onVerified(16, 16);
        }
        memory.remember(accepting);
        double carried = memory.newPolicy(SpeculationSettings.DEFAULT, CHEAP).estimatedAcceptance();

        DraftLengthPolicy fresh = new DraftLengthPolicy(SpeculationSettings.DEFAULT, CHEAP);
        memory.remember(fresh);

        assertThat(memory.newPolicy(SpeculationSettings.DEFAULT, CHEAP).estimatedAcceptance())
                .isEqualTo(carried);
    }

    @Test
    void fixed_length_drafting_ignores_acceptance_but_respects_the_room_left() {
        DraftLengthPolicy policy = new DraftLengthPolicy(SpeculationSettings.DEFAULT.withDraft(4, false), CHEAP);
        policy.onVerified(4, 0);
        assertThat(policy.nextDraftLength(16)).isEqualTo(4);
        assertThat(policy.nextDraftLength(2)).isEqualTo(2);
    }
}
