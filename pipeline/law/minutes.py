"""What the minutes must hold, by the date of the meeting.

Ordonnance 2021-1310 (CGCT L2121-15, in force on 1 July 2022): the minutes
give the agenda of the meeting. Pure functions; the wording is in
:mod:`pipeline.words.sentences`.
"""

from __future__ import annotations

import datetime as dt

AGENDA_SINCE = dt.date(2022, 7, 1)  # ordonnance 2021-1310: the minutes give the agenda


def lists_agenda(date: dt.date) -> bool:
    """Whether the minutes of a meeting held on ``date`` print its agenda."""
    return date >= AGENDA_SINCE


# The same ordinance: the minutes give « la teneur des discussions » (L2121-15).
DEBATES_SINCE = AGENDA_SINCE


def records_debates(date: dt.date) -> bool:
    """Whether the minutes of a meeting held on ``date`` must give the
    substance of the discussions of each item."""
    return date >= DEBATES_SINCE


def numbers_acts(date: dt.date, siret: str) -> bool:
    """Whether the acts of a meeting are expected to carry numbers: since
    the reform, each act is transmitted (ACTES) and published under its
    number; a body giving its SIRET publishes its acts as open data,
    whatever the date."""
    return date >= AGENDA_SINCE or bool(siret)
