"""LibreOffice Calc (.ods) and Excel 97-2003 (.xls) workbooks are read like
.xlsx ones, through the same reader, with the same places in messages.

The .ods and .xls files are made by LibreOffice itself from .xlsx
workbooks, inside the tests: every source of the module is converted in one
LibreOffice call per format."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import (
    SAMPLE,
    SOFFICE,
    assert_first_college_merged_down,
    build,
    docx_text,
    make_meeting,
    run,
)

DOCUMENTS = ("proces-verbal.docx", "annexe-tarifs.docx", "liste-deliberations.docx")


def _bad_status(folder: Path) -> None:
    make_meeting(folder)
    wb = openpyxl.load_workbook(folder / "presences.xlsx")
    wb.active["E3"] = "presnt"
    wb.save(folder / "presences.xlsx")


def _merged_college(folder: Path) -> None:
    make_meeting(folder)
    wb = openpyxl.load_workbook(folder / "presences.xlsx")
    ws = wb.active
    ws["A3"] = None
    ws.merge_cells("A2:A3")
    wb.save(folder / "presences.xlsx")


def _merged_expose(folder: Path) -> None:
    """Issue 15 item 6: two items, their Exposé merged (C2:C3)."""
    from test_merged_cells import TWO_ITEMS, merge

    make_meeting(folder, deliberations=TWO_ITEMS)
    merge(folder / "deliberations.xlsx", "C2:C3")


def _division_by_zero(folder: Path) -> None:
    """The "Pour" count of deliberation 1 is =1/0: LibreOffice stores #DIV/0!."""
    make_meeting(folder)
    wb = openpyxl.load_workbook(folder / "deliberations.xlsx")
    ws = wb.active
    column = next(c.column_letter for c in ws[1] if c.value == "Pour")
    ws[f"{column}2"] = "=1/0"
    wb.save(folder / "deliberations.xlsx")


def _stray_value(folder: Path) -> None:
    """A value typed in the sheet's last row, a million rows below the table."""
    make_meeting(folder)
    wb = openpyxl.load_workbook(folder / "deliberations.xlsx")
    wb.active["B1048576"] = "x"
    wb.save(folder / "deliberations.xlsx")


SOURCES = {
    "bureau": lambda folder: shutil.copytree(SAMPLE, folder),
    "statut": _bad_status,
    "fusion": _merged_college,
    "fusion-expose": _merged_expose,
    "division": _division_by_zero,
    "isolee": _stray_value,
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{"xlsx" | "ods" | "xls" | "xlsx-lo": data folder}; each holds one
    meeting per source, the same workbooks in that format ("xlsx-lo": saved
    again by LibreOffice as .xlsx, with its computed results)."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) absent : voir .ci/run")
    root = tmp_path_factory.mktemp("formats")
    staging = root / "staging"
    staging.mkdir()
    data = {fmt: root / fmt for fmt in ("xlsx", "ods", "xls", "xlsx-lo")}
    for name, make in SOURCES.items():
        make(data["xlsx"] / name)
        for book in (data["xlsx"] / name).glob("*.xlsx"):
            shutil.copy(book, staging / f"{name}__{book.name}")
    for fmt, filter_name in (("ods", "ods"), ("xls", "xls:MS Excel 97"), ("xlsx-lo", "xlsx")):
        out = root / f"converted-{fmt}"
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{root / 'profile'}",
                "--headless",
                "--convert-to",
                filter_name,
                "--outdir",
                str(out),
                *sorted(str(p) for p in staging.iterdir()),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        suffix = ".xlsx" if fmt == "xlsx-lo" else f".{fmt}"
        for path in out.iterdir():
            meeting, book = path.stem.split("__")
            (data[fmt] / meeting).mkdir(parents=True, exist_ok=True)
            path.rename(data[fmt] / meeting / f"{book}{suffix}")
    return data


def check(data: Path, meeting: str) -> tuple[int, str]:
    return run("--data", str(data), "check", meeting)


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_the_sample_meeting_builds_the_same_documents_from_each_format(
    converted: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    build(converted["xlsx"], tmp_path / "a")
    _, output = build(converted[fmt], tmp_path / "b")
    assert (converted[fmt] / "bureau" / f"seance.{fmt}").is_file()
    assert "bureau : proces-verbal.docx" in output, output
    reference = tmp_path / "a" / "bureau"
    produced = tmp_path / "b" / "bureau"
    for name in DOCUMENTS:
        assert docx_text(produced / name) == docx_text(reference / name), name
        # The same bytes, even: nothing of the format reaches the documents.
        assert (produced / name).read_bytes() == (reference / name).read_bytes(), name
    extracts = sorted(p.name for p in (reference / "extraits").iterdir())
    assert extracts and sorted(p.name for p in (produced / "extraits").iterdir()) == extracts
    assert "TARIFS" in " ".join(docx_text(produced / "annexe-tarifs.docx")).upper()


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_a_misspelt_status_is_named_at_the_same_place(converted: dict[str, Path], fmt: str) -> None:
    code, reference = check(converted["xlsx"], "statut")
    assert code == 1
    expected = [line for line in reference.splitlines() if "presnt" in line]
    assert expected and "presences.xlsx, feuille « Présences », cellule E3" in expected[0]
    code, output = check(converted[fmt], "statut")
    assert code == 1, output
    assert [line for line in output.splitlines() if "presnt" in line] == [
        line.replace("presences.xlsx", f"presences.{fmt}") for line in expected
    ]


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_merged_cells_are_read_as_their_top_left_value(
    converted: dict[str, Path], tmp_path: Path, fmt: str
) -> None:
    _, output = build(converted[fmt], tmp_path / "out")
    assert "fusion : proces-verbal.docx" in output, output
    assert_first_college_merged_down(docx_text(tmp_path / "out" / "fusion" / "proces-verbal.docx"))


@pytest.mark.parametrize("fmt", ["ods", "xls", "xlsx-lo"])
def test_an_expose_merged_over_two_items_is_named_in_every_format(
    converted: dict[str, Path], fmt: str
) -> None:
    code, output = check(converted[fmt], "fusion-expose")
    assert code == 1, output
    suffix = "xlsx" if fmt == "xlsx-lo" else fmt
    assert (
        f"deliberations.{suffix}, feuille « Délibérations », cellules C2:C3 (colonne « Exposé ») : "
        "cellules fusionnées C2:C3 sur plusieurs lignes" in output
    ), output


@pytest.mark.parametrize(("fmt", "suffix"), [("ods", "ods"), ("xlsx-lo", "xlsx")])
def test_a_formula_error_is_named_at_its_cell(
    converted: dict[str, Path], tmp_path: Path, fmt: str, suffix: str
) -> None:
    code, output = check(converted[fmt], "division")
    assert code == 1, output
    assert (
        f"deliberations.{suffix}, feuille « Délibérations », cellule F2 : la formule de cette "
        "cellule donne une erreur (#DIV/0!)." in output
    ), output


def test_a_value_far_below_the_table_is_refused_at_once_in_an_ods(
    converted: dict[str, Path],
) -> None:
    code, output = check(converted["ods"], "isolee")
    assert code == 1, output
    assert (
        "deliberations.ods, feuille « Délibérations », cellule B1048576 : valeur isolée très "
        "loin du tableau" in output
    ), output
