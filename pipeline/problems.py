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
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Place:
    """Where a problem is: every part is optional, the most precise wins."""

    file: str = ""
    sheet: str = ""
    cell: str = ""  # "B4"
    row: int | None = None
    column: str = ""  # the column header as the clerk typed it

    def with_cell(self, cell: str, row: int, column: str) -> Place:
        return Place(self.file, self.sheet, cell, row, column)

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.cell:
            where = f"cellule {self.cell}"
            if self.column:
                where += f" (colonne « {self.column} »)"
            parts.append(where)
        elif self.row is not None:
            where = f"ligne {self.row}"
            if self.column:
                where += f", colonne « {self.column} »"
            parts.append(where)
        elif self.column:
            parts.append(f"colonne « {self.column} »")
        return ", ".join(parts)


class Severity(Enum):
    ERROR = "erreur"
    WARNING = "avertissement"


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
        prefix = "" if self.severity is Severity.ERROR else "avertissement : "
        return f"{where} : {prefix}{self.message}" if where else f"{prefix}{self.message}"


@dataclass
class Report:
    """Every problem of one meeting, in the order found."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, place: Place, message: str, *, code: str) -> None:
        self.problems.append(Problem(place, message, Severity.ERROR, code=code))

    def warning(self, place: Place, message: str, *, code: str) -> None:
        self.problems.append(Problem(place, message, Severity.WARNING, code=code))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]
