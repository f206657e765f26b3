"""Table-driven and property-based tests of the vote rules (no database)."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.assemblies.rules import AssemblyParameters
from governance.votes import rules
from governance.votes.rules import Ballot, Subject

SUBJECTS = [s.value for s in Subject]


# --- which assembly may vote what ---------------------------------------------------------

@pytest.mark.parametrize("subject", SUBJECTS)
def test_only_statute_changes_need_an_extraordinary_assembly(subject):
    expected = "wrong_assembly_kind" if subject.startswith("statute_") else None
    assert rules.kind_problem(subject, "ordinary") == expected
    assert rules.kind_problem(subject, "extraordinary") is None


def test_mission_motion_is_allowed_on_both_kinds():
    assert rules.kind_problem("mission", "ordinary") is None
    assert rules.kind_problem("mission", "extraordinary") is None


def test_unknown_subject_is_refused():
    with pytest.raises(ValueError):
        rules.kind_problem("statute", "extraordinary")


# --- majorities, DOMAIN.md §4 table at its boundaries ---------------------------------------

@pytest.mark.parametrize("call", ["first", "second"])
@pytest.mark.parametrize("present, yes, approved", [
    (90, 45, False),  # exactly half is not more than half
    (90, 46, True),
    (91, 45, False),
    (91, 46, True),
])
def test_ordinary_yes_more_than_half_of_present(call, present, yes, approved):
    outcome = rules.majority("ordinary", call, "accounts", 100, present, yes, present - yes, 0)
    assert outcome.approved is approved
    assert outcome.rule == "ordinary"
    assert outcome.reason == (None if approved else "majority_not_reached")


def test_ordinary_abstentions_count_as_present_but_not_as_yes():
    outcome = rules.majority("ordinary", "first", "other", 90, 90, 40, 30, 20)  # 40 > 30, yet rejected
    assert not outcome.approved
    assert outcome.required_yes == 46
    # and a member present who cast no ballot counts the same way
    assert not rules.majority("ordinary", "first", "other", 90, 90, 45, 30, 0).approved


@pytest.mark.parametrize("present, yes, approved", [
    (90, 45, False), (90, 46, True),   # yes > E/2 with E = 90
    (60, 45, False), (60, 46, True),   # over the roll, not over those present
])
def test_extraordinary_first_call_yes_more_than_half_of_the_roll(present, yes, approved):
    outcome = rules.majority("extraordinary", "first", "statute_other", 90, present, yes, present - yes, 0)
    assert outcome.approved is approved
    assert outcome.rule == "extraordinary_first"
    assert (outcome.main.base, outcome.main.base_count, outcome.required_yes) == ("eligible", 90, 46)


@pytest.mark.parametrize("present, yes, approved", [
    (90, 59, False), (90, 60, True),   # exactly 2/3 is enough
    (31, 20, False), (31, 21, True),   # 2/3 of 31 is 20.67
    (33, 21, False), (33, 22, True),
])
def test_extraordinary_second_call_two_thirds_of_present(present, yes, approved):
    outcome = rules.majority("extraordinary", "second", "statute_other", 90, present, yes, present - yes, 0)
    assert outcome.approved is approved
    assert outcome.rule == "extraordinary_second"
    assert len(outcome.conditions) == 1


@pytest.mark.parametrize("present, yes, approved", [
    (31, 21, False),  # 2/3 of those present, but not more than E/3 = 30
    (31, 30, False),  # exactly E/3
    (31, 31, True),
    (90, 60, True),   # both met
    (90, 59, False),  # more than E/3 but not 2/3 of those present
])
def test_purpose_clause_change_also_needs_more_than_a_third_of_the_roll(present, yes, approved):
    outcome = rules.majority("extraordinary", "second", "statute_purpose", 90, present, yes, present - yes, 0)
    assert outcome.approved is approved
    assert outcome.rule == "extraordinary_second_purpose"
    assert [(c.base, c.required_yes) for c in outcome.conditions] == [
        ("present", -(-2 * present // 3)), ("eligible", 31)]


def test_the_purpose_rule_is_only_for_the_purpose_clause():
    assert rules.majority("extraordinary", "second", "statute_other", 90, 31, 21, 10, 0).approved
    assert rules.majority("extraordinary", "second", "mission", 90, 31, 21, 10, 0).approved


@pytest.mark.parametrize("kind, call, eligible, present", [
    ("ordinary", "first", 90, 44), ("extraordinary", "first", 90, 45), ("extraordinary", "second", 90, 30),
])
def test_without_quorum_nothing_passes_even_unanimously(kind, call, eligible, present):
    outcome = rules.majority(kind, call, "mission", eligible, present, present, 0, 0)
    assert not outcome.approved
    assert outcome.reason == "no_quorum"
    assert not outcome.quorum.reached


@pytest.mark.parametrize("subject", ["statute_purpose", "statute_other"])
def test_a_statute_motion_on_an_ordinary_assembly_never_passes(subject):
    outcome = rules.majority("ordinary", "first", subject, 90, 90, 90, 0, 0)
    assert (outcome.approved, outcome.reason) == (False, "wrong_assembly_kind")


def test_an_empty_vote_never_passes():
    outcome = rules.majority("ordinary", "second", "other", 90, 1, 0, 0, 1)
    assert not outcome.approved
    assert outcome.required_yes == 1


def test_domain_example_explanation_figures():
    # "approved: 64 yes of 90 present (71.1%), 2/3 required"
    outcome = rules.majority("extraordinary", "second", "statute_other", 120, 90, 64, 20, 6)
    assert outcome.approved
    assert (outcome.yes, outcome.main.base_count, outcome.main.base) == (64, 90, "present")
    assert outcome.percent == Decimal("71.1")
    assert (outcome.main.fraction, outcome.main.comparison) == (Fraction(2, 3), "at_least")


@pytest.mark.parametrize("count, base, percent", [
    (64, 90, "71.1"), (1, 3, "33.3"), (2, 3, "66.7"), (1, 16, "6.3"),  # 6.25 -> 6.3 half-up
    (3, 16, "18.8"), (1, 8, "12.5"), (0, 90, "0.0"), (90, 90, "100.0"), (5, 0, "0.0"),
])
def test_percent_one_decimal_half_up(count, base, percent):
    assert rules.percent_of(count, base) == Decimal(percent)
    assert str(rules.percent_of(count, base)) == percent


def test_majorities_come_from_the_statute():
    params = AssemblyParameters(extraordinary_second_call_majority=Fraction(3, 4))
    assert not rules.majority("extraordinary", "second", "statute_other", 90, 80, 59, 21, 0, params).approved
    assert rules.majority("extraordinary", "second", "statute_other", 90, 80, 60, 20, 0, params).approved


@pytest.mark.parametrize("yes, no, abstain", [(50, 50, 1), (-1, 0, 0), (0, -1, 0)])
def test_impossible_votes_are_refused(yes, no, abstain):
    with pytest.raises(ValueError):
        rules.majority("ordinary", "first", "other", 100, 100, yes, no, abstain)


kinds = st.sampled_from(["ordinary", "extraordinary"])
calls = st.sampled_from(["first", "second"])
subjects = st.sampled_from(SUBJECTS)


@st.composite
def votes(draw):
    eligible = draw(st.integers(0, 600))
    present = draw(st.integers(0, eligible))
    yes = draw(st.integers(0, present))
    no = draw(st.integers(0, present - yes))
    abstain = draw(st.integers(0, present - yes - no))
    return eligible, present, yes, no, abstain


@given(kind=kinds, call=calls, subject=subjects, figures=votes(), data=st.data())
def test_more_yes_never_turns_approved_into_rejected(kind, call, subject, figures, data):
    eligible, present, yes, no, abstain = figures
    before = rules.majority(kind, call, subject, eligible, present, yes, no, abstain)
    # turn a no, an abstention or a silent member present into a yes
    source = data.draw(st.sampled_from([s for s, n in (("no", no), ("abstain", abstain),
                                                     ("silent", present - yes - no - abstain)) if n] or ["none"]))
    if source == "none":
        return
    no -= source == "no"
    abstain -= source == "abstain"
    after = rules.majority(kind, call, subject, eligible, present, yes + 1, no, abstain)
    if before.approved:
        assert after.approved


@given(kind=kinds, call=calls, subject=subjects, figures=votes())
def test_approved_exactly_when_every_condition_holds(kind, call, subject, figures):
    eligible, present, yes, no, abstain = figures
    outcome = rules.majority(kind, call, subject, eligible, present, yes, no, abstain)
    if kind == "ordinary":
        majority_met = 2 * yes > present
    elif call == "first":
        majority_met = 2 * yes > eligible
    else:
        majority_met = 3 * yes >= 2 * present and (subject != "statute_purpose" or 3 * yes > eligible)
    wrong_kind = kind == "ordinary" and subject.startswith("statute_")
    assert outcome.approved == (majority_met and yes >= 1 and outcome.quorum.reached and not wrong_kind)
    assert (yes >= outcome.required_yes) == (majority_met and yes >= 1)


# --- correspondence ballots and amended texts ----------------------------------------------

BALLOTS = [Ballot("yes"), Ballot("yes", by_correspondence=True), Ballot("no", by_correspondence=True),
           Ballot("abstain"), Ballot("no")]


def test_correspondence_ballots_count_on_the_published_text():
    result = rules.tally(BALLOTS, text_amended=False)
    assert (result.yes, result.no, result.abstain, result.dropped) == (2, 2, 1, ())
    assert rules.correspondence_counts(False)


def test_correspondence_ballots_do_not_count_on_an_amended_text():
    result = rules.tally(BALLOTS, text_amended=True)
    assert (result.yes, result.no, result.abstain) == (1, 1, 1)
    assert result.dropped == (Ballot("yes", True), Ballot("no", True))
    assert not rules.correspondence_counts(True)


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError):
        rules.tally([Ballot("maybe")])


# --- secret votes: receipts ----------------------------------------------------------------------

def test_receipt_digest_canonical_form():
    pairs = [("BBBB-BBBB-BB", "no"), ("AAAA-AAAA-AA", "yes"), ("CCCC-CCCC-CC", "abstain")]
    canonical = "AAAA-AAAA-AA:yes\nBBBB-BBBB-BB:no\nCCCC-CCCC-CC:abstain"
    assert rules.receipt_digest(pairs) == hashlib.sha256(canonical.encode()).hexdigest()
    assert rules.receipt_digest([]) == hashlib.sha256(b"").hexdigest()


def test_duplicate_or_malformed_receipts_are_refused():
    for pairs in ([("AAAA", "yes"), ("AAAA", "no")], [("AA:AA", "yes")], [("AAAA\nX", "yes")], [("", "no")],
                  [("AAAA", "si")]):
        with pytest.raises(ValueError):
            rules.receipt_digest(pairs)


receipt_lists = st.lists(st.tuples(st.text(alphabet=rules.RECEIPT_ALPHABET + "-", min_size=1, max_size=12),
                                   st.sampled_from(["yes", "no", "abstain"])),
                         unique_by=lambda pair: pair[0], max_size=40)


@given(pairs=receipt_lists, data=st.data())
def test_receipt_digest_is_independent_of_order(pairs, data):
    shuffled = data.draw(st.permutations(pairs))
    assert rules.receipt_digest(shuffled) == rules.receipt_digest(pairs)


@given(pairs=receipt_lists.filter(bool), data=st.data())
def test_receipt_digest_changes_if_any_choice_changes(pairs, data):
    index = data.draw(st.integers(0, len(pairs) - 1))
    receipt, choice = pairs[index]
    other = data.draw(st.sampled_from([c for c in ("yes", "no", "abstain") if c != choice]))
    changed = pairs[:index] + [(receipt, other)] + pairs[index + 1:]
    assert rules.receipt_digest(changed) != rules.receipt_digest(pairs)
    assert rules.receipt_digest(pairs[:index] + pairs[index + 1:]) != rules.receipt_digest(pairs)


@given(pairs=receipt_lists)
def test_recount_equals_the_tally(pairs):
    counted = rules.recount(pairs)
    tallied = rules.tally([Ballot(choice) for _receipt, choice in pairs])
    assert counted == {"yes": tallied.yes, "no": tallied.no, "abstain": tallied.abstain}
    assert counted == {c: Counter(choice for _r, choice in pairs)[c] for c in ("yes", "no", "abstain")}


def test_new_receipt_codes_are_grouped_unambiguous_and_random():
    codes = {rules.new_receipt_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}", code), code
    assert not set("01IO") & set(rules.RECEIPT_ALPHABET)
    # over many codes every letter of the alphabet turns up
    assert set("".join(codes).replace("-", "")) == set(rules.RECEIPT_ALPHABET)


def test_a_receipt_typed_back_is_normalised():
    code = rules.new_receipt_code()
    assert rules.normalise_receipt(code.lower().replace("-", " ")) == code
    for bad in ("ABCD-EFGH-J", "ABCD-EFGH-J0", "", "ABCD-EFGH-JKL"):
        with pytest.raises(ValueError):
            rules.normalise_receipt(bad)


def test_the_majority_bases_may_be_votes_while_the_quorum_stays_per_head():
    # 5 heads present, one of them a legal person with 3 votes: 7 votes present.
    outcome = rules.majority("ordinary", "first", "accounts", 5, 5, 3, 4, 0, present_votes=7, eligible_votes=7)
    assert not outcome.approved and outcome.main.base_count == 7 and outcome.required_yes == 4
    assert outcome.present == 5 and outcome.quorum.present == 5
    assert rules.majority("ordinary", "first", "accounts", 5, 5, 4, 3, 0, present_votes=7,
                          eligible_votes=7).approved
    with pytest.raises(ValueError):
        rules.majority("ordinary", "first", "accounts", 5, 5, 4, 4, 0, present_votes=7, eligible_votes=9)
    with pytest.raises(ValueError):
        rules.majority("ordinary", "first", "accounts", 5, 5, 1, 0, 0, present_votes=4)
