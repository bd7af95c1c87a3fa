"""The minutes open in LibreOffice: converted headless, the PDF's text holds
the heading. soffice exits 0 even when it cannot load a file, so the test
checks the PDF itself."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import (
    DELIBERATIONS,
    PDFTOTEXT,
    SOFFICE,
    make_meeting,
    needs_libreoffice,
    run,
    to_pdf_text,
)


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
    assert "Annexe au procès-verbal du BUREAU du 28 novembre 2016" in text
    assert "Dématérialisation des flux comptables" in text
    assert "0,07 € / habitant" in text.replace("\u00a0", " ")
    # Only the rates the minutes voted: no invented contributions (issue 15, item 5).
    assert "Contributions des collectivités" not in text and "Total" not in text


def _pdf_pages(documents: list[Path], tmp_path: Path) -> dict[str, list[str]]:
    """Each document converted by LibreOffice (one run), its PDF's text page by page."""
    assert SOFFICE and PDFTOTEXT, "soffice and pdftotext are required (installed by .ci/run)"
    folder = tmp_path / "pdf"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages = {}
    for document in documents:
        pdf = folder / (document.stem + ".pdf")
        assert pdf.is_file(), f"LibreOffice did not convert {document}"
        text = subprocess.run([PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True)
        pages[document.stem] = [" ".join(p.split()) for p in text.stdout.decode().split("\f")]
    return pages


# A first item this many lines long puts, with the templates before issue 15, the
# page break of the minutes between « La séance est levée » and the signatures.
LINES_BEFORE_THE_SIGNATURES = 50


@needs_libreoffice
def test_the_signatures_never_stand_alone_on_the_last_page(sample: Path, tmp_path: Path) -> None:
    """Issue 15, item 1: the page of the signatures also holds the closing
    lines of the minutes, on the sample and on a meeting whose length put
    the signatures alone on the last page."""
    expose = "Le syndicat mixte propose de renouveler la convention pour trois ans. " * 3
    lines = "\n".join(
        f"Ligne {i} du point, un peu de texte." for i in range(LINES_BEFORE_THE_SIGNATURES)
    )
    row = [1, "Convention cadre", f"{expose}\n{lines}", "Les membres approuvent.", "unanimité"]
    make_meeting(sample / "long", deliberations=[DELIBERATIONS[0], row + [None] * 4])
    code, printed = run("--data", str(sample), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    documents = []
    for meeting in ("2016-11-28-bureau", "long"):
        copy = tmp_path / f"{meeting}.docx"
        shutil.copy(tmp_path / "out" / meeting / "proces-verbal.docx", copy)
        documents.append(copy)
    for meeting, pages in _pdf_pages(documents, tmp_path).items():
        signed = [p for p in pages if "Procès-verbal arrêté en séance" in p]
        assert len(signed) == 1, meeting
        assert "La séance est levée à 17h45." in signed[0], (meeting, signed[0])
        assert "Le Président" in signed[0] and "Philippe COCQ" in signed[0], meeting
