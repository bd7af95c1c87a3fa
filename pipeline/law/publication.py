"""The publication deadlines of the CGCT (issue 18), as pure functions.

L2121-25: « Dans un délai d'une semaine, la liste des délibérations
examinées en séance […] est affichée à la mairie et mise en ligne sur le
site internet de la commune ». A meeting held on day D leaves until D + 7
included: a list put online on D + 8 or later is late."""

from __future__ import annotations

import datetime as dt

LIST_ARTICLE = "L2121-25"
LIST_WITHIN = 7  # days after the meeting (« dans un délai d'une semaine »)


def list_days_late(meeting: dt.date, done: dt.date) -> int:
    """How many days after the week of L2121-25 the list was put online (or
    posted) on ``done``, for a meeting held on ``meeting``: 0 when in time
    (``done`` no later than the meeting's date plus seven days)."""
    return max((done - meeting).days - LIST_WITHIN, 0)


def list_deadline(meeting: dt.date) -> dt.date:
    """The last day of the week of L2121-25."""
    return meeting + dt.timedelta(days=LIST_WITHIN)
