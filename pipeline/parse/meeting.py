"""The sheets of a meeting → the model, one parser per sheet (see the other
modules of this folder). Collects problems, never raises on bad data: a
meeting with any error yields ``None`` and its full report.

Reading errors do not hide the law's problems: :func:`read_meeting` also
gives the meeting read in part when its room (Présences, Séance, Votes) and
its agenda read without error, so that the law checks the items whose rows
are sound and every problem is listed at once (the spec). When the room has
an error the law waits: a member misread would make every count look wrong."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.law.convocation import DEFAULT_NOTICE
from pipeline.model import (
    Classification,
    Contribution,
    Deliberation,
    Meeting,
    Member,
    NamedVote,
    OtherItem,
    QuorumBase,
    Tariff,
)
from pipeline.parse.accuses import read_acknowledgements
from pipeline.parse.approval import numbered
from pipeline.parse.classification import of_meeting
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
    resolve_convener,
    resolve_officers,
    seance_fields,
)
from pipeline.parse.tables import drop_blank_sheets, gather_sheets
from pipeline.parse.tariffs import check_cited_services, parse_contributions, parse_tariffs
from pipeline.problems import Place, Problem, Report
from pipeline.read.sources import MeetingSource


@dataclass(frozen=True)
class Reading:
    """A meeting as read. Whole when the report has no error; else read in
    part when its room and agenda are sound (``doubtful``: the N° of the
    items whose rows have an error); else None."""

    meeting: Meeting | None
    doubtful: frozenset[int] = frozenset()


def parse_meeting(source: MeetingSource, report: Report) -> Meeting | None:
    """The meeting of ``source``, or None with every problem in ``report``."""
    reading = read_meeting(source, report)
    return None if report.errors else reading.meeting


def read_meeting(source: MeetingSource, report: Report, before_vote: bool = False) -> Reading:
    """The meeting of ``source`` as far as it reads, every problem in
    ``report``. The order of the steps is the order of the problems printed;
    ``room`` gathers the errors that make the room unsound, ``agenda`` those
    of the items' rows. ``before_vote``: the workbooks as they are before
    the meeting, for its convocation (Statut, Secrétaire de séance and the
    previous minutes' vote may be empty; every other check holds)."""
    room: list[Problem] = []
    agenda: list[Problem] = []
    with _errors(report, room):
        sheets = gather_sheets(source, report)
        blanks: dict[str, Place] = {}  # the fields of Séance left empty
        fields = (
            seance_fields(sheets["seance"], report, blanks, before_vote)
            if "seance" in sheets
            else {}
        )
        unreadable: set[str] = set()
        who: dict[tuple[str, str, int | None], str] = {}  # each row of Présences → its member
        presences = (
            parse_presences(sheets["presences"], report, unreadable, who, before_vote)
            if "presences" in sheets
            else []
        )
    classification = of_meeting(source, report)  # the préfecture's codes, deeper levels too
    with _errors(report, agenda):
        items = (
            parse_deliberations(sheets["deliberations"], report, source.folder, classification)
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
    with _errors(report, room):
        if "presences" in sheets and not presences and not report.errors:
            report.error(
                sheets["presences"].place,
                "aucun membre : une ligne par membre en exercice est attendue.",
                code="presence.no-members",
            )
        names = Names([p.member for p in presences], unreadable)
        numbers = [d.number for d, _ in items]
        members = resolve_members(presences, names, numbers, report)
    with _errors(report, agenda):
        deliberations = [resolve_item_names(d, row, names, report) for d, row in items]
    with _errors(report, room):
        votes = (
            parse_votes(sheets["votes"], names, set(numbers), report) if "votes" in sheets else []
        )
        seance = read_seance(fields, report, blanks)
    continued = None  # numbers computed along the year's sequence: acknowledgements check them
    if seance.date is not None:
        # From « Premier numéro », else after the previous meeting's last number.
        deliberations, continued = numbered(source, seance, deliberations, report)
    siret = read_siret(seance, report)
    deliberations = read_acknowledgements(
        source.folder, deliberations, seance.date, siret, report, continued
    )
    with _errors(report, room):
        # Without a Présences sheet (already reported) no name can be checked.
        president, secretaries = (
            resolve_officers(seance, names, report) if "presences" in sheets else (None, [])
        )
        convener = resolve_convener(seance, names, report) if "presences" in sheets else None
        if "seance" in sheets:
            check_seance(seance, sheets["seance"].place, report, before_vote)

    report.name_rows(who)
    rows = {d.place.line: d.number for d in deliberations}
    if room or any(not rows.keys() & p.place.lines for p in agenda):
        return Reading(None)  # an item unread would shift the arrivals and departures
    meeting = _meeting(
        source,
        seance,
        siret=siret,
        president=president,
        secretaries=secretaries,
        convener=convener,
        members=members,
        deliberations=deliberations,
        others=others,
        votes=votes,
        tariffs=tariffs or [],
        contributions=contributions,
        classification=classification,
    )
    return Reading(meeting, frozenset(rows[x] for p in agenda for x in p.place.lines if x in rows))


@contextmanager
def _errors(report: Report, into: list[Problem]) -> Iterator[None]:
    """Add to ``into`` the errors reported within the block."""
    before = len(report.errors)
    yield
    into.extend(report.errors[before:])


def _meeting(
    source: MeetingSource,
    seance: Seance,
    *,
    siret: str,
    president: str | None,
    secretaries: list[str],
    convener: str | None,
    members: list[Member],
    deliberations: list[Deliberation],
    others: list[OtherItem],
    votes: list[NamedVote],
    tariffs: list[Tariff],
    contributions: list[Contribution],
    classification: Classification | None,
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
        classification=classification,
        city=seance.text("Ville"),
        notice_days=seance.notice_days or DEFAULT_NOTICE,
        urgency=bool(seance.urgency),
        convener=convener or president,
        approved_on=seance.approved_on,
        online_on=seance.online_on,
        posted_on=seance.posted_on,
        publication_url=seance.publication_url or "",
        prefecture_code=seance.prefecture_code or "",
        minutes_online_on=seance.minutes_online_on,
        minutes_online_place=(
            seance.cell("Procès-verbal mis en ligne le").place if seance.minutes_online_on else None
        ),
    )
