"""The minutes open in LibreOffice: converted headless, the PDF's text holds
the heading. soffice exits 0 even when it cannot load a file, so the test
checks the PDF itself."""

from __future__ import annotations

from pathlib import Path

from conftest import needs_libreoffice, run, to_pdf_text


@needs_libreoffice
def test_the_sample_minutes_open_in_libreoffice(sample: Path, tmp_path: Path) -> None:
    code, printed = run("--data", str(sample), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    text = to_pdf_text(tmp_path / "out" / "2016-11-28-bureau" / "proces-verbal.docx", tmp_path)
    assert "BUREAU du 28 novembre 2016" in text
    assert "Procès-verbal synthétique" in text
    assert "Adoptée à l’unanimité" in text
    assert "La séance est levée à 17h45." in text


@needs_libreoffice
def test_the_sample_annex_opens_in_libreoffice(sample: Path, tmp_path: Path) -> None:
    code, printed = run("--data", str(sample), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    text = to_pdf_text(tmp_path / "out" / "2016-11-28-bureau" / "annexe-tarifs.docx", tmp_path)
    assert "BUREAU du 28 novembre 2016" in text
    assert "Dématérialisation des flux comptables" in text
    assert "0,07 € / habitant" in text.replace("\u00a0", " ")
    assert "Total" in text
