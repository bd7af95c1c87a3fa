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
from dataclasses import dataclass
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


class Refusal(str):
    """Why a package must not be opened: the French message itself (a str,
    for the callers that print or wrap it), with its ``code`` (« area.what »)
    for the report. Empty, and falsy, when the package passes."""

    code: str

    def __new__(cls, message: str = "", code: str = "") -> Refusal:
        refusal = super().__new__(cls, message)
        refusal.code = code
        return refusal


class DamagedPart(zipfile.BadZipFile):
    """A part whose data is not what the zip directory announces: more or
    fewer bytes than its size, or another CRC."""


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


def read_part(package: zipfile.ZipFile, info: zipfile.ZipInfo | str) -> bytes:
    """The whole part, read as :func:`stream_part` reads it (called once
    :func:`refusal` has bounded the package's announced sizes)."""
    return b"".join(stream_part(package, info))


def _undecompressable(what: str) -> Refusal:
    return Refusal(f"{what} ne peut pas être décompressé : il est refusé.", "zip.cannot-decompress")


def refusal(
    path: Path, what: str, count_rows: bool, kept: dict[str, bytes] | None = None
) -> Refusal:
    """Why the package at ``path`` must not be opened (its message, with its
    ``code``), or "". ``what`` names it in the message ("ce classeur", "ce
    modèle"). ``kept``, when given, receives the XML parts of up to 32 Mo as
    they were scanned, for :func:`xlsx_shapes` not to expand them again."""
    undecompressable = _undecompressable(what)
    if path.stat().st_size > MAX_FILE_BYTES:
        return Refusal(
            f"{what} est trop volumineux (plus de {MAX_FILE_BYTES // 2**20} Mo).", "file.too-large"
        )
    try:
        package = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return Refusal()  # not a zip at all: the reader says what it is not
    except (OSError, RuntimeError, NotImplementedError, EOFError, zipfile.LargeZipFile):
        return undecompressable
    with package:
        try:
            return _judge(package, what, count_rows, kept)
        except (zipfile.BadZipFile, zlib.error, EOFError):  # a bad CRC, a lying size…
            return Refusal(f"{what} {DAMAGED}.", "zip.damaged")
        except (OSError, RuntimeError, NotImplementedError, zipfile.LargeZipFile):
            return undecompressable


def _judge(
    package: zipfile.ZipFile, what: str, count_rows: bool, kept: dict[str, bytes] | None = None
) -> Refusal:
    """Every part is streamed, whatever its name: the readers find parts by
    following relationships, not by their names."""
    infos = package.infolist()
    if len(infos) > MAX_ENTRIES:
        return Refusal(
            f"{what} contient un nombre anormal de parties : il est refusé.", "zip.too-many-parts"
        )
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        return Refusal(
            f"{what}, décompressé, dépasserait {MAX_UNCOMPRESSED_BYTES // 2**20} Mo : il est "
            "refusé sans être ouvert.",
            "zip.too-large-expanded",
        )
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return Refusal(
                f"{what} est anormalement compressé (possible « bombe zip ») : il est refusé "
                "sans être ouvert.",
                "zip.bomb",
            )
        if info.flag_bits & 1 or info.compress_type not in _METHODS:  # encrypted, or bzip2…
            return _undecompressable(what)
    declaring: list[zipfile.ZipInfo] = []  # perhaps images (an SVG logo with its DOCTYPE)
    for info in infos:
        keep = kept is not None and info.file_size <= KEPT_PART_BYTES
        found = _look(package, info, count_rows, kept if keep else None)
        if found.encoding:
            return Refusal(
                f"{what} contient une partie XML dans un codage inhabituel (« {found.encoding} ») : "
                "il est refusé ; ouvrez-le dans le logiciel qui l’a créé et enregistrez-le de "
                "nouveau.",
                "xml.encoding",
            )
        if found.declarations:
            if info.filename.lower().endswith((".xml", ".rels")):
                return Refusal(f"{what} {HOSTILE_XML}.", "xml.declaration")
            declaring.append(info)
        if found.merged > MAX_MERGED_CELLS:
            return Refusal(
                f"une feuille de {what} fusionne des plages démesurées (plus de "
                f"{MAX_MERGED_CELLS:,} cellules)".replace(",", "\u202f")
                + " : il est refusé sans être ouvert.",
                "sheet.too-many-merged-cells",
            )
        if found.rows > MAX_ROWS:
            return Refusal(
                f"une feuille de {what} a plus de {MAX_ROWS:,} lignes".replace(",", "\u202f")
                + " : aucune séance n’en a autant ; il est refusé.",
                "sheet.too-many-rows",
            )
        if found.sheets > MAX_SHEETS:
            return Refusal(
                f"{what} a plus de {MAX_SHEETS} feuilles : il est refusé.", "file.too-many-sheets"
            )
    if declaring:
        images = _images(package)
        if any(info.filename not in images for info in declaring):
            return Refusal(f"{what} {HOSTILE_XML}.", "xml.declaration")
        for info in declaring:  # their scan stopped at the declaration: checked to the end
            for _ in stream_part(package, info):
                pass
    return Refusal()


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


def column_number(letters: bytes) -> int:
    """The column of ``letters`` (either case), 1-based, as calamine counts
    it; past seven letters, far beyond the last column, :data:`HUGE`."""
    if len(letters) > 7:
        return HUGE
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def row_number(digits: bytes) -> int:
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
                        width = abs(column_number(m[3]) - column_number(m[1])) + 1
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
