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
