"""Issue 18, « Publication », first slice: the Séance fields « Mise en ligne
le », « Affichée le » and « Adresse de publication » (docs/data-format.md).
Given, the list of deliberations and the extracts print their dates instead
of the dotted lines, deliberations.csv fills DELIB_URL (the address is
where output/site/ is deposited); the address is
checked; a list put online more than a week after the meeting is a warning
(CGCT L2121-25)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import build, checked_problems, docx_text, make_meeting, problem_lines, problems_of
from test_validators import csv_rows, errors, needs_validata, validata, write

from pipeline.law import publication
from pipeline.problems import Severity
from pipeline.words.sentences import BLANK

PUBLISHED = {
    "Mise en ligne le": dt.datetime(2016, 12, 2),
    "Affichée le": dt.datetime(2016, 12, 1),
    "Adresse de publication": "https://www.exemple.fr/actes/",
}


def built(tmp_path: Path, **seance: Any) -> Path:
    """The default meeting (28/11/2016, president Philippe VARLET) with
    ``seance`` added, built without problems; its output folder."""
    make_meeting(tmp_path / "data" / "seance", seance=seance)
    code, output = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, output
    assert problem_lines(output, open_data=False) == [], output
    return tmp_path / "out" / "seance"


def extract(out: Path) -> list[str]:
    (path,) = (out / "extraits").glob("*.docx")
    return docx_text(path)


# --- the documents ---------------------------------------------------------------------


def test_the_list_and_the_extract_print_the_dates_given(tmp_path: Path) -> None:
    out = built(tmp_path, **PUBLISHED)
    listing = docx_text(out / "liste-deliberations.docx")
    assert "Affichée le 1er décembre 2016" in listing
    assert "Mise en ligne le 2 décembre 2016 par Philippe VARLET, Le Président" in listing
    text = extract(out)
    assert "Publié le 2 décembre 2016" in text
    # not acknowledged yet: not in force, the transmission left to the hand
    # (tests/test_accuses.py for the acts acknowledged)
    assert "Certifié exécutoire" not in text
    assert [p for p in text if BLANK in p] == [f"Transmis en préfecture le {BLANK}"]
    assert not [p for p in listing if BLANK in p]


def test_without_the_fields_the_dotted_lines_stay(tmp_path: Path) -> None:
    out = built(tmp_path)
    listing = docx_text(out / "liste-deliberations.docx")
    assert f"Affichée le {BLANK}" in listing
    assert f"Mise en ligne le {BLANK}" in listing
    text = extract(out)
    assert f"Publié le {BLANK}" in text
    assert f"Transmis en préfecture le {BLANK}" in text


def test_a_president_is_named_with_her_quality(tmp_path: Path) -> None:
    out = built(
        tmp_path,
        **{"Président": "Florence RODINGER", "Mise en ligne le": dt.datetime(2016, 11, 30)},
    )
    listing = docx_text(out / "liste-deliberations.docx")
    assert "Mise en ligne le 30 novembre 2016 par Florence RODINGER, La Présidente" in listing


# --- deliberations.csv -----------------------------------------------------------------


def test_delib_url_is_the_address_and_the_extract_pdf_in_the_site(tmp_path: Path) -> None:
    # The address is where output/site/ is deposited (tests/test_site.py):
    # <address>/<year>/<meeting>/extraits/<extract>.pdf.
    data, out = write(tmp_path, **{"Adresse de publication": "https://www.exemple.fr/actes/"})
    code, output = build(data, out.parent)
    assert code == 0, output
    urls = [r["DELIB_URL"] for r in csv_rows(out / "deliberations.csv")]
    pdfs = sorted(p.with_suffix(".pdf").name for p in (out / "extraits").glob("*.docx"))
    site = "https://www.exemple.fr/actes/2016/seance/extraits"
    assert sorted(urls) == [f"{site}/{name}" for name in pdfs]
    assert urls[0] == f"{site}/B2016_001-cantine-scolaire.pdf"


def test_delib_url_stays_empty_without_the_address(tmp_path: Path) -> None:
    data, out = write(tmp_path)
    code, output = build(data, out.parent)
    assert code == 0, output
    assert {r["DELIB_URL"] for r in csv_rows(out / "deliberations.csv")} == {""}


@needs_validata
def test_the_csv_with_delib_url_passes_validata(tmp_path: Path) -> None:
    data, out = write(tmp_path, **{"Adresse de publication": "https://www.exemple.fr/actes"})
    code, output = build(data, out.parent)
    assert code == 0, output
    report = validata(out / "deliberations.csv")
    assert errors(report) == [], report
    assert report["valid"], report


# --- the address is checked ------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "www.exemple.fr/actes",
        "ftp://exemple.fr/actes",
        "https://www.exemple.fr/mes actes",
        "https://",
    ],
)
def test_an_unreadable_address_is_an_error_naming_its_cell(tmp_path: Path, address: str) -> None:
    make_meeting(tmp_path / "data" / "seance", seance={"Adresse de publication": address})
    (problem,) = [
        p for p in checked_problems(tmp_path / "data")["seance"] if p.code.startswith("seance.")
    ]
    assert problem.code == "seance.invalid-publication-url"
    assert problem.severity is Severity.ERROR
    assert "B12" in str(problem.place) and "Adresse de publication" in str(problem.place)
    assert f"« {address} »" in problem.message
    assert "https://" in problem.message


# --- the week of L2121-25 --------------------------------------------------------------


def test_the_week_counts_seven_days_after_the_meeting() -> None:
    monday = dt.date(2016, 11, 28)
    assert publication.list_deadline(monday) == dt.date(2016, 12, 5)
    assert publication.list_days_late(monday, dt.date(2016, 11, 28)) == 0
    assert publication.list_days_late(monday, dt.date(2016, 12, 5)) == 0  # the 7th day: in time
    assert publication.list_days_late(monday, dt.date(2016, 12, 6)) == 1
    assert publication.list_days_late(monday, dt.date(2017, 1, 2)) == 28  # across the year
    # the 28th of February 2023 leaves until the 7th of March
    assert publication.list_deadline(dt.date(2023, 2, 28)) == dt.date(2023, 3, 7)


def test_a_list_put_online_late_is_a_warning_with_both_dates(tmp_path: Path) -> None:
    make_meeting(
        tmp_path / "data" / "seance",
        seance={
            "Mise en ligne le": dt.datetime(2016, 12, 6),
            "Affichée le": dt.datetime(2016, 12, 5),
        },
    )
    problems = [
        p for p in checked_problems(tmp_path / "data")["seance"] if p.code.startswith("seance.")
    ]
    (late,) = problems  # the 5th of December is the last day: in time
    assert late.severity is Severity.WARNING
    assert late.code == "seance.list-published-late"
    assert "B12" in str(late.place)
    assert "06/12/2016" in late.message and "28/11/2016" in late.message
    assert "L2121-25" in late.message and "05/12/2016" in late.message


def test_a_date_before_the_meeting_is_an_error(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "seance", seance={"Affichée le": dt.datetime(2016, 11, 27)})
    codes = [c for c, _ in problems_of(tmp_path / "data")["seance"] if c.startswith("seance.")]
    assert codes == ["seance.publication-before-meeting"]
