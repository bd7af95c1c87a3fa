"""Issue 16, item 3: a PDF failure never costs the .docx. With a
LibreOffice that exits without producing anything (a fake ``soffice`` first
on PATH), the documents are written, each missing PDF is listed with its
document and the reason, the exit code is 1, and the PDF an earlier run
made of a document that did not change is kept. Item 5: the PDF stage
counts its documents on the progress bar."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import DELIBERATIONS, docx_text, in_terminal, make_meeting, problem_lines, run

from pipeline.render.pdf import NOT_PRODUCED

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    not SOFFICE and not os.environ.get("CI"), reason="LibreOffice absent : voir .ci/run"
)


def failing_soffice(folder: Path) -> Path:
    """A ``soffice`` that exits 0 and writes nothing, as LibreOffice does when
    it gives up; returns the folder to put first on PATH."""
    folder.mkdir()
    script = folder / "soffice"
    script.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    script.chmod(0o755)
    return folder


def pdfs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}


@needs_libreoffice
def test_a_failed_pdf_run_writes_the_documents_and_keeps_the_unchanged_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_meeting(tmp_path / "data" / "m")
    data, out = str(tmp_path / "data"), tmp_path / "out"
    code, printed = run("--data", data, "--output", str(out), "--pdf")
    assert code == 0, printed
    before = pdfs(out / "m")
    assert sorted(before) == [
        "extraits/1-convention-cadre.pdf",
        "liste-deliberations.pdf",
        "proces-verbal.pdf",
    ]
    # The closing time changes: the minutes change, the list and the extract do not.
    shutil.rmtree(folder)
    make_meeting(folder, seance={"Heure de clôture": None})
    monkeypatch.setenv(
        "PATH", f"{failing_soffice(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}"
    )
    code, printed = run("--data", data, "--output", str(out), "--pdf")
    assert code == 1, printed
    first = printed.splitlines()[0]
    assert first == (
        f"m : proces-verbal.docx, liste-deliberations.docx, 1 extrait écrits dans {out / 'm'}"
    ), printed
    missing = [line for line in problem_lines(printed) if "PDF non produit" in line]
    assert missing == [
        f"{name} : PDF non produit : {NOT_PRODUCED}"
        for name in (
            "proces-verbal.docx",
            "liste-deliberations.docx",
            "extraits/1-convention-cadre.docx",
        )
    ], printed
    assert "  - 1 copie PDF/A retirée : son document a changé" in printed
    after = pdfs(out / "m")
    assert after == {k: v for k, v in before.items() if k != "proces-verbal.pdf"}
    text = docx_text(out / "m" / "proces-verbal.docx")  # the new minutes are written
    assert not any(line.startswith("La séance est levée à") for line in text), text


@needs_libreoffice
def test_the_pdf_stage_counts_its_documents_on_a_terminal(tmp_path: Path) -> None:
    """One meeting with --pdf on a terminal: the bar is shown (it is hidden
    for one meeting without PDFs) and counts the PDFs made."""
    make_meeting(tmp_path / "data" / "m", deliberations=DELIBERATIONS)
    code, shown = in_terminal(tmp_path, "--pdf")
    assert code == 0, shown
    assert "copies PDF/A 3 sur 3" in shown, shown
