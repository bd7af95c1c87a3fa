"""Problems are data: a code, a place and a message, gathered into a report.

Nothing here raises on bad input; the parser and the rules append to a
:class:`Report`, and the CLI prints it. Messages are in French (the clerk
reads them); the place says where to look: file, sheet, cell or row and
column header. The code (``vote.total-mismatch``) names the kind of problem
for tests and tools: stable when the French message is reworded, never
printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum


@dataclass(frozen=True)
class Place:
    """Where a problem is: every part is optional, the most precise wins.
    ``who`` names the member whose row it is (« ligne 11 (Marc ROUSSEL) »)."""

    file: str = ""
    sheet: str = ""
    cell: str = ""  # "B4"
    row: int | None = None
    column: str = ""  # the column header as the clerk typed it
    who: str = ""

    def with_cell(self, cell: str, row: int, column: str) -> Place:
        return Place(self.file, self.sheet, cell, row, column, self.who)

    @property
    def line(self) -> tuple[str, str, int | None]:
        """The row it is on, whatever the cell."""
        return self.file, self.sheet, self.row

    @property
    def lines(self) -> list[tuple[str, str, int | None]]:
        """Every row it covers: a range of cells (« C2:C3 ») covers several."""
        if ":" in self.cell:
            top, bottom = (
                int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for ref in self.cell.split(":")
            )
            return [(self.file, self.sheet, r) for r in range(top, bottom + 1)]
        return [self.line]

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        inside = [x for x in (self.who, self.column and f"colonne « {self.column} »") if x]
        if self.cell:
            cells = "cellules" if ":" in self.cell else "cellule"  # a range: « C2:C3 »
            parts.append(f"{cells} {self.cell}" + (f" ({', '.join(inside)})" if inside else ""))
        elif self.row is not None:
            where = f"ligne {self.row}" + (f" ({self.who})" if self.who else "")
            if self.column:
                where += f", colonne « {self.column} »"
            parts.append(where)
        elif self.column:
            parts.append(f"colonne « {self.column} »")
        return ", ".join(parts)


class Severity(Enum):
    ERROR = "erreur"
    WARNING = "avertissement"
    NOTE = "information"  # no problem: said by ``make-minutes check`` only (Report.notes)


# « area.what »: lower case words, dots between, hyphens within.
CODE = re.compile(r"[a-z]+(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+")


@dataclass(frozen=True)
class Problem:
    place: Place
    message: str
    severity: Severity = Severity.ERROR
    code: str = ""  # the kind of problem, « area.what »: required (checked)

    def __post_init__(self) -> None:
        if not CODE.fullmatch(self.code):
            raise ValueError(f"problem code {self.code!r} is not like « area.what »")

    def __str__(self) -> str:
        where = str(self.place)
        prefix = "" if self.severity is Severity.ERROR else f"{self.severity.value} : "
        return f"{where} : {prefix}{self.message}" if where else f"{prefix}{self.message}"


@dataclass
class Report:
    """Every problem of one meeting, in the order found."""

    problems: list[Problem] = field(default_factory=list)
    # What the tool chose where the workbooks leave it free, worth knowing
    # but no problem: never counted, printed by ``make-minutes check`` only.
    notes: list[Problem] = field(default_factory=list)

    def error(self, place: Place, message: str, *, code: str) -> None:
        self.problems.append(Problem(place, message, Severity.ERROR, code=code))

    def warning(self, place: Place, message: str, *, code: str) -> None:
        self.problems.append(Problem(place, message, Severity.WARNING, code=code))

    def note(self, place: Place, message: str, *, code: str) -> None:
        self.notes.append(Problem(place, message, Severity.NOTE, code=code))

    def name_rows(self, who: dict[tuple[str, str, int | None], str]) -> None:
        """Name the member of each problem on a row of ``who`` (file, sheet,
        row → « Prénom NOM »), where the place does not name one yet."""
        self.problems[:] = [
            replace(p, place=replace(p.place, who=who[p.place.line]))
            if not p.place.who and p.place.row is not None and p.place.line in who
            else p
            for p in self.problems
        ]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


class CodedError(Exception):
    """A refusal raised rather than reported (a template, a logo): its
    message is for the clerk, ``code`` names the kind of problem. It crosses
    from a worker process with its code."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code

    def __reduce__(self):
        return _coded_error, (type(self), str(self), self.code)


def _coded_error(kind: type[CodedError], message: str, code: str) -> CodedError:
    return kind(message, code=code)
