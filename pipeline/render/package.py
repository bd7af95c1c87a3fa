"""Reproducible .docx packages: every zip entry stamped with the meeting's
date and the core properties fixed, so that the same meeting gives the same
bytes; parts compressed once and copied into many documents."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

_CORE = "docProps/core.xml"


def reproducible(docx: bytes, when: dt.datetime) -> bytes:
    """The same document with every zip entry stamped ``when`` and the core
    properties (created, modified, last modified by, revision) fixed, so that
    two builds of the same meeting give identical bytes."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        parts = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    return reproducible_parts(parts, when)


@dataclass(frozen=True)
class Packed:
    """A part compressed once (as zipfile compresses it), to be written as is
    into many documents: the unchanged parts of a template."""

    content: bytes
    crc: int
    data: bytes


def pack(content: bytes) -> Packed:
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Packed(content, zlib.crc32(content), compressor.compress(content) + compressor.flush())


def reproducible_parts(parts: list[tuple[str, bytes | Packed]], when: dt.datetime) -> bytes:
    """The .docx of these parts, in this order, stamped as :func:`reproducible`
    does; a :class:`Packed` part is copied without being compressed again,
    giving the same bytes as if it had been."""
    # A zip stamp holds 1980 to 2107 only.
    stamp = min(max(when, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31, 23, 59, 58))
    stamp = stamp.timetuple()[:6]
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts:
            if isinstance(content, Packed) and name == _CORE:
                content = content.content
            if name == _CORE:
                content = _fix_core(content.decode("utf-8"), iso).encode("utf-8")
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            if isinstance(content, Packed):
                _write_packed(target, entry, content)
            else:
                target.writestr(entry, content)
    return out.getvalue()


def _write_packed(target: zipfile.ZipFile, entry: zipfile.ZipInfo, part: Packed) -> None:
    """What ``writestr`` writes for this entry, from data compressed already.
    zipfile has no public way to do it: this mirrors ``ZipFile._open_to_write``
    and ``_ZipWriteFile.close`` (a test compares the bytes with writestr's)."""
    entry.file_size, entry.compress_size, entry.CRC = len(part.content), len(part.data), part.crc
    entry.flag_bits = 0
    target.fp.seek(target.start_dir)
    entry.header_offset = target.fp.tell()
    target.fp.write(entry.FileHeader(False))
    target.fp.write(part.data)
    target.start_dir = target.fp.tell()
    target.filelist.append(entry)
    target.NameToInfo[entry.filename] = entry
    target._didModify = True


def _fix_core(xml: str, iso: str) -> str:
    for tag in ("dcterms:created", "dcterms:modified"):
        xml = re.sub(rf"(<{tag}[^>]*>)[^<]*(</{tag}>)", rf"\g<1>{iso}\g<2>", xml)
    xml = re.sub(
        r"<cp:lastModifiedBy\s*/>|<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>",
        "<cp:lastModifiedBy>make-minutes</cp:lastModifiedBy>",
        xml,
    )
    return re.sub(r"<cp:revision>[^<]*</cp:revision>", "<cp:revision>1</cp:revision>", xml)
