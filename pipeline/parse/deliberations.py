"""The items of the agenda: « Délibérations » (the items put to the vote),
« Votes » (the named votes) and « Autres points » (the items not voted)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.contract import BALLOT, NAMED_VOTE, SUBJECT, UNANIMITY
from pipeline.model import Ballot, Counts, Deliberation, NamedVote, OtherItem, VoteRecord
from pipeline.parse import values
from pipeline.parse.exposes import expose_file, is_file_reference
from pipeline.parse.members import Names
from pipeline.parse.tables import Row, table
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell, Sheet
from pipeline.text import fold

DEFAULT_PART = "DÉLIBÉRATIONS"
COUNTS = ("pour", "contre", "abstentions", "nppv")  # the columns of the counts


def parse_deliberations(
    sheet: Sheet, report: Report, meeting: Path
) -> list[tuple[Deliberation, Row]]:
    """The items put to the vote, each with its row (names are resolved once
    the members are known). An Exposé naming a file is looked up in the
    exposes/ folder of ``meeting`` (the meeting's folder)."""
    out: list[tuple[Deliberation, Row]] = []
    numbers: dict[int, Place] = {}
    for row in table(sheet, report):
        num_cell, title_cell = row.cells.get("numero"), row.cells.get("titre")
        number = values.whole(num_cell, report, 1) if num_cell else None
        if number is not None:
            if number in numbers:
                report.error(
                    num_cell.place,
                    f"le N° {number} est déjà utilisé ({numbers[number]}).",
                    code="deliberation.duplicate-number",
                )
            numbers[number] = row.place
        expose = row.cells.get("expose")
        word_expose = None
        if expose is not None and is_file_reference(values.text(expose)):
            word_expose = expose_file(expose, meeting, report)
            expose = None  # the file's name is not the exposé
        ballot = Ballot.SHOW_OF_HANDS
        if "scrutin" in row.cells:
            ballot = values.choice(row.cells["scrutin"], report, BALLOT)
        vote = _deliberation_vote(row, report)
        if number is None or title_cell is None or ballot is None:
            continue
        part = values.text(row.cells["partie"]) if "partie" in row.cells else DEFAULT_PART
        act_number = values.text(row.cells["numero_acte"]) if "numero_acte" in row.cells else ""
        deliberation = Deliberation(
            number,
            values.text(title_cell),
            values.blocks(expose),
            values.blocks(row.cells.get("debats")),
            values.blocks(row.cells.get("decision")),
            vote,
            part,
            row.place,
            ballot=ballot,
            act_number=act_number,
            subject=_subject(row.cells.get("matiere"), report),
            expose_file=word_expose,
        )
        out.append((deliberation, row))
    return out


def _subject(cell: Cell | None, report: Report) -> str:
    """« Matière »: an ACTES code and its name, spaces made single."""
    if cell is None:
        return ""
    subject = " ".join(values.text(cell).split())
    if not SUBJECT.match(subject):
        report.error(
            cell.place,
            f"matière « {values.text(cell)} » illisible : attendu le code ACTES puis son "
            "nom, par exemple « 8.1 Enseignement ».",
            code="deliberation.unreadable-subject",
        )
    return subject


def _deliberation_vote(row: Row, report: Report) -> VoteRecord | None:
    """« unanimité » in Vote, or the counts of Pour, Contre, Abstentions, NPPV."""
    vote_cell = row.cells.get("vote")
    counts: dict[str, int] = {}
    bad = False
    for key in COUNTS:
        if key in row.cells:
            n = values.whole(row.cells[key], report)
            bad |= n is None
            counts[key] = n or 0
    if bad:
        return None
    full = Counts(**{k: counts.get(k, 0) for k in COUNTS})
    if vote_cell is not None:
        if fold(values.text(vote_cell)) not in UNANIMITY.words:
            report.error(
                vote_cell.place,
                f"valeur inconnue « {values.text(vote_cell)} » : attendu "
                f"{UNANIMITY.expected}, ou la cellule vide et les décomptes dans Pour, Contre, "
                "Abstentions, NPPV.",
                code=UNANIMITY.code,
            )
            return None
        return VoteRecord(True, full if counts else None, vote_cell.place)
    if counts:
        return VoteRecord(False, full, row.place)
    return None


def resolve_item_names(
    deliberation: Deliberation, row: Row, names: Names, report: Report
) -> Deliberation:
    """Se retirent (several names, ``;``-separated) and Présidence."""
    withdrawn = []
    if cell := row.cells.get("se_retirent"):
        withdrawn = names.resolve_list(cell, report, "membre")
    presiding = None
    if cell := row.cells.get("presidence"):
        presiding = names.resolve(cell, values.text(cell), report, "président(e) de séance")
    return replace(deliberation, withdrawn=tuple(withdrawn), presiding=presiding)


def parse_votes(sheet: Sheet, names: Names, numbers: set[int], report: Report) -> list[NamedVote]:
    """Named votes: a deliberation's N°, a member (or substitute), a vote."""
    out = []
    for row in table(sheet, report):
        num_cell, member_cell, vote_cell = (row.cells.get(k) for k in ("numero", "membre", "vote"))
        number = values.whole(num_cell, report, 1) if num_cell else None
        if number is not None and number not in numbers:
            report.error(
                num_cell.place,
                f"aucune délibération n° {number} dans la feuille « Délibérations ».",
                code="deliberation.unknown-number",
            )
            number = None
        member = (
            names.resolve(member_cell, values.text(member_cell), report, "membre")
            if member_cell
            else None
        )
        vote = values.choice(vote_cell, report, NAMED_VOTE) if vote_cell else None
        if None not in (number, member, vote):
            out.append(NamedVote(number, member, vote, row.place))
    return out


def parse_other_items(sheet: Sheet, report: Report) -> list[OtherItem]:
    """The items not put to the vote: a part, a title, a text, cited rates."""
    out = []
    for row in table(sheet, report):
        part_cell = row.cells.get("partie")
        if part_cell is None:
            continue
        title = values.text(row.cells["titre"]) if "titre" in row.cells else ""
        tariffs = row.cells.get("tarifs")
        out.append(
            OtherItem(
                values.text(part_cell),
                title,
                values.blocks(row.cells.get("texte")),
                row.place,
                values.text(tariffs) if tariffs is not None else None,
            )
        )
    return out
