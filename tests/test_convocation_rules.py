"""Issue 17: the convocation deadlines in jours francs (law/convocation.py),
hand-worked and as properties; then the same rules end to end, read by the
real pipeline (codes, places, messages); the new fields and columns of the
workbook before the meeting, read into the model; and the urgency stated in
the minutes, read back from the .docx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import PRESENCES, build, checked_problems, docx_text, make_meeting, problems_of
from hypothesis import given
from hypothesis import strategies as st

from pipeline import build as pipeline_build
from pipeline.law.convocation import ShortNotice, clear_days, notice_article, short_notice
from pipeline.problems import Report, Severity
from pipeline.read.sources import find_meetings

# Friday 7 March 2025 for Wednesday 12 March: the 8th, 9th, 10th and 11th.
FRIDAY, WEDNESDAY = dt.date(2025, 3, 7), dt.date(2025, 3, 12)
SEANCE_XLSX = "seance.xlsx, feuille « Séance »"
CONVOCATION = f"{SEANCE_XLSX}, cellule B8 (colonne « Date de convocation »)"


# --- the rule, hand-worked ------------------------------------------------------------------


def test_friday_to_wednesday_is_four_clear_days() -> None:
    assert clear_days(FRIDAY, WEDNESDAY) == 4


@pytest.mark.parametrize(
    ("sent", "required", "urgent", "second", "expected"),
    [
        # Four days for the default five: a warning under L2121-12.
        (FRIDAY, 5, False, False, ShortNotice(4, 5, "L2121-12", False, "delai")),
        # A commune under 3,500 inhabitants: three are enough.
        (FRIDAY, 3, False, False, None),
        # Sent on Thursday 6 March: the 7th to the 11th, exactly five.
        (dt.date(2025, 3, 6), 5, False, False, None),
        # Saturday 8 for Wednesday 12 (9, 10, 11): three short of L2121-11's own three? No: three.
        (dt.date(2025, 3, 8), 3, False, False, None),
        # Sunday 9 (10, 11): two, in a small commune: L2121-11.
        (dt.date(2025, 3, 9), 3, False, False, ShortNotice(2, 3, "L2121-11", False, "delai")),
        # Urgency: one jour franc is enough, the ordinary delay does not apply…
        (dt.date(2025, 3, 10), 5, True, False, None),
        # … but the day before leaves none: an error.
        (dt.date(2025, 3, 11), 5, True, False, ShortNotice(0, 1, "L2121-12", True, "urgence")),
        # Second convocation: three jours francs (L2121-17), whatever the delay…
        (dt.date(2025, 3, 8), 5, False, True, None),
        # … two are an error, and urgency does not shorten them.
        (dt.date(2025, 3, 9), 5, False, True, ShortNotice(2, 3, "L2121-17", True, "deuxieme")),
        (dt.date(2025, 3, 9), 5, True, True, ShortNotice(2, 3, "L2121-17", True, "deuxieme")),
    ],
)
def test_short_notice_hand_worked(
    sent: dt.date, required: int, urgent: bool, second: bool, expected: ShortNotice | None
) -> None:
    assert short_notice(sent, WEDNESDAY, required, urgent=urgent, second=second) == expected


def test_the_article_follows_the_delay() -> None:
    assert notice_article(3) == "L2121-11"
    assert notice_article(5) == "L2121-12"
    assert notice_article(8) == "L2121-12"  # a longer delay set by the statutes


# --- the rule, as properties ------------------------------------------------------------------

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))


@given(days, st.integers(min_value=1, max_value=60), st.integers(min_value=3, max_value=15))
def test_the_ordinary_delay_only_warns_and_only_below_it(
    sent: dt.date, gap: int, required: int
) -> None:
    held = sent + dt.timedelta(days=gap)
    fault = short_notice(sent, held, required)
    assert (fault is not None) == (gap - 1 < required)
    assert fault is None or (not fault.error and fault.days == gap - 1)


@given(days, st.integers(min_value=1, max_value=60), st.integers(min_value=3, max_value=15))
def test_urgency_asks_one_clear_day_whatever_the_delay(
    sent: dt.date, gap: int, required: int
) -> None:
    fault = short_notice(sent, sent + dt.timedelta(days=gap), required, urgent=True)
    assert (fault is not None) == (gap < 2)
    assert fault is None or fault.error


@given(days, st.integers(min_value=1, max_value=60), st.booleans(), st.integers(3, 15))
def test_a_second_convocation_asks_three_clear_days(
    sent: dt.date, gap: int, urgent: bool, required: int
) -> None:
    fault = short_notice(sent, sent + dt.timedelta(days=gap), required, urgent, second=True)
    assert (fault is not None) == (gap < 4)
    assert fault is None or (fault.error and fault.article == "L2121-17")


# --- end to end: the problems of a meeting ----------------------------------------------------


def _problems(tmp_path: Path, seance: dict, presences: list | None = None) -> list:
    make_meeting(tmp_path / "data" / "m", seance=seance, presences=presences)
    (found,) = checked_problems(tmp_path / "data").values()
    return [p for p in found if p.code.startswith(("seance.", "member."))]


MARCH = {"Date": dt.datetime(2025, 3, 12), "Date de convocation": dt.datetime(2025, 3, 7)}


def test_fewer_days_than_the_delay_warn_naming_both_dates_and_the_article(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, MARCH)
    assert (problem.code, str(problem.place)) == ("seance.short-notice", CONVOCATION)
    assert problem.severity is Severity.WARNING
    assert "convocation du 07/03/2025 pour la séance du 12/03/2025" in problem.message
    assert "4 jours francs seulement, pour un délai de 5 jours francs" in problem.message
    assert "article L2121-12 du CGCT" in problem.message


def test_a_small_commune_sets_three_days(tmp_path: Path) -> None:
    assert _problems(tmp_path, {**MARCH, "Délai de convocation": 3}) == []


def test_a_delay_below_the_law_is_an_error(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, {**MARCH, "Délai de convocation": 2})
    assert problem.code == "seance.notice-below-law"
    assert str(problem.place) == f"{SEANCE_XLSX}, cellule B12 (colonne « Délai de convocation »)"
    assert "au moins 3 (article L2121-11 du CGCT)" in problem.message


def test_urgency_lifts_the_delay_but_not_the_clear_day(tmp_path: Path) -> None:
    assert _problems(tmp_path / "a", {**MARCH, "Urgence": "oui"}) == []
    eve = {**MARCH, "Date de convocation": dt.datetime(2025, 3, 11), "Urgence": "oui"}
    (problem,) = _problems(tmp_path / "b", eve)
    assert (problem.code, str(problem.place)) == ("seance.urgent-notice-too-short", CONVOCATION)
    assert problem.severity is Severity.ERROR
    assert "convocation du 11/03/2025 pour la séance du 12/03/2025 : 0 jour franc" in (
        problem.message
    )
    assert "au moins un jour franc (article L2121-12 du CGCT)" in problem.message


def test_a_second_convocation_needs_three_clear_days(tmp_path: Path) -> None:
    second = {"Deuxième convocation": "oui", "Date de convocation": dt.datetime(2025, 3, 9)}
    (problem,) = _problems(tmp_path, {**MARCH, **second})
    code = "seance.second-convocation-short-notice"
    assert (problem.code, str(problem.place)) == (code, CONVOCATION)
    assert "2 jours francs seulement" in problem.message
    assert "au moins 3 jours francs avant la séance (article L2121-17 du CGCT)" in problem.message
    # Three clear days (the 9th, 10th and 11th) are enough, under the default delay of five.
    ok = {**MARCH, "Deuxième convocation": "oui", "Date de convocation": dt.datetime(2025, 3, 8)}
    assert _problems(tmp_path / "ok", ok) == []


def test_an_unknown_urgency_word_names_the_cell(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "m", seance={"Urgence": "peut-être"})
    assert ("seance.unknown-yes-no", f"{SEANCE_XLSX}, cellule B12 (colonne « Urgence »)") in (
        problems_of(tmp_path / "data")["m"]
    )


def test_a_signatory_who_is_not_a_member_is_an_error_with_the_closest_name(
    tmp_path: Path,
) -> None:
    (problem,) = _problems(tmp_path, {"Signataire de la convocation": "Philipe VARLET"})
    assert problem.code == "member.unknown-name"
    assert str(problem.place) == (
        f"{SEANCE_XLSX}, cellule B12 (colonne « Signataire de la convocation »)"
    )
    assert "signataire de la convocation « Philipe VARLET » introuvable" in problem.message
    assert "Vouliez-vous dire « Philippe VARLET » ?" in problem.message


# --- the new fields and columns, read into the model ------------------------------------------

CONTACTS = [
    [*PRESENCES[0], "Adresse", "Courriel", "Fonction"],
    [*PRESENCES[1], "12 rue des Lilas\n  80000 Amiens ", "f.rodinger@exemple.fr", None],
    *(row + [None, None, None] for row in PRESENCES[2:4]),
    [*PRESENCES[4], None, None, "Vice-président"],
    [*PRESENCES[5], None, "philippe.cocq exemple.fr", None],
]


def test_the_fields_and_columns_before_the_meeting_are_read(tmp_path: Path) -> None:
    seance = {
        "Ville": "Amiens",
        "Délai de convocation": 3,
        "Urgence": "non",
        "Signataire de la convocation": "Stéphane DECAYEUX",
        "Procès-verbal arrêté le": dt.datetime(2016, 12, 19),
    }
    make_meeting(tmp_path / "data" / "m", seance=seance, presences=CONTACTS)
    (source,) = find_meetings(tmp_path / "data")
    report = Report()
    meeting = pipeline_build.read_meeting(source, report)
    assert meeting is not None, report.problems
    assert (meeting.city, meeting.notice_days, meeting.urgency) == ("Amiens", 3, False)
    assert meeting.convener == "stephane decayeux"
    assert meeting.approved_on == dt.date(2016, 12, 19)
    rodinger, *_, decayeux, cocq = meeting.members
    assert rodinger.address == ("12 rue des Lilas", "80000 Amiens")
    assert rodinger.email == "f.rodinger@exemple.fr"
    assert decayeux.function == "Vice-président"
    # A doubtful e-mail address: a warning naming the cell.
    (warning,) = report.warnings
    assert warning.code == "presence.invalid-email"
    assert (
        str(warning.place)
        == "presences.xlsx, feuille « Présences », cellule H6 (Philippe COCQ, colonne « Courriel »)"
    )
    assert "philippe.cocq exemple.fr" in warning.message


def test_by_default_five_days_and_the_president_signs(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "m")
    (source,) = find_meetings(tmp_path / "data")
    meeting = pipeline_build.read_meeting(source, Report())
    assert (meeting.notice_days, meeting.urgency, meeting.convener) == (5, False, "philippe varlet")
    assert meeting.city == "" and meeting.approved_on is None


# --- the urgency stated in the minutes ---------------------------------------------------------

URGENCY = (
    "Le Président rend compte de l’urgence qui a motivé la convocation du Bureau dans un "
    "délai abrégé. Le Bureau, appelé à se prononcer sur l’urgence (article L2121-12 du CGCT), "
    "la reconnaît."
)


def test_the_minutes_open_with_the_urgency(tmp_path: Path) -> None:
    urgent = {"Urgence": "oui", "Date de convocation": dt.datetime(2016, 11, 26)}
    make_meeting(tmp_path / "data" / "m", seance=urgent)
    code, output = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, output
    text = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    assert URGENCY in text
    # After the quorum, before the secretary is designated.
    quorum = next(i for i, line in enumerate(text) if line.startswith("Le quorum est atteint"))
    assert text.index(URGENCY) == quorum + 1
    assert text[quorum + 2] == "Philippe COCQ est désigné secrétaire de séance."


def test_no_urgency_no_statement(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "m")
    code, output = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, output
    text = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    assert not any("urgence" in line for line in text)
