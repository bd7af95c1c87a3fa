"""The convocation delay in jours francs (CGCT L2121-11, L2121-12, L2121-17).

Pure rules over dates: the parser applies them as it reads the Séance, so
that their problems are listed with the reading errors (all the problems of
a meeting at once, docs/data-format.md); tests/test_layout.py allows exactly
this call from parse/ into law/.

A jour franc is a whole day: neither the day the convocation is sent nor
the day of the meeting counts. Sent on Friday 7 March 2025 for Wednesday
12 March: the 8th, 9th, 10th and 11th, four jours francs.

- The delay required (« Délai de convocation ») is five jours francs by
  default: EPCI, syndicats and communes of 3,500 inhabitants or more
  (L2121-12, applied to EPCI by L5211-1); three in a commune under 3,500
  (L2121-11). Fewer is a warning: the meeting may have been convened in
  urgency without saying so, or the date be mistyped; a judge, not this
  tool, decides whether the deliberations stand.
- In urgency (« Urgence ») the delay may be shortened, never under one jour
  franc (L2121-11, L2121-12): fewer is an error, and the ordinary delay
  does not apply.
- On second convocation after a failed quorum (« Deuxième convocation »),
  the body is convened again « à trois jours au moins d'intervalle » and
  then deliberates without quorum (L2121-17); the Conseil d'État reads
  three jours francs between the new convocation and the meeting (CE,
  16 juin 1997, Pfister, n° 142691), and urgency does not shorten them: a
  meeting convened in a shorter delay is a new meeting whose quorum counts.
  Fewer is an error, not a warning: the minutes would state that the body
  deliberates validly without quorum (sentences.second_convocation), which
  would then be false; the clerk corrects the date or removes the field.
  This rule replaces the ordinary delay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_NOTICE = 5  # jours francs: EPCI, syndicats, communes of 3,500 or more (L2121-12)
SMALL_COMMUNE_NOTICE = 3  # a commune under 3,500 inhabitants (L2121-11)
URGENT_NOTICE = 1  # in urgency, at least one jour franc (L2121-11, L2121-12)
SECOND_CONVOCATION_NOTICE = 3  # after a failed quorum (L2121-17)
# The smallest « Délai de convocation » a body may set: the law's smallest.
MIN_NOTICE = SMALL_COMMUNE_NOTICE


def clear_days(sent: dt.date, held: dt.date) -> int:
    """The jours francs from ``sent`` to ``held``: the whole days strictly
    between them (negative when the meeting comes first)."""
    return (held - sent).days - 1


def synthesis_required(notice_days: int) -> bool:
    """Whether the convocation must carry a note explicative de synthèse on
    each item (L2121-12: communes of 3,500 inhabitants or more; EPCI and
    syndicats by L5211-1): every body whose « Délai de convocation » is not
    the three jours francs of a commune under 3,500 (L2121-11), which may
    send none."""
    return notice_days > SMALL_COMMUNE_NOTICE


def notice_article(required: int) -> str:
    """The article that sets a delay of ``required`` jours francs: L2121-11
    for the three days of the small communes, L2121-12 for five (or more,
    set by the statutes)."""
    return "L2121-11" if required <= SMALL_COMMUNE_NOTICE else "L2121-12"


@dataclass(frozen=True)
class ShortNotice:
    """A convocation sent too late: the jours francs given and required,
    the article, and whether it is an error (urgency, second convocation) or
    a warning (the ordinary delay)."""

    days: int
    required: int
    article: str
    error: bool
    reason: str  # "delai", "urgence" or "deuxieme"


def short_notice(
    sent: dt.date,
    held: dt.date,
    required: int = DEFAULT_NOTICE,
    urgent: bool = False,
    second: bool = False,
) -> ShortNotice | None:
    """What is wrong with a convocation sent on ``sent`` for a meeting held
    on ``held`` (None when nothing is): ``required`` is the « Délai de
    convocation », ``urgent`` and ``second`` the fields « Urgence » and
    « Deuxième convocation » (see the module's docstring)."""
    days = clear_days(sent, held)
    if second:
        if days < SECOND_CONVOCATION_NOTICE:
            return ShortNotice(days, SECOND_CONVOCATION_NOTICE, "L2121-17", True, "deuxieme")
        return None
    if urgent:
        if days < URGENT_NOTICE:
            return ShortNotice(days, URGENT_NOTICE, notice_article(required), True, "urgence")
        return None
    if days < required:
        return ShortNotice(days, required, notice_article(required), False, "delai")
    return None
