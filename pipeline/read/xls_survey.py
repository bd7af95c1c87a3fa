"""The shape of each sheet of an Excel 97-2003 workbook (.xls), surveyed
before python-calamine opens it.

calamine builds every sheet of an .xls as it opens the file (src/xls.rs),
each as a full rectangle from its first to its last cell, and reserves room
first for the rectangle the sheet's DIMENSIONS record declares: four bytes
of a cell record changed to row 65535, column 65535 would ask for 137 GB, and
Rust's allocator aborts the process. So the Workbook stream is walked first, as
calamine walks it: the workbook's BOUNDSHEET records give each sheet's name
and where its records start; from there, up to its EOF (skipping the nested
substreams of embedded charts), each cell record gives a row and a column,
and DIMENSIONS what calamine will reserve. Cells calamine passes over
(BLANK, MULBLANK) count too: an upper bound, never less than what it builds.
"""

from __future__ import annotations

import codecs
import struct
from collections.abc import Iterator
from pathlib import Path

import olefile

from pipeline.read.survey import FAR_CELL, Shape, column_letters, far_away
from pipeline.zipguard import MAX_FILE_BYTES, Refusal

# Record types (MS-XLS 2.3).
BOF, EOF, BOUNDSHEET, CODEPAGE, DIMENSIONS = 0x0809, 0x000A, 0x0085, 0x0042, 0x0200
FILEPASS = 0x002F
MULRK, MULBLANK = 0x00BD, 0x00BE
# One cell each, its row and column in the record's first four bytes: NUMBER,
# LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA (its STRING follows it), BLANK.
ONE_CELL = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0201})
CELLS = ONE_CELL | {MULRK, MULBLANK}
_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")  # as calamine looks for them
_BEFORE_BIFF8 = {0x0200, 0x0002, 0x0007, 0x0300, 0x0400, 0x0500, 0}  # BOF versions (0: it depends)
_U32 = 2**32


class Unreadable(Exception):
    """An .xls the survey cannot walk: the reader must not open it either.
    The message, when there is one, says why in French; ``code`` names the
    kind of problem (« area.what »)."""

    def __init__(self, message: str = "", code: str = "file.not-a-workbook"):
        super().__init__(*([message] if message else []))
        self.code = code


def xls_shapes(path: Path) -> dict[str, Shape]:
    """The shape of each sheet of the .xls at ``path``, by name; ``far``
    names the cell that reaches farthest, or is empty when the sheet's
    declared DIMENSIONS reach farther than any of its cells."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise Unreadable(
            f"ce classeur est trop volumineux (plus de {MAX_FILE_BYTES // 2**20} Mo).",
            "file.too-large",
        )
    stream = _workbook_stream(path)
    shapes: dict[str, Shape] = {}
    for name, start in _sheets(stream):
        shape = _sheet_shape(stream, start)
        if name not in shapes or shape.rectangle > shapes[name].rectangle:
            shapes[name] = shape  # two sheets of one name: calamine builds both
    return shapes


def too_large(name: str, shape: Shape) -> Refusal:
    """What to say, in French, of sheet ``name`` whose rectangle is absurd,
    with its code. The whole file is refused (the reader cannot open one
    sheet alone): the message, given for the file, names the sheet and the cell."""
    if shape.far:
        return Refusal(f"feuille « {name} », cellule {shape.far} : {far_away(shape)}", FAR_CELL)
    rows, columns = (f"{n:,}".replace(",", "\u202f") for n in (shape.rows, shape.columns))
    return Refusal(
        f"feuille « {name} » : dimensions déclarées aberrantes ({rows} lignes, {columns} "
        "colonnes) : le fichier est sans doute endommagé ; ouvrez-le dans Excel ou LibreOffice "
        "Calc et enregistrez-le de nouveau.",
        "sheet.absurd-dimensions",
    )


def _workbook_stream(path: Path) -> bytes:
    """The stream calamine reads: the first directory entry named Workbook
    (then Book, WORKBOOK, BOOK), at the top of the file."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.minisectorcutoff != 4096:  # calamine's cutoff, whatever the header says
                raise Unreadable
            entries = [e for e in ole.direntries if e is not None]
            streams = [e for e in entries if e.entry_type == olefile.STGTY_STREAM]
            wanted = next((n for n in _STREAMS if any(e.name == n for e in streams)), None)
            if wanted is None:
                raise Unreadable
            chosen = next(e for e in streams if e.name == wanted)
            alike = [k for k in ole.root.kids if k.name.lower() == wanted.lower()]
            if len(alike) != 1 or alike[0] is not chosen:  # elsewhere, or beside a namesake
                raise Unreadable
            return ole.openstream(wanted).read()
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed compound file: never a traceback
        raise Unreadable from exc


def _records(stream: bytes, start: int) -> Iterator[tuple[int, memoryview]]:
    """Each record from ``start``: its type and data, as calamine's
    RecordIter reads them (a CONTINUE record comes as one more record, of
    no interest here). Stops at a record that runs past the stream, where
    calamine stops with an error."""
    view, end, pos = memoryview(stream), len(stream), start
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + size > end:
            return
        yield kind, view[pos + 4 : pos + 4 + size]
        pos += 4 + size


def _sheets(stream: bytes) -> list[tuple[str, int]]:
    """(name, where its records start) of each BOUNDSHEET of the workbook's
    first substream, as calamine reads them; none when the workbook is
    encrypted (calamine stops at its FILEPASS: a password is asked for)."""
    biff8, codec, sheets = True, "utf-16-le", []
    for kind, data in _records(stream, 0):
        if kind == EOF:
            break
        if kind == FILEPASS:
            if len(data) < 2:  # calamine would read past it and panic
                raise Unreadable
            if struct.unpack_from("<H", data)[0]:
                return []
        elif kind == BOF and len(data) >= 2:
            version = struct.unpack_from("<H", data)[0]
            kind_of = struct.unpack_from("<H", data, 2)[0] if len(data) >= 4 else 0
            biff8 = version not in _BEFORE_BIFF8 or version == 0 and kind_of != 0x1000
        elif kind == CODEPAGE and len(data) >= 2:
            codec = _codec(struct.unpack_from("<H", data)[0])
        elif kind == BOUNDSHEET:
            if len(data) < 8:  # calamine would index past it and panic
                raise Unreadable
            start = struct.unpack_from("<I", data)[0]
            if start > len(stream):  # calamine would slice past the stream and panic
                raise Unreadable
            sheets.append((_short_string(data[6:], biff8, codec), start))
    return sheets


def _codec(codepage: int) -> str:
    name = {1200: "utf-16-le", 65001: "utf-8", 367: "ascii", 10000: "mac-roman"}.get(codepage)
    name = name or f"cp{codepage}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "latin-1"


def _short_string(data: memoryview, biff8: bool, codec: str) -> str:
    """A sheet's name (ShortXLUnicodeString), as calamine decodes it: in
    BIFF8, 8-bit characters are the low bytes of UTF-16 ones."""
    count = data[0]
    if not biff8:
        raw = bytes(data[1 : 1 + count])
    elif data[1] & 1:
        raw = bytes(data[2 : 2 + 2 * count])
    else:
        raw = bytes(b for c in data[2 : 2 + count] for b in (c, 0))
    return raw.decode(codec, errors="replace").replace("\0", "")


def _sheet_shape(stream: bytes, start: int) -> Shape:
    """The rows and columns of one sheet's cells (1-based, from A1), or of
    what its DIMENSIONS reserve when that is more. The records are walked
    as :func:`_records` does, spelt out: a sheet has tens of thousands."""
    unpack, end, pos = struct.unpack_from, len(stream), start
    rows = columns = 0
    lowest = widest = (0, 0)  # the last cells seen in the lowest row, the widest column
    reserved, seen_bof, depth = (0, 0), False, 0
    while pos + 4 <= end:
        kind, size = unpack("<HH", stream, pos)
        data, pos = pos + 4, pos + 4 + size
        if pos > end:
            break
        if kind in CELLS and not depth:
            if size < 4:  # calamine stops at a cell record too short to hold one
                break
            row, col = unpack("<HH", stream, data)
            row += 1
            if kind in ONE_CELL:
                col += 1
            else:  # MULRK, MULBLANK: a row of cells from a first column on
                col += -(-(size - 6) // (6 if kind == MULRK else 2))
            if row >= rows:
                rows, lowest = row, (row, col)
            if col >= columns:
                columns, widest = col, (row, col)
        elif depth:  # a chart's substream: its cells are not the sheet's
            depth += (kind == BOF) - (kind == EOF)
        elif kind == BOF:
            depth, seen_bof = (1 if seen_bof else 0), True
        elif kind == EOF:
            break
        elif kind == DIMENSIONS:
            declared = _reserved(stream[data:pos])
            if declared is None:
                break
            reserved = max(reserved, declared, key=lambda d: d[0] * d[1])
    shape = Shape(rows, columns)
    row, col = widest if columns > rows else lowest
    shape.far = f"{column_letters(col)}{row}" if shape.rectangle else ""
    if reserved[0] * reserved[1] > shape.rectangle:
        shape.rows, shape.columns = max(rows, reserved[0]), max(columns, reserved[1])
        shape.far = ""  # no cell reaches there: the record says so
    return shape


def _reserved(data: bytes) -> tuple[int, int] | None:
    """The rows and columns calamine reserves room for from a DIMENSIONS
    record, its unsigned 32-bit arithmetic included; None where it stops."""
    if len(data) == 10:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", data)
    elif len(data) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", data)
    else:
        return None
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    end_row, end_col = (
        (last_row - 1, last_col - 1) if last_row and last_col else (first_row, first_col)
    )
    return (end_row - first_row + 1) % _U32, (end_col - first_col + 1) % _U32
