"""The law as pure functions (pipeline.rules): hand-worked cases, each with
its arithmetic, then properties checked on random inputs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.law.minutes import lists_agenda
from pipeline.law.rules import (
    Attendance,
    Outcome,
    PresidingVote,
    ProxyFault,
    Threshold,
    Verdict,
    attendance,
    is_tie,
    outcome,
    proxy_faults,
    quorum,
    quorum_required,
    unanimous,
)
from pipeline.model import Counts, Member, Proxy, QuorumBase, Status
from pipeline.problems import Place

P, E, A = Status.PRESENT, Status.EXCUSED, Status.ABSENT


def member(
    key: str, status: Status = P, proxy_to: str | None = None, feminine: bool = False
) -> Member:
    first, _, last = key.partition(" ")
    return Member(key, feminine, first, last, status, "", proxy_to, Place(row=2))


def members(*spec: tuple) -> tuple[Member, ...]:
    return tuple(member(*s) for s in spec)


# The sample meeting (data/2016-11-28-bureau): 9 members in office,
# 4 present, DECAYEUX excused with a proxy to VARLET (present).
SAMPLE = members(
    ("florence rodinger", P),
    ("ernest candela", E),
    ("jean-christophe loric", E),
    ("philippe varlet", P),
    ("stephane decayeux", E, "philippe varlet"),
    ("olivier jarde", E),
    ("philippe cocq", P),
    ("james hecquet", E),
    ("jean-claude leclabart", P),
)


# --- quorum_required ----------------------------------------------------------


@pytest.mark.parametrize(
    ("in_office", "threshold", "required"),
    [
        (9, "majorité", 5),  # 9 // 2 + 1 = 4 + 1 = 5 (5 > 4.5, 4 < 4.5)
        (10, "majorité", 6),  # 10 // 2 + 1 = 6: exactly half (5) is not "more than half"
        (11, "majorité", 6),  # 11 // 2 + 1 = 5 + 1 = 6 (6 > 5.5)
        (1, "majorité", 1),  # 1 // 2 + 1 = 0 + 1 = 1
        (2, "majorité", 2),  # 2 // 2 + 1 = 2: one of two is only half
        (9, "tiers", 3),  # ⌈9 / 3⌉ = ⌈3⌉ = 3
        (10, "tiers", 4),  # ⌈10 / 3⌉ = ⌈3.33…⌉ = 4 (3 × 3 = 9 < 10)
        (11, "tiers", 4),  # ⌈11 / 3⌉ = ⌈3.67⌉ = 4
        (1, "tiers", 1),  # ⌈1 / 3⌉ = 1
        (7, 7, 7),  # a whole number N: at least N, whatever the size
        (30, 7, 7),
    ],
)
def test_quorum_required(in_office, threshold, required):
    assert quorum_required(in_office, threshold) == required


# --- quorum -------------------------------------------------------------------


def test_sample_meeting_attendance():
    att = attendance(SAMPLE)
    assert att.in_office == 9
    # rodinger, varlet, cocq, leclabart: 4 present
    assert att.present == (
        "florence rodinger",
        "philippe varlet",
        "philippe cocq",
        "jean-claude leclabart",
    )
    assert att.proxies == (Proxy("stephane decayeux", "philippe varlet"),)
    # 4 present + 1 represented = 5 taking part
    assert att.represented == 1
    assert att.taking_part == 5


def test_sample_meeting_quorum_present_only_not_reached():
    # base PRESENT: counted = 4 present; required = 9 // 2 + 1 = 5; 4 < 5
    q = quorum(attendance(SAMPLE), QuorumBase.PRESENT, "majorité")
    assert (q.counted, q.required, q.reached) == (4, 5, False)


def test_sample_meeting_quorum_present_or_represented_reached():
    # base PRESENT_OR_REPRESENTED: counted = 4 + 1 = 5; required 5; 5 >= 5
    q = quorum(attendance(SAMPLE), QuorumBase.PRESENT_OR_REPRESENTED, "majorité")
    assert (q.counted, q.required, q.reached) == (5, 5, True)


def _meeting(n: int, present: int) -> tuple[Member, ...]:
    return tuple(member(f"m {i}", P if i < present else E) for i in range(n))


def test_quorum_exactly_half_is_not_reached():
    # 10 members, 5 present: required = 10 // 2 + 1 = 6; 5 < 6
    q = quorum(attendance(_meeting(10, 5)), QuorumBase.PRESENT, "majorité")
    assert (q.counted, q.required, q.reached) == (5, 6, False)


def test_quorum_one_more_than_half_is_reached():
    # 10 members, 6 present: 6 >= 6
    q = quorum(attendance(_meeting(10, 6)), QuorumBase.PRESENT, "majorité")
    assert (q.counted, q.required, q.reached) == (6, 6, True)
    # 9 members, 5 present (4.5 + 0.5): 5 >= 5
    q = quorum(attendance(_meeting(9, 5)), QuorumBase.PRESENT, "majorité")
    assert (q.counted, q.required, q.reached) == (5, 5, True)


def test_quorum_tiers_and_number():
    # 10 members, 4 present: tiers requires ⌈10/3⌉ = 4, 4 >= 4
    assert quorum(attendance(_meeting(10, 4)), QuorumBase.PRESENT, "tiers").reached
    # 10 members, 3 present: 3 < 4
    assert not quorum(attendance(_meeting(10, 3)), QuorumBase.PRESENT, "tiers").reached
    # a number: 7 required, 6 present < 7; 7 present >= 7
    assert not quorum(attendance(_meeting(20, 6)), QuorumBase.PRESENT, 7).reached
    assert quorum(attendance(_meeting(20, 7)), QuorumBase.PRESENT, 7).reached


def test_proxies_do_not_count_for_present_base():
    # 10 members, 5 present, 3 excused with proxies: present base counts 5 < 6;
    # present-or-represented counts 5 + 3 = 8 >= 6
    ms = _meeting(10, 5)
    ms = ms[:5] + tuple(member(f"m {i}", E, f"m {i - 5}") for i in range(5, 8)) + ms[8:]
    att = attendance(ms)
    assert not quorum(att, QuorumBase.PRESENT, "majorité").reached
    q = quorum(att, QuorumBase.PRESENT_OR_REPRESENTED, "majorité")
    assert (q.counted, q.reached) == (8, True)


# --- attendance -------------------------------------------------------------------


def test_proxy_counts_only_from_absent_giver_to_present_holder():
    ms = members(
        ("a a", P),
        ("b b", P),
        ("c c", E, "a a"),  # counts: c away, a present
        ("d d", A, "b b"),  # counts: absent is as good as excused
        ("e e", P, "a a"),  # giver present: does not count
        ("f f", E, "g g"),  # holder g not present: does not count
        ("g g", E),
        ("h h", E, "zz zz"),  # holder not a member: does not count
        ("i i", E, "i i"),  # to oneself: does not count
    )
    att = attendance(ms)
    assert att.present == ("a a", "b b", "e e")
    assert att.proxies == (Proxy("c c", "a a"), Proxy("d d", "b b"))
    # taking part = 3 present + 2 represented = 5
    assert att.taking_part == 5
    assert att.in_office == 9


def test_taking_part_is_present_plus_represented():
    att = Attendance(
        in_office=9, present=("a", "b", "c"), proxies=(Proxy("d", "a"), Proxy("e", "b"))
    )
    # 3 + 2
    assert att.represented == 2
    assert att.taking_part == 5


def test_no_member():
    att = attendance(())
    assert (att.in_office, att.present, att.proxies, att.taking_part) == (0, (), (), 0)


# --- proxy_faults -----------------------------------------------------------------


def faults(ms: tuple[Member, ...], per_member: int = 1) -> list[tuple[str, ProxyFault]]:
    return [(m.key, f) for m, f, _ in proxy_faults(ms, per_member)]


def test_valid_proxies_have_no_fault():
    assert faults(SAMPLE) == []


def test_fault_giver_present():
    ms = members(("a a", P, "b b"), ("b b", P))
    assert faults(ms) == [("a a", ProxyFault.GIVER_PRESENT)]


def test_fault_to_self():
    ms = members(("a a", E, "a a"), ("b b", P))
    assert faults(ms) == [("a a", ProxyFault.TO_SELF)]


def test_fault_unknown_holder():
    ms = members(("a a", E, "nobody here"), ("b b", P))
    assert faults(ms) == [("a a", ProxyFault.UNKNOWN_HOLDER)]


def test_fault_holder_not_present():
    ms = members(("a a", E, "b b"), ("b b", A), ("c c", P))
    assert faults(ms) == [("a a", ProxyFault.HOLDER_NOT_PRESENT)]


def test_fault_too_many_with_limit_one():
    # b holds c's proxy (1 ≤ 1), then d's (2 > 1): d's is the fault
    ms = members(("b b", P), ("c c", E, "b b"), ("d d", A, "b b"), ("e e", E, "f f"), ("f f", P))
    assert faults(ms, 1) == [("d d", ProxyFault.TOO_MANY)]


def test_fault_too_many_with_limit_two():
    # b holds c's and d's (2 ≤ 2), then e's (3 > 2)
    ms = members(("b b", P), ("c c", E, "b b"), ("d d", E, "b b"), ("e e", E, "b b"))
    assert faults(ms, 2) == [("e e", ProxyFault.TOO_MANY)]
    # two proxies with a limit of two: no fault
    assert faults(ms[:3], 2) == []


def test_faulty_proxies_are_not_counted_towards_the_limit():
    # c's proxy to b is invalid (c is present): d's is b's first valid one
    ms = members(("b b", P), ("c c", P, "b b"), ("d d", E, "b b"))
    assert faults(ms, 1) == [("c c", ProxyFault.GIVER_PRESENT)]


# --- outcome ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "secret", "presiding", "expected"),
    [
        # P > 0, C = A = N = 0
        (Counts(9), False, None, Outcome.UNANIMITY),
        # P > 0, C = A = 0, N > 0 ("NPPV only" besides the votes for)
        (Counts(7, nppv=2), False, None, Outcome.UNANIMITY_OF_VOTERS),
        # P > 0, C = 0, A > 0 (with or without N)
        (Counts(5, abstentions=4), False, None, Outcome.UNANIMITY_OF_EXPRESSED),
        (Counts(5, abstentions=4, nppv=1), False, None, Outcome.UNANIMITY_OF_EXPRESSED),
        # P > C > 0
        (Counts(20, 5, 2), False, None, Outcome.MAJORITY),
        (Counts(2, 1), True, None, Outcome.MAJORITY),
        # P = C > 0: the presiding member's vote settles it, except in secret
        (Counts(13, 13, 1), False, PresidingVote.POUR, Outcome.CASTING_FOR),
        (Counts(13, 13, 1), False, PresidingVote.CONTRE, Outcome.CASTING_AGAINST),
        (Counts(13, 13, 1), False, PresidingVote.OTHER, Outcome.TIE),
        (Counts(13, 13, 1), False, None, Outcome.TIE),
        (Counts(12, 12, 3), True, PresidingVote.POUR, Outcome.TIE),
        (Counts(12, 12, 3), True, PresidingVote.CONTRE, Outcome.TIE),
        # 0 < P < C
        (Counts(8, 17, 2), False, None, Outcome.REJECTED_MAJORITY),
        # P = 0, C > 0, A = 0, without and with N
        (Counts(0, 6), False, None, Outcome.REJECTED_UNANIMITY),
        (Counts(0, 6, nppv=2), False, None, Outcome.REJECTED_UNANIMITY),
        # P = 0, C > 0, A > 0
        (Counts(0, 6, 3), False, None, Outcome.REJECTED_UNANIMITY_OF_EXPRESSED),
        # P = C = 0: nothing expressed (abstentions only, NPPV only, nothing)
        (Counts(0, 0, 3), False, None, Outcome.NO_VOTE_CAST),
        (Counts(0, 0, 0, 4), False, None, Outcome.NO_VOTE_CAST),
        (Counts(0, 0, 3, 1), False, PresidingVote.POUR, Outcome.NO_VOTE_CAST),
        (Counts(0), False, None, Outcome.NO_VOTE_CAST),
    ],
)
def test_outcome_table(counts, secret, presiding, expected):
    assert outcome(counts, secret=secret, presiding=presiding) is expected


def test_adopted_outcomes():
    adopted = {o for o in Outcome if o.adopted}
    assert adopted == {
        Outcome.UNANIMITY,
        Outcome.UNANIMITY_OF_VOTERS,
        Outcome.UNANIMITY_OF_EXPRESSED,
        Outcome.MAJORITY,
        Outcome.CASTING_FOR,
    }


def test_unanimous_and_tie():
    assert unanimous(5) == Counts(5, 0, 0, 0)
    assert is_tie(Counts(3, 3)) and not is_tie(Counts(0, 0, 2)) and not is_tie(Counts(3, 2))


# --- properties -----------------------------------------------------------------------


@st.composite
def member_lists(draw) -> tuple[Member, ...]:
    n = draw(st.integers(min_value=0, max_value=15))
    keys = [f"m {i}" for i in range(n)]
    out = []
    for key in keys:
        status = draw(st.sampled_from(list(Status)))
        proxy_to = draw(st.none() | st.sampled_from([*keys, "stranger x"]))
        out.append(member(key, status, proxy_to, draw(st.booleans())))
    return tuple(out)


@given(member_lists())
def test_property_attendance(ms):
    att = attendance(ms)
    by_key = {m.key: m for m in ms}
    seated = (Status.PRESENT, Status.SUBSTITUTED)  # a substitute sits for the member
    present = {m.key for m in ms if m.status in seated}
    assert set(att.present) == present
    for proxy in att.proxies:
        assert by_key[proxy.giver].status not in seated
        assert by_key[proxy.giver].proxy_to == proxy.holder
        assert proxy.holder in present
    # every proxy from an excused or absent giver to a seated holder counts
    expected = {m.key for m in ms if m.status not in seated and m.proxy_to in present}
    assert {p.giver for p in att.proxies} == expected
    assert att.taking_part == len(att.present) + att.represented
    assert att.taking_part <= att.in_office == len(ms)


@given(member_lists(), st.integers(min_value=1, max_value=3))
def test_property_valid_proxies_are_the_counted_ones(ms, per_member):
    """With no limit fault, the proxies with no fault are exactly those that count."""
    found = proxy_faults(ms, per_member)
    faulty = {m.key for m, _, _ in found}
    valid = {m.key for m in ms if m.proxy_to is not None} - faulty
    counted = {p.giver for p in attendance(ms).proxies}
    assert valid <= counted
    assert counted - valid == {m.key for m, f, _ in found if f is ProxyFault.TOO_MANY}


counts_strategy = st.builds(
    Counts,
    pour=st.integers(0, 30),
    contre=st.integers(0, 30),
    abstentions=st.integers(0, 30),
    nppv=st.integers(0, 30),
)


@given(counts_strategy, st.booleans(), st.none() | st.sampled_from(list(PresidingVote)))
def test_property_outcome_adopted(counts, secret, presiding):
    result = outcome(counts, secret=secret, presiding=presiding)
    tie = counts.pour == counts.contre > 0
    assert result.adopted == (
        counts.pour > counts.contre or (tie and not secret and presiding is PresidingVote.POUR)
    )
    assert (result is Outcome.NO_VOTE_CAST) == (counts.pour == counts.contre == 0)
    assert (result in {Outcome.TIE, Outcome.CASTING_FOR, Outcome.CASTING_AGAINST}) == tie


@given(st.integers(min_value=1, max_value=10_000))
def test_property_majority(n):
    required = quorum_required(n, "majorité")
    assert required > n / 2
    assert required - 1 <= n / 2


@given(st.integers(min_value=1, max_value=10_000))
def test_property_tiers(n):
    required = quorum_required(n, "tiers")
    assert 3 * required >= n
    assert 3 * (required - 1) < n


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=500))
def test_property_number(n, k):
    assert quorum_required(n, k) == k


# --- the thresholds, the verdict, the minutes' agenda ------------------------------------


def test_thresholds_are_the_words_of_the_workbook() -> None:
    # The parser gives « majorité » and « tiers » as typed (accents restored):
    # each is the threshold of that name, and the same number of members.
    assert Threshold("majorité") is Threshold.MAJORITY
    assert Threshold("tiers") is Threshold.THIRD
    assert quorum_required(9, Threshold.MAJORITY) == quorum_required(9, "majorité") == 5
    assert quorum_required(10, Threshold.THIRD) == quorum_required(10, "tiers") == 4


@pytest.mark.parametrize(
    ("result", "verdict"),
    [
        (Outcome.UNANIMITY, Verdict.ADOPTED),
        (Outcome.UNANIMITY_OF_VOTERS, Verdict.ADOPTED),
        (Outcome.UNANIMITY_OF_EXPRESSED, Verdict.ADOPTED),
        (Outcome.MAJORITY, Verdict.ADOPTED),
        (Outcome.CASTING_FOR, Verdict.ADOPTED),
        (Outcome.CASTING_AGAINST, Verdict.REJECTED),  # the casting vote decides: rejected
        (Outcome.REJECTED_MAJORITY, Verdict.REJECTED),
        (Outcome.REJECTED_UNANIMITY, Verdict.REJECTED),
        (Outcome.REJECTED_UNANIMITY_OF_EXPRESSED, Verdict.REJECTED),
        (Outcome.TIE, Verdict.NOT_ADOPTED),  # no majority either way: not rejected
        (Outcome.NO_VOTE_CAST, Verdict.NOT_ADOPTED),
    ],
)
def test_verdict_of_each_outcome(result: Outcome, verdict: Verdict) -> None:
    assert result.verdict is verdict
    assert result.adopted == (verdict is Verdict.ADOPTED)


@given(counts_strategy, st.booleans(), st.none() | st.sampled_from(list(PresidingVote)))
def test_property_verdict(counts, secret, presiding):
    verdict = outcome(counts, secret=secret, presiding=presiding).verdict
    # Not adopted without being rejected: exactly when neither side has more
    # votes and no casting vote settles it (none settles P = C = 0).
    casting = not secret and presiding in PRESIDING_VOTES and counts.pour > 0
    unsettled = counts.pour == counts.contre and not casting
    assert (verdict is Verdict.NOT_ADOPTED) == unsettled
    if verdict is Verdict.REJECTED:
        assert counts.contre >= counts.pour


PRESIDING_VOTES = {PresidingVote.POUR, PresidingVote.CONTRE}


def test_the_minutes_give_the_agenda_from_1_july_2022() -> None:
    # Ordonnance 2021-1310, in force on 1 July 2022.
    assert not lists_agenda(dt.date(2022, 6, 30))
    assert lists_agenda(dt.date(2022, 7, 1))
    assert lists_agenda(dt.date(2025, 1, 15))
    assert not lists_agenda(dt.date(2016, 11, 28))  # the sample meeting: no agenda
