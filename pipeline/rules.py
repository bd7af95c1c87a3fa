"""The law, as pure functions: attendance, proxies, quorum, votes, outcome.

CGCT L2121-17 (quorum), L2121-20 (proxies, casting vote). No text here:
the words are written by :mod:`pipeline.french`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from .model import Counts, Member, Proxy, QuorumBase, Status


def quorum_required(in_office: int, threshold: str | int) -> int:
    """How many members must count for the body to deliberate.

    ``majorité``: more than half of the members in office (⌊n/2⌋ + 1);
    ``tiers``: at least a third (⌈n/3⌉); a whole number N: at least N.
    """
    if threshold == "majorité":
        return in_office // 2 + 1
    if threshold == "tiers":
        return math.ceil(in_office / 3)
    return int(threshold)


@dataclass(frozen=True)
class Attendance:
    in_office: int
    present: tuple[str, ...]  # member keys, in the order of Présences
    proxies: tuple[Proxy, ...]  # the proxies that count

    @property
    def represented(self) -> int:
        return len(self.proxies)

    @property
    def taking_part(self) -> int:
        """Présents et représentés: members taking part + proxies that count."""
        return len(self.present) + self.represented


def attendance(members: tuple[Member, ...]) -> Attendance:
    """Who is in the room and which proxies count: a proxy counts while its
    giver is not present and its holder is. (The checks that make a proxy
    valid are :func:`proxy_faults`; an invalid proxy never counts.)"""
    present = tuple(m.key for m in members if m.status is Status.PRESENT)
    present_set = set(present)
    proxies = tuple(
        Proxy(m.key, m.proxy_to)
        for m in members
        if m.proxy_to is not None
        and m.status is not Status.PRESENT
        and m.proxy_to in present_set
        and m.proxy_to != m.key
    )
    return Attendance(len(members), present, proxies)


class ProxyFault(Enum):
    GIVER_PRESENT = "giver present"
    TO_SELF = "to self"
    UNKNOWN_HOLDER = "unknown holder"
    HOLDER_NOT_PRESENT = "holder not present"
    TOO_MANY = "too many"


def proxy_faults(members: tuple[Member, ...], per_member: int) -> list[tuple[Member, ProxyFault]]:
    """Every proxy that breaks L2121-20: given by a member who is present,
    to oneself, to a non-member, to a member who is not present (who would
    then also be giving one, or be away), or past the holder's limit."""
    by_key = {m.key: m for m in members}
    faults: list[tuple[Member, ProxyFault]] = []
    held: dict[str, int] = {}
    for m in members:
        if m.proxy_to is None:
            continue
        if m.status is Status.PRESENT:
            faults.append((m, ProxyFault.GIVER_PRESENT))
        elif m.proxy_to == m.key:
            faults.append((m, ProxyFault.TO_SELF))
        elif m.proxy_to not in by_key:
            faults.append((m, ProxyFault.UNKNOWN_HOLDER))
        elif by_key[m.proxy_to].status is not Status.PRESENT:
            faults.append((m, ProxyFault.HOLDER_NOT_PRESENT))
        else:
            held[m.proxy_to] = held.get(m.proxy_to, 0) + 1
            if held[m.proxy_to] > per_member:
                faults.append((m, ProxyFault.TOO_MANY))
    return faults


@dataclass(frozen=True)
class Quorum:
    counted: int
    required: int
    reached: bool


def quorum(att: Attendance, base: QuorumBase, threshold: str | int) -> Quorum:
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
