"""The convocation delay in jours francs (CGCT L2121-11, L2121-12).

A pure rule over dates: the parser applies it as it reads the Séance, so
that its warning is listed with the reading errors (all the problems of a
meeting at once, docs/data-format.md); tests/test_layout.py allows exactly
this call from parse/ into law/.
"""

from __future__ import annotations

import datetime as dt

# The fewest jours francs between the convocation and the meeting that give
# no warning; the day it is sent and the day of the meeting do not count
# (CGCT L2121-11: three in communes of fewer than 3,500 inhabitants;
# L2121-12 asks five of the larger ones).
MIN_CLEAR_DAYS = 3


def clear_days(sent: dt.date, held: dt.date) -> int:
    """The jours francs from ``sent`` to ``held``: the whole days strictly
    between them (negative when the meeting comes first)."""
    return (held - sent).days - 1
