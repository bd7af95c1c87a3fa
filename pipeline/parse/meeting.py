"""The sheets of a meeting → the model, one parser per sheet (see the other
modules of this folder). Collects problems, never raises on bad data: a
meeting with any error yields ``None`` and its full report."""

from __future__ import annotations

from pipeline.model import (
    Contribution,
    Deliberation,
    Meeting,
    Member,
    NamedVote,
    OtherItem,
    QuorumBase,
    Tariff,
)
from pipeline.parse.acts import number_acts
from pipeline.parse.deliberations import (
    parse_deliberations,
    parse_other_items,
    parse_votes,
    resolve_item_names,
)
from pipeline.parse.members import Names, parse_presences, resolve_members
from pipeline.parse.seance import (
    Seance,
    check_seance,
    read_seance,
    read_siret,
    resolve_officers,
    seance_fields,
)
from pipeline.parse.tables import drop_blank_sheets, gather_sheets
from pipeline.parse.tariffs import check_cited_services, parse_contributions, parse_tariffs
from pipeline.problems import Report
from pipeline.read.sources import MeetingSource


def parse_meeting(source: MeetingSource, report: Report) -> Meeting | None:
    """The meeting of ``source``, or None with every problem in ``report``.
    The order of the steps is the order of the problems printed."""
    sheets = gather_sheets(source, report)
    fields = seance_fields(sheets["seance"], report) if "seance" in sheets else {}
    unreadable: set[str] = set()
    presences = (
        parse_presences(sheets["presences"], report, unreadable) if "presences" in sheets else []
    )
    items = (
        parse_deliberations(sheets["deliberations"], report, source.folder)
        if "deliberations" in sheets
        else []
    )
    others = parse_other_items(sheets["autres_points"], report) if "autres_points" in sheets else []
    drop_blank_sheets(sheets)
    tariffs = parse_tariffs(sheets["tarifs"], report) if "tarifs" in sheets else None
    contributions = (
        parse_contributions(sheets["contributions"], tariffs, report)
        if "contributions" in sheets
        else []
    )
    check_cited_services(others, tariffs, report)
    if "presences" in sheets and not presences and not report.errors:
        report.error(
            sheets["presences"].place,
            "aucun membre : une ligne par membre en exercice est attendue.",
            code="presence.no-members",
        )

    names = Names([p.member for p in presences], unreadable)
    agenda = [d.number for d, _ in items]
    members = resolve_members(presences, names, agenda, report)
    deliberations = [resolve_item_names(d, row, names, report) for d, row in items]
    votes = parse_votes(sheets["votes"], names, set(agenda), report) if "votes" in sheets else []

    seance = read_seance(fields, report)
    if seance.date is not None:
        deliberations = number_acts(
            deliberations,
            seance.cell("Numérotation"),
            seance.first_number or 1,
            seance.date,
            report,
        )
    siret = read_siret(seance, report)
    # Without a Présences sheet (already reported) no name can be checked.
    president, secretaries = (
        resolve_officers(seance, names, report) if "presences" in sheets else (None, [])
    )
    if "seance" in sheets:
        check_seance(seance, sheets["seance"].place, report)

    if report.errors:
        return None
    return _meeting(
        source,
        seance,
        siret=siret,
        president=president,
        secretaries=secretaries,
        members=members,
        deliberations=deliberations,
        others=others,
        votes=votes,
        tariffs=tariffs or [],
        contributions=contributions,
    )


def _meeting(
    source: MeetingSource,
    seance: Seance,
    *,
    siret: str,
    president: str | None,
    secretaries: list[str],
    members: list[Member],
    deliberations: list[Deliberation],
    others: list[OtherItem],
    votes: list[NamedVote],
    tariffs: list[Tariff],
    contributions: list[Contribution],
) -> Meeting:
    """The model, from the values read: the defaults of the fields left empty."""
    return Meeting(
        name=source.name,
        body=seance.text("Organisme"),
        instance=seance.text("Instance"),
        instance_feminine=bool(seance.feminine),
        members_word=seance.text("Membres", "membres"),
        date=seance.date,
        opening=seance.opening,
        closing=seance.closing,
        convocation=seance.convocation,
        location=seance.text("Lieu"),
        president=president,
        secretaries=tuple(secretaries),
        previous_minutes=seance.previous,
        previous_vote=seance.previous_vote,
        quorum_base=seance.quorum_base or QuorumBase.PRESENT,
        quorum_threshold=seance.threshold or "majorité",
        title=seance.text("Titre", "Procès-verbal"),
        proxies_per_member=seance.proxies_per_member or 1,
        siret=siret,
        members=tuple(members),
        deliberations=tuple(deliberations),
        other_items=tuple(others),
        second_convocation=bool(seance.second_convocation),
        votes=tuple(votes),
        tariffs=tuple(tariffs),
        contributions=tuple(contributions),
    )
