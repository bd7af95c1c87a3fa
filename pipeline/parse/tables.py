"""Header rows → tables: the sheets of a meeting gathered from its
workbooks, and each table's header row matched against the contract's
columns (:data:`pipeline.contract.COLUMNS`), its rows handed on with the
cells of the columns found."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.contract import COLUMNS, GROUPING_COLUMNS, REQUIRED_SHEETS, SHEET_TITLES
from pipeline.parse import values
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell, MeetingSource, Sheet, read_workbook
from pipeline.read.survey import column_letters
from pipeline.text import fold

NOT_YET = "n’est pas encore pris en charge par cette version"
NOT_YET_F = "n’est pas encore prise en charge par cette version"  # la colonne, la feuille

# Sheets that may be left with their headers only (as « make-minutes new »
# makes them): such a sheet is no sheet.
MAY_BE_BLANK = ("tarifs", "contributions", "votes", "autres_points")


def gather_sheets(source: MeetingSource, report: Report) -> dict[str, Sheet]:
    """The sheets of every workbook of the meeting, by key: each once, the
    required ones present."""
    unreadable_before = len(report.errors)
    sheets: dict[str, Sheet] = {}
    for path in source.files:
        for sheet in read_workbook(path, report):
            if sheet.key in sheets:
                first = sheets[sheet.key]
                report.error(
                    sheet.place,
                    f"la feuille « {SHEET_TITLES[sheet.key]} » apparaît deux fois dans cette "
                    f"réunion (aussi dans {first.place}) : gardez-en une seule.",
                    code="sheet.duplicate",
                )
            else:
                sheets[sheet.key] = sheet
    # A workbook that could not be opened may hold the missing sheets: its own
    # error says so; don't add guesses about what it contained.
    if not any(p.place.sheet == "" and p.place.file for p in report.errors[unreadable_before:]):
        for key in REQUIRED_SHEETS:
            if key not in sheets:
                names = ", ".join(p.name for p in source.files)
                report.error(
                    Place(source.name),
                    f"feuille obligatoire « {SHEET_TITLES[key]} » introuvable dans les classeurs "
                    f"de la réunion ({names}).",
                    code="sheet.missing",
                )
    return sheets


def drop_blank_sheets(sheets: dict[str, Sheet]) -> None:
    """Forget the optional sheets that hold their header row only."""
    for key in MAY_BE_BLANK:
        if key in sheets and len(sheets[key].grid) <= 1:
            del sheets[key]


@dataclass(frozen=True)
class Row:
    number: int
    place: Place  # file, sheet, row
    cells: dict[str, Cell]  # column key → non-empty cell
    headers: frozenset[str] = frozenset()  # column keys found in the header row


def _header(sheet: Sheet, report: Report) -> dict[str, tuple[int, str]]:
    """Column key → (index, title as typed) of the header row's known
    columns; the unknown, doubled and missing ones reported."""
    columns = COLUMNS[sheet.key]
    header = sheet.cells(0)
    by_name = {name: key for key, col in columns.items() for name in col.names}
    index: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(header):
        if cell.value is None:
            continue
        title = values.text(cell)
        key = by_name.get(fold(title))
        if key is None:
            known = ", ".join(f"« {c.title} »" for c in columns.values())
            report.warning(
                cell.place,
                f"colonne « {title} » ignorée : elle n’est pas reconnue (colonnes : {known}).",
                code="column.unknown",
            )
        elif key in index:
            report.error(
                cell.place, f"la colonne « {title} » apparaît deux fois.", code="column.duplicate"
            )
        else:
            index[key] = (i, title)
    for key, col in columns.items():
        if col.required and key not in index:
            report.error(
                Place(sheet.file, sheet.name, row=header[0].place.row),
                f"colonne obligatoire « {col.title} » introuvable dans la ligne d’en-têtes.",
                code="column.missing",
            )
    return index


def table(
    sheet: Sheet, report: Report, may_be_empty: frozenset[str] = frozenset()
) -> Iterator[Row]:
    """The rows of a sheet whose first non-empty row holds the headers,
    one at a time: an empty cell of a required column is reported as its
    row comes (a column missing from the header, once, by the header);
    ``may_be_empty``: the required columns whose cells may be left empty
    (Statut before the meeting: ``make-minutes convocation``)."""
    columns = COLUMNS[sheet.key]
    if not sheet.grid:
        if not sheet.refused:  # a refused sheet has its own message already
            report.error(
                sheet.place,
                "la feuille est vide : attendu une ligne d’en-têtes.",
                code="sheet.empty",
            )
        return
    index = _header(sheet, report)
    check_merged(sheet, {i + 1: (key, title) for key, (i, title) in index.items()}, report)
    base, make = sheet.place, tuple.__new__  # Cell's __new__ without its Python frame
    wanted = [(key, i + 1, title) for key, (i, title) in index.items()]
    headers = frozenset(index)
    unsupported = {key for key in index if not columns[key].supported}
    required = [
        (key, col)
        for key, col in columns.items()
        if (col.required or col.unless) and key in index and key not in may_be_empty
    ]
    for r, filled in sheet.grid[1:]:  # a hundred thousand rows of Votes: only the cells used
        found = {
            key: make(Cell, (filled[c], base, r, c, title))
            for key, c, title in wanted
            if c in filled
        }
        if not found:
            continue
        place = Place(sheet.file, sheet.name, row=r)
        for key in unsupported.intersection(found):
            report.error(
                found[key].place,
                f"la colonne « {columns[key].title} » {NOT_YET_F}.",
                code="column.not-supported",
            )
        for key, col in required:
            if key not in found and col.unless not in found:
                report.error(
                    Place(sheet.file, sheet.name, row=r, column=col.title),
                    "cellule vide : cette colonne est obligatoire.",
                    code="cell.required-empty",
                )
        yield Row(r, place, found, headers)


def check_merged(
    sheet: Sheet, columns: dict[int, tuple[str, str]], report: Report, header: bool = True
) -> None:
    """A range merged down two rows or more of data, in a column that is
    not a grouping one (``columns``: index → key and title as typed), would
    give one row's text or count to the next: an error naming the range.
    ``header``: the first row holds the headers, not data."""
    rows = [r for r, _ in sheet.grid[header:]]
    for top, left, bottom, right in sheet.merged:
        if bisect_right(rows, bottom) - bisect_left(rows, top) < 2:
            continue  # over one row of data (or none): nothing is copied
        hit = [columns[c] for c in range(left, right + 1) if c in columns]
        wrong = [(key, title) for key, title in hit if key not in GROUPING_COLUMNS]
        if not wrong:
            continue
        cells = f"{column_letters(left)}{top}:{column_letters(right)}{bottom}"
        report.error(
            Place(sheet.file, sheet.name, cells, top, wrong[0][1]),
            f"cellules fusionnées {cells} sur plusieurs lignes dans la colonne « {wrong[0][1]} » : chaque "
            "ligne recevrait le contenu de la première (le texte ou le décompte d’un point "
            "donné à un autre). Défusionnez ces cellules et remplissez chaque ligne ; seules "
            "les colonnes de regroupement (Collège, Partie, Service, Budget) peuvent rester "
            "fusionnées.",
            code="cell.merged-across-rows",
        )
