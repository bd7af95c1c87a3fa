"""The publication deadlines of the CGCT (issue 18), as pure functions.

L2121-25: « Dans un délai d'une semaine, la liste des délibérations
examinées en séance […] est affichée à la mairie et mise en ligne sur le
site internet de la commune ». A meeting held on day D leaves until D + 7
included: a list put online on D + 8 or later is late."""

from __future__ import annotations

import datetime as dt

from pipeline.model import Meeting
from pipeline.problems import Report

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


# L2121-15: « Le procès-verbal de chaque séance, rédigé par le ou les
# secrétaires, est arrêté au commencement de la séance suivante […]. Dans la
# semaine qui suit la séance au cours de laquelle il a été arrêté, le
# procès-verbal est publié sous forme électronique de manière permanente et
# gratuite sur le site internet de la commune ». Counted as L2121-25's week:
# minutes approved on day A may be put online until A + 7 included.
MINUTES_ARTICLE = "L2121-15"
MINUTES_WITHIN = 7  # days after the approving meeting


def minutes_days_late(approved: dt.date, done: dt.date) -> int:
    """How many days after the week of L2121-15 the minutes approved on
    ``approved`` were put online on ``done``: 0 when in time."""
    return max((done - approved).days - MINUTES_WITHIN, 0)


def minutes_deadline(approved: dt.date) -> dt.date:
    """The last day of the week of L2121-15."""
    return approved + dt.timedelta(days=MINUTES_WITHIN)


def check_minutes_online(meeting: Meeting, report: Report) -> None:
    """« Procès-verbal mis en ligne le » against the date the minutes were
    arrêtés (the field « Procès-verbal arrêté le » or a later meeting of
    data/: known once every meeting is read, hence a check of its own):
    not before it (an error), within the week of L2121-15 (else a warning)."""
    done, approved = meeting.minutes_online_on, meeting.approved_on
    if done is None or approved is None or meeting.minutes_online_place is None:
        return
    place = meeting.minutes_online_place
    when = f"arrêté en séance du {approved:%d/%m/%Y}"
    if done < approved:
        report.error(
            place,
            f"le procès-verbal serait mis en ligne le {done:%d/%m/%Y}, avant d’avoir été "
            f"{when} : il n’est publié qu’une fois arrêté. Corrigez la date du champ "
            "« Procès-verbal mis en ligne le ».",
            code="seance.minutes-online-before-approval",
        )
        return
    late = minutes_days_late(approved, done)
    if late:
        report.warning(
            place,
            f"procès-verbal mis en ligne le {done:%d/%m/%Y}, {late} jour"
            f"{'s' if late > 1 else ''} après la semaine qui suit la séance qui l’a arrêté "
            f"({when} ; article {MINUTES_ARTICLE} du CGCT : au plus tard le "
            f"{minutes_deadline(approved):%d/%m/%Y}). Vérifiez la date écrite ; si "
            "elle est juste, rien n’est à corriger ici, mais le procès-verbal doit être publié "
            "dans la semaine qui suit la séance qui l’arrête.",
            code="seance.minutes-published-late",
        )
