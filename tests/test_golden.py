"""The seed: the sample data rebuilds the real minutes of 28 November 2016."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from conftest import REPO, docx_text, normalise, run

FIXTURE = REPO / "tests" / "fixtures" / "seed-paragraphs.txt"


def seed_paragraphs() -> list[str]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def build(data: Path, out: Path) -> Path:
    code, printed = run("--data", str(data), "--output", str(out))
    assert code == 0, printed
    return out / "2016-11-28-bureau" / "proces-verbal.docx"


def test_every_seed_paragraph_is_in_the_minutes(sample: Path, tmp_path: Path) -> None:
    minutes = build(sample, tmp_path / "out")
    text = normalise(" \n ".join(docx_text(minutes)))
    paragraphs = seed_paragraphs()
    assert len(paragraphs) >= 45
    missing = [p for p in paragraphs if normalise(p) not in text]
    assert missing == []


def test_the_minutes_follow_the_seed_order(sample: Path, tmp_path: Path) -> None:
    joined = normalise(" \n ".join(docx_text(build(sample, tmp_path / "out"))))
    paragraphs = [normalise(p) for p in seed_paragraphs()]
    # The seed's members table was flattened column by column; the generated
    # table reads row by row: check the order before it and after it.
    table_start = paragraphs.index(normalise("Membres du BUREAU présents et excusés :")) + 1
    table_end = next(
        i for i, p in enumerate(paragraphs) if p.endswith("son pouvoir à Philippe VARLET")
    )
    position = 0
    for paragraph in paragraphs[:table_start] + paragraphs[table_end:]:
        found = joined.find(paragraph, position)
        assert found >= 0, f"out of order or missing: {paragraph[:60]}"
        position = found + len(paragraph)


def test_figures_come_from_the_workbooks(sample: Path, tmp_path: Path) -> None:
    """Change the date and a title in the workbooks: the minutes change."""
    meeting = sample / "2016-11-28-bureau"
    wb = openpyxl.load_workbook(meeting / "seance.xlsx")
    ws = wb["Séance"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Date":
            row[1].value = "01/12/2016"
    wb.save(meeting / "seance.xlsx")
    wb = openpyxl.load_workbook(meeting / "deliberations.xlsx")
    wb["Délibérations"]["B2"].value = "Convention & avenant <2017>"
    wb.save(meeting / "deliberations.xlsx")

    text = docx_text(build(sample, tmp_path / "out"))
    assert text[:2] == ["Syndicat mixte Somme Numérique", "BUREAU du 1er décembre 2016"]
    assert text[3].startswith("L’an deux mille seize, le premier décembre à 17h00")
    assert "1. Convention & avenant <2017>" in text


def test_typography_of_the_sample(sample: Path, tmp_path: Path) -> None:
    text = "\n".join(docx_text(build(sample, tmp_path / "out")))
    assert "20\u202f000\u00a0€ par an" in text
    assert "30\u00a0%" in text
    assert "sous la présidence de Philippe VARLET\u00a0;" in text
    assert "'" not in text  # every apostrophe is typographic
