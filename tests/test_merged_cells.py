"""Issue 15, item 6: a range merged down the rows of several items, in a
column that is not a grouping one, is an error naming the range (it would
copy one deliberation's text into the next); grouping columns keep carrying
their value down. Workbooks made with openpyxl; the same files through
LibreOffice's .ods and .xls are in tests/test_formats.py."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from conftest import DELIBERATIONS, build, checked_problems, docx_text, make_meeting

TWO_ITEMS = [
    DELIBERATIONS[0] + ["Partie"],
    DELIBERATIONS[1] + ["ADMINISTRATION"],
    [2, "Convention de partenariat", "Un autre exposé.", "Approuvée.", "unanimité"]
    + [None] * 4
    + [None],
]


def merge(path: Path, cells: str, value: object = "keep") -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    top, bottom = cells.split(":")
    if value != "keep":
        ws[top] = value
    ws[bottom] = None
    ws.merge_cells(cells)
    wb.save(path)


def meeting(tmp_path: Path) -> Path:
    make_meeting(tmp_path / "data" / "bonne")
    return make_meeting(tmp_path / "data" / "m", deliberations=TWO_ITEMS)


def test_an_expose_merged_over_two_items_is_an_error_naming_the_range(tmp_path: Path) -> None:
    """The issue's case: Exposé C2:C3 merged. Before, `check` said « aucun
    problème » and item 2 carried item 1's exposé."""
    folder = meeting(tmp_path)
    merge(folder / "deliberations.xlsx", "C2:C3")
    problems = checked_problems(tmp_path / "data")
    assert problems["bonne"] == [p for p in problems["bonne"] if p.severity.name == "WARNING"]
    (error,) = problems["m"]
    assert error.code == "cell.merged-across-rows"
    assert str(error.place) == (
        "deliberations.xlsx, feuille « Délibérations », cellules C2:C3 (colonne « Exposé »)"
    )
    assert error.message.startswith("cellules fusionnées C2:C3 sur plusieurs lignes")
    assert "Défusionnez" in error.message
    code, printed = build(tmp_path / "data", tmp_path / "out")
    assert code == 1 and not (tmp_path / "out" / "m").exists(), printed
    assert (tmp_path / "out" / "bonne" / "proces-verbal.docx").is_file(), printed


def test_counts_merged_over_two_items_are_an_error(tmp_path: Path) -> None:
    """Pour (F) and Contre (G) merged as a block over both items' rows."""
    folder = meeting(tmp_path)
    merge(folder / "deliberations.xlsx", "F2:G3", 3)
    (error,) = checked_problems(tmp_path / "data")["m"]
    assert (error.code, error.place.cell, error.place.column) == (
        "cell.merged-across-rows",
        "F2:G3",
        "Pour",
    )


def test_a_part_merged_down_its_items_is_carried(tmp_path: Path) -> None:
    """Partie (J) is a grouping column: merged, both items are in it."""
    folder = meeting(tmp_path)
    merge(folder / "deliberations.xlsx", "J2:J3")
    assert not [p for p in checked_problems(tmp_path / "data")["m"] if p.severity.name == "ERROR"]
    build(tmp_path / "data", tmp_path / "out")
    text = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    parts = [line for line in text if "ADMINISTRATION" in line.upper()]
    assert len(parts) == 1, text  # one heading over both items
    assert any("Convention de partenariat" in line for line in text)


def test_a_range_over_one_row_of_data_is_no_error(tmp_path: Path) -> None:
    """Merged down into an empty row below the table: nothing is copied."""
    folder = meeting(tmp_path)
    merge(folder / "deliberations.xlsx", "C3:C5")
    assert not [p for p in checked_problems(tmp_path / "data")["m"] if p.severity.name == "ERROR"]


def test_a_seance_value_merged_over_two_fields_is_an_error(tmp_path: Path) -> None:
    folder = meeting(tmp_path)
    merge(folder / "seance.xlsx", "B9:B10")  # Lieu over Président
    errors = [p for p in checked_problems(tmp_path / "data")["m"] if p.severity.name == "ERROR"]
    assert errors[0].code == "cell.merged-across-rows", errors
    assert errors[0].place.cell == "B9:B10" and errors[0].place.column == "Valeur"
