"""The shape of each sheet, surveyed from its XML before the reader builds it."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from pipeline.zipguard import HUGE, column_number, row_number

# --- the shape of each sheet, before the reader builds it -------------------------------
#
# The reader (python-calamine) builds each sheet as a full rectangle, from the
# first to the last cell used: a lone value typed in XFD1048576 would ask for
# seventeen thousand million cells. So the sheets' XML is surveyed first, from
# the cells' own references, and a sheet whose rectangle would be absurd is
# refused before it is read. The survey also finds what calamine cannot tell
# from an empty cell: a formula that has no stored result, and a formula error.
#
# It places the cells as calamine does (src/xlsx/cells_reader.rs): a cell's
# r="XFD3" in either case, leading zeros allowed; a cell without r= in the row
# of its <row> (its r=, or one past the row before) and the column after the
# cell before it. When every cell tag reads <c r="…", the references alone
# tell (a look at the bytes); otherwise the cells are walked one by one.

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
# A cell tag whose first attribute is not r="…" (calamine reads the first r),
# and a cell tag with a namespace prefix: either sends the survey to the walk.
_OTHER_CELL = re.compile(rb'<c(?=[ \t\r\n/>])(?! r=")')
_PREFIXED_CELL = re.compile(rb"<[^\s/>:]*:c[ \t\r\n/>]")
_FIRST_REF = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"')
_ERROR_CELL = re.compile(rb"<" + _NS.encode() + rb"c\s([^>]*\bt\s*=\s*[\"']e[\"'][^>]*)>")
_FORMULA = re.compile(rb"<" + _NS.encode() + rb"f[\s/>]")
_CELL_END = re.compile(rb"</" + _NS.encode() + rb"c>")
_VALUE = re.compile(rb"<" + _NS.encode() + rb"v>([^<]*)<")
_REF = re.compile(rb"\br\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7})[\"']")
_TYPE_STR = re.compile(rb"\bt\s*=\s*[\"']str[\"']")
_TYPE_ERROR = re.compile(rb"\bt\s*=\s*[\"']e[\"']")


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


FAR_CELL = "sheet.far-cell"  # the code of the problem :func:`far_away` words


def far_away(shape: Shape) -> str:
    """What to say, in French, of a sheet whose rectangle passes
    :data:`MAX_RECTANGLE` because of the cell ``shape.far``."""
    rows = f"{shape.rows:,}".replace(",", "\u202f")
    return (
        f"valeur isolée très loin du tableau (la feuille irait jusqu’à la ligne {rows} et la "
        f"colonne {column_letters(shape.columns)}) : videz cette cellule."
    )


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
    if _OTHER_CELL.search(xml) or b":c" in xml and _PREFIXED_CELL.search(xml):
        _walk(xml, shape)
    elif refs := _FIRST_REF.findall(xml):
        letters, digits = set(map(itemgetter(0), refs)), set(map(itemgetter(1), refs))
        shape.columns = column_number(max(letters, key=lambda c: (len(c), c.upper())))
        try:
            shape.rows = min(max(map(int, digits)), HUGE)
        except ValueError:  # thousands of digits
            shape.rows = HUGE
        if shape.rectangle > MAX_RECTANGLE:  # name the cell that reaches farthest
            row, column = next(
                (row_number(r), column_number(c))
                for c, r in reversed(refs)
                if (
                    column_number(c) == shape.columns
                    if shape.columns > shape.rows
                    else row_number(r) == shape.rows
                )
            )
            shape.far = f"{column_letters(column)}{row}"
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
            shape.errors.append((ref[1].decode().upper(), value[1].decode() if value else "#N/A"))
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
            shape.unset.append(ref[1].decode().upper())
    return shape


class _Done(Exception):
    """The walk is over: sheetData closed, or a reference calamine stops at."""


MAX_WALKED = 5_000_000  # elements the walk goes through (a sheet of a meeting: far fewer)


class _Walk:
    """Handlers for an XML parser that place each cell of sheetData as
    calamine does (see above); what lies inside a cell is skipped, as
    calamine reads only its value. Empty cells count too: an upper bound."""

    def __init__(self, shape: Shape):
        self.shape, self.started = shape, False
        self.row = self.col = 0  # calamine's row_index and col_index, 0-based
        self.inside = 0  # depth inside a cell
        self.elements = 0
        self.lowest = self.widest = (0, 0)  # the last cells in the last row, column

    def start(self, name: str, attrib: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_WALKED:
            raise ValueError("too many XML elements to place the cells")
        if self.inside:
            self.inside += 1
            return
        name = name.partition(":")[2] or name  # the local name, as quick-xml takes it
        if not self.started:
            self.started = name == "sheetData"
        elif name == "row" and "r" in attrib:
            self.row = _reference(attrib["r"], cell=False)[0] - 1
        elif name == "c":
            self.inside = 1
            row, col = self.row + 1, self.col + 1
            if "r" in attrib:
                row, col = _reference(attrib["r"], cell=True)
                self.col = col - 1
            shape = self.shape
            if row >= shape.rows:
                shape.rows, self.lowest = row, (row, col)
            if col >= shape.columns:
                shape.columns, self.widest = col, (row, col)

    def end(self, name: str) -> None:
        if self.inside:
            self.inside -= 1
            self.col += not self.inside
            return
        name = name.partition(":")[2] or name
        if self.started and name == "row":
            self.row, self.col = self.row + 1, 0
        elif self.started and name == "sheetData":
            raise _Done

    def name_far(self) -> None:
        """Names the cell that reaches farthest, as the quick survey does."""
        shape = self.shape
        row, col = self.widest if shape.columns > shape.rows else self.lowest
        shape.far = f"{column_letters(col)}{row}" if shape.rectangle else ""


_A1 = re.compile(r"([A-Za-z]*)([0-9]+)")


def _reference(text: str, cell: bool) -> tuple[int, int]:
    """(row, column), 1-based, of an r= value read as calamine reads it; a
    value calamine stops at ends the walk (nothing after it is read)."""
    m = _A1.fullmatch(text)
    if not m or cell and not m[1] or not row_number(m[2].encode()):
        raise _Done
    return row_number(m[2].encode()), column_number(m[1].encode())


def _no_dtd(name: str, sysid: str | None, pubid: str | None, _internal: bool) -> None:
    from defusedxml import DTDForbidden

    raise DTDForbidden(name, sysid, pubid)


def _no_entity(
    name: str, _param: bool, value: str | None, base: str | None, *ids: str | None
) -> None:
    from defusedxml import EntitiesForbidden

    raise EntitiesForbidden(name, value, base, *ids)


def _walk(xml: bytes, shape: Shape) -> None:
    """The slow survey, through expat with names as calamine reads them
    (prefixes kept, no namespace checked). A part that is not well-formed
    XML, or of more than :data:`MAX_WALKED` elements, is refused as
    unreadable (ValueError); a DTD or an entity, as hostile."""
    from xml.parsers import expat

    walk = _Walk(shape)
    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = walk.start, walk.end
    parser.StartDoctypeDeclHandler, parser.EntityDeclHandler = _no_dtd, _no_entity
    try:
        parser.Parse(xml, True)
    except _Done:
        pass
    except expat.ExpatError as exc:
        raise ValueError("a sheet that is not well-formed XML") from exc
    walk.name_far()


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


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
