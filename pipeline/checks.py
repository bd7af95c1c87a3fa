"""The rules applied to a parsed meeting: every legal problem reported with
its place, and the figures the documents print (attendance, quorum, the
counts and outcome of each item)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from . import rules, tariffs
from .model import Contribution, Counts, Deliberation, Meeting, Status, Tariff, VoteRecord
from .problems import Report
from .rules import Attendance, Outcome, ProxyFault, Quorum
from .sources import fold

PROXY_MESSAGES = {
    ProxyFault.GIVER_PRESENT: "un membre présent ne donne pas de pouvoir : videz « Pouvoir à » "
    "ou changez le statut en « excusé » ou « absent ».",
    ProxyFault.TO_SELF: "un membre ne peut pas se donner pouvoir à lui-même.",
    ProxyFault.UNKNOWN_HOLDER: "le titulaire du pouvoir n’est pas un membre de l’instance.",
    ProxyFault.HOLDER_NOT_PRESENT: "le titulaire du pouvoir ({holder}) n’est pas présent : "
    "un pouvoir ne peut être donné qu’à un membre présent (CGCT L2121-20).",
    ProxyFault.TOO_MANY: "{holder} détient déjà {limit} pouvoir(s) : un membre ne peut en détenir "
    "plus de {limit} (champ « Pouvoirs par membre », CGCT L2121-20).",
}


@dataclass(frozen=True)
class Item:
    deliberation: Deliberation
    counts: Counts
    outcome: Outcome


@dataclass(frozen=True)
class Charge:
    """A contribution with its tariff row and the amount due."""

    contribution: Contribution
    tariff: Tariff
    amount: Decimal


@dataclass(frozen=True)
class Analysis:
    attendance: Attendance
    quorum: Quorum
    items: tuple[Item, ...]
    previous: tuple[Counts, Outcome] | None
    charges: tuple[Charge, ...] = ()


def analyse(meeting: Meeting, report: Report) -> Analysis | None:
    """Apply the law; None when any error was found (all are reported)."""
    by_key = {m.key: m for m in meeting.members}
    for member, fault in rules.proxy_faults(meeting.members, meeting.proxies_per_member):
        holder = by_key.get(member.proxy_to)
        message = PROXY_MESSAGES[fault].format(
            holder=holder.name if holder else "", limit=meeting.proxies_per_member
        )
        report.error(replace(member.place, column="Pouvoir à"), message)

    for key, role in [(meeting.president, "Le président ou la présidente")] + [
        (k, "Le ou la secrétaire de séance") for k in meeting.secretaries
    ]:
        member = by_key[key]
        if member.status is not Status.PRESENT:
            report.error(
                member.place,
                f"{role} ({member.name}) doit être présent(e) à l’ouverture de la séance, "
                f"or son statut est « {member.status.value} ».",
            )

    attendance = rules.attendance(meeting.members)
    quorum = rules.quorum(attendance, meeting.quorum_base, meeting.quorum_threshold)
    items = []
    for d in meeting.deliberations:
        if not quorum.reached:
            if d.vote is not None:
                report.error(
                    d.vote.place,
                    f"vote enregistré pour le point {d.number} alors que le quorum n’est pas "
                    f"atteint ({quorum.counted} pour {quorum.required} requis) : l’instance ne "
                    "pouvait pas délibérer.",
                )
            continue
        counts = _counts(d.vote, attendance.taking_part, f"point {d.number}", d, report)
        if counts is None:
            continue
        if rules.is_tie(counts):
            report.error(
                d.vote.place,
                f"partage égal des voix au point {d.number} ({counts.pour} pour, {counts.contre} "
                "contre) : la voix du président est prépondérante, mais son vote ne peut être "
                "indiqué que dans la feuille « Votes », pas encore prise en charge.",
            )
            continue
        items.append(Item(d, counts, rules.outcome(counts)))

    previous = None
    if meeting.previous_vote is not None:
        counts = _counts(
            meeting.previous_vote, attendance.taking_part, "procès-verbal précédent", None, report
        )
        if counts is not None and rules.is_tie(counts):
            report.error(
                meeting.previous_vote.place,
                "partage égal des voix sur le procès-verbal précédent : pas encore pris en charge.",
            )
        elif counts is not None:
            previous = (counts, rules.outcome(counts))
    if report.errors:
        return None
    return Analysis(attendance, quorum, tuple(items), previous, _charges(meeting))


def _charges(meeting: Meeting) -> tuple[Charge, ...]:
    by_pair = {t.key: t for t in meeting.tariffs}
    out = []
    for c in meeting.contributions:
        t = by_pair[(fold(c.service), fold(c.category))]
        out.append(Charge(c, t, tariffs.amount(t.rate, c.quantity, t.floor, t.ceiling)))
    return tuple(out)


def _counts(
    vote: VoteRecord | None,
    taking_part: int,
    what: str,
    deliberation: Deliberation | None,
    report: Report,
) -> Counts | None:
    """The counts of a vote, checked against présents et représentés."""
    if vote is None:
        report.error(
            replace(deliberation.place, column="Vote"),
            f"vote manquant pour le {what} : écrivez « unanimité » dans « Vote », ou remplissez "
            "Pour, Contre, Abstentions, NPPV.",
        )
        return None
    expected = rules.unanimous(taking_part)
    if vote.unanimity:
        if vote.counts is not None and vote.counts != expected:
            report.error(
                vote.place,
                f"« unanimité » au {what}, mais les décomptes saisis ({_show(vote.counts)}) ne "
                f"sont pas {taking_part} voix pour sur {taking_part} présents et représentés.",
            )
            return None
        return expected
    counts = vote.counts
    total_ok = counts.total == taking_part
    # The previous minutes may be voted by fewer than all (members absent then).
    if deliberation is None:
        total_ok = counts.total <= taking_part
    if not total_ok:
        report.error(
            vote.place,
            f"les décomptes du {what} ne tombent pas juste : Pour + Contre + Abstentions + NPPV "
            f"= {counts.total}, alors que {taking_part} membres sont présents ou représentés.",
        )
        return None
    return counts


def _show(c: Counts) -> str:
    return f"{c.pour} pour, {c.contre} contre, {c.abstentions} abstentions, {c.nppv} NPPV"
