"""The « Séance » sheet: one field a row, each read as the value it holds,
and the checks that compare its fields (dates, hours, the previous minutes)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from pipeline.contract import (
    COUNT_WORDS,
    FIELDS,
    GENDER,
    QUORUM_BASE,
    SEANCE_HEADER,
    THRESHOLD,
    UNANIMITY,
    YES_NO,
)
from pipeline.law.convocation import MIN_CLEAR_DAYS, clear_days
from pipeline.model import COUNT_FIELDS, Counts, QuorumBase, VoteRecord
from pipeline.parse import values
from pipeline.parse.members import Names
from pipeline.parse.tables import NOT_YET, check_merged
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell, Sheet, with_column
from pipeline.text import fold

MAX_NAME = 150  # Organisme, Instance: they go into titles and document properties


def seance_fields(sheet: Sheet, report: Report) -> dict[str, Cell]:
    """Field name (folded) → its value cell. A first row "Champ | Valeur" is
    the header; an unknown field is an error naming its row."""
    columns = {1: ("champ", SEANCE_HEADER[0]), 2: ("valeur", SEANCE_HEADER[1])}
    check_merged(sheet, columns, report, header=False)
    rows = list(sheet.rows)
    if (
        rows
        and rows[0][0].value is not None
        and fold(values.text(rows[0][0])) == fold(SEANCE_HEADER[0])
    ):
        rows = rows[1:]
    found: dict[str, Cell] = {}
    blank: dict[str, Place] = {}  # required fields whose value is empty: the name's cell
    for cells in rows:
        name_cell = cells[0]
        value_cell = cells[1] if len(cells) > 1 else None
        if name_cell.value is None:
            if value_cell is not None and value_cell.value is not None:
                report.error(
                    name_cell.place,
                    "valeur sans nom de champ en colonne A.",
                    code="seance.value-without-field",
                )
            continue
        key = fold(values.text(name_cell))
        field = FIELDS.get(key)
        if field is None:
            close = difflib.get_close_matches(key, list(FIELDS), n=1, cutoff=0.6)
            hint = f" Vouliez-vous dire « {FIELDS[close[0]].title} » ?" if close else ""
            report.error(
                name_cell.place,
                f"champ inconnu « {values.text(name_cell)} ».{hint}",
                code="seance.unknown-field",
            )
            continue
        if key in found:
            report.error(
                name_cell.place,
                f"le champ « {field.title} » apparaît deux fois.",
                code="seance.duplicate-field",
            )
            continue
        if value_cell is None or value_cell.value is None:
            blank[key] = name_cell.place
            continue
        value_cell = with_column(value_cell, field.title)
        if not field.supported:
            report.error(
                value_cell.place,
                f"le champ « {field.title} » {NOT_YET}.",
                code="seance.field-not-supported",
            )
            continue
        found[key] = value_cell
    last = max((c[0].place.row or 0 for c in sheet.rows if c), default=1)
    for key, field in FIELDS.items():
        if field.required and key not in found:
            _missing(sheet, field.title, blank.get(key), last, report)
    return found


def _missing(sheet: Sheet, title: str, blank: Place | None, last: int, report: Report) -> None:
    """A required field left empty (name the cell to fill) or absent (say
    where to add it)."""
    if blank is not None and blank.row is not None:
        cell = f"B{blank.row}"
        report.error(
            Place(blank.file, blank.sheet, cell, blank.row, title),
            f"champ obligatoire « {title} » vide : écrivez sa valeur dans la cellule {cell}.",
            code="seance.missing-field",
        )
        return
    report.error(
        sheet.place,
        f"champ obligatoire « {title} » manquant : ajoutez-le sur une ligne, son nom en "
        f"colonne A et sa valeur en colonne B (par exemple A{last + 1} et B{last + 1}).",
        code="seance.missing-field",
    )


@dataclass(frozen=True)
class Seance:
    """The fields of « Séance » read as values: None when empty or unreadable."""

    cells: dict[str, Cell]  # folded field name → its value cell
    date: dt.date | None
    opening: dt.time | None
    closing: dt.time | None
    convocation: dt.date | None
    previous: dt.date | None
    previous_vote: VoteRecord | None
    feminine: bool | None
    quorum_base: QuorumBase | None
    threshold: str | int | None
    proxies_per_member: int | None
    second_convocation: bool | None
    first_number: int | None

    def cell(self, title: str) -> Cell | None:
        return self.cells.get(fold(title))

    def text(self, title: str, default: str = "") -> str:
        cell = self.cell(title)
        return values.text(cell) if cell is not None else default


def read_seance(fields: dict[str, Cell], report: Report) -> Seance:
    """Each field as the value it holds, every unreadable one reported."""
    for name in ("Organisme", "Instance", "Membres"):
        cell = fields.get(fold(name))
        if cell is not None and len(values.text(cell)) > MAX_NAME:
            report.error(
                cell.place,
                f"texte trop long ({len(values.text(cell))} caractères) : un nom de moins de "
                f"{MAX_NAME} caractères est attendu.",
                code="seance.name-too-long",
            )

    def get(name: str, reader: Callable[..., Any], *args: Any) -> Any:
        cell = fields.get(fold(name))
        return None if cell is None else reader(cell, report, *args)

    return Seance(
        fields,
        date=get("Date", values.date),
        opening=get("Heure d'ouverture", values.time),
        closing=get("Heure de clôture", values.time),
        convocation=get("Date de convocation", values.date),
        previous=get("Procès-verbal précédent", values.date),
        previous_vote=get("Vote du procès-verbal précédent", vote_record),
        feminine=get("Genre de l'instance", values.choice, GENDER),
        quorum_base=get("Quorum", values.choice, QUORUM_BASE),
        threshold=get("Seuil du quorum", threshold),
        proxies_per_member=get("Pouvoirs par membre", values.whole, 1),
        second_convocation=get("Deuxième convocation", values.choice, YES_NO),
        first_number=get("Premier numéro", values.whole, 1),
    )


def vote_record(cell: Cell, report: Report) -> VoteRecord | None:
    """``unanimité``, or counts written ``12 pour, 1 contre, 2 abstentions``."""
    raw = values.text(cell)
    if fold(raw) in UNANIMITY.words:
        return VoteRecord(True, None, cell.place)
    found = dict.fromkeys(COUNT_FIELDS, 0)
    parts = [fold(p) for p in re.split(r"[,;]|\bet\b", raw.lower()) if p.strip()]
    for part in parts:
        m = re.fullmatch(r"(\d+) (?:voix )?(pour|contre|abstentions?|nppv)", part)
        if not m:
            report.error(
                cell.place,
                f"vote illisible « {raw} » : attendu « unanimité » ou des décomptes comme "
                "« 12 pour, 1 contre, 2 abstentions ».",
                code="seance.unreadable-previous-vote",
            )
            return None
        found[COUNT_WORDS[m[2]]] += int(m[1])
    return VoteRecord(False, Counts(**found), cell.place)


def threshold(cell: Cell, report: Report) -> str | int | None:
    """« Seuil du quorum »: « majorité », « tiers » or a whole number ≥ 1."""
    folded = fold(values.text(cell))
    if folded in THRESHOLD.words:
        return THRESHOLD.words[folded]
    if isinstance(cell.value, (int, float)) or folded.isdigit():
        return values.whole(cell, report, 1)
    values.unknown(cell, report, THRESHOLD)
    return None


def read_siret(seance: Seance, report: Report) -> str:
    """The SIRET, spaces removed: 14 digits whose SIREN (the first 9) and
    SIRET check digits hold, as data.gouv.fr's validator checks them
    (python-stdnum: the Luhn key, La Poste's rule for its establishments)."""
    siret = seance.text("SIRET").replace(" ", "")
    if not siret:
        return siret
    place = seance.cell("SIRET").place
    if not re.fullmatch(r"\d{14}", siret):
        report.error(
            place,
            f"SIRET attendu sur 14 chiffres, trouvé « {siret} ».",
            code="seance.invalid-siret",
        )
    elif not stdnum_siret.is_valid(siret):
        typed = seance.text("SIRET")
        if not stdnum_siren.is_valid(siret[:9]):
            fault = f"la clé de son SIREN (les 9 premiers chiffres, {siret[:9]}) est fausse"
        else:
            fault = f"son SIREN {siret[:9]} est juste, mais la clé du SIRET (les 5 derniers chiffres, {siret[9:]}) est fausse"
        report.error(
            place,
            f"SIRET « {typed} » erroné : {fault} ; un chiffre est mal recopié. Recopiez "
            "le SIRET de l’organisme depuis l’annuaire des entreprises "
            "(annuaire-entreprises.data.gouv.fr) ou l’avis de situation SIRENE.",
            code="seance.siret-checksum",
        )
    return siret


def resolve_officers(seance: Seance, names: Names, report: Report) -> tuple[str | None, list[str]]:
    """The president's and the secretaries' member keys."""
    president = None
    if cell := seance.cell("Président"):
        president = names.resolve(cell, values.text(cell), report, "président(e)")
    secretaries = []
    if cell := seance.cell("Secrétaire de séance"):
        secretaries = names.resolve_list(cell, report, "secrétaire de séance")
    return president, secretaries


def check_seance(seance: Seance, place: Place, report: Report) -> None:
    """The fields against each other: the previous minutes' date and vote
    go together, the convocation comes before the meeting (and early
    enough), the closing after the opening. ``place`` is the sheet's."""
    has_vote = seance.cell("Vote du procès-verbal précédent") is not None
    has_previous = seance.cell("Procès-verbal précédent") is not None
    if has_previous and not has_vote:
        report.error(
            place,
            "champ « Vote du procès-verbal précédent » manquant : indiquez comment le "
            "procès-verbal précédent a été adopté (« unanimité » ou les décomptes).",
            code="seance.previous-vote-missing",
        )
    if has_vote and not has_previous:
        report.error(
            seance.cell("Vote du procès-verbal précédent").place,
            "vote sans date : indiquez la date de la réunion dans le champ « Procès-verbal précédent ».",
            code="seance.previous-date-missing",
        )
    date, convocation = seance.date, seance.convocation
    if date and convocation and convocation > date:
        report.error(
            seance.cell("Date de convocation").place,
            f"la convocation ({convocation.strftime('%d/%m/%Y')}) est postérieure à la séance ({date.strftime('%d/%m/%Y')}).",
            code="seance.convocation-after-meeting",
        )
    elif date and convocation and clear_days(convocation, date) < MIN_CLEAR_DAYS:
        report.warning(
            seance.cell("Date de convocation").place,
            f"moins de {MIN_CLEAR_DAYS} jours francs entre la convocation et la séance.",
            code="seance.short-notice",
        )
    if seance.quorum_base is QuorumBase.PRESENT_OR_REPRESENTED:
        report.warning(
            seance.cell("Quorum").place,
            "le quorum compte ici les membres représentés : c’est une exception à la règle "
            "du CGCT (article L2121-17 : seuls les membres présents comptent), que seuls les "
            "statuts de l’organisme peuvent prévoir. Vérifiez qu’ils le disent ; sinon, "
            "écrivez « présents » ou effacez le champ « Quorum ».",
            code="seance.quorum-counts-proxies",
        )
    if seance.opening and seance.closing and seance.closing <= seance.opening:
        report.error(
            seance.cell("Heure de clôture").place,
            "l’heure de clôture précède l’heure d’ouverture.",
            code="seance.closing-before-opening",
        )
