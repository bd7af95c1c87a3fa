"""Issue 17, the approval loop: a later meeting of data/ that adopts the
minutes of an earlier one fills « Procès-verbal arrêté en séance du … » in
the earlier minutes (or the field « Procès-verbal arrêté le » does, and
wins); a broken later meeting is not used and does not break the earlier
one; ``make-minutes new --from`` prepares the approval. The documents are
built by the real command and read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLE, build, docx_text, make_meeting, problems_of, run

from pipeline.law.approval import adopts, approved_on
from pipeline.model import Counts, VoteRecord
from pipeline.parse.approval import Approval
from pipeline.problems import Place

DOTTED = "Procès-verbal arrêté en séance du ………………………………"
ARRETE_19 = "Procès-verbal arrêté en séance du 19 décembre 2016"
LATER = {
    "Date": dt.datetime(2016, 12, 19),
    "Date de convocation": dt.datetime(2016, 12, 12),
    "Procès-verbal précédent": dt.datetime(2016, 11, 28),
    "Vote du procès-verbal précédent": "unanimité",
}


def minutes(out: Path, name: str) -> list[str]:
    return docx_text(out / name / "proces-verbal.docx")


def test_a_later_meeting_that_adopts_the_minutes_fills_the_date(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    make_meeting(data / "a-2016-11-28")
    make_meeting(data / "b-2016-12-19", seance=LATER)
    code, output = build(data, out)
    assert code == 0, output
    assert ARRETE_19 in minutes(out, "a-2016-11-28")
    assert DOTTED not in minutes(out, "a-2016-11-28")
    # The later meeting's own minutes wait for their approval.
    assert DOTTED in minutes(out, "b-2016-12-19")
    assert "Le procès-verbal de la réunion du 28 novembre 2016 est adopté à l’unanimité." in (
        minutes(out, "b-2016-12-19")
    )


def test_without_the_later_meeting_the_dotted_line_stays(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "a")
    code, output = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, output
    assert DOTTED in minutes(tmp_path / "out", "a")


@pytest.mark.parametrize(
    "later",
    [
        pytest.param({"Vote du procès-verbal précédent": "2 pour, 3 contre"}, id="rejete"),
        pytest.param({"Instance": "Comité syndical"}, id="autre-instance"),
        pytest.param({"Procès-verbal précédent": dt.datetime(2016, 11, 7)}, id="autre-seance"),
    ],
)
def test_a_meeting_that_does_not_adopt_these_minutes_is_not_used(
    tmp_path: Path, later: dict
) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    make_meeting(data / "a")
    make_meeting(data / "b", seance={**LATER, **later})
    build(data, out)
    assert DOTTED in minutes(out, "a")


def test_a_broken_later_meeting_is_not_used_and_breaks_nothing(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    make_meeting(data / "a")
    make_meeting(data / "b", seance={**LATER, "Heure d'ouverture": "midi passé"})
    (data / "c").mkdir()
    (data / "c" / "seance.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    code, output = build(data, out)
    assert code != 0  # b and c have errors of their own…
    assert DOTTED in minutes(out, "a")  # … a is built, without b's approval
    assert [c for c, _ in problems_of(data)["a"]] == ["opendata.missing"]


def test_the_field_fills_the_date_by_hand_and_wins(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    make_meeting(data / "a", seance={"Procès-verbal arrêté le": dt.datetime(2017, 1, 9)})
    code, output = build(data, out)
    assert code == 0, output
    assert "Procès-verbal arrêté en séance du 9 janvier 2017" in minutes(out, "a")
    # With a later meeting of data/ that adopted them too: the field wins.
    make_meeting(data / "b", seance=LATER)
    code, output = build(data, out)
    assert code == 0, output
    assert "Procès-verbal arrêté en séance du 9 janvier 2017" in minutes(out, "a")
    assert ARRETE_19 not in minutes(out, "a")


def test_a_date_not_after_the_meeting_is_an_error(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "a", seance={"Procès-verbal arrêté le": "28/11/2016"})
    assert (
        "seance.approval-before-meeting",
        "seance.xlsx, feuille « Séance », cellule B12 (colonne « Procès-verbal arrêté le »)",
    ) in problems_of(tmp_path / "data")["a"]


def test_new_from_prepares_the_approval_and_closes_the_loop(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    make_meeting(data / "a")
    code, printed = run("new", "b", "--from", "a", "--data", str(data))
    assert code == 0, printed
    assert "Procès-verbal précédent" in printed
    book = openpyxl.load_workbook(data / "b" / "seance.xlsx")
    ws = book["Séance"]
    rows = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
    assert rows["Procès-verbal précédent"].value == dt.datetime(2016, 11, 28)
    # The approval is no row of Délibérations: the minutes print it from the fields.
    items = book["Délibérations"].iter_rows(min_row=2, values_only=True)
    assert not any(value is not None for row in items for value in row)
    # Until the vote is recorded, the check names the cell to fill.
    place = (
        "seance.xlsx, feuille « Séance », cellule B18 (colonne « Vote du procès-verbal précédent »)"
    )
    assert ("seance.previous-vote-missing", place) in problems_of(data)["b"]
    # The clerk fills the later meeting and records the vote on the minutes.
    filled = {
        "Date": dt.datetime(2016, 12, 19),
        "Heure d'ouverture": dt.time(17, 0),
        "Date de convocation": dt.datetime(2016, 12, 12),
        "Secrétaire de séance": "Philippe COCQ",
        "Vote du procès-verbal précédent": "unanimité",
    }
    for field, value in filled.items():
        rows[field].value = value
    presences = book["Présences"]
    for row in presences.iter_rows(min_row=2):
        if row[3].value:  # a member taken over from a
            row[4].value = "présent"
    for column, value in enumerate([1, "Budget", None, None, "Adopté.", "unanimité"], start=1):
        book["Délibérations"].cell(2, column).value = value
    book.save(data / "b" / "seance.xlsx")
    code, output = build(data, out)
    assert code == 0, output
    assert ARRETE_19 in minutes(out, "a")
    assert "Le procès-verbal de la réunion du 28 novembre 2016 est adopté à l’unanimité." in (
        minutes(out, "b")
    )


def test_new_from_the_sample_takes_over_its_date() -> None:
    from pipeline import build as pipeline_build
    from pipeline.commands import new
    from pipeline.problems import Report
    from pipeline.read.sources import find_meetings

    source = next(m for m in find_meetings(SAMPLE.parent) if m.name == SAMPLE.name)
    seance, _ = new.taken_over(pipeline_build.read_meeting(source, Report()))
    assert seance["Procès-verbal précédent"] == dt.date(2016, 11, 28)


# --- the rule, pure -------------------------------------------------------------------------

PLACE = Place("seance.xlsx")


def _approval(date: dt.date, previous: dt.date, vote: VoteRecord, instance: str = "bureau"):
    return Approval("syndicat", instance, date, previous, vote)


UNANIMITY = VoteRecord(True, None, PLACE)


@pytest.mark.parametrize(
    ("vote", "adopted"),
    [
        (UNANIMITY, True),
        (VoteRecord(False, Counts(5, 4, 2), PLACE), True),
        (VoteRecord(False, Counts(4, 4), PLACE), False),
        (VoteRecord(False, Counts(0, 0, 9), PLACE), False),
    ],
)
def test_adopts(vote: VoteRecord, adopted: bool) -> None:
    assert adopts(vote) is adopted


def test_the_first_later_meeting_that_adopts_them() -> None:
    nov, dec, jan = dt.date(2016, 11, 28), dt.date(2016, 12, 19), dt.date(2017, 1, 9)
    found = [
        _approval(jan, nov, UNANIMITY),
        _approval(dec, nov, UNANIMITY),
        _approval(dec, nov, UNANIMITY, instance="comite syndical"),
        _approval(dt.date(2016, 11, 1), nov, UNANIMITY),  # before: not an approval
    ]
    assert approved_on(nov, "Syndicat", "Bureau", found) == dec
    assert approved_on(dec, "Syndicat", "Bureau", found) is None
    assert approved_on(nov, "Syndicat", "Comité syndical", found[:1]) is None


def test_a_later_meeting_whose_workbook_kills_the_reader_breaks_nothing(tmp_path: Path) -> None:
    """The later meeting's Séance workbook makes the reader abort (the trap
    of tests/test_isolation.py): that meeting fails alone, as before; the
    earlier one, which looks it up, is built, its line left dotted."""
    from test_isolation import DIED, command

    data = tmp_path / "data"
    make_meeting(data / "a")
    b = make_meeting(data / "b", seance=LATER)
    (b / "seance.xlsx").rename(b / "piege.xlsx")
    code, printed = command(tmp_path, "--data", "data", "--output", "out", "--jobs", "1")
    assert "Traceback" not in printed and "erreur inattendue" not in printed, printed
    assert code == 1, printed
    assert f"b : 1 problème, rien n’a été écrit pour cette réunion.\n  - {DIED}" in printed
    assert DOTTED in minutes(tmp_path / "out", "a"), printed
