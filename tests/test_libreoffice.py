"""The minutes open in LibreOffice: converted headless, the PDF's text holds
the heading. soffice exits 0 even when it cannot load a file, so the test
checks the PDF itself."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

# CI installs LibreOffice (.ci/run): there a missing soffice is a failure.
needs_libreoffice = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT) and not os.environ.get("CI"),
    reason="LibreOffice (soffice) et pdftotext absents : voir .ci/run",
)


def to_pdf_text(document: Path, tmp_path: Path) -> str:
    assert SOFFICE and PDFTOTEXT, "soffice and pdftotext are required (installed by .ci/run)"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "pdf" / (document.stem + ".pdf")
    assert pdf.is_file(), "LibreOffice did not produce a PDF: the document did not load"
    result = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True)
    return " ".join(result.stdout.decode("utf-8").split())


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
