"""Find meetings, open workbooks, locate sheets.

The reader knows files, sheets, cells and their places; it knows no French
grammar and no law. It hands on every non-empty row with the place of each
cell, and reports what cannot be read into the meeting's :class:`Report`.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from . import packages
from .problems import Place, Report

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
# Spreadsheet files a clerk may drop that this version does not read.
UNSUPPORTED_SUFFIXES = {".xls", ".ods", ".csv", ".numbers", ".xlsb"}
SKIPPED_FOLDERS = {"exposes", "templates"}
DEFAULT_SHEET_NAMES = {"feuil1", "feuille1", "sheet1"}

# Canonical sheet keys and the folded names that identify them.
SHEETS: dict[str, tuple[str, ...]] = {
    "seance": ("seance", "meeting"),
    "presences": ("presences", "attendance"),
    "deliberations": ("deliberations",),
    "votes": ("votes",),
    "autres_points": ("autres points", "other items"),
    "tarifs": ("tarifs", "tariffs"),
    "contributions": ("contributions",),
}
SHEET_TITLES = {
    "seance": "Séance",
    "presences": "Présences",
    "deliberations": "Délibérations",
    "votes": "Votes",
    "autres_points": "Autres points",
    "tarifs": "Tarifs",
    "contributions": "Contributions",
}
_SHEET_BY_FOLDED = {name: key for key, names in SHEETS.items() for name in names}


def fold(text: Any) -> str:
    """The spec's comparison form: NFKD, no accents, case folded, runs of
    anything but letters and digits turned into one space, trimmed."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", " ", bare).strip()


@dataclass(frozen=True)
class Cell:
    value: Any  # str (trimmed, NFC), int, float, datetime, date, time, bool; never ""
    place: Place


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str  # as the clerk typed it
    file: str
    rows: tuple[tuple[Cell, ...], ...]  # every non-empty row, header included

    @property
    def place(self) -> Place:
        return Place(self.file, self.name)


@dataclass(frozen=True)
class MeetingSource:
    name: str
    folder: Path
    files: tuple[Path, ...]


def is_ignored_file(path: Path) -> bool:
    return path.name.startswith(("~$", "."))


def _spreadsheet_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not is_ignored_file(p)
        and p.suffix.lower() in WORKBOOK_SUFFIXES | UNSUPPORTED_SUFFIXES
    )


def find_meetings(data_dir: Path) -> list[MeetingSource]:
    """Every meeting of ``data_dir``: each sub-folder holding spreadsheets,
    and the spreadsheets lying in ``data_dir`` itself as one more meeting."""
    meetings = []
    top = _spreadsheet_files(data_dir)
    if top:
        meetings.append(MeetingSource(data_dir.resolve().name, data_dir, tuple(top)))
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        if folder.name.startswith(".") or fold(folder.name) in SKIPPED_FOLDERS:
            continue
        files = _spreadsheet_files(folder)
        if files:
            meetings.append(MeetingSource(folder.name, folder, tuple(files)))
    return meetings


# Characters XML 1.0 forbids (and Word with it): C0 controls but tab and
# newline, and the non-characters U+FFFE, U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        # Excel writes characters XML cannot hold as _xHHHH_ (and "_" before
        # such a sequence as _x005F_); openpyxl leaves them encoded in cells.
        value = _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), value)
        value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
        value = value.strip()
        return value or None
    return value


def _open(path: Path, report: Report):
    """Both views of a workbook: cached values, and formulas (to tell a
    formula that has no cached value from an empty cell)."""
    import openpyxl  # heavy: imported where used
    from openpyxl.utils.exceptions import InvalidFileException

    place = Place(path.name)
    try:
        head = path.read_bytes()[:8]
    except OSError as exc:
        report.error(place, f"impossible de lire le fichier ({exc.strerror}).")
        return None, None
    if not head:
        report.error(place, "le fichier est vide : attendu un classeur Excel (.xlsx).")
        return None, None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        report.error(
            place,
            "ce classeur est protégé par un mot de passe ou enregistré dans l’ancien format "
            "Excel 97-2003 : enregistrez-le sans mot de passe au format .xlsx.",
        )
        return None, None
    refusal = packages.refusal(path, "ce classeur", count_rows=True)
    if refusal:
        report.error(place, refusal)
        return None, None
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        report.error(place, "ce fichier n’est pas un classeur Excel (.xlsx) lisible.")
        return None, None
    except DefusedXmlException:
        report.error(place, f"ce classeur {packages.HOSTILE_XML}.")
        return None, None
    except Exception as exc:  # noqa: BLE001 - any malformed part: never a traceback
        report.error(
            place, f"ce classeur est endommagé et ne peut pas être lu ({type(exc).__name__})."
        )
        return None, None
    return values, formulas


def read_workbook(path: Path, report: Report) -> list[Sheet]:
    """The sheets of one workbook, identified by name (or by the file's name
    for a lone sheet with a default name). Unknown sheets get a warning."""
    if path.suffix.lower() in UNSUPPORTED_SUFFIXES:
        report.error(
            Place(path.name),
            f"le format {path.suffix} n’est pas encore pris en charge (formats lus : "
            f"{', '.join(sorted(WORKBOOK_SUFFIXES))}) : enregistrez le classeur au format "
            "Excel (.xlsx).",
        )
        return []
    values, formulas = _open(path, report)
    if values is None:
        return []
    sheets = []
    lone = len(values.worksheets) == 1
    for ws in values.worksheets:
        key = _SHEET_BY_FOLDED.get(fold(ws.title))
        if key is None and lone and fold(ws.title) in DEFAULT_SHEET_NAMES:
            key = _SHEET_BY_FOLDED.get(fold(path.stem))
        if key is None:
            known = ", ".join(f"« {t} »" for t in SHEET_TITLES.values())
            report.warning(
                Place(path.name, ws.title),
                f"feuille ignorée : son nom n’est pas reconnu (feuilles attendues : {known}).",
            )
            continue
        sheets.append(_read_sheet(ws, formulas[ws.title], key, path.name, report))
    return sheets


MAX_COLUMNS = 100  # far more than any sheet of the contract has
MAX_CELLS = 2_000_000  # filled cells of one sheet, merged ranges included
EMPTY = None  # the value of an empty cell


def _read_sheet(ws, formula_ws, key: str, file: str, report: Report) -> Sheet:
    """Every non-empty row of a sheet, each cell with its place. Cells are
    read from openpyxl's sparse store, never by walking the sheet's whole
    rectangle (one cell in column XFD must not cost a million empty ones)."""
    from openpyxl.utils import get_column_letter

    grid: dict[tuple[int, int], Any] = {}
    base = Place(file, ws.title)
    beyond = None
    for (r, c), cell in sorted(ws._cells.items()):
        if c > MAX_COLUMNS:
            beyond = beyond or cell.coordinate
            continue
        if cell.data_type == "e":
            report.error(
                base.with_cell(cell.coordinate, r, ""),
                f"la formule de cette cellule donne une erreur ({cell.value}).",
            )
            continue
        value = _clean(cell.value)
        if isinstance(value, str) and _CONTROL.search(value):
            report.warning(
                base.with_cell(cell.coordinate, r, ""),
                "caractères de contrôle invisibles supprimés (ils ne peuvent pas figurer "
                "dans un document Word).",
            )
            value = _CONTROL.sub("", value).strip() or None
        if value is not None:
            grid[(r, c)] = value
    if beyond:
        report.warning(
            base.with_cell(beyond, 0, ""),
            f"cellules au-delà de la colonne {get_column_letter(MAX_COLUMNS)} ignorées.",
        )
    data_rows = sorted({r for r, _ in grid})
    last_col = max((c for _, c in grid), default=0)
    for merged in ws.merged_cells.ranges:
        # Clipped to the rows and columns in use: a range over the whole
        # sheet costs no more than the cells typed.
        top_left = grid.get((merged.min_row, merged.min_col))
        lo, hi = bisect_left(data_rows, merged.min_row), bisect_right(data_rows, merged.max_row)
        for r in data_rows[lo:hi]:
            for c in range(merged.min_col, min(merged.max_col, last_col) + 1):
                if top_left is None:
                    grid.pop((r, c), None)
                else:
                    grid[(r, c)] = top_left
        if len(grid) > MAX_CELLS:
            break
    if len(grid) > MAX_CELLS:
        report.error(
            base,
            f"plus de {MAX_CELLS:,} cellules remplies".replace(",", "\u202f")
            + " : aucune séance n’en a autant ; la feuille est refusée.",
        )
        return Sheet(key, ws.title, file, ())
    for (r, c), cell in formula_ws._cells.items():
        if cell.data_type == "f" and (r, c) not in grid and c <= MAX_COLUMNS:
            report.error(
                base.with_cell(cell.coordinate, r, ""),
                "formule sans valeur calculée : ouvrez le classeur dans Excel ou "
                "LibreOffice Calc et enregistrez-le pour que le résultat soit stocké.",
            )
    by_row: dict[int, dict[int, Any]] = {}
    for (r, c), value in grid.items():
        by_row.setdefault(r, {})[c] = value
    rows_out: list[tuple[Cell, ...]] = []
    for r in sorted(by_row):
        cells = by_row[r]
        rows_out.append(
            tuple(
                Cell(cells[c], base.with_cell(f"{get_column_letter(c)}{r}", r, ""))
                if c in cells
                else Cell(EMPTY, base.with_cell(f"{get_column_letter(c)}{r}", r, ""))
                for c in range(1, max(cells) + 1)
            )
        )
    return Sheet(key, ws.title, file, tuple(rows_out))


def with_column(cell: Cell, header: str) -> Cell:
    return replace(cell, place=replace(cell.place, column=header))
