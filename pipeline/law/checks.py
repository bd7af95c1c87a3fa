"""The rules applied to a parsed meeting: every legal problem reported with
its place, and the figures the documents print (attendance, quorum, the
counts and outcome of each item)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal

from pipeline.law import minutes, rules, tariffs
from pipeline.law.rules import Attendance, Outcome, ProxyFault, Quorum
from pipeline.model import (
    Ballot,
    Contribution,
    Counts,
    Deliberation,
    Meeting,
    Member,
    NamedVote,
    Status,
    Tariff,
    Vote,
    VoteRecord,
)
from pipeline.problems import Report

PROXY_MESSAGES = {
    ProxyFault.GIVER_PRESENT: "ce membre siège pendant toute la séance : il ne donne pas de "
    "pouvoir. Videz « Pouvoir à », ou indiquez son arrivée ou son départ, ou changez le statut "
    "en « excusé » ou « absent ».",
    ProxyFault.SUBSTITUTED_GIVER: "un membre suppléé ne donne pas de pouvoir : son suppléant "
    "siège et vote pour lui.",
    ProxyFault.TO_SELF: "un membre ne peut pas se donner pouvoir à lui-même.",
    ProxyFault.UNKNOWN_HOLDER: "le titulaire du pouvoir n’est pas un membre de l’instance.",
    ProxyFault.HOLDER_NOT_PRESENT: "le titulaire du pouvoir ({holder}) ne siège à aucun moment "
    "où ce pouvoir compterait : un pouvoir ne peut être donné qu’à un membre présent "
    "(CGCT L2121-20).",
    ProxyFault.CHAIN: "chaîne de pouvoirs : le titulaire ({holder}) a lui-même donné pouvoir et "
    "ne siège pas quand celui-ci compterait ; un membre absent ne transmet pas un pouvoir reçu.",
    ProxyFault.TOO_MANY: "{holder} détiendrait plus {limit_words} {where} : un membre ne peut en "
    "détenir plus {limit_short} (champ « Pouvoirs par membre », CGCT L2121-20).",
}
PROXY_CODES = {  # the code of each fault's problem (pipeline.problems)
    ProxyFault.GIVER_PRESENT: "proxy.giver-present",
    ProxyFault.SUBSTITUTED_GIVER: "proxy.substituted-giver",
    ProxyFault.TO_SELF: "proxy.to-self",
    ProxyFault.UNKNOWN_HOLDER: "proxy.unknown-holder",
    ProxyFault.HOLDER_NOT_PRESENT: "proxy.holder-absent",
    ProxyFault.CHAIN: "proxy.chain",
    ProxyFault.TOO_MANY: "proxy.too-many",
}


@dataclass(frozen=True)
class Item:
    deliberation: Deliberation
    counts: Counts
    outcome: Outcome
    attendance: Attendance
    quorum: Quorum
    presiding: str  # member key of who presides the item
    named: tuple[tuple[str, Vote], ...] = ()  # every voter's vote, when Votes names some


@dataclass(frozen=True)
class Charge:
    """A contribution with its tariff row and the amount due."""

    contribution: Contribution
    tariff: Tariff
    amount: Decimal


@dataclass(frozen=True)
class Analysis:
    attendance: Attendance  # at the opening
    quorum: Quorum  # at the opening
    items: tuple[Item, ...]
    previous: tuple[Counts, Outcome] | None
    charges: tuple[Charge, ...] = ()


def analyse(
    meeting: Meeting, report: Report, doubtful: frozenset[int] = frozenset()
) -> Analysis | None:
    """Apply the law; None when any error was found (all are reported),
    reading errors included. The items of ``doubtful`` (N°), whose rows
    have a reading error, are not checked."""
    _check_content(meeting, report)
    refused = _check_proxies(meeting, report)
    _check_officers(meeting, report)
    order, _ = meeting.agenda
    opening = rules.attendance(meeting.members, rules.OPENING, order)
    quorum = rules.quorum(opening, meeting.quorum_base, meeting.quorum_threshold)
    named_votes: dict[int, list[NamedVote]] = {}
    for v in meeting.votes:
        named_votes.setdefault(v.number, []).append(v)
    items = []
    for index, d in enumerate(meeting.deliberations):
        if d.number in doubtful:
            continue
        named = named_votes.get(d.number, [])
        if quorum.reached or meeting.second_convocation:
            item = _item(meeting, index, d, named, report, refused)
            if item is not None:
                items.append(item)
        elif d.vote is not None or named:
            report.error(
                d.vote.place if d.vote is not None else named[0].place,
                f"vote enregistré pour le point {d.number} alors que le quorum n’est pas "
                f"atteint ({quorum.counted} pour {quorum.required} requis) : l’instance ne "
                "pouvait pas délibérer.",
                code="quorum.not-reached-at-opening",
            )
    previous = _previous(meeting, opening, report)
    if report.errors:
        return None
    return Analysis(opening, quorum, tuple(items), previous, _charges(meeting))


def _check_content(meeting: Meeting, report: Report) -> None:
    """What the documents must carry and the workbooks leave out: warnings."""
    if not meeting.deliberations:
        return
    first = meeting.deliberations[0].place
    silent = [d for d in meeting.deliberations if not d.debates]
    if silent and minutes.records_debates(meeting.date):
        which = _items([d.number for d in silent], len(meeting.deliberations))
        report.warning(
            replace(first, row=None, column="Débats"),
            f"rien dans « Débats » pour {which} : depuis le 1er juillet 2022, le procès-verbal "
            "rapporte la "
            "teneur des discussions de chaque point (CGCT L2121-15). Résumez ce qui a été dit, "
            "ou écrivez « Aucune observation. » quand personne n’a pris la parole.",
            code="content.debates-missing",
        )
    if minutes.numbers_acts(meeting.date, meeting.siret) and not any(
        d.act_number for d in meeting.deliberations
    ):
        report.warning(
            replace(first, row=None, column="Numéro d'acte"),
            "aucune délibération n’a de numéro d’acte : la transmission au contrôle de légalité "
            "(plateforme ACTES) et la publication demandent un numéro par acte. Ajoutez dans la "
            "feuille « Séance » le champ « Numérotation » (par exemple « D{AAAA}_{NNN} », et "
            "« Premier numéro » pour reprendre la suite de l’année), ou remplissez la colonne "
            "« Numéro d'acte ».",
            code="content.act-numbers-missing",
        )


def _items(numbers: list[int], total: int) -> str:
    """« les 3 points », « le point 2 », « les points 1, 4 et 5 »."""
    if len(numbers) == total and total > 1:
        return f"les {total} points"
    if len(numbers) == 1:
        return f"le point {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:-1])
    return f"les points {shown} et {numbers[-1]}"


def _check_proxies(meeting: Meeting, report: Report) -> list[tuple[Member, int | None]]:
    """Each proxy refused, reported; returned with the item it is refused
    at (None: from the opening), so that a count it puts out can say so."""
    refused = []
    by_key = {m.key: m for m in meeting.members}
    order, withdrawn = meeting.agenda
    limit = meeting.proxies_per_member
    for member, fault, item in rules.proxy_faults(meeting.members, limit, order, withdrawn):
        holder = by_key.get(member.proxy_to)
        where = f"au point {item}" if item is not None else "à l’ouverture de la séance"
        limit_words = "d’un pouvoir" if limit == 1 else f"de {limit} pouvoirs"
        limit_short = "d’un" if limit == 1 else f"de {limit}"
        message = PROXY_MESSAGES[fault].format(
            holder=holder.name if holder else "",
            limit_words=limit_words,
            limit_short=limit_short,
            where=where,
        )
        report.error(replace(member.place, column="Pouvoir à"), message, code=PROXY_CODES[fault])
        refused.append((member, item))
    return refused


def _check_officers(meeting: Meeting, report: Report) -> None:
    """The president and the secretaries sit from the opening."""
    for key, role in [(meeting.president, ("Le président", "La présidente"))] + [
        (k, ("Le secrétaire de séance", "La secrétaire de séance")) for k in meeting.secretaries
    ]:
        member = meeting.member(key)
        role = role[member.feminine]
        present = "présente" if member.feminine else "présent"
        if member.status is not Status.PRESENT or member.arrival is not None:
            why = f"son statut est « {member.status.value} »"
            if member.status is Status.SUBSTITUTED:
                why += " : son suppléant ne peut pas tenir ce rôle à sa place"
            elif member.arrival is not None:
                why = f"son arrivée est indiquée au point {member.arrival}"
            report.error(
                member.place,
                f"{role} ({member.name}) doit être {present} à l’ouverture de la séance, or {why}.",
                code="officer.absent-at-opening",
            )


def _item(
    meeting: Meeting,
    index: int,
    d: Deliberation,
    named: list[NamedVote],
    report: Report,
    refused: list[tuple[Member, int | None]],
) -> Item | None:
    """An item of a meeting that may deliberate: its quorum, who presides,
    its counts and outcome; None when any is wrong (reported)."""
    order, withdrawn = meeting.agenda
    att = rules.attendance(meeting.members, index, order, withdrawn[d.number])
    item_quorum = rules.quorum(att, meeting.quorum_base, meeting.quorum_threshold)
    if not item_quorum.reached and not meeting.second_convocation:
        report.error(
            d.place,
            f"quorum non atteint au point {d.number} : {item_quorum.counted} membres "
            f"comptent pour le quorum, {item_quorum.required} sont requis ; ce point ne "
            "pouvait pas être voté (ou indiquez « Deuxième convocation »).",
            code="quorum.not-reached",
        )
        return None
    presiding = _presiding(meeting, d, att, report)
    ballots = _named_ballots(d, named, att, meeting, report)
    if ballots is None:
        return None
    givers = [m.name for m, at in refused if at in (None, d.number)]
    counts = _counts(
        d.vote, att.taking_part, f"point {d.number}", d, report, ballots if named else None, givers
    )
    if counts is None or presiding is None:
        return None
    secret = d.ballot is Ballot.SECRET
    casting = None
    if rules.is_tie(counts) and not secret:
        if not named:
            report.error(
                d.vote.place if d.vote else d.place,
                f"partage égal des voix au point {d.number} ({counts.pour} pour, "
                f"{counts.contre} contre) : la voix de la personne qui préside est "
                "prépondérante ; indiquez les votes nominatifs de ce point dans la feuille "
                "« Votes » (au moins celui de la présidence).",
                code="vote.tie-without-named-votes",
            )
            return None
        casting = CASTING.get(dict(ballots).get(presiding, Vote.POUR), rules.PresidingVote.OTHER)
    outcome = rules.outcome(counts, secret, casting)
    return Item(d, counts, outcome, att, item_quorum, presiding, tuple(ballots) if named else ())


CASTING = {Vote.POUR: rules.PresidingVote.POUR, Vote.CONTRE: rules.PresidingVote.CONTRE}


def _previous(
    meeting: Meeting, opening: Attendance, report: Report
) -> tuple[Counts, Outcome] | None:
    """The vote on the previous minutes, by those taking part at the opening."""
    if meeting.previous_vote is None:
        return None
    counts = _counts(
        meeting.previous_vote, opening.taking_part, "procès-verbal précédent", None, report
    )
    if counts is not None and rules.is_tie(counts):
        report.error(
            meeting.previous_vote.place,
            "partage égal des voix sur le procès-verbal précédent : indiquez un vote qui "
            "départage, la feuille « Votes » ne concernant que les délibérations.",
            code="vote.tie-previous-minutes",
        )
        return None
    return None if counts is None else (counts, rules.outcome(counts))


def _presiding(meeting: Meeting, d: Deliberation, att: Attendance, report: Report) -> str | None:
    """Who presides the item: Présidence, else the president; they must sit."""
    key = d.presiding or meeting.president
    member = meeting.member(key)
    if key in att.present and member.status is Status.PRESENT:
        return key
    if not d.presiding and (member.status is not Status.PRESENT or member.arrival is not None):
        return None  # the president's absence at the opening is reported already
    who = meeting.member(key).name
    if d.presiding:
        shown = "indiquée" if member.feminine else "indiqué"
        code = "presiding.not-sitting"
        message = f"{who}, {shown} en « Présidence », ne siège pas en personne au point {d.number}."
    else:
        role = "la présidente" if member.feminine else "le président"
        code = "presiding.president-away"
        message = (
            f"{role} ({who}) ne siège pas au point {d.number} : "
            "indiquez dans « Présidence » qui préside ce point."
        )
    report.error(replace(d.place, column="Présidence"), message, code=code)
    return None


def _named_ballots(
    d: Deliberation,
    named: list[NamedVote],
    att: Attendance,
    meeting: Meeting,
    report: Report,
) -> list[tuple[str, Vote]] | None:
    """Every vote of the item, in Présences order with each represented member
    after the members taking part: those named in Votes as named, everyone
    else present or represented pour."""
    if named and d.ballot is Ballot.SECRET:
        report.error(
            named[0].place,
            f"le point {d.number} est voté au scrutin secret : aucun vote nominatif ne peut "
            "être indiqué dans la feuille « Votes ».",
            code="vote.named-secret-ballot",
        )
        return None
    voters = [*att.present, *(p.giver for p in att.proxies)]
    given: dict[str, Vote] = {}
    ok = True
    for v in named:
        if v.member not in voters:
            report.error(
                v.place,
                f"{meeting.member(v.member).name} ne prend pas part au point {d.number} (absent, parti, "
                "retiré, ou sans pouvoir qui compte) : son vote ne peut pas être indiqué.",
                code="vote.voter-not-taking-part",
            )
            ok = False
        elif v.member in given:
            report.error(
                v.place,
                f"{meeting.member(v.member).name} a déjà un vote pour le point {d.number}.",
                code="vote.duplicate-named-vote",
            )
            ok = False
        else:
            given[v.member] = v.vote
    if not ok:
        return None
    return [(key, given.get(key, Vote.POUR)) for key in voters]


def _counts(
    vote: VoteRecord | None,
    taking_part: int,
    what: str,
    deliberation: Deliberation | None,
    report: Report,
    ballots: list[tuple[str, Vote]] | None = None,
    refused: list[str] | None = None,
) -> Counts | None:
    """The counts of a vote, checked against présents et représentés, and
    against the named votes when there are some. ``refused``: the members
    whose proxy for this vote is refused: a wrong total may follow from it."""
    derived = None
    if ballots is not None:
        tally = Counter(v for _, v in ballots)
        derived = Counts(
            tally[Vote.POUR], tally[Vote.CONTRE], tally[Vote.ABSTENTION], tally[Vote.NPPV]
        )
    if vote is None:
        if derived is not None:
            return derived
        report.error(
            replace(deliberation.place, column="Vote"),
            f"vote manquant pour le {what} : écrivez « unanimité » dans « Vote », ou remplissez "
            "Pour, Contre, Abstentions, NPPV, ou indiquez les votes dans la feuille « Votes ».",
            code="vote.missing",
        )
        return None
    expected = rules.unanimous(taking_part)
    if vote.unanimity:
        if vote.counts is not None and vote.counts != expected:
            report.error(
                vote.place,
                f"« unanimité » au {what}, mais les décomptes saisis ({_show(vote.counts)}) ne "
                f"sont pas {taking_part} voix pour sur {taking_part} présents et représentés.",
                code="vote.unanimity-counts-mismatch",
            )
            return None
        if derived is not None and derived != expected:
            report.error(
                vote.place,
                f"« unanimité » au {what}, mais la feuille « Votes » donne {_show(derived)}.",
                code="vote.unanimity-named-mismatch",
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
            f"= {counts.total}, alors que {taking_part} membres sont présents ou représentés."
            + _following(refused),
            code="vote.total-mismatch",
        )
        return None
    if derived is not None and derived != counts:
        report.error(
            vote.place,
            f"les décomptes saisis au {what} ({_show(counts)}) ne correspondent pas à la "
            f"feuille « Votes » ({_show(derived)}).",
            code="vote.counts-named-mismatch",
        )
        return None
    return counts


def _following(refused: list[str] | None) -> str:
    """What a wrong total may follow from: a proxy refused above."""
    if not refused:
        return ""
    whose = " et de ".join(refused) if len(refused) < 3 else ", de ".join(refused)
    return (
        f" Cette erreur peut découler du pouvoir refusé de {whose} (voir plus haut) : "
        "corrigez d’abord ce pouvoir."
    )


def _show(c: Counts) -> str:
    """ "12 pour, 1 contre, 2 abstentions" (zero counts left out, but Pour)."""
    parts = [f"{c.pour} pour"]
    if c.contre:
        parts.append(f"{c.contre} contre")
    if c.abstentions:
        parts.append(f"{c.abstentions} abstention{'s' if c.abstentions > 1 else ''}")
    if c.nppv:
        parts.append(f"{c.nppv} NPPV")
    return ", ".join(parts)


def _charges(meeting: Meeting) -> tuple[Charge, ...]:
    by_pair = {t.key: t for t in meeting.tariffs}
    out = []
    for c in meeting.contributions:
        t = by_pair[c.key]
        out.append(Charge(c, t, tariffs.amount(t.rate, c.quantity, t.floor, t.ceiling)))
    return tuple(out)
