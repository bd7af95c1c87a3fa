"""Find meetings, open workbooks, locate sheets.

The reader knows files, sheets, cells and their places; it knows no French
grammar and no law. It hands on every non-empty row with the place of each
cell, and reports what cannot be read into the meeting's :class:`Report`.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

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


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
        value = value.strip()
        return value or None
    return value


# Limits far above any meeting (the largest assemblies: a few hundred members
# and deliberations, some thousands of named votes or contributions), far below
# what would stall the machine. Checked on the zip's directory and a streamed
# count of rows, before any XML is parsed.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for a large entry
MAX_ENTRIES = 5_000
MAX_SHEETS = 100
MAX_ROWS = 200_000  # per sheet
HOSTILE_XML = (
    "ce classeur contient des déclarations XML interdites (entités) : il est refusé sans être "
    "lu. Ouvrez-le dans Excel ou LibreOffice Calc et enregistrez-le à nouveau au format .xlsx."
)


def _package_refusal(path: Path) -> str:
    """Why this .xlsx must not be opened (too large, a zip bomb, too many
    sheets or rows), or "" — judged from the zip directory and a streamed
    count of ``<row`` tags, never by expanding it."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return f"fichier trop volumineux (plus de {MAX_FILE_BYTES // 2**20} Mo) pour une séance."
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            if len(infos) > MAX_ENTRIES:
                return "ce classeur contient un nombre anormal de parties : il est refusé."
            if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
                return (
                    "ce classeur décompressé dépasserait "
                    f"{MAX_UNCOMPRESSED_BYTES // 2**20} Mo : il est refusé sans être ouvert."
                )
            for info in infos:
                if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    return (
                        "ce classeur est anormalement compressé (possible « bombe zip ») : il est "
                        "refusé sans être ouvert."
                    )
            sheets = [i for i in infos if i.filename.startswith("xl/worksheets/sheet")]
            if len(sheets) > MAX_SHEETS:
                return f"ce classeur a plus de {MAX_SHEETS} feuilles : il est refusé."
            for info in sheets:
                rows = _count_rows(package, info)
                if rows > MAX_ROWS:
                    return (
                        f"une feuille de ce classeur a plus de {MAX_ROWS:,} lignes".replace(
                            ",", " "
                        )
                        + " : aucune séance n’en a autant ; il est refusé."
                    )
    except zipfile.BadZipFile:
        return "ce fichier n’est pas un classeur Excel (.xlsx) lisible."
    except (OSError, RuntimeError, NotImplementedError):  # encrypted entry, unknown compression
        return "ce classeur ne peut pas être décompressé : il est refusé."
    return ""


def _count_rows(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    count, tail = 0, b""
    with package.open(info) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>")
            tail = data[-4:]  # too short to hold a whole tag: none is counted twice
            if count > MAX_ROWS:
                break
    return count


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
    refusal = _package_refusal(path)
    if refusal:
        report.error(place, refusal)
        return None, None
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        report.error(place, "ce fichier n’est pas un classeur Excel (.xlsx) lisible.")
        return None, None
    except DefusedXmlException:
        report.error(place, HOSTILE_XML)
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
    formulas.close()
    return sheets


def _read_sheet(ws, formula_ws, key: str, file: str, report: Report) -> Sheet:
    grid: dict[tuple[int, int], Any] = {}
    base = Place(file, ws.title)
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "e":
                report.error(
                    base.with_cell(cell.coordinate, cell.row, ""),
                    f"la formule de cette cellule donne une erreur ({cell.value}).",
                )
                continue
            value = _clean(cell.value)
            if isinstance(value, str) and _CONTROL.search(value):
                report.warning(
                    base.with_cell(cell.coordinate, cell.row, ""),
                    "caractères de contrôle invisibles supprimés (ils ne peuvent pas figurer "
                    "dans un document Word).",
                )
                value = _CONTROL.sub("", value).strip() or None
            if value is not None:
                grid[(cell.row, cell.column)] = value
    for merged in ws.merged_cells.ranges:
        top_left = grid.get((merged.min_row, merged.min_col))
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if top_left is None:
                    grid.pop((r, c), None)
                else:
                    grid[(r, c)] = top_left
    for row in formula_ws.iter_rows():
        for cell in row:
            if getattr(cell, "data_type", None) == "f" and (cell.row, cell.column) not in grid:
                report.error(
                    base.with_cell(cell.coordinate, cell.row, ""),
                    "formule sans valeur calculée : ouvrez le classeur dans Excel ou "
                    "LibreOffice Calc et enregistrez-le pour que le résultat soit stocké.",
                )
    from openpyxl.utils import get_column_letter

    rows: list[tuple[Cell, ...]] = []
    if grid:
        width = max(c for _, c in grid)
        for r in sorted({r for r, _ in grid}):
            rows.append(
                tuple(
                    Cell(
                        grid.get((r, c)),
                        base.with_cell(f"{get_column_letter(c)}{r}", r, ""),
                    )
                    for c in range(1, width + 1)
                )
            )
    return Sheet(key, ws.title, file, tuple(rows))


def with_column(cell: Cell, header: str) -> Cell:
    return replace(cell, place=replace(cell.place, column=header))
