"""The events of the room before each item (pipeline.law.room) and the
sentences that tell them (pipeline.words.sentences): a hand-worked meeting,
then properties on random rooms. The end-to-end cases are in test_room.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from test_room import rooms as random_rooms

from pipeline.law import rules
from pipeline.law.room import Move, RoomEvent, room_events, takes_part
from pipeline.model import Deliberation, Meeting, Member, QuorumBase, Status
from pipeline.problems import Place
from pipeline.words.sentences import room_sentences

P, E = Status.PRESENT, Status.EXCUSED


def person(key: str, status: Status = P, **changes) -> Member:
    first, _, last = key.partition(" ")
    member = Member(key, False, first.capitalize(), last, status, "", None, Place(row=2))
    return replace(member, **changes)


def meeting(members: tuple[Member, ...], withdrawn: dict[int, tuple[str, ...]]) -> Meeting:
    """A meeting of ``members`` whose agenda is ``withdrawn``'s N° in order."""
    items = tuple(
        Deliberation(n, f"Point {n}", (), (), (), None, "", Place(row=n + 1), withdrawn=out)
        for n, out in withdrawn.items()
    )
    return Meeting(
        name="m",
        body="Syndicat",
        instance="Bureau",
        instance_feminine=False,
        members_word="délégués",
        date=dt.date(2016, 11, 28),
        opening=dt.time(17),
        closing=None,
        convocation=dt.date(2016, 11, 18),
        location="",
        president=members[0].key,
        secretaries=(),
        previous_minutes=None,
        previous_vote=None,
        quorum_base=QuorumBase.PRESENT,
        quorum_threshold="majorité",
        title="",
        proxies_per_member=1,
        siret="",
        members=members,
        deliberations=items,
        other_items=(),
    )


# The president PAUL withdraws from item 2 (ANNE presides it) and comes back
# for item 3, presiding again; BRUNO arrives at item 2; CLAIRE leaves after
# item 1 and gives her proxy to ANNE; DENIS withdraws from item 2 and comes
# back; EMMA, excused, gave ANNE her proxy, and withdraws from item 3.
HAND = meeting(
    (
        person("paul martin"),
        person("anne roy", feminine=True),
        person("bruno petit", arrival=2),
        person("claire dumas", feminine=True, departure=1, proxy_to="anne roy"),
        person("denis morel"),
        person("emma leroy", E, feminine=True, proxy_to="anne roy"),
    ),
    {1: (), 2: ("paul martin", "denis morel"), 3: ("emma leroy",)},
)
PRESIDING = {1: "paul martin", 2: "anne roy", 3: "paul martin"}


def test_nothing_happens_before_the_first_item() -> None:
    assert room_events(HAND, 0, PRESIDING) == ()


def test_before_item_2_departures_then_arrivals_then_withdrawals() -> None:
    assert room_events(HAND, 1, PRESIDING) == (
        RoomEvent(Move.DEPARTURE, "claire dumas", proxy_to="anne roy"),
        RoomEvent(Move.ARRIVAL, "bruno petit"),
        RoomEvent(Move.WITHDRAWAL, "paul martin"),  # Présences order: PAUL before DENIS
        RoomEvent(Move.WITHDRAWAL, "denis morel"),
    )


def test_before_item_3_returns_first_and_a_proxy_set_aside() -> None:
    assert room_events(HAND, 2, PRESIDING) == (
        # ANNE presided item 2: PAUL, the president, takes the chair again.
        RoomEvent(Move.RETURN, "paul martin", takes_chair=True),
        RoomEvent(Move.RETURN, "denis morel"),
        RoomEvent(Move.PROXY_SET_ASIDE, "emma leroy"),
    )


def test_the_president_who_presided_while_withdrawn_does_not_take_the_chair_again() -> None:
    presided = {**PRESIDING, 2: "paul martin"}  # not possible, but not for this rule to say
    assert room_events(HAND, 2, presided)[0] == RoomEvent(Move.RETURN, "paul martin")


def test_the_events_told() -> None:
    assert room_sentences(HAND, 1, PRESIDING) == [
        "Mme Claire DUMAS quitte la séance et donne pouvoir à Mme Anne ROY.",
        "M. Bruno PETIT arrive en séance.",
        "M. Paul MARTIN se retire et ne prend part ni au débat ni au vote.",
        "M. Denis MOREL se retire et ne prend part ni au débat ni au vote.",
    ]
    assert room_sentences(HAND, 2, PRESIDING) == [
        "M. Paul MARTIN revient en séance et reprend la présidence.",
        "M. Denis MOREL revient en séance.",
        (
            "Le pouvoir de Mme Emma LEROY ne compte pas pour ce point, celle-ci ne prenant "
            "part ni au débat ni au vote."
        ),
    ]


# --- properties ---------------------------------------------------------------------------


@st.composite
def rooms(draw: st.DrawFn) -> Meeting:
    """A random room of tests/test_room.py (members arriving and leaving in
    agenda order, proxies to anyone, who withdraws at each item) as a meeting."""
    members, order, withdrawn = draw(random_rooms())
    return meeting(members, {n: tuple(sorted(withdrawn[n])) for n in order})


GROUPS = {Move.RETURN: 0, Move.DEPARTURE: 1, Move.ARRIVAL: 2, Move.WITHDRAWAL: 3}
GROUPS[Move.PROXY_SET_ASIDE] = 3  # told among the withdrawals


@settings(max_examples=300, deadline=None)
@given(rooms(), st.data())
def test_the_events_explain_every_change_of_who_takes_part(room: Meeting, data) -> None:
    order, withdrawn = room.agenda
    rank = {m.key: i for i, m in enumerate(room.members)}
    presiding = {n: data.draw(st.sampled_from([m.key for m in room.members])) for n in order}
    for index, number in enumerate(order):
        events = room_events(room, index, presiding)
        moves = {(e.member, e.move) for e in events}
        assert len(moves) == len(events)  # nobody twice for the same move
        for m in room.members:
            now = takes_part(m, index, order, withdrawn)
            before = takes_part(m, index - 1, order, withdrawn)  # index - 1 = OPENING first
            if now and not before:
                assert {(m.key, Move.ARRIVAL), (m.key, Move.RETURN)} & moves
            if before and not now:
                assert {(m.key, Move.DEPARTURE), (m.key, Move.WITHDRAWAL)} & moves
            arrives = m.arrival == number
            assert ((m.key, Move.ARRIVAL) in moves) == arrives
            leaves = index > 0 and m.departure == order[index - 1]
            assert ((m.key, Move.DEPARTURE) in moves) == leaves
            if (m.key, Move.RETURN) in moves:
                assert now and not before
            if (m.key, Move.WITHDRAWAL) in moves:
                assert m.key in withdrawn[number] and not now
            if (m.key, Move.PROXY_SET_ASIDE) in moves:
                assert m.key in withdrawn[number] and m.proxy_to
                assert not rules.in_room(m, index, rules.positions_of(order))
        # In the order it happens, each group in Présences order.
        keys = [(GROUPS[e.move], rank[e.member]) for e in events]
        assert keys == sorted(keys)
        for e in events:
            assert not e.takes_chair or (e.move is Move.RETURN and e.member == room.president)
            assert e.proxy_to is None or e.move is Move.DEPARTURE
        assert len(room_sentences(room, index, presiding)) == len(events)
