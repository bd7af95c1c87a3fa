"""Who comes, goes and withdraws around each item: the events of the room.

The minutes tell what happens in the room just before each item, in the
order it happens: returns, departures (with the proxy handed on), arrivals,
then withdrawals. Pure functions of the model; the sentences that tell them
are written by :mod:`pipeline.words.sentences`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from pipeline.law import rules
from pipeline.model import Meeting, Member


class Move(Enum):
    RETURN = "return"  # back in the room after withdrawing from the previous item
    DEPARTURE = "departure"  # gone after the previous item
    ARRIVAL = "arrival"  # takes part from this item on
    WITHDRAWAL = "withdrawal"  # in the room, withdraws for this item (an interest)
    PROXY_SET_ASIDE = "proxy set aside"  # away but represented, withdrawn: the proxy is not used


@dataclass(frozen=True)
class RoomEvent:
    move: Move
    member: str  # the member's key
    proxy_to: str | None = None  # DEPARTURE: the holder of the member's proxy, if any
    takes_chair: bool = False  # RETURN: the president, back, presides again


def takes_part(
    member: Member,
    position: int,
    order: tuple[int, ...],
    withdrawn: Mapping[int, frozenset[str]],
) -> bool:
    """Whether ``member`` sits at ``position`` (an index in ``order``, or
    :data:`rules.OPENING`) and has not withdrawn from that item."""
    item = order[position] if position >= 0 else None
    in_room = rules.in_room(member, position, rules.positions_of(order))
    return in_room and member.key not in withdrawn.get(item, ())


def room_events(
    meeting: Meeting, index: int, presiding: Mapping[int, str]
) -> tuple[RoomEvent, ...]:
    """What happens in the room just before the item at ``index`` of the
    agenda, in the order it happens: returns, departures, arrivals, then
    withdrawals (each in Présences order). ``presiding`` maps each item's N°
    to who presides it."""
    order, withdrawn = meeting.agenda
    positions = rules.positions_of(order)
    number = order[index]
    previous = order[index - 1] if index > 0 else None
    returns, departures, arrivals, withdrawals = [], [], [], []
    for m in meeting.members:
        if (  # only who comes, goes or withdraws around this item has an event
            m.arrival != number
            and (previous is None or m.departure != previous)
            and m.key not in withdrawn[number]
            and (previous is None or m.key not in withdrawn[previous])
        ):
            continue
        seated = rules.in_room(m, index, positions)
        was_in = rules.in_room(m, index - 1, positions)
        if m.arrival == number:
            arrivals.append(RoomEvent(Move.ARRIVAL, m.key))
        if previous is not None and m.departure == previous:
            departures.append(RoomEvent(Move.DEPARTURE, m.key, proxy_to=m.proxy_to))
        if m.key in withdrawn[number]:
            if seated and (
                not was_in or m.arrival == number or takes_part(m, index - 1, order, withdrawn)
            ):
                withdrawals.append(RoomEvent(Move.WITHDRAWAL, m.key))
            elif not seated and m.proxy_to:
                # Away, but represented: the proxy does not count for this item either.
                withdrawals.append(RoomEvent(Move.PROXY_SET_ASIDE, m.key))
        elif previous is not None and m.key in withdrawn[previous] and seated and was_in:
            chair = m.key == meeting.president and presiding.get(previous) != m.key
            returns.append(RoomEvent(Move.RETURN, m.key, takes_chair=chair))
    return (*returns, *departures, *arrivals, *withdrawals)
