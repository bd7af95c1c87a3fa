"""Judging a zip package (a workbook or a .docx template) before any of it
is parsed: from its directory and a streamed scan of its XML, never by
expanding it. Used by the reader for workbooks and by the renderer for
templates."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

# Far above any meeting (the largest assemblies: a few hundred members and
# deliberations, some thousands of named votes or contributions), far below
# what would stall the machine.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for an entry over 1 MiB
MAX_ENTRIES = 5_000
MAX_SHEETS = 100
MAX_ROWS = 200_000  # per sheet
MAX_MERGED_CELLS = 1_000_000  # cells covered by merged ranges, per sheet

HOSTILE_XML = (
    "contient des déclarations XML interdites (DOCTYPE ou entités, le procédé des « bombes "
    "XML ») : il est refusé sans être lu"
)
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")
_MERGE = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"'
)
_OVERLAP = 128  # longer than any tag the scans look for


KEPT_PART_BYTES = 32 * 2**20  # parts kept for the survey that follows


def refusal(path: Path, what: str, count_rows: bool, kept: dict[str, bytes] | None = None) -> str:
    """Why the package at ``path`` must not be opened, or "". ``what`` names
    it in the message ("ce classeur", "ce modèle"). ``kept``, when given,
    receives the XML parts of up to 32 Mo as they were scanned, for
    :func:`xlsx_shapes` not to expand them again."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return f"{what} est trop volumineux (plus de {MAX_FILE_BYTES // 2**20} Mo)."
    try:
        with zipfile.ZipFile(path) as package:
            return _judge(package, what, count_rows, kept)
    except zipfile.BadZipFile:
        return ""  # not a zip at all: the reader says what it is not
    except (OSError, RuntimeError, NotImplementedError, EOFError, zipfile.LargeZipFile):
        return f"{what} ne peut pas être décompressé : il est refusé."


def _judge(
    package: zipfile.ZipFile, what: str, count_rows: bool, kept: dict[str, bytes] | None = None
) -> str:
    infos = package.infolist()
    if len(infos) > MAX_ENTRIES:
        return f"{what} contient un nombre anormal de parties : il est refusé."
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        return (
            f"{what}, décompressé, dépasserait {MAX_UNCOMPRESSED_BYTES // 2**20} Mo : il est "
            "refusé sans être ouvert."
        )
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return (
                f"{what} est anormalement compressé (possible « bombe zip ») : il est refusé "
                "sans être ouvert."
            )
    for info in infos:
        name = info.filename.lower()
        if not name.endswith((".xml", ".rels")):
            continue
        keep = kept is not None and info.file_size <= KEPT_PART_BYTES
        declarations, rows, merged = _scan(package, info, count_rows, kept if keep else None)
        if declarations:
            return f"{what} {HOSTILE_XML}."
        if merged > MAX_MERGED_CELLS:
            return (
                f"une feuille de {what} fusionne des plages démesurées (plus de "
                f"{MAX_MERGED_CELLS:,} cellules)".replace(",", "\u202f")
                + " : il est refusé sans être ouvert."
            )
        if rows > MAX_ROWS:
            return (
                f"une feuille de {what} a plus de {MAX_ROWS:,} lignes".replace(",", "\u202f")
                + " : aucune séance n’en a autant ; il est refusé."
            )
        is_workbook = count_rows and name.endswith("workbook.xml")
        if is_workbook and len(_SHEET.findall(package.read(info))) > MAX_SHEETS:
            return f"{what} a plus de {MAX_SHEETS} feuilles : il est refusé."
    return ""


_PREFIXED_ROW = re.compile(rb"<[A-Za-z_][\w.-]*:row[\s/>]")


def _count_rows(data: bytes) -> int:
    """The row tags of ``data``, with or without a namespace prefix, whatever
    white space follows, counted at the speed of bytes.count: a sheet of
    100,000 rows is counted before it is read."""
    rows = sum(data.count(b"<row" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
    if b":row" in data:
        rows += len(_PREFIXED_ROW.findall(data))
    return rows


def _count_rows_at_most(data: bytes) -> int:
    """At least as many as :func:`_count_rows` (<rowBreaks> counts too), in
    one look through ``data``."""
    rows = data.count(b"<row")
    if b":row" in data:
        rows += len(_PREFIXED_ROW.findall(data))
    return rows


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _scan(
    package: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    count_rows: bool,
    kept: dict[str, bytes] | None = None,
    exact: bool = False,
) -> tuple[bool, int, int]:
    """Streams one XML part: (has a DOCTYPE or ENTITY declaration, row tags,
    cells covered by merged ranges); a part found sound is put in ``kept``.
    Row tags are first counted from above ("<row" in any tag name): only a
    part that seems to pass the limit is counted again, exactly."""
    count = _count_rows if exact else _count_rows_at_most
    rows, merged, tail, chunks = 0, 0, b"", []
    with package.open(info) as stream:
        while chunk := stream.read(1 << 20):
            if kept is not None:
                chunks.append(chunk)
            data = tail + chunk
            if b"<!" in data and _DECLARATION.search(data):
                return True, rows, merged
            if count_rows:
                # Count each tag once: those lying in the tail were counted already.
                rows += count(data) - count(tail)
                for m in _MERGE.finditer(data) if b"mergeCell" in data else ():
                    if m.end() > len(tail) and m[3]:
                        width = abs(_column(m[3]) - _column(m[1])) + 1
                        merged += width * (abs(int(m[4]) - int(m[2])) + 1)
                if rows > MAX_ROWS and not exact:
                    return _scan(package, info, count_rows, kept, exact=True)
                if rows > MAX_ROWS or merged > MAX_MERGED_CELLS:
                    return False, rows, merged
            tail = data[-_OVERLAP:]
    if kept is not None:
        kept[info.filename] = b"".join(chunks)
    return False, rows, merged


# --- the shape of each sheet, before the reader builds it -------------------------------
#
# The reader (python-calamine) builds each sheet as a full rectangle, from the
# first to the last cell used: a lone value typed in XFD1048576 would ask for
# seventeen thousand million cells. So the sheets' XML is surveyed first, from
# the cells' own references, and a sheet whose rectangle would be absurd is
# refused before it is read. The survey also finds what calamine cannot tell
# from an empty cell: a formula that has no stored result, and a formula error.

MAX_RECTANGLE = 2_000_000  # cells from A1 to the last row and column used


@dataclass
class Shape:
    """What the survey found in one sheet; references are like "F2"."""

    rows: int = 0  # the last row used
    columns: int = 0  # the last column used
    far: str = ""  # the cell that reaches farthest (row × column)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (cell, "#DIV/0!")
    unset: list[str] = field(default_factory=list)  # formulas without a stored value
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # ODS only
    controls: bool = True  # whether a text may hold a control character (False: surely not)

    @property
    def rectangle(self) -> int:
        return self.rows * self.columns


_NS = r"(?:[A-Za-z_][\w.-]*:)?"
# Attributes as XML allows them: either quote, spaces around "=".
# Any attribute named r or ending in r with a cell reference for value: in a
# worksheet, the cells' (a stray match only makes the survey stricter).
_CELL_REF = re.compile(rb"r\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
_ERROR_CELL = re.compile(rb"<" + _NS.encode() + rb"c\s([^>]*\bt\s*=\s*[\"']e[\"'][^>]*)>")
_FORMULA = re.compile(rb"<" + _NS.encode() + rb"f[\s/>]")
_CELL_END = re.compile(rb"</" + _NS.encode() + rb"c>")
_VALUE = re.compile(rb"<" + _NS.encode() + rb"v>([^<]*)<")
_REF = re.compile(rb"\br\s*=\s*[\"']([A-Z]{1,3}[0-9]{1,7})[\"']")
_TYPE_STR = re.compile(rb"\bt\s*=\s*[\"']str[\"']")
_TYPE_ERROR = re.compile(rb"\bt\s*=\s*[\"']e[\"']")


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_shapes(path: Path, kept: dict[str, bytes] | None = None) -> dict[str, Shape]:
    """The shape of each worksheet of an .xlsx, by sheet name. Call only
    once :func:`refusal` has passed the package (``kept``: the parts it kept)."""
    kept = kept or {}
    from defusedxml import ElementTree

    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    shapes: dict[str, Shape] = {}
    with zipfile.ZipFile(path) as package:
        names = {n.lower(): n for n in package.namelist()}
        book = names.get("xl/workbook.xml")
        rels = names.get("xl/_rels/workbook.xml.rels")
        if not book or not rels:
            return shapes
        targets = {
            r.get("Id"): r.get("Target", "")
            for r in ElementTree.fromstring(package.read(rels))
            if r.get("Id")
        }
        strings = names.get("xl/sharedstrings.xml")
        read = lambda part: kept.get(part) or package.read(part)  # noqa: E731
        shared = strings is not None and _maybe_controls(read(strings))
        for sheet in ElementTree.fromstring(package.read(book)).iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            target = targets.get(sheet.get(rel), "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            part = names.get(part.lower())
            if part:
                xml = read(part)
                shape = shapes[sheet.get("name", "")] = _xlsx_shape(xml)
                shape.controls = shared or _maybe_controls(xml)
    return shapes


# What a control character can look like in the XML of a workbook: the byte
# itself, Excel's _xHHHH_ escape, a character reference; U+FFFE and U+FFFF.
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))
_ESCAPED_CONTROL = re.compile(rb"_x(?:00[01][0-9A-Fa-f]|[Ff]{3}[EeFf])_")
_REFERENCED_CONTROL = re.compile(
    rb"&#(?:x0*(?:[0-9A-Fa-f]{1,2}|[Ff]{3}[EeFf])|0*[0-9]{1,2}|6553[45]);"
)


def _maybe_controls(xml: bytes) -> bool:
    """False when no text of this XML can hold a control character, so that
    the reader need not look at each cell (true for tab, newline and carriage
    return as well: only ever a little slower, never wrong)."""
    return (
        len(xml.translate(None, _CONTROL_BYTES)) != len(xml)
        or (b"\xef\xbf" in xml and (b"\xef\xbf\xbe" in xml or b"\xef\xbf\xbf" in xml))
        or (b"_x" in xml and _ESCAPED_CONTROL.search(xml) is not None)
        or (b"&#" in xml and _REFERENCED_CONTROL.search(xml) is not None)
    )


def _xlsx_shape(xml: bytes) -> Shape:
    shape = Shape()
    refs = _CELL_REF.findall(xml)
    if refs:
        widest = max(set(map(itemgetter(0), refs)), key=lambda c: (len(c), c))
        shape.columns = _column(widest)
        shape.rows = max(map(int, set(map(itemgetter(1), refs))))
        if shape.rectangle > MAX_RECTANGLE:  # name the cell that reaches farthest
            lowest = str(shape.rows).encode()
            far = next(c + r for c, r in reversed(refs) if r == lowest)
            if shape.columns > shape.rows:
                far = next(c + r for c, r in reversed(refs) if c == widest)
            shape.far = far.decode()
    # Each look through the XML costs: the rare spellings (single quotes, a
    # prefixed namespace) are looked for only when the part's start uses them
    # (a miss would only leave an error cell unnamed, read as empty).
    head = xml[:4096]  # the XML declaration and the root element
    quoted = b"'" in head
    prefixed = b"<worksheet" not in head  # <x:worksheet>: every tag may be prefixed
    errors = b'"e"' in xml or quoted and b"'e'" in xml
    for m in _ERROR_CELL.finditer(xml) if errors else ():
        ref = _REF.search(m[1])
        end = _CELL_END.search(xml, m.end())
        value = _VALUE.search(xml, m.end(), end.start() if end else len(xml))
        if ref:
            shape.errors.append((ref[1].decode(), value[1].decode() if value else "#N/A"))
    formulas = b"<f" in xml or prefixed and b":f" in xml
    for m in _FORMULA.finditer(xml) if formulas else ():
        start = xml.rfind(b"<", 0, m.start())  # the cell's start tag precedes <f>
        end = _CELL_END.search(xml, m.end())
        head = xml[start : xml.find(b">", start) + 1]
        ref = _REF.search(head)
        if not ref or end is None:
            continue
        value = _VALUE.search(xml, m.end(), end.start())
        stored = value is not None and (value[1] != b"" or _TYPE_STR.search(head))
        if not stored and not _TYPE_ERROR.search(head):
            shape.unset.append(ref[1].decode())
    return shape


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"


def ods_shapes(path: Path) -> dict[str, Shape]:
    """The shape of each table of an .ods (its ``content.xml``), by name,
    merged ranges included (calamine does not give them for this format).
    Repeated rows and columns are counted, never expanded."""
    from defusedxml import ElementTree

    t = lambda name: f"{{{_TABLE}}}{name}"  # noqa: E731
    shapes: dict[str, Shape] = {}
    shape, row = Shape(), 0
    with zipfile.ZipFile(path) as package, package.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if element.tag == t("table"):
                if event == "start":
                    shape, row = Shape(), 0
                    shapes[element.get(t("name"), "")] = shape
                continue
            if event != "end" or element.tag != t("table-row"):
                continue
            repeat = int(element.get(t("number-rows-repeated"), "1"))
            column, used = 0, 0
            for cell in element:
                span = int(cell.get(t("number-columns-repeated"), "1"))
                if cell.get(f"{{{_OFFICE}}}value-type") or len(cell):
                    used = column + span
                    ref = f"{column_letters(column + 1)}{row + 1}"
                    if cell.get(f"{{{_CALCEXT}}}value-type") == "error":
                        shape.errors.append((ref, "".join(cell.itertext()).strip() or "#N/A"))
                    rows_spanned = int(cell.get(t("number-rows-spanned"), "1"))
                    cols_spanned = int(cell.get(t("number-columns-spanned"), "1"))
                    if rows_spanned > 1 or cols_spanned > 1:
                        shape.merged.append(
                            (row + 1, column + 1, row + rows_spanned, column + cols_spanned)
                        )
                column += span
            if used:
                shape.rows = row + repeat
                if used > shape.columns or row + repeat >= shape.rows:
                    shape.far = f"{column_letters(used)}{row + repeat}"
                shape.columns = max(shape.columns, used)
            row += repeat
            element.clear()
    return shapes
