"""The other meetings of a data folder, as far as a meeting needs them:
the « Séance » sheet of each, read for the minutes it approved
(« Procès-verbal précédent ») and how (« Vote du procès-verbal précédent »),
and the act numbers it gives (« Numéro d'acte » of « Délibérations », or
« Numérotation » and « Premier numéro » of Séance: one number for the body,
whatever the meeting, pipeline.law.acts), with what a meeting needs to
continue the year's sequence of numbers made from « Numérotation »
(:func:`numbered`: its Instance, pattern, « Premier numéro » and the places
of its made numbers in its sequence).

Only those sheets are read, of the rows only N° and Numéro d'acte, and each
meeting once per run and per process as long as its files do not change (a
data folder of two hundred meetings would otherwise read each of them two
hundred times). Another meeting that cannot be read is just not used: it
must never break the meeting being built. So they are read in a child
process: a workbook that kills the reader kills only that child. One whose
Séance has an error approves nothing; it still gives the act numbers that
can be read (those of the rows whose N° reads, once its Organisme reads):
the platform would refuse them just the same, and a clash said now saves a
refusal later.
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
from pipeline.law.acts import (
    Continued,
    Link,
    MeetingActs,
    Numbering,
    act_uses,
    chain,
    clashes,
    report_link,
    settle,
    unknown_placeholders,
)
from pipeline.model import Deliberation, VoteRecord
from pipeline.parse import values
from pipeline.parse.acts import number_acts
from pipeline.parse.seance import Seance, read_seance, seance_fields
from pipeline.parse.tables import table
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell, MeetingSource, Sheet, find_meetings, read_workbook
from pipeline.text import fold


@dataclass(frozen=True)
class Approval:
    """What another meeting's Séance says of the minutes it voted on."""

    body: str  # Organisme, folded
    instance: str  # Instance, folded
    date: dt.date  # of that meeting
    previous: dt.date  # the date of the minutes voted on
    vote: VoteRecord


@dataclass(frozen=True)
class Neighbour:
    """Another meeting of the data folder, as far as a meeting needs it."""

    approval: Approval | None  # None: it approves no minutes, or its Séance has an error
    acts: MeetingActs | None  # None: its Organisme cannot be read


# (folder, each file with its size and modification time) → what it says
_read: dict[tuple[Path, tuple[tuple[str, int, int], ...]], Neighbour | None] = {}
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
    """The other meetings of the data folder of ``source`` (the one it was
    found in: never a folder above it): its sibling folders; for the
    meeting whose workbooks lie in data/ itself, the meetings of data/'s
    sub-folders."""
    try:
        data = source.data or source.folder.parent
        return [m for m in _meetings(data) if m.folder != source.folder]
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


def _safe_neighbour(source: MeetingSource) -> Neighbour | None:
    try:
        return _neighbour(source)
    except Exception:  # noqa: BLE001 - another meeting's fault is not this one's
        return None


def _read_apart(sources: list[MeetingSource]) -> list[Neighbour | None]:
    """:func:`_neighbour` of each source, read in a child process (Linux):
    a workbook of another meeting that kills the reader (python-calamine
    aborts the process on some crafted files, see pipeline/build.py) kills
    that child only. The child sends each result as soon as it has it; when
    it dies, the meeting it was reading is not used and a new child reads
    the rest. Elsewhere, the sources are read in this process."""
    if not sys.platform.startswith("linux"):
        return [_safe_neighbour(s) for s in sources]
    import python_calamine  # noqa: F401 - imported before the fork, not in the child

    results: list[Neighbour | None] = []
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


def _child(sources: list[MeetingSource]) -> list[Neighbour | None]:
    """The results a forked child sent before it ended, in order."""
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send, never return into the caller
        os.close(readable)
        try:
            with os.fdopen(writable, "wb") as out:
                for source in sources:
                    data = pickle.dumps(_safe_neighbour(source))
                    out.write(struct.pack("<I", len(data)) + data)
                    out.flush()
        finally:
            os._exit(0)
    os.close(writable)
    got: list[Neighbour | None] = []
    with os.fdopen(readable, "rb") as received:
        while (head := received.read(4)) and len(head) == 4:
            data = received.read(struct.unpack("<I", head)[0])
            got.append(pickle.loads(data))
    os.waitpid(pid, 0)
    return got


def _neighbour(source: MeetingSource) -> Neighbour | None:
    """What another meeting says, from its Séance and Délibérations sheets."""
    report = Report()
    sheets = _sheets(source, report)
    sheet = sheets.get("seance")
    if sheet is None:
        return None
    mine = Report()
    seance = read_seance(seance_fields(sheet, mine), mine)
    broken = mine.errors or any(
        p.place.file == sheet.file and p.place.sheet == sheet.name for p in report.errors
    )
    return Neighbour(
        None if broken else _approval(seance),
        _acts(source, seance, sheets.get("deliberations")),
    )


def _sheets(source: MeetingSource, report: Report) -> dict[str, Sheet]:
    """The Séance and Délibérations sheets. The workbooks are opened one at
    a time, those named after them first (``seance.xlsx``,
    ``deliberations.xlsx``, as ``make-minutes new`` writes them), until both
    are found: opening a workbook is most of the cost."""
    wanted = ("seance", "deliberations")
    named = [{fold(title) for title in SHEETS[key]} for key in wanted]

    def order(path: Path) -> tuple[int, str]:
        rank = next((i for i, names in enumerate(named) if fold(path.stem) in names), len(named))
        return rank, path.name

    found: dict[str, Sheet] = {}
    for path in sorted(source.files, key=order):
        for sheet in read_workbook(path, report):
            if sheet.key in wanted:
                found.setdefault(sheet.key, sheet)
        if len(found) == len(wanted):
            break
    return found


def _approval(seance: Seance) -> Approval | None:
    """What the Séance says of the minutes it voted on, if it voted on some."""
    if None in (seance.date, seance.previous, seance.previous_vote):
        return None
    return Approval(
        fold(seance.text("Organisme")),
        fold(seance.text("Instance")),
        seance.date,
        seance.previous,
        seance.previous_vote,
    )


def _acts(source: MeetingSource, seance: Seance, sheet: Sheet | None) -> MeetingActs | None:
    """The act numbers of the rows whose N° reads, typed or made from
    « Numérotation » by the code that numbers the meeting being built."""
    body = fold(seance.text("Organisme"))
    if not body:
        return None
    scratch = Report()  # that meeting's problems are its own
    items = []
    for row in table(sheet, scratch) if sheet is not None else ():
        cell = row.cells.get("numero")
        number = values.whole(cell, scratch, 1) if cell is not None else None
        if number is None:
            continue
        typed = values.text(row.cells["numero_acte"]) if "numero_acte" in row.cells else ""
        items.append(Deliberation(number, "", (), (), (), None, "", row.place, act_number=typed))
    numbering = None
    if seance.date is not None:
        first = seance.first_number or 1
        items = number_acts(items, seance.cell("Numérotation"), first, seance.date, scratch)
        if offsets := tuple(i for i, d in enumerate(items) if d.numbering is not None):
            instance = fold(seance.text("Instance"))
            pattern = seance.text("Numérotation")
            numbering = Numbering(instance, pattern, seance.first_number, offsets)
    return MeetingActs(source.name, body, seance.date, tuple(act_uses(items)), numbering)


def _told(sources: list[MeetingSource]) -> list[Neighbour | None]:
    """What each of ``sources`` says (None: it cannot be read), in order;
    those not read yet (or changed since) are read apart
    (:func:`_read_apart`)."""
    keyed = [(other, _key(other)) for other in sources]
    unread = {key: other for other, key in keyed if key is not None and key not in _read}
    if unread:
        _read.update(zip(unread, _read_apart(list(unread.values())), strict=True))
    return [None if key is None else _read[key] for _, key in keyed]


def _neighbours(source: MeetingSource) -> list[Neighbour]:
    """What each other meeting of the data folder of ``source`` says."""
    return [n for n in _told(neighbours(source)) if n is not None]


def approvals(source: MeetingSource) -> list[Approval]:
    """What each other meeting of the data folder of ``source`` approved."""
    return [n.approval for n in _neighbours(source) if n.approval is not None]


def neighbour_acts(source: MeetingSource, me: MeetingActs | None = None) -> list[MeetingActs]:
    """The act numbers each other meeting of the data folder of ``source``
    gives, with its name, date and body; those made from « Numérotation »
    along the sequence of their year (:func:`pipeline.law.acts.settle`),
    which may run through ``source``: ``me`` says how it numbers; without
    it, ``source`` is read as the others are (only when one of them makes
    numbers from a pattern)."""
    others = [n.acts for n in _neighbours(source) if n.acts is not None]
    if me is None and any(o.numbering is not None for o in others):
        (itself,) = _told([source])
        me = itself.acts if itself is not None else None
    return settle(others if me is None else [*others, me])[: len(others)]


def numbered(
    source: MeetingSource, seance: Seance, deliberations: list[Deliberation], report: Report
) -> tuple[list[Deliberation], Continued | None]:
    """The deliberations of the meeting of ``source`` held on ``seance.date``
    with their act numbers (:func:`number_acts`): a « Numérotation » with no
    « Premier numéro » continues the sequence of the meeting before in the
    year (:func:`pipeline.law.acts.chain`: same body, Instance and pattern);
    then what that calls for (:func:`pipeline.law.acts.report_link`). The
    other meetings are read only when there is a pattern and something to
    number. With them, when « Premier numéro » is empty and the numbers
    made continue a meeting before, what
    :func:`pipeline.law.acts.report_renumbered` needs to check the
    acknowledgements against these computed numbers."""
    day = seance.date
    assert day is not None
    cell = seance.cell("Numérotation")
    pattern = values.text(cell) if cell is not None else ""
    given = seance.first_number
    if not pattern or not deliberations or unknown_placeholders(pattern) or cell is None:
        return number_acts(deliberations, cell, given or 1, day, report), None
    offsets = tuple(i for i, d in enumerate(deliberations) if not d.act_number)
    body = fold(seance.text("Organisme"))
    numbering = Numbering(fold(seance.text("Instance")), pattern, given, offsets)
    me = MeetingActs(source.name, body, day, (), numbering)
    others = neighbour_acts(source, me)
    link = next((link for m, link in chain([*others, me]) if m is me), Link(given or 1))
    out = number_acts(deliberations, cell, link.first, day, report)
    made = [act for act in act_uses(out) if act.numbering is not None]
    clashing = bool(clashes(made, body, others))
    place = _first_number_place(seance, cell)
    report_link(link, numbering, day, place, clashing, report)
    computed = given is None and bool(offsets) and link.previous is not None
    return out, Continued(link, numbering, day, place) if computed else None


def _first_number_place(seance: Seance, pattern: Cell) -> Place:
    """The « Premier numéro » cell: its value's, or where its value goes;
    without its row, the « Numérotation » cell."""
    given = seance.cell("Premier numéro")
    if given is not None:
        return given.place
    name = seance.blanks.get(fold("Premier numéro"))
    if name is not None and name.row is not None:
        return Place(name.file, name.sheet, f"B{name.row}", name.row, "Premier numéro")
    return pattern.place
