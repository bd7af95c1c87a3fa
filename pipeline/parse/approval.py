"""The other meetings of a data folder, as far as the approval of minutes
needs them: the « Séance » sheet of each, read for the minutes it approved
(« Procès-verbal précédent ») and how (« Vote du procès-verbal précédent »).

Only that sheet's fields are read, and each meeting once per run and per
process as long as its files do not change (a data folder of two hundred
meetings would otherwise read each of them two hundred times). Another
meeting that cannot be read, or whose Séance has an error, is just not
used: it must never break the meeting being built. So they are read in a
child process: a workbook that kills the reader kills only that child.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.contract import SHEETS
from pipeline.model import VoteRecord
from pipeline.parse.seance import read_seance, seance_fields
from pipeline.problems import Report
from pipeline.read.sources import MeetingSource, find_meetings, read_workbook
from pipeline.text import fold


@dataclass(frozen=True)
class Approval:
    """What another meeting's Séance says of the minutes it voted on."""

    body: str  # Organisme, folded
    instance: str  # Instance, folded
    date: dt.date  # of that meeting
    previous: dt.date  # the date of the minutes voted on
    vote: VoteRecord


# (folder, each file with its size and modification time) → what it says
_read: dict[tuple[Path, tuple[tuple[str, int, int], ...]], Approval | None] = {}
# (folder, its modification time and its sub-folders') → the meetings it holds:
# a meeting, or a workbook of one, added, removed or renamed changes one of them.
_found: dict[tuple[Path, int, tuple[int, ...]], list[MeetingSource]] = {}


def _meetings(folder: Path) -> list[MeetingSource]:
    """:func:`find_meetings` of ``folder``, listed again only when it changed."""
    with os.scandir(folder) as entries:
        stamps = tuple(sorted(e.stat().st_mtime_ns for e in entries if e.is_dir()))
    key = (folder, folder.stat().st_mtime_ns, stamps)
    if key not in _found:
        _found[key] = find_meetings(folder)
    return _found[key]


def neighbours(source: MeetingSource) -> list[MeetingSource]:
    """The other meetings of the data folder of ``source``: its sibling
    folders; for the meeting whose workbooks lie in data/ itself, the
    meetings of data/'s sub-folders."""
    try:
        inside = [m for m in _meetings(source.folder) if m.folder != source.folder]
        if inside:
            return inside
        return [m for m in _meetings(source.folder.parent) if m.folder != source.folder]
    except OSError:
        return []


def _key(source: MeetingSource) -> tuple[Path, tuple[tuple[str, int, int], ...]] | None:
    """What identifies a meeting's workbooks as they are now (None when one
    of them cannot be looked at)."""
    try:
        return (
            source.folder,
            tuple((p.name, (s := p.stat()).st_size, s.st_mtime_ns) for p in source.files),
        )
    except OSError:
        return None


def _safe_approval(source: MeetingSource) -> Approval | None:
    try:
        return _approval(source)
    except Exception:  # noqa: BLE001 - another meeting's fault is not this one's
        return None


def _read_apart(sources: list[MeetingSource]) -> list[Approval | None]:
    """:func:`_approval` of each source, read in a child process (Linux):
    a workbook of another meeting that kills the reader (python-calamine
    aborts the process on some crafted files, see pipeline/build.py) kills
    that child only. The child sends each result as soon as it has it; when
    it dies, the meeting it was reading is not used and a new child reads
    the rest. Elsewhere, the sources are read in this process."""
    if not sys.platform.startswith("linux"):
        return [_safe_approval(s) for s in sources]
    import python_calamine  # noqa: F401 - imported before the fork, not in the child

    results: list[Approval | None] = []
    while len(results) < len(sources):
        rest = sources[len(results) :]
        try:
            got = _child(rest)
        except OSError:  # no process to be had: these meetings are not used
            got = [None] * len(rest)
        results += got
        if len(got) < len(rest):
            results.append(None)  # the meeting whose reading killed the child
    return results


def _child(sources: list[MeetingSource]) -> list[Approval | None]:
    """The results a forked child sent before it ended, in order."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send, never return into the caller
        os.close(readable)
        try:
            with os.fdopen(writable, "wb") as out:
                for source in sources:
                    data = pickle.dumps(_safe_approval(source))
                    out.write(struct.pack("<I", len(data)) + data)
                    out.flush()
        finally:
            os._exit(0)
    os.close(writable)
    got: list[Approval | None] = []
    with os.fdopen(readable, "rb") as received:
        while (head := received.read(4)) and len(head) == 4:
            data = received.read(struct.unpack("<I", head)[0])
            got.append(pickle.loads(data))
    os.waitpid(pid, 0)
    return got


def _approval(source: MeetingSource) -> Approval | None:
    """The workbooks are opened one at a time, the one named after the sheet
    first (``seance.xlsx``, as ``make-minutes new`` writes it), until one
    holds the Séance sheet: opening a workbook is most of the cost."""
    report = Report()
    named = {fold(title) for title in SHEETS["seance"]}
    sheet = None
    for path in sorted(source.files, key=lambda p: (fold(p.stem) not in named, p.name)):
        sheet = next((s for s in read_workbook(path, report) if s.key == "seance"), None)
        if sheet is not None:
            break
    if sheet is None or any(
        p.place.file == sheet.file and p.place.sheet == sheet.name for p in report.errors
    ):
        return None
    mine = Report()
    seance = read_seance(seance_fields(sheet, mine), mine)
    if mine.errors or None in (seance.date, seance.previous, seance.previous_vote):
        return None
    return Approval(
        fold(seance.text("Organisme")),
        fold(seance.text("Instance")),
        seance.date,
        seance.previous,
        seance.previous_vote,
    )


def approvals(source: MeetingSource) -> list[Approval]:
    """What each other meeting of the data folder of ``source`` approved;
    those not read yet (or changed since) are read apart (:func:`_read_apart`)."""
    keyed = [(other, _key(other)) for other in neighbours(source)]
    keyed = [(other, key) for other, key in keyed if key is not None]
    unread = list({key: other for other, key in keyed if key not in _read}.items())
    if unread:
        _read.update(zip((k for k, _ in unread), _read_apart([o for _, o in unread]), strict=True))
    return [a for _, key in keyed if (a := _read[key]) is not None]
