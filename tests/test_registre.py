"""``make-minutes registre ANNÉE`` (issue 19): the register of the year's
deliberations, its closing sheets, its tables and the yearly open data.

Three meetings of 2022 (their folders not in date order) and one of 2021,
built by the real command into tmp folders and read back: the .docx with
python-docx, the PDF/A the command makes with --pdf (ONE LibreOffice
conversion for the module) page by page with pdftotext, the CSV with
validata-table when it is installed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    DELIBERATIONS,
    PDFTOTEXT,
    SOFFICE,
    docx_text,
    make_meeting,
    needs_libreoffice,
    run,
)
from test_validators import errors, needs_validata, validata

from pipeline.render import sandbox
from pipeline.words.french import NBSP

HEADERS = ["N°", "Titre", "Exposé", "Décision", "Vote", "Pour", "Contre", "Matière"]
LONG = "\n".join(f"Paragraphe {k} de l’exposé, assez long pour remplir la page." for k in range(70))
# (folder, date, deliberations (title, exposé, matière)), folders NOT in date order.
MEETINGS: list[tuple[str, dt.date, list[tuple[str, str, str]]]] = [
    (
        "a-bureau-decembre",
        dt.date(2022, 12, 5),
        [("Tarifs de la cantine", "Les tarifs.", "8.1"), ("Voeu pour le bus", "Un vœu.", "9.4")],
    ),
    (
        "b-conseil-mars",
        dt.date(2022, 3, 10),
        [("Budget primitif", LONG, "7.1"), ("Adhésion au syndicat", "Adhérer.", "5.7")],
    ),
    ("c-conseil-juin", dt.date(2022, 6, 20), [("Règlement intérieur", "Un règlement.", "5.2")]),
    ("d-conseil-2021", dt.date(2021, 12, 13), [("Décision de 2021", "L’an passé.", "7.1")]),
]
IN_2022 = sorted((m for m in MEETINGS if m[1].year == 2022), key=lambda m: m[1])
TITLES = [title for _, _, items in IN_2022 for title, _, _ in items]
PRESENT = ["Mme Florence RODINGER", "M. Philippe VARLET", "M. Philippe COCQ"]


def write_year(data: Path) -> Path:
    """The four meetings, each with SIRET, Matière and its own act numbers."""
    for folder, date, items in MEETINGS:
        rows = [HEADERS] + [
            [n, title, expose, "Le conseil décide.", "unanimité", None, None, matiere]
            for n, (title, expose, matiere) in enumerate(items, start=1)
        ]
        make_meeting(
            data / folder,
            seance={
                "Date": dt.datetime.combine(date, dt.time()),
                "Date de convocation": dt.datetime.combine(date - dt.timedelta(days=10), dt.time()),
                "SIRET": "200 000 008 00017",
                "Numérotation": "D{AAAA}{MM}{JJ}_{NN}",
            },
            deliberations=rows,
        )
    return data


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """The register of 2022 written with --pdf (the module's one LibreOffice
    conversion): (its folder, exit code, output)."""
    base = tmp_path_factory.mktemp("registre")
    data = write_year(base / "data")
    with_pdf = ["--pdf"] if SOFFICE else []  # the PDF tests are skipped without it
    code, printed = run(
        "registre", "2022", "--data", str(data), "--output", str(base / "out"), *with_pdf
    )
    return base / "out" / "registre-2022", code, printed


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext), spaces made plain."""
    assert PDFTOTEXT, "pdftotext is required (installed by .ci/run)"
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [page.replace(NBSP, " ").replace("\u202f", " ") for page in text.split("\f")[:-1]]


def heading(k: int, title: str, date: dt.date) -> str:
    return f"{k}. {title} (n° D{date:%Y%m%d}_{k:02d})"


# --- the register's content ------------------------------------------------------------


@needs_libreoffice
def test_the_register_holds_the_year_deliberations_in_date_order(year: Any) -> None:
    folder, code, printed = year
    assert code == 0, printed
    assert "Registre 2022 : 3 séances incluses." in printed
    text = docx_text(folder / "registre.docx")
    headings = [p for p in text if p[:3] in ("1. ", "2. ")]
    expected = [
        heading(k, title, date).replace(" (n° ", f" (n°{NBSP}")
        for _, date, items in IN_2022
        for k, (title, _, _) in enumerate(items, start=1)
    ]
    assert headings == expected
    assert not any("2021" in p for p in text)
    assert "Décision de 2021" not in "\n".join(text)
    seances = [p for p in text if p.startswith("CONSEIL MUNICIPAL") or p.startswith("BUREAU")]
    assert seances == [
        f"BUREAU du {d}" for d in ("10 mars 2022", "20 juin 2022", "5 décembre 2022")
    ]


@needs_libreoffice
def test_a_closing_sheet_per_meeting_names_its_members_present(year: Any) -> None:
    folder, _, _ = year
    text = docx_text(folder / "registre.docx")
    starts = [i for i, p in enumerate(text) if p.startswith("Feuillet de clôture")]
    assert [text[i] for i in starts] == [
        f"Feuillet de clôture de la séance du {d}"
        for d in ("10 mars 2022", "20 juin 2022", "5 décembre 2022")
    ]
    for start, (_, date, items) in zip(starts, IN_2022, strict=True):
        sheet = text[start : start + 30]
        assert f"Membres présents (3){NBSP}:" in sheet
        for name in PRESENT:
            assert name in sheet
        assert "M. Ernest CANDELA" not in sheet  # excusé: not present
        for k, (title, _, _) in enumerate(items, start=1):
            assert f"D{date:%Y%m%d}_{k:02d}" in sheet and title in sheet
        assert "Le Président" in sheet and "Le secrétaire de séance" in sheet


# --- the pages, read back through LibreOffice's PDF -----------------------------------------


@needs_libreoffice
def test_sheets_are_numbered_across_the_year_and_headed_with_their_meeting(year: Any) -> None:
    folder, _, _ = year
    pages = pdf_pages(folder / "registre.pdf")
    assert len(pages) >= 9  # title, 3 × (deliberations + closing sheet), long exposé, tables
    for number, page in enumerate(pages, start=1):
        assert f"Registre des délibérations 2022 – feuillet {number}" in page, number
        assert "Syndicat mixte Somme Numérique –" in page.splitlines()[0] + page
    for _, date, items in IN_2022:
        where = [i for i, p in enumerate(pages) if heading(1, items[0][0], date) in p]
        assert len(where) == 1
        header = " ".join(pages[where[0]].split()[:12])
        assert f"BUREAU du {date.day}" in header


def table_pages(pages: list[str], title: str) -> dict[str, int]:
    """The sheet each row of the table ``title`` gives, by deliberation title
    (a row's title is on its first line; its sheet ends that line)."""
    start = next(i for i, p in enumerate(pages) if title in p)
    text = "\n".join(pages[start:])
    text = text[text.index(title) :]
    found: dict[str, int] = {}
    for line in text.splitlines():
        for t in TITLES:
            if t in line and t not in found and line.split()[-1].isdigit():
                found[t] = int(line.split()[-1])
    return found


@needs_libreoffice
@pytest.mark.parametrize(
    "table",
    [
        "Table chronologique des délibérations",
        "Table des délibérations par objet",
        "Table des délibérations par matière",
    ],
)
def test_the_tables_give_the_page_of_each_deliberation(year: Any, table: str) -> None:
    folder, _, _ = year
    pages = pdf_pages(folder / "registre.pdf")
    where = {}
    for _, date, items in IN_2022:
        for k, (title, _, _) in enumerate(items, start=1):
            (page,) = [i + 1 for i, p in enumerate(pages) if heading(k, title, date) in p]
            where[title] = page
    assert where["Adhésion au syndicat"] > where["Budget primitif"] + 1  # the long exposé
    assert table_pages(pages, table) == where


def test_the_tables_are_ordered_by_date_title_and_subject(year: Any) -> None:
    folder, _, _ = year
    text = docx_text(folder / "registre.docx")
    chrono = text.index("Table chronologique des délibérations")
    by_title = text.index("Table des délibérations par objet")
    by_subject = text.index("Table des délibérations par matière")

    def order(start: int, end: int) -> list[str]:
        return [p for p in text[start:end] if p in TITLES]

    assert order(chrono, by_title) == TITLES
    assert order(by_title, by_subject) == sorted(TITLES, key=lambda t: t.replace("è", "e"))
    subjects = [p for p in text[by_subject:] if p[:2] in ("5.", "7.", "8.", "9.")]
    assert [s.split(" ")[0] for s in subjects] == ["5.2", "5.7", "7.1", "8.1", "9.4"]
    assert order(by_subject, len(text)) == [
        "Règlement intérieur",
        "Adhésion au syndicat",
        "Budget primitif",
        "Tarifs de la cantine",
        "Voeu pour le bus",
    ]


# --- the yearly open data --------------------------------------------------------------------


def test_the_yearly_csv_holds_the_rows_of_the_year_under_one_header(year: Any) -> None:
    folder, _, _ = year
    content = (folder / "deliberations-2022.csv").read_text(encoding="utf-8")
    assert content.count("COLL_NOM") == 1
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    assert [r["DELIB_OBJET"] for r in rows] == TITLES
    assert {r["DELIB_DATE"][:4] for r in rows} == {"2022"}


@needs_validata
def test_the_yearly_csv_passes_validata(year: Any) -> None:
    folder, _, _ = year
    report = validata(folder / "deliberations-2022.csv")
    assert errors(report) == []


# --- what is not included, and bad arguments -------------------------------------------------


def test_a_meeting_with_an_error_is_listed_as_not_included(tmp_path: Path) -> None:
    data = write_year(tmp_path / "data")
    make_meeting(
        data / "e-conseil-septembre",
        seance={
            "Date": dt.datetime(2022, 9, 15),
            "Date de convocation": dt.datetime(2022, 9, 1),
            "Président": "Jeanne INCONNUE",  # not a member: an error
        },
        deliberations=[DELIBERATIONS[0], [1, "Point faux", "Exposé.", "Décide.", "unanimité"]],
    )
    make_meeting(data / "f-sans-date", drop=("Date",))  # may be of 2022: said too
    code, printed = run("registre", "2022", "--data", str(data), "--output", str(tmp_path / "o"))
    assert code == 1, printed
    for name in ("e-conseil-septembre", "f-sans-date"):
        (said,) = [line for line in printed.splitlines() if line.startswith(f"{name} : ")]
        assert said.endswith("réunion non incluse dans le registre.")
    assert "réunion du 15/09/2022 NON incluse dans le registre 2022" in printed
    assert "f-sans-date : réunion dont la date n’a pas pu être lue (elle peut être de 2022)" in (
        printed
    )
    text = docx_text(tmp_path / "o" / "registre-2022" / "registre.docx")
    first = text[: text.index("BUREAU du 10 mars 2022")]
    assert "Réunions de l’année non incluses dans ce registre" in first
    assert "e-conseil-septembre" in first and "f-sans-date" in first
    assert "Point faux" not in "\n".join(text)
    assert len([p for p in text if p.startswith("Feuillet de clôture")]) == 3


def test_a_year_without_meeting_says_where_it_looked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent.parent / "data" / "2016-11-28-bureau", data / "m")
    code, printed = run("registre", "2019", "--data", str(data), "--output", str(tmp_path / "o"))
    assert code == 1
    assert f"Aucune réunion de l’année 2019 dans « {data.resolve()} »" in printed
    assert "années des réunions trouvées : 2016" in printed
    assert not (tmp_path / "o").exists()


def bad_meeting(folder: Path, date: dt.datetime) -> None:
    """A meeting of ``date`` with exactly one error (its president is no member)."""
    make_meeting(
        folder,
        seance={
            "Date": date,
            "Date de convocation": date - dt.timedelta(days=10),
            "Président": "Jeanne INCONNUE",
        },
    )


def test_one_problem_is_said_in_the_singular(tmp_path: Path) -> None:
    data = write_year(tmp_path / "data")
    bad_meeting(data / "e-conseil-septembre", dt.datetime(2022, 9, 15))
    code, printed = run("registre", "2022", "--data", str(data), "--output", str(tmp_path / "o"))
    assert code == 1, printed
    assert "NON incluse dans le registre 2022 : 1 problème (ci-dessus). Corrigez-le, puis" in (
        printed
    )
    assert "Corrigez-les" not in printed


def test_when_every_meeting_of_the_year_is_left_out_nothing_is_written(tmp_path: Path) -> None:
    data = write_year(tmp_path / "data")  # meetings of 2021 and 2022
    bad_meeting(data / "e-conseil-2023", dt.datetime(2023, 9, 15))
    bad_meeting(data / "f-conseil-2023", dt.datetime(2023, 10, 2))
    code, printed = run("registre", "2023", "--data", str(data), "--output", str(tmp_path / "o"))
    assert code == 1, printed
    for name in ("e-conseil-2023", "f-conseil-2023"):
        assert f"{name} : 1 problème, réunion non incluse dans le registre." in printed
        assert "Jeanne INCONNUE" in printed
    assert "registre-2023 : rien n’a été écrit." in printed
    assert "aucune réunion de 2023 ne peut être incluse : le registre n’est pas écrit" in printed
    assert "séance incluse" not in printed
    assert not (tmp_path / "o" / "registre-2023").exists()


@pytest.mark.parametrize("name", ["registre-2022", "REGISTRE-2022"])
def test_a_meeting_named_like_the_register_folder_is_refused(tmp_path: Path, name: str) -> None:
    data = tmp_path / "data"
    make_meeting(data / name, seance={"Date": dt.datetime(2022, 3, 10)})
    code, printed = run("registre", "2022", "--data", str(data), "--output", str(tmp_path / "o"))
    assert code == 2, printed
    assert f"La réunion « {name} » porte le nom du dossier du registre" in printed
    assert "output/registre-2022/" in printed and "Renommez son dossier" in printed
    assert not (tmp_path / "o").exists()
    # another year's register does not clash with it
    code, printed = run("registre", "2021", "--data", str(data), "--output", str(tmp_path / "o"))
    assert code == 1 and "Aucune réunion de l’année 2021" in printed


def test_a_register_has_the_budget_of_the_meetings_it_gathers() -> None:
    """The sandbox's limits hold per document; the register of 12 large
    meetings is 12 documents' worth (bench/run.py measures it)."""
    assert sandbox.Budget().output == sandbox.MAX_OUTPUT
    with sandbox.gathering(12):
        budget = sandbox.Budget()
        assert budget.output == 12 * sandbox.MAX_OUTPUT
        assert budget.steps == 12 * sandbox.MAX_STEPS
    assert sandbox.Budget().steps == sandbox.MAX_STEPS


@pytest.mark.parametrize("bad", ["22", "deux-mille", "20222"])
def test_a_year_that_is_not_one_is_refused_in_french(tmp_path: Path, bad: str) -> None:
    code, printed = run("registre", bad, "--data", str(tmp_path))
    assert code == 2
    assert f"« {bad} » n’est pas une année" in printed


def test_an_edited_register_is_kept_unless_forced(tmp_path: Path) -> None:
    """Written as a build writes (pipeline/output.py): a register retouched in
    Word is not replaced; with --force it is, a dated copy kept beside it."""
    import docx

    data = write_year(tmp_path / "data")
    args = ["registre", "2022", "--data", str(data), "--output", str(tmp_path / "o")]
    assert run(*args)[0] == 0
    register = tmp_path / "o" / "registre-2022" / "registre.docx"
    edited = docx.Document(str(register))
    edited.add_paragraph("Retouche de la secrétaire.")
    edited.save(str(register))
    code, printed = run(*args)
    assert code == 1 and "ce document a été modifié depuis sa génération" in printed
    assert "Retouche de la secrétaire." in docx_text(register)
    code, printed = run(*args, "--force")
    assert code == 0, printed
    assert "Retouche de la secrétaire." not in docx_text(register)
    (kept,) = register.parent.glob("registre.modifie-*.docx")
    assert "Retouche de la secrétaire." in docx_text(kept)
