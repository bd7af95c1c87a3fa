"""Judging a zip package (a workbook or a .docx template) before any of it
is parsed: from its directory and a streamed scan of its XML, never by
expanding it. Used by the reader for workbooks and by the renderer for
templates."""

from __future__ import annotations

import re
import zipfile
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
# A row element, with or without a namespace prefix, whatever white space follows.
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")
_MERGE = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"'
)
_OVERLAP = 128  # longer than any tag the scans look for


def refusal(path: Path, what: str, count_rows: bool) -> str:
    """Why the package at ``path`` must not be opened, or "". ``what`` names
    it in the message ("ce classeur", "ce modèle")."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return f"{what} est trop volumineux (plus de {MAX_FILE_BYTES // 2**20} Mo)."
    try:
        with zipfile.ZipFile(path) as package:
            return _judge(package, what, count_rows)
    except zipfile.BadZipFile:
        return ""  # not a zip at all: the reader says what it is not
    except (OSError, RuntimeError, NotImplementedError, EOFError, zipfile.LargeZipFile):
        return f"{what} ne peut pas être décompressé : il est refusé."


def _judge(package: zipfile.ZipFile, what: str, count_rows: bool) -> str:
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
        declarations, rows, merged = _scan(package, info, count_rows)
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


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _scan(
    package: zipfile.ZipFile, info: zipfile.ZipInfo, count_rows: bool
) -> tuple[bool, int, int]:
    """Streams one XML part: (has a DOCTYPE or ENTITY declaration, row tags,
    cells covered by merged ranges)."""
    rows, merged, tail = 0, 0, b""
    with package.open(info) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            if _DECLARATION.search(data):
                return True, rows, merged
            if count_rows:
                # Count each tag once: those ending in the new bytes.
                rows += sum(1 for m in _ROW.finditer(data) if m.end() > len(tail))
                for m in _MERGE.finditer(data):
                    if m.end() > len(tail) and m[3]:
                        width = abs(_column(m[3]) - _column(m[1])) + 1
                        merged += width * (abs(int(m[4]) - int(m[2])) + 1)
                if rows > MAX_ROWS or merged > MAX_MERGED_CELLS:
                    return False, rows, merged
            tail = data[-_OVERLAP:]
    return False, rows, merged
