"""When minutes are « arrêtés »: at the later meeting that adopts them.

Pure functions over what the other meetings of the data folder say
(:mod:`pipeline.parse.approval`); the wording is
:func:`pipeline.words.sentences.approval`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pipeline.model import VoteRecord
from pipeline.parse.approval import Approval
from pipeline.text import fold


def adopts(vote: VoteRecord) -> bool:
    """Whether a vote on minutes adopts them: unanimity, or more votes for
    than against (a tie is an error of that meeting: law.checks)."""
    return vote.unanimity or (vote.counts is not None and vote.counts.pour > vote.counts.contre)


def approved_on(
    date: dt.date, body: str, instance: str, approvals: Iterable[Approval]
) -> dt.date | None:
    """The date of the first later meeting of the same body and instance
    that adopted the minutes of the meeting held on ``date``, or None."""
    found = [
        a.date
        for a in approvals
        if a.previous == date
        and a.date > date
        and a.body == fold(body)
        and a.instance == fold(instance)
        and adopts(a.vote)
    ]
    return min(found, default=None)
