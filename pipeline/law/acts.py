"""Act numbers, as the transmission platforms (ACTES, S²LOW) take them: the
form of a number, the « Numérotation » pattern filled for each act.

Pure rules over values: the parser applies them as it reads the numbers, so
that their problems are listed with the reading errors (all the problems of
a meeting at once, docs/data-format.md); tests/test_layout.py allows exactly
this call from parse/ into law/.

A number is also unique for the body across the meetings of the data folder
(S²LOW refuses a number the body already used): :func:`report_clashes`
compares a meeting's numbers with those of the others, read by
:mod:`pipeline.parse.approval`. The numbers made from « Numérotation » run
in one sequence through the meetings of a year (:func:`chain`): a meeting
whose « Premier numéro » is empty continues the one before it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pipeline.contract import (
    ACT_DATE_PLACEHOLDERS,
    ACT_NUMBER,
    ACT_NUMBER_CHARACTERS,
    ACT_PLACEHOLDER,
    ACT_SEQUENCE_PLACEHOLDER,
)
from pipeline.model import Deliberation
from pipeline.problems import Place, Report
from pipeline.text import fold


def unknown_placeholders(pattern: str) -> list[str]:
    """The names between braces of ``pattern`` that are no placeholder."""
    return [
        name
        for name in ACT_PLACEHOLDER.findall(pattern)
        if name not in ACT_DATE_PLACEHOLDERS and not ACT_SEQUENCE_PLACEHOLDER.fullmatch(name)
    ]


def fill(pattern: str, sequence: int, day: dt.date) -> str:
    """``pattern`` with its placeholders replaced: {AAAA} {MM} {JJ} by the
    date of ``day``, {N…} by ``sequence`` padded with zeros to as many
    digits as N; the rest copied as it is."""
    dates = {"AAAA": f"{day.year:04d}", "MM": f"{day.month:02d}", "JJ": f"{day.day:02d}"}
    return ACT_PLACEHOLDER.sub(
        lambda m: dates.get(m[1], str(sequence).zfill(len(m[1]))),
        pattern,
    )


def is_act_number(number: str) -> bool:
    """Of the form ACTES accepts, by S²LOW's rule: 1 to 15 characters of
    A-Z, 0-9 and _, the first and the last not an _."""
    return ACT_NUMBER.fullmatch(number) is not None


def act_number_faults(number: str) -> tuple[int, list[str], tuple[bool, bool]]:
    """What keeps ``number`` from the ACTES form: its length when over 15,
    else 0; the characters it may not hold, in order of first appearance;
    whether it starts, whether it ends with an _."""
    length = len(number) if len(number) > 15 else 0
    refused = list(dict.fromkeys(c for c in number if c not in ACT_NUMBER_CHARACTERS))
    return length, refused, (number.startswith("_"), number.endswith("_"))


@dataclass(frozen=True)
class ActUse:
    """An act number as a meeting gives it: on the row of its item (file,
    sheet, row) of N° ``item``, typed, or made from the « Numérotation » cell
    of Séance ``numbering``."""

    number: str
    row: Place
    item: int
    numbering: Place | None = None


@dataclass(frozen=True)
class Numbering:
    """How a meeting makes act numbers from « Numérotation »: its Instance
    (folded), the pattern, its « Premier numéro » if given, and the place in
    the meeting's sequence (the row's index, from 0) of each number made
    from the pattern, in order (a typed number keeps its place, unused)."""

    instance: str
    pattern: str
    given: int | None
    offsets: tuple[int, ...]


@dataclass(frozen=True)
class MeetingActs:
    """The act numbers another meeting of the data folder gives."""

    name: str  # its folder's name
    body: str  # its Organisme, folded
    date: dt.date | None
    acts: tuple[ActUse, ...]
    numbering: Numbering | None = None  # None: no number made from « Numérotation »


@dataclass(frozen=True)
class Clash:
    """A number of this meeting (``mine``) that ``other`` gives too (``theirs``)."""

    mine: ActUse
    other: MeetingActs
    theirs: ActUse


def act_uses(deliberations: Iterable[Deliberation]) -> list[ActUse]:
    """The act numbers of numbered deliberations (after :func:`fill`)."""
    return [
        ActUse(d.act_number, d.place, d.number, d.numbering) for d in deliberations if d.act_number
    ]


def clashes(mine: Iterable[ActUse], body: str, others: Iterable[MeetingActs]) -> list[Clash]:
    """Each number of ``mine`` that another meeting of the same ``body``
    (compared folded) gives too, with the first act of that meeting giving
    it; in the order of ``mine``, then of ``others``."""
    given: dict[str, list[tuple[MeetingActs, ActUse]]] = {}
    for other in others:
        if other.body != fold(body):
            continue
        for number, act in {a.number: a for a in reversed(other.acts)}.items():
            given.setdefault(number, []).append((other, act))
    return [Clash(m, other, theirs) for m in mine for other, theirs in given.get(m.number, ())]


@dataclass(frozen=True)
class Link:
    """A meeting's place in the sequence of its year: its first sequence
    number; the latest meeting before it in the sequence that made numbers
    (None: none) and the last sequence number that one made."""

    first: int
    previous: MeetingActs | None = None
    last: int | None = None


def is_dated(pattern: str) -> bool:
    """Whether ``pattern`` holds a date placeholder ({AAAA}, {MM} or {JJ})."""
    return any(name in ACT_DATE_PLACEHOLDERS for name in ACT_PLACEHOLDER.findall(pattern))


def _sequence(meeting: MeetingActs) -> tuple[str, str, int | None, str] | None:
    """The sequence a meeting's made numbers belong to: same body, Instance
    and year, and the same pattern once its date is filled in (with {MM} or
    {JJ}, each month or day has a sequence of its own). A pattern without a
    date placeholder (« B{NNN} ») has one sequence across the years: each
    year starting again at 1 would give the numbers of the year before."""
    numbering, day = meeting.numbering, meeting.date
    if numbering is None or day is None:
        return None
    dates = {"AAAA": f"{day.year:04d}", "MM": f"{day.month:02d}", "JJ": f"{day.day:02d}"}
    dated = ACT_PLACEHOLDER.sub(lambda m: dates.get(m[1], m[0]), numbering.pattern)
    year = day.year if is_dated(numbering.pattern) else None
    return meeting.body, numbering.instance, year, dated


def chain(meetings: Iterable[MeetingActs]) -> list[tuple[MeetingActs, Link]]:
    """Each meeting with numbers made from « Numérotation », with its
    :class:`Link`: the meetings of one sequence taken by date, then by
    folder name, each starting at its « Premier numéro » if given, else
    after the last number of the one before (1 for the first)."""
    sequences: dict[tuple[str, str, int | None, str], list[MeetingActs]] = {}
    for meeting in meetings:
        if (key := _sequence(meeting)) is not None:
            sequences.setdefault(key, []).append(meeting)
    links = []
    for sequence in sequences.values():
        previous: MeetingActs | None = None
        last: int | None = None
        for meeting in sorted(sequence, key=lambda m: (m.date, m.name)):
            numbering = meeting.numbering
            assert numbering is not None and meeting.date is not None  # by _sequence
            given = numbering.given
            first = given if given is not None else 1 if last is None else last + 1
            links.append((meeting, Link(first, previous, last)))
            if numbering.offsets:
                previous, last = meeting, first + max(numbering.offsets)
    return links


def settle(meetings: Iterable[MeetingActs]) -> list[MeetingActs]:
    """The meetings with their numbers made from « Numérotation » filled
    along the sequence of their year (:func:`chain`), in the order given."""
    meetings = list(meetings)
    starts = {id(m): link.first for m, link in chain(meetings)}
    settled = []
    for meeting in meetings:
        numbering = meeting.numbering
        first = starts.get(id(meeting))
        if numbering is None or meeting.date is None or first is None:
            settled.append(meeting)
            continue
        made = [i for i, act in enumerate(meeting.acts) if act.numbering is not None]
        acts = list(meeting.acts)
        for i, offset in zip(made, numbering.offsets, strict=False):
            acts[i] = replace(acts[i], number=fill(numbering.pattern, first + offset, meeting.date))
        settled.append(replace(meeting, acts=tuple(acts)))
    return settled


REFUSED = (
    "plateforme ACTES (S²LOW) refuse un numéro que l’organisme a déjà utilisé, même lors "
    "d’une autre réunion"
)
SHOWN = 3  # numbers made from « Numérotation » listed in one message, the others counted


def report_clashes(
    mine: Sequence[ActUse], body: str, others: Iterable[MeetingActs], report: Report
) -> None:
    """An error for each number of ``mine`` another meeting of ``body`` gives
    too, naming both places: a typed number at its cell; the numbers made
    from « Numérotation », one error for each other meeting, at that cell."""
    made: dict[str, list[Clash]] = {}
    for clash in clashes(mine, body, others):
        if clash.mine.numbering is None:
            report.error(
                replace(clash.mine.row, column="Numéro d'acte"),
                f"numéro d’acte « {clash.mine.number} » déjà donné par "
                f"{_meeting(clash.other)} ({_theirs(clash.theirs)}) : la {REFUSED}. Donnez à l’un "
                "des deux actes un autre numéro.",
                code="act.number-used-elsewhere",
            )
        else:
            made.setdefault(clash.other.name, []).append(clash)
    for group in made.values():
        shown = " ; ".join(
            f"« {c.mine.number} » (point {c.mine.item}, "
            f"{replace(c.mine.row, file='', cell='', column='')} ; dans l’autre réunion : "
            f"{_theirs(c.theirs)})"
            for c in group[:SHOWN]
        )
        more = len(group) - SHOWN
        rest = f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else ""
        plural = "s" if len(group) > 1 else ""
        report.error(
            group[0].mine.numbering or group[0].mine.row,
            f"numéro{plural} d’acte fait{plural} de « Numérotation » déjà donné{plural} par "
            f"{_meeting(group[0].other)} : {shown}{rest}. La {REFUSED} : mettez dans le "
            "champ « Premier numéro » le numéro qui suit celui du dernier acte déjà numéroté, ou "
            "changez « Numérotation ».",
            code="act.number-used-elsewhere",
        )


def _meeting(other: MeetingActs) -> str:
    """« la réunion « 2022-03-01-bureau » du 01/03/2022 »."""
    held = f" du {other.date.strftime('%d/%m/%Y')}" if other.date is not None else ""
    return f"la réunion « {other.name} »{held}"


def _theirs(act: ActUse) -> str:
    """Where another meeting gives a number: its row, and how it was made."""
    where = str(replace(act.row, cell="", column=""))
    return where + (", numéro fait de sa « Numérotation »" if act.numbering is not None else "")


def report_link(
    link: Link,
    numbering: Numbering,
    day: dt.date,
    place: Place,
    clashing: bool,
    report: Report,
) -> None:
    """What a meeting's place in the sequence of its year calls for, at its
    « Premier numéro » cell (``place``): continued from the meeting before,
    a note (said by ``make-minutes check``); given, and not the next number
    after that meeting's last, a warning: a gap, or an overlap — unless its
    numbers already clash with another meeting's (``clashing``: that error
    says it)."""
    previous, last = link.previous, link.last
    if previous is None or last is None or previous.numbering is None:
        return
    assert previous.date is not None  # by chain
    before = _before(previous, numbering.pattern)
    ended = f"{last} (« {fill(previous.numbering.pattern, last, previous.date)} »)"
    year = " de l’année" if is_dated(numbering.pattern) else ""
    given, following = numbering.given, last + 1
    if given is None:
        report.note(
            place,
            f"« Premier numéro » vide : la numérotation reprend à {link.first} "
            f"(« {fill(numbering.pattern, link.first, day)} »), à la suite de {before}, qui a "
            f"fini à {ended}. Pour partir d’un autre numéro, remplissez « Premier numéro ».",
            code="act.sequence-continued",
        )
    elif given > following:
        skipped = (
            f"le numéro {following} n’est donné"
            if given == following + 1
            else f"les numéros {following} à {given - 1} ne sont donnés"
        )
        report.warning(
            place,
            f"« Premier numéro » {given} laisse un trou dans la numérotation{year} : "
            f"{before} a fini à {ended} ; {skipped} à aucun acte. Si c’est voulu, rien à "
            f"faire ; sinon mettez {following}, ou videz la cellule : la numérotation continue "
            "alors d’elle-même.",
            code="act.sequence-gap",
        )
    elif given < following and not clashing:
        report.warning(
            place,
            f"« Premier numéro » {given} revient en arrière dans la numérotation{year} : "
            f"{before} a fini à {ended}. Mettez {following}, ou videz la cellule : la "
            "numérotation continue alors d’elle-même.",
            code="act.sequence-overlap",
        )


def _before(previous: MeetingActs, pattern: str) -> str:
    """The meeting a sequence continues from, and what it is to this one."""
    within = " dans l’année" if is_dated(pattern) else ""
    return f"{_meeting(previous)} (la précédente de la même instance{within})"


@dataclass(frozen=True)
class Continued:
    """A meeting whose numbers made from « Numérotation » are computed, its
    « Premier numéro » empty: they follow ``link.previous``, and change when
    a meeting is added to the data folder before it. ``place``: its
    « Premier numéro » cell."""

    link: Link
    numbering: Numbering
    day: dt.date
    place: Place


def sequence_number(pattern: str, number: str, day: dt.date) -> int | None:
    """The sequence number that ``fill(pattern, ·, day)`` turns into
    ``number``; None when there is none, or the pattern holds no {N…}
    or several."""
    names = ACT_PLACEHOLDER.findall(pattern)
    if sum(1 for n in names if ACT_SEQUENCE_PLACEHOLDER.fullmatch(n)) != 1:
        return None
    dates = {"AAAA": f"{day.year:04d}", "MM": f"{day.month:02d}", "JJ": f"{day.day:02d}"}
    parts = ACT_PLACEHOLDER.split(pattern)  # text, name, text, name, …, text
    regex = "".join(
        re.escape(part)
        if i % 2 == 0
        else re.escape(dates[part])
        if part in dates
        else f"([0-9]{{{len(part)},}})"
        if ACT_SEQUENCE_PLACEHOLDER.fullmatch(part)
        else re.escape(f"{{{part}}}")
        for i, part in enumerate(parts)
    )
    found = re.fullmatch(regex, number)
    if found is None or int(found[1]) < 1 or fill(pattern, int(found[1]), day) != number:
        return None
    return int(found[1])


def first_number(continued: Continued, numbers: Iterable[str]) -> int | None:
    """The « Premier numéro » that gives back the acknowledged ``numbers``:
    the first act taken as the lowest acknowledged, when each of them is
    then one the meeting makes; None when that cannot be worked out."""
    pattern, offsets = continued.numbering.pattern, continued.numbering.offsets
    sequence = [sequence_number(pattern, n, continued.day) for n in numbers]
    if not sequence or None in sequence or not offsets:
        return None
    acknowledged = {s for s in sequence if s is not None}
    for offset in sorted(offsets):  # the lowest acknowledged, first act first
        first = min(acknowledged) - offset
        if first >= 1 and acknowledged <= {first + o for o in offsets}:
            return first
    return None


def belongs(continued: Continued, act_id: str) -> bool:
    """Whether an acknowledgement of ``act_id`` (« 080-…-20221205-B2022_017-DE »)
    is one of this meeting's acts: its decision date is the meeting's."""
    parts = act_id.split("-")
    return len(parts) == 5 and parts[2] == f"{continued.day:%Y%m%d}"


def report_unfixed(continued: Continued, transmitted: Sequence[str], report: Report) -> None:
    """An error at the « Premier numéro » cell: acts of this meeting were
    transmitted (``transmitted``: their acknowledged numbers, each one the
    meeting makes) while its numbers still follow the meeting before. A
    meeting added or removed before it would shift them; an acknowledgement
    could then land on another act and certify it: the first number must be
    written down once the acts are transmitted."""
    link, pattern = continued.link, continued.numbering.pattern
    previous = link.previous
    assert previous is not None  # a sequence continued
    shown = ", ".join(transmitted[:SHOWN])
    more = len(transmitted) - SHOWN
    rest = f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else ""
    report.error(
        continued.place,
        f"« Premier numéro » vide : la numérotation de la séance continue celle de "
        f"{_before(previous, pattern)}, mais des actes de la séance ont déjà été transmis "
        f"(accusés de réception des actes n° {shown}{rest}). Un numéro transmis ne doit plus "
        "changer ; or il changerait si une réunion était ajoutée ou retirée avant celle-ci "
        "dans le dossier, et un accusé de réception pourrait alors être rattaché à un autre "
        "acte. Écrivez dans le champ « Premier numéro » le numéro d’ordre de la première "
        f"délibération tel qu’il a été transmis (aujourd’hui {link.first}).",
        code="accuse.unfixed-numbering",
    )


def report_renumbered(
    continued: Continued,
    acknowledged: Sequence[tuple[str, str]],
    transmitted: Iterable[str],
    made: Sequence[str],
    report: Report,
) -> None:
    """An error at the « Premier numéro » cell: the acknowledgements
    (``acknowledged``: file, act number) of acts of this meeting already
    transmitted match none of the numbers it now ``made`` continuing the
    sequence of the meeting before: a meeting added before it moved them.
    Fixing « Premier numéro » at the first number ``transmitted`` (all the
    acknowledged numbers of the meeting, matching or not) gives them back."""
    if not acknowledged:
        return
    link, pattern = continued.link, continued.numbering.pattern
    previous, last = link.previous, link.last
    assert previous is not None and previous.numbering is not None  # a sequence continued
    assert previous.date is not None and last is not None  # by chain
    source = (
        f"continue celle de {_before(previous, pattern)}, qui a fini à {last} "
        f"(« {fill(previous.numbering.pattern, last, previous.date)} »)"
    )
    now = (
        f"« {made[0]} » à « {made[-1]} »"
        if len(made) > 2
        else " et ".join(f"« {n} »" for n in made)
    )
    shown = " ; ".join(f"« {file} » (acte n° {number})" for file, number in acknowledged[:SHOWN])
    more = len(acknowledged) - SHOWN
    rest = f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else ""
    acks = (
        f"les accusés de réception {shown}{rest} ne sont ceux"
        if len(acknowledged) > 1
        else f"l’accusé de réception {shown} n’est celui"
    )
    first = first_number(continued, transmitted)
    fix = (
        f"fixez le champ « Premier numéro » à {first} : les actes retrouvent les numéros transmis"
        if first is not None
        else "mettez dans le champ « Premier numéro » le numéro d’ordre du premier acte de la "
        "séance tel qu’il a été transmis"
    )
    report.error(
        continued.place,
        f"« Premier numéro » vide : la numérotation de la séance {source}, et ses actes "
        f"portent maintenant les numéros {now} ; mais {acks} d’aucune de ces "
        "délibérations : les actes ont déjà été transmis sous un autre numéro, qui ne "
        f"doit plus changer (une réunion ajoutée avant celle-ci a décalé la numérotation). "
        f"Une fois les actes transmis, leur numéro est fixé : {fix}.",
        code="accuse.renumbered",
    )
