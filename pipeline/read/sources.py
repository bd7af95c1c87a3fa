"""Find meetings, open workbooks, locate sheets.

The reader knows files, sheets, cells and their places; it knows no French
grammar and no law. It hands on every non-empty row with the place of each
cell, and reports what cannot be read into the meeting's :class:`Report`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import unicodedata
import zipfile
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from defusedxml import DefusedXmlException

from pipeline import zipguard
from pipeline.contract import HELPER_SHEET, SHEET_TITLES, SHEETS
from pipeline.problems import Place, Report
from pipeline.read import survey
from pipeline.text import fold

# Read alike, by python-calamine: Excel (2007 and later, and 97-2003) and
# LibreOffice Calc.
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
# Spreadsheet files a clerk may drop that this version does not read.
UNSUPPORTED_SUFFIXES = {".csv", ".numbers", ".xlsb", ".fods"}
FORMATS = {
    ".xlsx": "Excel (.xlsx)",
    ".xlsm": "Excel (.xlsm)",
    ".xls": "Excel 97-2003 (.xls)",
    ".ods": "LibreOffice Calc (.ods)",
}
SKIPPED_FOLDERS = {"exposes", "templates", "accuses"}
DEFAULT_SHEET_NAMES = {"feuil1", "feuille1", "sheet1"}
NOT_A_WORKBOOK = "file.not-a-workbook"  # the code of « ce fichier n’est pas un classeur … lisible »

_SHEET_BY_FOLDED = {name: key for key, names in SHEETS.items() for name in names}


class Cell(NamedTuple):
    """One cell: a tuple, because a sheet of 100,000 rows has hundreds of
    thousands of them."""

    value: Any  # str (trimmed, NFC), int, float, datetime, date, time, bool; never ""
    sheet: Place  # the file and the sheet
    row: int
    col: int
    column: str = ""  # the header of its column, once known

    @property
    def place(self) -> Place:
        """Made when a message needs it: few cells ever have a problem."""
        return _place(self.sheet, self.row, self.col, self.column)


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str  # as the clerk typed it
    file: str
    # Every non-empty row, header included: its number and its filled cells'
    # values by column (both 1-based). Cells are made by those who read them.
    grid: tuple[tuple[int, dict[int, Any]], ...]
    refused: bool = False  # not read: its problem is reported already
    # The merged ranges spanning rows, (first row, first column, last row,
    # last column), 1-based: their top-left value is copied over each.
    merged: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def place(self) -> Place:
        return Place(self.file, self.name)

    def cells(self, index: int) -> tuple[Cell, ...]:
        """The ``index``-th non-empty row as cells, from column A to its last
        filled cell (empty ones hold ``EMPTY``)."""
        r, values = self.grid[index]
        base, make = self.place, tuple.__new__  # Cell's __new__ without its Python frame
        return tuple(
            make(Cell, (values.get(c, EMPTY), base, r, c, "")) for c in range(1, max(values) + 1)
        )

    @functools.cached_property
    def rows(self) -> tuple[tuple[Cell, ...], ...]:
        """Every non-empty row as cells (see :meth:`cells`)."""
        return tuple(self.cells(i) for i in range(len(self.grid)))


@dataclass(frozen=True)
class MeetingSource:
    name: str
    folder: Path
    files: tuple[Path, ...]
    # The data folder it was found in (``folder`` itself for the meeting whose
    # workbooks lie in data/): the files shared by its meetings
    # (classification.xml, the other meetings) are looked for there, never above.
    data: Path | None = None


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
    and the spreadsheets lying in ``data_dir`` itself as one more meeting,
    named after ``data_dir`` — or, when a sub-folder already has that name
    (in any case: the output folders would be one on Windows or macOS),
    after it with "-racine", so that no meeting overwrites another."""
    folders = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()):
        if folder.name.startswith(".") or fold(folder.name) in SKIPPED_FOLDERS:
            continue
        files = _spreadsheet_files(folder)
        if files:
            folders.append(MeetingSource(folder.name, folder, tuple(files), data_dir))
    top = _spreadsheet_files(data_dir)
    if not top:
        return folders
    taken = {unicodedata.normalize("NFC", m.name).casefold() for m in folders}
    name = data_dir.resolve().name
    for suffix in ("", "-racine", *(f"-racine-{n}" for n in range(2, len(taken) + 2))):
        if unicodedata.normalize("NFC", name + suffix).casefold() not in taken:
            break
    return [MeetingSource(name + suffix, data_dir, tuple(top), data_dir), *folders]


# Characters XML 1.0 forbids (and Word with it): C0 controls but tab and
# newline, and the non-characters U+FFFE, U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_EXACT = 2**53  # floats beyond hold no exact whole number


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        # Excel's _xHHHH_ escapes come decoded from the reader.
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if not value.isascii():
            value = unicodedata.normalize("NFC", value)
        return value.strip() or None
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT:
        return int(value)  # every number of a workbook is stored as a float
    return value


class _Book:
    """An open workbook: the reader's object and the survey of its sheets."""

    def __init__(self, reader, shapes: dict[str, survey.Shape], suffix: str):
        self.reader, self.shapes, self.suffix = reader, shapes, suffix

    def sheet_names(self) -> list[str]:
        from python_calamine import SheetTypeEnum

        return [
            s.name
            for s in self.reader.sheets_metadata
            if s.typ in (SheetTypeEnum.WorkSheet, SheetTypeEnum.DialogSheet)
        ]


def _open(path: Path, report: Report) -> _Book | None:
    """The workbook, judged and surveyed before it is read."""
    import python_calamine  # heavy: imported where used

    place = Place(path.name)
    suffix = path.suffix.lower()
    expected = f"un classeur {FORMATS[suffix]}"
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        report.error(
            place, f"impossible de lire le fichier ({exc.strerror}).", code="file.unreadable"
        )
        return None
    if not head:
        report.error(place, f"le fichier est vide : attendu {expected}.", code="file.empty")
        return None
    ole = head.startswith(b"\xd0\xcf\x11\xe0")
    if ole and suffix != ".xls":
        report.error(
            place,
            "ce classeur est protégé par un mot de passe ou enregistré dans l’ancien format "
            "Excel 97-2003 : enregistrez-le sans mot de passe au format .xlsx.",
            code="file.password-or-old-format",
        )
        return None
    if not ole and suffix == ".xls" or not head.startswith(b"PK") and suffix != ".xls":
        report.error(place, f"ce fichier n’est pas {expected} lisible.", code=NOT_A_WORKBOOK)
        return None
    shapes: dict[str, survey.Shape] = {}
    if suffix != ".xls":  # a zip: judged, then surveyed
        kept: dict[str, bytes] = {}  # the parts as scanned, not expanded a second time
        refusal = zipguard.refusal(path, "ce classeur", count_rows=True, kept=kept)
        if refusal:
            report.error(place, str(refusal), code=refusal.code)
            return None
        try:
            shapes = survey.ods_shapes(path) if suffix == ".ods" else survey.xlsx_shapes(path, kept)
            kept.clear()
        except DefusedXmlException:
            report.error(place, f"ce classeur {zipguard.HOSTILE_XML}.", code="xml.declaration")
            return None
        except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError):
            report.error(place, f"ce fichier n’est pas {expected} lisible.", code=NOT_A_WORKBOOK)
            return None
    else:  # .xls: the reader builds every sheet as it opens the file, so all are judged now
        from pipeline.read import xls_survey

        try:
            shapes = xls_survey.xls_shapes(path)
        except xls_survey.Unreadable as exc:
            report.error(
                place, str(exc) or f"ce fichier n’est pas {expected} lisible.", code=exc.code
            )
            return None
        far = {n: s for n, s in shapes.items() if s.rectangle > survey.MAX_RECTANGLE}
        for name, shape in far.items():  # said of the file: none of its sheets is read
            refusal = xls_survey.too_large(name, shape)
            report.error(place, str(refusal), code=refusal.code)
        if far:
            return None
    try:
        reader = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        report.error(
            place,
            "ce classeur est protégé par un mot de passe : enregistrez-le sans mot de passe.",
            code="file.password",
        )
        return None
    except Exception as exc:  # noqa: BLE001 - any malformed part: never a traceback
        report.error(place, _unreadable(expected, exc), code=NOT_A_WORKBOOK)
        return None
    return _Book(reader, shapes, suffix)


def _unreadable(expected: str, exc: Exception) -> str:
    """The reader's own words are English and technical: kept out."""
    return f"ce fichier n’est pas {expected} lisible."


@contextlib.contextmanager
def _no_cycle_collection():
    """Reading a sheet makes hundreds of thousands of small objects and not
    one reference cycle: the cyclic collector, woken by the allocations,
    would walk them again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_workbook(path: Path, report: Report) -> list[Sheet]:
    """The sheets of one workbook, identified by name (or by the file's name
    for a lone sheet with a default name). Unknown sheets get a warning."""
    with _no_cycle_collection():
        return _read_workbook(path, report)


def _read_workbook(path: Path, report: Report) -> list[Sheet]:
    if path.suffix.lower() in UNSUPPORTED_SUFFIXES:
        report.error(
            Place(path.name),
            f"le format {path.suffix} n’est pas encore pris en charge (formats lus : "
            f"{', '.join(sorted(WORKBOOK_SUFFIXES))}) : enregistrez le classeur au format "
            "Excel (.xlsx).",
            code="file.unsupported-format",
        )
        return []
    book = _open(path, report)
    if book is None:
        return []
    sheets = []
    names = book.sheet_names()
    lone = len(names) == 1
    for title in names:
        key = _SHEET_BY_FOLDED.get(fold(title))
        if key is None and lone and fold(title) in DEFAULT_SHEET_NAMES:
            key = _SHEET_BY_FOLDED.get(fold(path.stem))
        if key is None and fold(title) == fold(HELPER_SHEET):
            continue  # the lists of a blank workbook (make-minutes new): nothing to read
        if key is None:
            known = ", ".join(f"« {t} »" for t in SHEET_TITLES.values())
            report.warning(
                Place(path.name, title),
                f"feuille ignorée : son nom n’est pas reconnu (feuilles attendues : {known}).",
                code="sheet.unknown-name",
            )
            continue
        sheets.append(_read_sheet(book, title, key, path.name, report))
    return sheets


MAX_COLUMNS = 100  # far more than any sheet of the contract has
MAX_CELLS = 2_000_000  # filled cells of one sheet, merged ranges included
EMPTY = None  # the value of an empty cell


def _place(base: Place, r: int, c: int, column: str = "") -> Place:
    """The place of the cell at row ``r``, column ``c`` (1-based) of a sheet."""
    return base.with_cell(f"{survey.column_letters(c)}{r}", r, column)


def _read_sheet(book: _Book, title: str, key: str, file: str, report: Report) -> Sheet:
    """Every non-empty row of a sheet, each cell with its place. The survey
    refuses a sheet whose rectangle would be absurd (a lone value far away)
    before the reader builds it."""
    base = Place(file, title)
    refused = Sheet(key, title, file, (), refused=True)
    shape = book.shapes.get(title)
    if shape is not None and shape.rectangle > survey.MAX_RECTANGLE:
        report.error(
            base.with_cell(shape.far, 0, "") if shape.far else base,
            survey.far_away(shape),
            code=survey.FAR_CELL,
        )
        return refused
    try:
        sheet = book.reader.get_sheet_by_name(title)
        table = sheet.to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - a malformed sheet: never a traceback
        report.error(
            base, "cette feuille est endommagée et ne peut pas être lue.", code="sheet.damaged"
        )
        return refused
    skip = _formula_problems(shape, base, report) if shape is not None else set()
    grid, filled = _grid(table, skip, shape is None or shape.controls, base, report)
    merged = (
        shape.merged
        if book.suffix == ".ods" and shape is not None
        else [
            (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()
        ]
    )
    if merged:
        filled = _spread_merged(grid, merged)
    if filled > MAX_CELLS:
        report.error(
            base,
            f"plus de {MAX_CELLS:,} cellules remplies".replace(",", "\u202f")
            + " : aucune séance n’en a autant ; la feuille est refusée.",
            code="sheet.too-many-cells",
        )
        return refused
    tall = tuple(m for m in merged if m[2] > m[0])
    return Sheet(key, title, file, tuple(grid.items()), merged=tall)  # rows in order already


def _formula_problems(shape: survey.Shape, base: Place, report: Report) -> set[tuple[int, int]]:
    """The formulas whose result is an error or was never computed, each
    reported; their cells, to be left out."""
    skip: set[tuple[int, int]] = set()
    for ref, code in shape.errors:
        report.error(
            base.with_cell(ref, _row_of(ref), ""),
            f"la formule de cette cellule donne une erreur ({code}).",
            code="cell.formula-error",
        )
        skip.add(_position(ref))
    for ref in shape.unset:
        report.error(
            base.with_cell(ref, _row_of(ref), ""),
            "formule sans valeur calculée : ouvrez le classeur dans Excel ou "
            "LibreOffice Calc et enregistrez-le pour que le résultat soit stocké.",
            code="cell.formula-not-computed",
        )
        skip.add(_position(ref))
    return skip


def _grid(
    table: list[list[Any]],
    skip: set[tuple[int, int]],
    controls: bool,
    base: Place,
    report: Report,
) -> tuple[dict[int, dict[int, Any]], int]:
    """Row → {column → value}, filled cells only (both 1-based), and how
    many. A hundred thousand rows go through here: one comprehension per
    row, the rare cases (a control character, a cell past the last column)
    looked for once per row."""
    grid: dict[int, dict[int, Any]] = {}
    filled = 0
    beyond = None
    clean, nfc, text, number = _clean, _is_nfc, str, float
    for r, line in enumerate(table, 1):
        # _clean, with its usual cases spelt out: a function call per cell
        # would cost more than the rest of the reading.
        cells = {
            c: value
            for c, raw in enumerate(line[:MAX_COLUMNS], 1)
            if raw != ""
            and (
                value := raw.strip()
                if raw.__class__ is text and "\r" not in raw and (raw.isascii() or nfc(raw))
                else int(raw)
                if raw.__class__ is number and raw.is_integer() and -_EXACT < raw < _EXACT
                else clean(raw)
            )
            not in ("", None)
        }
        if beyond is None and len(line) > MAX_COLUMNS:
            far = next((c for c, raw in enumerate(line, 1) if c > MAX_COLUMNS and raw != ""), None)
            beyond = (r, far) if far else None
        if not cells:
            continue
        if skip:
            for c in [c for c in cells if (r, c) in skip]:
                del cells[c]
        if controls and _CONTROL.search("".join(v for v in cells.values() if v.__class__ is str)):
            _remove_controls(cells, base, r, report)
        if cells:
            grid[r] = cells
            filled += len(cells)
    if beyond:
        report.warning(
            base.with_cell(_place(base, *beyond).cell, 0, ""),
            f"cellules au-delà de la colonne {survey.column_letters(MAX_COLUMNS)} ignorées.",
            code="sheet.too-many-columns",
        )
    return grid, filled


def _remove_controls(cells: dict[int, Any], base: Place, r: int, report: Report) -> None:
    """Control characters taken out of the texts of row ``r``, each cell
    named in a warning; a cell left empty is emptied."""
    for c, value in list(cells.items()):
        if value.__class__ is str and _CONTROL.search(value):
            report.warning(
                _place(base, r, c),
                "caractères de contrôle invisibles supprimés (ils ne peuvent pas figurer dans un "
                "document Word).",
                code="cell.control-characters",
            )
            value = _CONTROL.sub("", value).strip()
            if value:
                cells[c] = value
            else:
                del cells[c]


def _spread_merged(grid: dict[int, dict[int, Any]], merged) -> int:
    """Each merged range's top-left value copied over the range (or the range
    emptied when it has none), clipped to the rows and columns in use: a
    range over the whole sheet costs no more than the cells typed. Returns
    the filled cells, counting stops past the limit."""
    data_rows = sorted(grid)
    last_col = max((max(cells) for cells in grid.values()), default=0)
    filled = sum(len(cells) for cells in grid.values())
    for min_row, min_col, max_row, max_col in merged:
        top_left = grid.get(min_row, {}).get(min_col)
        lo, hi = bisect_left(data_rows, min_row), bisect_right(data_rows, max_row)
        for r in data_rows[lo:hi]:
            cells = grid[r]
            for c in range(min_col, min(max_col, last_col) + 1):
                before = len(cells)
                if top_left is None:
                    cells.pop(c, None)
                else:
                    cells[c] = top_left
                filled += len(cells) - before
        if filled > MAX_CELLS:
            break
    for r in [r for r in data_rows if not grid[r]]:
        del grid[r]
    return filled


def _position(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters) :]), zipguard.column_number(letters.encode())


def _row_of(ref: str) -> int:
    return _position(ref)[0]


def with_column(cell: Cell, header: str) -> Cell:
    return cell._replace(column=header)
