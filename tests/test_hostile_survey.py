"""Cells the reader places where no upper-case reference says (issue 13, item 1).

python-calamine builds each sheet as a full rectangle, from A1 to its last
row and column, and a sheet whose rectangle would be absurd is refused from
a survey of its bytes before it is read. These workbooks of a few kilobytes
once passed the survey and asked the reader for 137 to 640 GB, and the Rust
allocator aborted the whole command (exit 134): references in lower case,
cells without a reference under a far row or in a very long row, and an .xls
whose cell record or DIMENSIONS record was changed by a few bytes. Each is
built byte by byte, run with the real command under a memory cap beside a
good meeting, and must be refused in a few seconds, naming the file, the
sheet and the far cell. The same constructions without the far cell are
read and built, so that a refusal is due to the far cell alone."""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import olefile
import pytest
from conftest import DELIBERATIONS, SOFFICE, docx_text, make_meeting
from test_hostile import (
    DELIB,
    NS,
    assert_built,
    assert_clean,
    assert_refused,
    rewrite_zip,
    run_limited,
    run_quickly,
    two_meetings,
)

from pipeline.read.survey import column_letters

FAR = "valeur isolée très loin du tableau"
NOT_XLS = "ce fichier n’est pas un classeur Excel 97-2003 (.xls) lisible."
SHEET = "xl/worksheets/sheet1.xml"


def _cell(attribute: str, value: Any) -> str:
    if value is None:
        return f"<c{attribute}/>"
    if isinstance(value, (int, float)):
        return f"<c{attribute}><v>{value}</v></c>"
    return f'<c{attribute} t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def deliberations_sheet(ref: Any = str, rows: bool = True, extra: str = "") -> bytes:
    """The default Délibérations as a worksheet part: each cell's reference
    spelt by ``ref`` (``None``: no r= at all, empty cells written as <c/>
    to keep the columns), each row's r= written if ``rows``; ``extra`` is raw
    XML closing sheetData."""
    lines = []
    for r, values in enumerate(DELIBERATIONS, start=1):
        while values and values[-1] is None:
            values = values[:-1]
        cells = "".join(
            _cell(f' r="{ref(f"{column_letters(c)}{r}")}"' if ref else "", v)
            for c, v in enumerate(values, start=1)
            if v is not None or ref is None
        )
        number = f' r="{r}"' if rows else ""
        lines.append(f"<row{number}>{cells}</row>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
        f"{''.join(lines)}{extra}</sheetData></worksheet>"
    ).encode()


def assert_minutes_read(tmp_path: Path, output: str) -> None:
    """Meeting m built from its workbooks, the deliberation in its minutes."""
    assert_clean(output)
    assert_built(tmp_path, output, "m")
    assert_built(tmp_path, output, "bonne")
    text = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    assert any("Convention cadre" in p for p in text), text
    assert "Les membres approuvent." in text, text


# --- .xlsx: references in lower case, cells without a reference ---------------------------

# A value in each cell: a million times "<c><v>1</v></c>" would pass for a zip bomb.
ENDLESS_ROW = "".join(f"<c><v>{n}</v></c>" for n in range(100_000))


@pytest.mark.parametrize(
    ("extra", "far"),
    [
        pytest.param(
            '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>', "XFD1048576", id="xfd1048576"
        ),
        pytest.param('<row r="3000"><c r="xfd3000"><v>1</v></c></row>', "XFD3000", id="xfd3000"),
        pytest.param(
            '<row r="1000000"><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>',
            "C1000000",
            id="cells-without-r-under-row-1000000",
        ),
        pytest.param(
            f'<row r="5000">{ENDLESS_ROW}</row>',
            f"{column_letters(100_000)}5000",
            id="100000-cells-without-r-in-a-row",
        ),
        pytest.param(
            f'<row r="999"></row><row>{ENDLESS_ROW}</row>',
            f"{column_letters(100_000)}1000",
            id="100000-cells-without-r-in-the-row-after-row-999",
        ),
    ],
)
def test_a_far_cell_the_reader_would_place_is_refused(tmp_path: Path, extra: str, far: str) -> None:
    """The survey places each cell as the reader does: a reference in either
    case; without one, the row of its <row> and the column after the cell
    before it. The sheet is refused, naming the cell, before it is built."""
    sheet = deliberations_sheet(extra=extra)
    rewrite_zip(two_meetings(tmp_path) / "deliberations.xlsx", {SHEET: sheet})
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, f"{DELIB}, cellule {far}", FAR)


@pytest.mark.parametrize(
    ("ref", "rows"),
    [
        pytest.param(str.lower, True, id="lower-case-references"),
        pytest.param(lambda ref: f"{ref[0]}00{ref[1:]}", True, id="leading-zeros"),
        pytest.param(None, True, id="cells-without-r"),
        pytest.param(None, False, id="cells-and-rows-without-r"),
    ],
)
def test_the_same_cells_near_a1_are_read(tmp_path: Path, ref: Any, rows: bool) -> None:
    sheet = deliberations_sheet(ref, rows)
    rewrite_zip(two_meetings(tmp_path) / "deliberations.xlsx", {SHEET: sheet})
    code, output, _ = run_limited(tmp_path)
    assert code == 0, output
    assert_minutes_read(tmp_path, output)


# --- .xls: a cell record or the DIMENSIONS record changed -------------------------------


@pytest.fixture(scope="module")
def xls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """make_meeting's deliberations.xlsx, saved as .xls by LibreOffice."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) absent : voir .ci/run")
    root = tmp_path_factory.mktemp("xls")
    make_meeting(root / "source")
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{root / 'profile'}",
            "--headless",
            "--convert-to",
            "xls:MS Excel 97",
            "--outdir",
            str(root),
            str(root / "source" / "deliberations.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root / "deliberations.xls"


def records(stream: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """(offset, type, size) of each BIFF record from ``start`` to its EOF."""
    pos = start
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        yield pos, kind, size
        if kind == 0x000A:
            return
        pos += 4 + size


def sheet_start(stream: bytes) -> int:
    """Where the only sheet's records start, from its BOUNDSHEET record."""
    bound = next(pos for pos, kind, _ in records(stream, 0) if kind == 0x0085)
    return struct.unpack_from("<I", stream, bound + 4)[0]


def patch_workbook(path: Path, patch: Any) -> None:
    """Change bytes of the Workbook stream in place (same size) as ``patch`` says."""
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        patch(stream)
        ole.write_stream("Workbook", bytes(stream))


def last_cell_moved_far(stream: bytearray) -> None:
    """The sheet's last cell record (a LABELSST, NUMBER or RK) said to be at
    row 65535, column 65535: four bytes."""
    cells = [p for p, k, _ in records(stream, sheet_start(stream)) if k in (0xFD, 0x203, 0x27E)]
    struct.pack_into("<HH", stream, cells[-1] + 4, 0xFFFF, 0xFFFF)


def dimensions_over_the_sheet(stream: bytearray) -> None:
    """The sheet's DIMENSIONS said to reach row 4,294,967,295: four bytes."""
    pos, _, size = next(r for r in records(stream, sheet_start(stream)) if r[1] == 0x0200)
    assert size == 14  # BIFF8: rows as 32-bit numbers
    struct.pack_into("<I", stream, pos + 8, 0xFFFFFFFF)


def encrypted(stream: bytearray) -> None:
    """The CODEPAGE record (two bytes of data) made a FILEPASS record (RC4
    encryption), and the cells then read as noise: the last one far away."""
    pos = next(p for p, kind, size in records(stream, 0) if kind == 0x0042 and size == 2)
    struct.pack_into("<HHH", stream, pos, 0x002F, 2, 1)
    last_cell_moved_far(stream)


def test_an_encrypted_xls_is_named_as_protected_whatever_its_cells_say(
    tmp_path: Path, xls: Path
) -> None:
    """The reader stops at the FILEPASS record and asks for a password: the
    survey stops there too, and does not judge cells it cannot read."""
    with_xls(tmp_path, xls, encrypted)
    code, output = run_quickly(tmp_path)
    protected = "ce classeur est protégé par un mot de passe : enregistrez-le sans mot de passe."
    assert_refused(tmp_path, code, output, "deliberations.xls", protected)


def sheet_past_the_stream(stream: bytearray) -> None:
    """The BOUNDSHEET record says the sheet starts past the end of the stream."""
    bound = next(pos for pos, kind, _ in records(stream, 0) if kind == 0x0085)
    struct.pack_into("<I", stream, bound + 4, len(stream) + 100_000)


def with_xls(tmp_path: Path, xls: Path, patch: Any = None) -> None:
    """Meeting m with the .xls for its deliberations (patched by ``patch``)."""
    folder = two_meetings(tmp_path)
    (folder / "deliberations.xlsx").unlink()
    shutil.copy(xls, folder / "deliberations.xls")
    if patch:
        patch_workbook(folder / "deliberations.xls", patch)


def test_an_xls_whose_cell_record_says_row_65535_column_65535_is_refused(
    tmp_path: Path, xls: Path
) -> None:
    with_xls(tmp_path, xls, last_cell_moved_far)
    code, output = run_quickly(tmp_path)
    far = f"{column_letters(65536)}65536"
    where = f"feuille « Délibérations », cellule {far} : {FAR}"
    assert_refused(tmp_path, code, output, "deliberations.xls", where)


def test_an_xls_whose_dimensions_record_lies_is_refused(tmp_path: Path, xls: Path) -> None:
    with_xls(tmp_path, xls, dimensions_over_the_sheet)
    code, output = run_quickly(tmp_path)
    assert_refused(
        tmp_path,
        code,
        output,
        "deliberations.xls",
        "feuille « Délibérations » : dimensions déclarées aberrantes (4 294 967 295 lignes, "
        "9 colonnes)",
    )


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(
            lambda path: patch_workbook(path, sheet_past_the_stream), id="sheet-past-stream"
        ),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:2048]), id="truncated"),
        pytest.param(
            lambda path: path.write_bytes(path.read_bytes()[:512] + b"\xff" * 5632), id="garbled"
        ),
    ],
)
def test_a_broken_xls_is_named_unreadable(tmp_path: Path, xls: Path, spoil: Any) -> None:
    """Never a traceback: the reader would panic on a sheet said to start
    past the stream (an exception Python's ``except Exception`` misses)."""
    with_xls(tmp_path, xls)
    spoil(tmp_path / "data" / "m" / "deliberations.xls")
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, "deliberations.xls", NOT_XLS)


def test_the_same_xls_unchanged_is_read(tmp_path: Path, xls: Path) -> None:
    with_xls(tmp_path, xls)
    code, output, _ = run_limited(tmp_path)
    assert code == 0, output
    assert_minutes_read(tmp_path, output)
