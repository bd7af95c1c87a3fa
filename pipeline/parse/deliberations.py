"""The items of the agenda: « Délibérations » (the items put to the vote),
« Votes » (the named votes) and « Autres points » (the items not voted)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.contract import ACTES, BALLOT, NAMED_VOTE, SUBJECT, UNANIMITY
from pipeline.model import (
    COUNT_FIELDS,
    Ballot,
    Classification,
    Counts,
    Deliberation,
    NamedVote,
    OtherItem,
    VoteRecord,
)
from pipeline.parse import values
from pipeline.parse.exposes import expose_file, is_file_reference
from pipeline.parse.members import Names
from pipeline.parse.tables import Row, table
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell, Sheet
from pipeline.text import fold

DEFAULT_PART = "DÉLIBÉRATIONS"


def parse_deliberations(
    sheet: Sheet, report: Report, meeting: Path, classification: Classification | None = None
) -> list[tuple[Deliberation, Row]]:
    """The items put to the vote, each with its row (names are resolved once
    the members are known). An Exposé naming a file is looked up in the
    exposes/ folder of ``meeting`` (the meeting's folder); a Matière deeper
    than level 2 in the préfecture's ``classification``."""
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
            subject=_subject(row.cells.get("matiere"), report, classification),
            expose_file=word_expose,
        )
        out.append((deliberation, row))
    return out


def _subject(cell: Cell | None, report: Report, classification: Classification | None) -> str:
    """« Matière »: a level-2 code of the ACTES nomenclature, or a deeper one
    (« 8.1.3 ») of the préfecture's ``classification``, alone or followed by
    its name; kept as the code and its official name (« 8.1 Enseignement »).
    A name other than the official one is a warning (the official one is
    kept); an unknown code an error."""
    if cell is None:
        return ""
    typed = " ".join(values.text(cell).split())
    match = SUBJECT.fullmatch(typed)
    if match is None:
        report.error(
            cell.place,
            f"matière « {typed} » illisible : attendu un code de la nomenclature ACTES, seul "
            "ou suivi de son nom, par exemple « 8.1 » ou « 8.1 Enseignement ».",
            code="deliberation.unreadable-subject",
        )
        return typed
    code, name = match[1].replace(",", "."), match[2]
    names = ACTES
    if code.count(".") > 1 and classification is not None and code in classification.codes:
        names = classification.codes  # a deeper level, under a level-2 code of ACTES
    if code.count(".") < 1 or code not in names or _level_2(code) not in ACTES:
        report.error(
            cell.place,
            _unknown_subject(typed, code, classification),
            code="deliberation.unknown-subject",
        )
        return typed
    official = names[code]
    if isinstance(cell.value, float) and code == "7.1":
        report.warning(
            cell.place,
            "matière 7.1 tapée comme un nombre : elle est lue « 7.1 Décisions budgétaires ». "
            "Pour « 7.10 Divers », tapez « 7.10 Divers » (un nombre perd le zéro final).",
            code="deliberation.subject-as-number",
        )
    if name and _name_key(name) != _name_key(official):
        namesake = [c for c, n in ACTES.items() if "." in c and _name_key(n) == _name_key(name)]
        hint = (
            f" ; « {name} » est le nom du code {namesake[0]} : vérifiez le code" if namesake else ""
        )
        report.warning(
            cell.place,
            f"matière « {typed} » : le nom ACTES du code {code} est « {official} », c’est lui "
            f"qui est retenu{hint}. Tapez « {code} » seul ou « {code} {official} ».",
            code="deliberation.subject-name-differs",
        )
    return f"{code} {official}"


def _name_key(name: str) -> str:
    """An ACTES name as compared: folded, « œ » and « æ » written out, no
    space (« Voeux et motions » is « Vœux et motions », « FPT » « F.P.T. »)."""
    return fold(name).replace("œ", "oe").replace("æ", "ae").replace(" ", "")


def _level_2(code: str) -> str:
    """ "8.1" of « 8.1.3 »."""
    return ".".join(code.split(".")[:2])


def _unknown_subject(typed: str, code: str, classification: Classification | None) -> str:
    """The message of a code that is not a level-2 code of ACTES (nor a
    deeper code of the préfecture's classification): the codes of its
    level 1 when it has one."""
    if code.count(".") > 1 and _level_2(code) in ACTES:
        if classification is None:
            return (
                f"matière « {typed} » : un code de niveau 3 ou plus n’est accepté qu’avec la "
                "classification de votre préfecture (déposez son fichier classification.xml "
                f"dans data/) ; sans elle, tapez le code de niveau 2 « {_level_2(code)} "
                f"{ACTES[_level_2(code)]} »."
            )
        return (
            f"matière « {typed} » absente de la classification de la préfecture "
            f"({classification.file}) : tapez un de ses codes, ou le code de niveau 2 "
            f"« {_level_2(code)} {ACTES[_level_2(code)]} »."
        )
    first = code.split(".")[0]
    if first in ACTES:
        under = [f"{c} {n}" for c, n in ACTES.items() if c.startswith(f"{first}.")]
        listed = f"les codes de « {first} {ACTES[first]} » sont : " + ", ".join(under)
    else:
        listed = "les codes vont de 1.1 à 9.4, par exemple « 8.1 Enseignement »"
    return (
        f"matière « {typed} » inconnue de la nomenclature ACTES (niveaux 1 et 2, un code comme "
        f"« 8.1 ») : {listed}. La liste complète est dans docs/data-format.md."
    )


def _deliberation_vote(row: Row, report: Report) -> VoteRecord | None:
    """« unanimité » in Vote, or the counts of Pour, Contre, Abstentions, NPPV."""
    vote_cell = row.cells.get("vote")
    counts: dict[str, int] = {}
    bad = False
    for key in COUNT_FIELDS:
        if key in row.cells:
            n = values.whole(row.cells[key], report)
            bad |= n is None
            counts[key] = n or 0
    if bad:
        return None
    full = Counts(**{k: counts.get(k, 0) for k in COUNT_FIELDS})
    if vote_cell is not None:
        if fold(values.text(vote_cell)) not in UNANIMITY.words:
            otherwise = ", ou la cellule vide et les décomptes dans Pour, Contre, Abstentions, NPPV"
            values.unknown(vote_cell, report, UNANIMITY, otherwise)
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
