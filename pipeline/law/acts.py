"""Act numbers, as the transmission platforms (ACTES, S²LOW) take them: the
form of a number, the « Numérotation » pattern filled for each act.

Pure rules over values: the parser applies them as it reads the numbers, so
that their problems are listed with the reading errors (all the problems of
a meeting at once, docs/data-format.md); tests/test_layout.py allows exactly
this call from parse/ into law/.

A number is also unique for the body across the meetings of the data folder
(S²LOW refuses a number the body already used): :func:`report_clashes`
compares a meeting's numbers with those of the others, read by
:mod:`pipeline.parse.approval`.
"""

from __future__ import annotations

import datetime as dt
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
class MeetingActs:
    """The act numbers another meeting of the data folder gives."""

    name: str  # its folder's name
    body: str  # its Organisme, folded
    date: dt.date | None
    acts: tuple[ActUse, ...]


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
