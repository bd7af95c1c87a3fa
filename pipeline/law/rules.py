"""The law, as pure functions: attendance, proxies, quorum, votes, outcome.

CGCT L2121-17 (quorum), L2121-20 (proxies, casting vote). No text here:
the words are written by :mod:`pipeline.words`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from pipeline.model import Counts, Member, Proxy, QuorumBase, Status


class Threshold(str, Enum):
    """The quorum thresholds named in « Seuil du quorum » (a whole number N is
    the third kind). A ``str``: each equals the word the parser gives."""

    MAJORITY = "majorité"  # more than half of the members in office
    THIRD = "tiers"  # at least a third


def quorum_required(in_office: int, threshold: Threshold | str | int) -> int:
    """How many members must count for the body to deliberate.

    ``majorité``: more than half of the members in office (⌊n/2⌋ + 1);
    ``tiers``: at least a third (⌈n/3⌉); a whole number N: at least N.
    """
    if threshold == Threshold.MAJORITY:
        return in_office // 2 + 1
    if threshold == Threshold.THIRD:
        return math.ceil(in_office / 3)
    return int(threshold)


OPENING = -1  # the position of the opening roll call, before the first item


@dataclass(frozen=True)
class Attendance:
    in_office: int
    present: tuple[str, ...]  # member keys taking part (substitutes count), Présences order
    proxies: tuple[Proxy, ...]  # the proxies that count

    @property
    def represented(self) -> int:
        return len(self.proxies)

    @property
    def taking_part(self) -> int:
        """Présents et représentés: members taking part + proxies that count."""
        return len(self.present) + self.represented


@functools.lru_cache(maxsize=8)
def positions_of(order: tuple[int, ...]) -> dict[int, int]:
    """Each item's index in the agenda (a shared dict: read it, never change it)."""
    return {n: i for i, n in enumerate(order)}


def in_room(member: Member, position: int, positions: dict[int, int]) -> bool:
    """Whether ``member`` sits at ``position`` (OPENING or an item's index in
    the agenda): present or substituted, from ``Arrivée`` to ``Départ``."""
    if member.status not in (Status.PRESENT, Status.SUBSTITUTED):
        return False
    start = positions[member.arrival] if member.arrival is not None else OPENING
    end = positions[member.departure] if member.departure is not None else len(positions)
    return start <= position <= end


def attendance(
    members: tuple[Member, ...],
    position: int = OPENING,
    order: tuple[int, ...] = (),
    withdrawn: frozenset[str] | set[str] = frozenset(),
) -> Attendance:
    """Who takes part at ``position`` and which proxies count there.

    A member takes part while in the room and not withdrawn (Se retirent);
    a proxy counts while its giver does not take part (and has not withdrawn:
    one who withdraws for an interest does not vote by proxy either) and its
    holder does. ``order`` is the agenda: the N° of each item, in order.
    (:func:`proxy_faults` reports invalid proxies; one never counts.)"""
    positions = positions_of(order)
    present = tuple(
        m.key for m in members if in_room(m, position, positions) and m.key not in withdrawn
    )
    taking = set(present)
    proxies = tuple(
        Proxy(m.key, m.proxy_to)
        for m in members
        if m.proxy_to is not None
        and m.proxy_to != m.key
        and m.status is not Status.SUBSTITUTED
        and m.key not in taking
        and m.key not in withdrawn
        and m.proxy_to in taking
    )
    return Attendance(len(members), present, proxies)


class ProxyFault(Enum):
    GIVER_PRESENT = "giver present"
    SUBSTITUTED_GIVER = "substituted giver"
    TO_SELF = "to self"
    UNKNOWN_HOLDER = "unknown holder"
    HOLDER_NOT_PRESENT = "holder away wherever the proxy would count"
    CHAIN = "holder gives a proxy too and is away wherever this one would count"
    TOO_MANY = "too many"


class ProxyProblem(NamedTuple):
    member: Member
    fault: ProxyFault
    item: int | None  # N° of the item where it happens, None for the opening or all


def proxy_faults(
    members: tuple[Member, ...],
    per_member: int,
    order: tuple[int, ...] = (),
    withdrawn: dict[int, frozenset[str]] | None = None,
) -> list[ProxyProblem]:
    """Every proxy that breaks L2121-20: from a member who takes part in the
    whole meeting, from a substituted member, to oneself, to a non-member,
    to a holder away wherever it would count (a chain, when that holder
    gives a proxy too), or past ``per_member`` proxies counting for one
    holder at one item."""
    withdrawn = withdrawn or {}
    by_key = {m.key: m for m in members}
    positions = {n: i for i, n in enumerate(order)}
    all_positions = [OPENING, *range(len(order))]
    found: list[ProxyProblem] = []
    for m in members:
        if m.proxy_to is None:
            continue
        away = [p for p in all_positions if not in_room(m, p, positions)]
        fault = None
        if m.status is Status.SUBSTITUTED:
            fault = ProxyFault.SUBSTITUTED_GIVER
        elif m.proxy_to == m.key:
            fault = ProxyFault.TO_SELF
        elif m.proxy_to not in by_key:
            fault = ProxyFault.UNKNOWN_HOLDER
        elif not away:
            fault = ProxyFault.GIVER_PRESENT
        else:
            holder = by_key[m.proxy_to]

            def holder_in(p: int, holder: Member = holder) -> bool:
                item = order[p] if p >= 0 else None
                return in_room(holder, p, positions) and holder.key not in withdrawn.get(item, ())

            if not any(holder_in(p) for p in away):
                chain = holder.proxy_to is not None
                fault = ProxyFault.CHAIN if chain else ProxyFault.HOLDER_NOT_PRESENT
        if fault is not None:
            found.append(ProxyProblem(m, fault, None))
    faulty = {problem.member.key for problem in found}
    valid = tuple(m for m in members if m.key not in faulty)
    reported: set[str] = set()
    for p in all_positions:
        item = order[p] if p >= 0 else None
        counted: dict[str, int] = {}
        for proxy in attendance(valid, p, order, withdrawn.get(item, frozenset())).proxies:
            counted[proxy.holder] = counted.get(proxy.holder, 0) + 1
            if counted[proxy.holder] > per_member and proxy.giver not in reported:
                reported.add(proxy.giver)
                found.append(ProxyProblem(by_key[proxy.giver], ProxyFault.TOO_MANY, item))
    return found


@dataclass(frozen=True)
class Quorum:
    counted: int
    required: int
    reached: bool


def quorum(att: Attendance, base: QuorumBase, threshold: Threshold | str | int) -> Quorum:
    counted = len(att.present) if base is QuorumBase.PRESENT else att.taking_part
    required = quorum_required(att.in_office, threshold)
    return Quorum(counted, required, counted >= required)


def unanimous(taking_part: int) -> Counts:
    """``unanimité``: every member present or represented votes for."""
    return Counts(pour=taking_part)


class Outcome(Enum):
    UNANIMITY = "unanimité"
    UNANIMITY_OF_VOTERS = "unanimité des votants"
    UNANIMITY_OF_EXPRESSED = "unanimité des suffrages exprimés"
    MAJORITY = "majorité"
    CASTING_FOR = "voix prépondérante pour"
    CASTING_AGAINST = "voix prépondérante contre"
    TIE = "partage égal"
    REJECTED_MAJORITY = "rejet à la majorité"
    REJECTED_UNANIMITY = "rejet à l'unanimité"
    REJECTED_UNANIMITY_OF_EXPRESSED = "rejet à l'unanimité des suffrages exprimés"
    NO_VOTE_CAST = "aucun suffrage exprimé"

    @property
    def adopted(self) -> bool:
        return self in ADOPTED

    @property
    def verdict(self) -> Verdict:
        """Adopted, rejected, or not adopted for want of a majority (a tie
        without casting vote, or no vote cast): the last is no rejection."""
        if self.adopted:
            return Verdict.ADOPTED
        if self in (Outcome.TIE, Outcome.NO_VOTE_CAST):
            return Verdict.NOT_ADOPTED
        return Verdict.REJECTED


class Verdict(Enum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NOT_ADOPTED = "not adopted"


ADOPTED = {
    Outcome.UNANIMITY,
    Outcome.UNANIMITY_OF_VOTERS,
    Outcome.UNANIMITY_OF_EXPRESSED,
    Outcome.MAJORITY,
    Outcome.CASTING_FOR,
}


class PresidingVote(Enum):
    POUR = "pour"
    CONTRE = "contre"
    OTHER = "autre"  # abstained or did not take part


def outcome(
    counts: Counts, secret: bool = False, presiding: PresidingVote | None = None
) -> Outcome:
    """The spec's result table. A tie (Pour = Contre > 0) is settled by the
    presiding member's vote, except in a secret ballot; ``presiding`` is None
    when unknown — the caller must not ask for a tie's outcome then."""
    p, c, a, n = counts.pour, counts.contre, counts.abstentions, counts.nppv
    if p == c == 0:
        return Outcome.NO_VOTE_CAST
    if p == c:
        if not secret and presiding is PresidingVote.POUR:
            return Outcome.CASTING_FOR
        if not secret and presiding is PresidingVote.CONTRE:
            return Outcome.CASTING_AGAINST
        return Outcome.TIE
    if c == 0:
        if a > 0:
            return Outcome.UNANIMITY_OF_EXPRESSED
        return Outcome.UNANIMITY_OF_VOTERS if n > 0 else Outcome.UNANIMITY
    if p == 0:
        return Outcome.REJECTED_UNANIMITY_OF_EXPRESSED if a > 0 else Outcome.REJECTED_UNANIMITY
    return Outcome.MAJORITY if p > c else Outcome.REJECTED_MAJORITY


def is_tie(counts: Counts) -> bool:
    return counts.pour == counts.contre > 0
