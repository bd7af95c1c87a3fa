"""Judging a zip package (a workbook or a .docx template) before any of it
is parsed: from its directory and a streamed scan of every part, never by
expanding it. Used by the reader for workbooks and by the renderer for
templates. Every part is read through :func:`stream_part`, which never
inflates more than the zip directory announces and checks each part's CRC:
once :func:`refusal` has passed a package, its parts are what it announces,
and reading them (with zipfile, python-docx or python-calamine) costs no
more than their announced sizes."""

from __future__ import annotations

import codecs
import contextlib
import copy
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
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
DAMAGED = (
    "est endommagé (une de ses parties ne correspond pas à la taille ou à la somme de contrôle "
    "que le fichier annonce) : il est refusé ; demandez-en une copie intacte, ou ouvrez-le dans "
    "le logiciel qui l’a créé et enregistrez-le de nouveau"
)
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_MERGE = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"'
)
_OVERLAP = 128  # longer than any tag the scans look for


KEPT_PART_BYTES = 32 * 2**20  # parts kept for the survey that follows
PART_CHUNK = 2**20  # bytes inflated at a time
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # all an office suite writes


class DamagedPart(zipfile.BadZipFile):
    """A part whose data is not what the zip directory announces: more or
    fewer bytes than its size, or another CRC."""


class PartTooLarge(zipfile.BadZipFile):
    """A part announced larger than its reader accepts."""


def stream_part(
    package: zipfile.ZipFile, info: zipfile.ZipInfo | str, chunk: int = PART_CHUNK
) -> Iterator[bytes]:
    """The bytes of one part, ``chunk`` at a time, checked against the zip
    directory. zipfile trusts the announced size only after inflating (its
    ``read()`` inflates up to 2 GiB at once) and stops silently at it: here,
    at most one byte more than announced is ever inflated, and a part longer
    or shorter than announced, or whose CRC differs, raises
    :class:`DamagedPart` (a :class:`zipfile.BadZipFile`)."""
    if isinstance(info, str):
        info = package.getinfo(info)
    if info.compress_type not in _METHODS:
        raise NotImplementedError(f"compression {info.compress_type}")
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1  # room for one byte more: a lie shows
    total = 0
    with package.open(probe) as stream:
        while data := stream.read(chunk):
            total += len(data)
            if total > info.file_size:
                raise DamagedPart(f"{info.filename}: longer than announced")
            yield data
    if total != info.file_size:
        raise DamagedPart(f"{info.filename}: shorter than announced")


def read_part(
    package: zipfile.ZipFile, info: zipfile.ZipInfo | str, limit: int = MAX_UNCOMPRESSED_BYTES
) -> bytes:
    """The whole part, read as :func:`stream_part` reads it; a part announced
    larger than ``limit`` bytes raises :class:`PartTooLarge` unread."""
    if isinstance(info, str):
        info = package.getinfo(info)
    if info.file_size > limit:
        raise PartTooLarge(f"{info.filename}: {info.file_size} bytes")
    return b"".join(stream_part(package, info))


def refusal(path: Path, what: str, count_rows: bool, kept: dict[str, bytes] | None = None) -> str:
    """Why the package at ``path`` must not be opened, or "". ``what`` names
    it in the message ("ce classeur", "ce modèle"). ``kept``, when given,
    receives the XML parts of up to 32 Mo as they were scanned, for
    :func:`xlsx_shapes` not to expand them again."""
    undecompressable = f"{what} ne peut pas être décompressé : il est refusé."
    if path.stat().st_size > MAX_FILE_BYTES:
        return f"{what} est trop volumineux (plus de {MAX_FILE_BYTES // 2**20} Mo)."
    try:
        package = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return ""  # not a zip at all: the reader says what it is not
    except (OSError, RuntimeError, NotImplementedError, EOFError, zipfile.LargeZipFile):
        return undecompressable
    with package:
        try:
            return _judge(package, what, count_rows, kept)
        except (zipfile.BadZipFile, zlib.error, EOFError):  # a bad CRC, a lying size…
            return f"{what} {DAMAGED}."
        except (OSError, RuntimeError, NotImplementedError, zipfile.LargeZipFile):
            return undecompressable


def _judge(
    package: zipfile.ZipFile, what: str, count_rows: bool, kept: dict[str, bytes] | None = None
) -> str:
    """Every part is streamed, whatever its name: the readers find parts by
    following relationships, not by their names."""
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
        if info.flag_bits & 1 or info.compress_type not in _METHODS:
            return f"{what} ne peut pas être décompressé : il est refusé."  # encrypted, or bzip2…
    declaring: list[zipfile.ZipInfo] = []  # perhaps images (an SVG logo with its DOCTYPE)
    for info in infos:
        keep = kept is not None and info.file_size <= KEPT_PART_BYTES
        found = _look(package, info, count_rows, kept if keep else None)
        if found.encoding:
            return (
                f"{what} contient une partie XML dans un codage inhabituel (« {found.encoding} ») : "
                "il est refusé ; ouvrez-le dans le logiciel qui l’a créé et enregistrez-le de "
                "nouveau."
            )
        if found.declarations:
            if info.filename.lower().endswith((".xml", ".rels")):
                return f"{what} {HOSTILE_XML}."
            declaring.append(info)
        if found.merged > MAX_MERGED_CELLS:
            return (
                f"une feuille de {what} fusionne des plages démesurées (plus de "
                f"{MAX_MERGED_CELLS:,} cellules)".replace(",", "\u202f")
                + " : il est refusé sans être ouvert."
            )
        if found.rows > MAX_ROWS:
            return (
                f"une feuille de {what} a plus de {MAX_ROWS:,} lignes".replace(",", "\u202f")
                + " : aucune séance n’en a autant ; il est refusé."
            )
        if found.sheets > MAX_SHEETS:
            return f"{what} a plus de {MAX_SHEETS} feuilles : il est refusé."
    if declaring:
        images = _images(package)
        if any(info.filename not in images for info in declaring):
            return f"{what} {HOSTILE_XML}."
        for info in declaring:  # their scan stopped at the declaration: checked to the end
            for _ in stream_part(package, info):
                pass
    return ""


_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def _images(package: zipfile.ZipFile) -> set[str]:
    """The parts that [Content_Types].xml declares as images and that no
    relationship but an image one points to: no parser of ours reads them
    as XML (a logo saved as SVG may begin with a DOCTYPE). Called once every
    part has been judged, so that these small parts are parsed safely."""
    from defusedxml import ElementTree

    names = {n.lower(): n for n in package.namelist()}
    try:
        types = ElementTree.fromstring(read_part(package, names["[content_types].xml"]))
        defaults, overrides = {}, {}
        for e in types:
            if e.tag.endswith("}Default"):
                defaults[e.get("Extension", "").lower()] = e.get("ContentType", "")
            elif e.tag.endswith("}Override"):
                overrides[e.get("PartName", "").lstrip("/").lower()] = e.get("ContentType", "")
        images = {
            lower
            for lower in names
            if overrides.get(lower, defaults.get(lower.rsplit(".", 1)[-1], "")).startswith("image/")
        }
        for lower, name in names.items():
            if not lower.endswith(".rels"):
                continue
            folder = posixpath.dirname(posixpath.dirname(lower))  # a/_rels/b.xml.rels: a
            for rel in ElementTree.fromstring(read_part(package, name)):
                target = rel.get("Target", "")
                if rel.get("TargetMode") == "External" or rel.get("Type") == _IMAGE_REL:
                    continue
                path = target if target.startswith("/") else posixpath.join("/", folder, target)
                images.discard(posixpath.normpath(path).lstrip("/").lower())
    except (KeyError, SyntaxError, ValueError):  # no or broken types: nothing exempted
        return set()
    return {names[lower] for lower in images}


@dataclass
class _Found:
    """What the scan of one part found."""

    declarations: bool = False  # a DOCTYPE or ENTITY declaration
    rows: int = 0  # row tags
    merged: int = 0  # cells covered by merged ranges
    sheets: int = 0  # sheet tags (a workbook's list of sheets)
    encoding: str = ""  # the encoding of an XML part that no reader should be trusted with


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


HUGE = 2**32  # a row or column past what the reader counts (u32): refused whatever it is


_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")


def _count_sheets(data: bytes) -> int:
    """The sheet tags of ``data`` (a workbook's list of its sheets)."""
    return len(_SHEET.findall(data)) if b"sheet" in data else 0


def _count_sheets_at_most(data: bytes) -> int:
    """At least as many as :func:`_count_sheets` ("sheet" anywhere), at the
    speed of bytes.count: a worksheet says it a few times, in its head."""
    return data.count(b"sheet")


def _column(letters: bytes) -> int:
    """The column of ``letters`` (either case), 1-based, as calamine counts
    it; past seven letters, far beyond the last column, :data:`HUGE`."""
    if len(letters) > 7:
        return HUGE
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _number(digits: bytes) -> int:
    """The row of ``digits`` (leading zeros allowed); past ten digits, :data:`HUGE`."""
    digits = digits.lstrip(b"0")
    return int(digits or b"0") if len(digits) <= 10 else HUGE


# XML in UTF-16 or UTF-32 (the parsers read it, with or without a byte order
# mark): decoded before it is scanned. First four bytes, codec.
_WIDE = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
# Encodings in which "<!DOCTYPE" is written in plain ASCII (once UTF-16 and
# UTF-32 are decoded), as Python's codecs name them: the scan sees it. Any
# other (UTF-7, EBCDIC…) is refused.
_SAFE_ENCODINGS = re.compile(r"utf-8|ascii|utf-(?:16|32)(?:-[lb]e)?|iso8859-\d+|cp125\d")


def _decoder(head: bytes) -> tuple[Callable[[bytes], bytes] | None, str]:
    """How to scan a part that begins with ``head``: a function giving its
    chunks as UTF-8 (None: the bytes as they are), and, for an XML part in
    an encoding the scan cannot read, that encoding's name."""
    if head.startswith(b"\x4c\x6f\xa7\x94"):  # "<?xm" in EBCDIC
        return None, "EBCDIC"
    codec = next((c for start, c in _WIDE if head.startswith(start)), "")
    decode = None
    if codec:
        decoder = codecs.getincrementaldecoder(codec)("replace")
        decode = lambda raw: decoder.decode(raw).encode("utf-8")  # noqa: E731
        head = codecs.decode(head[:4096], codec, "replace").encode("utf-8")
    declared = _XML_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if declared:
        name = declared[1].decode("ascii", "replace")
        try:
            safe = codecs.lookup(name).name
        except LookupError:
            return decode, name
        if not _SAFE_ENCODINGS.fullmatch(safe):
            return decode, name
    return decode, ""


def _is_xml(text: bytes) -> bool:
    """Whether a part that begins with ``text`` (as UTF-8) can be XML."""
    return text.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


def _look(
    package: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    count_rows: bool,
    kept: dict[str, bytes] | None = None,
    exact: bool = False,
) -> _Found:
    """Streams one part, whatever its name or content (a sheet is a sheet
    to the reader whatever it is called): its declarations, and with
    ``count_rows`` its row and sheet tags and merged cells; an XML part found
    sound is put in ``kept``. Row and sheet tags are first counted from above
    ("<row" in any tag name, "sheet" anywhere): only a part that seems to pass
    a limit is counted again, exactly."""
    count = _count_rows if exact else _count_rows_at_most
    sheets = _count_sheets if exact else _count_sheets_at_most
    found, tail, chunks = _Found(), b"", []
    decode: Callable[[bytes], bytes] | None = None
    with contextlib.closing(stream_part(package, info)) as stream:
        for number, raw in enumerate(stream):
            if number == 0:
                decode, found.encoding = _decoder(raw[:4096])
                if found.encoding:
                    return found
            text = decode(raw) if decode else raw
            if number == 0 and not _is_xml(text[:4096]):
                kept = None  # an image, say: not for the survey
            data = tail + text
            if kept is not None:
                chunks.append(raw)
            if b"<!" in data and _DECLARATION.search(data):
                found.declarations = True
                return found
            if count_rows:
                # Count each tag once: those lying in the tail were counted already.
                found.rows += count(data) - count(tail)
                for m in _MERGE.finditer(data) if b"mergeCell" in data else ():
                    if m.end() > len(tail) and m[3]:
                        width = abs(_column(m[3]) - _column(m[1])) + 1
                        found.merged += width * (abs(int(m[4]) - int(m[2])) + 1)
                found.sheets += sheets(data) - sheets(tail)
                if (found.rows > MAX_ROWS or found.sheets > MAX_SHEETS) and not exact:
                    return _look(package, info, count_rows, kept, exact=True)
                if found.rows > MAX_ROWS or found.sheets > MAX_SHEETS:
                    return found
                if found.merged > MAX_MERGED_CELLS:
                    return found
            tail = data[-_OVERLAP:]
    if kept is not None:
        kept[info.filename] = b"".join(chunks)
    return found


def _scan(
    package: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    count_rows: bool,
    kept: dict[str, bytes] | None = None,
    exact: bool = False,
) -> tuple[bool, int, int]:
    """(has a DOCTYPE or ENTITY declaration, row tags, cells covered by
    merged ranges) of one part, as :func:`_look` finds them."""
    found = _look(package, info, count_rows, kept, exact)
    return found.declarations, found.rows, found.merged


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
        shape.columns = _column(max(letters, key=lambda c: (len(c), c.upper())))
        try:
            shape.rows = min(max(map(int, digits)), HUGE)
        except ValueError:  # thousands of digits
            shape.rows = HUGE
        if shape.rectangle > MAX_RECTANGLE:  # name the cell that reaches farthest
            row, column = next(
                (_number(r), _column(c))
                for c, r in reversed(refs)
                if (
                    _column(c) == shape.columns
                    if shape.columns > shape.rows
                    else _number(r) == shape.rows
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
    if not m or cell and not m[1] or not _number(m[2].encode()):
        raise _Done
    return _number(m[2].encode()), _column(m[1].encode())


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
