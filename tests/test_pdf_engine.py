"""The PDF engine (pipeline/render/pdf.py), called directly as the build
calls it: every document converted whatever the count (LibreOffice reads
only 253 arguments), by several LibreOffice processes at once with the same
PDFs, and a LibreOffice that fails or hangs turned into failures, quickly.

The PDFs are read back with pypdf; the failing LibreOffice is a real
program on PATH (a shell script), not a mock of the engine."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, needs_libreoffice, run

from pipeline.render import pdf


def tiny_docx(heading: str) -> bytes:
    """A small .docx whose first line is ``heading``."""
    from docx import Document

    document = Document()
    document.add_heading(heading, 1)
    document.add_paragraph("Un paragraphe.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pages(content: bytes) -> list[str]:
    from pypdf import PdfReader

    return [
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages
    ]


# --- batches and time, without LibreOffice ------------------------------------------------


def test_batches_hold_every_document_once_within_what_libreoffice_reads() -> None:
    weights = [pdf.cost(8_000)] * 600 + [pdf.cost(2_300_000)] + [pdf.cost(600_000)] * 2
    for workers, count in ((1, 4), (2, 4), (3, 6)):
        groups = pdf.batches(weights, workers)
        assert len(groups) == count
        assert sorted(i for group in groups for i in group) == list(range(603))
        assert max(map(len, groups)) <= pdf.BATCH < 253 - pdf.OPTIONS
        loads = [sum(weights[i] for i in group) for group in groups]
        assert max(loads) < 1.1 * min(loads), loads  # the processes finish together
    assert pdf.batches([pdf.cost(8_000)] * 6, 2) == [[0, 2, 4], [1, 3, 5]]
    assert pdf.batches([1.0], 4) == [[0]]
    assert pdf.batches([], 2) == []


def test_the_timeout_grows_with_the_work() -> None:
    meeting = [8_000] * 5 + [60_000]  # the sample: six documents
    assert pdf.timeout(meeting) < 120  # not 30 minutes for a two-page meeting
    assert pdf.timeout([8_000] * 150) > pdf.timeout(meeting) + 250
    assert pdf.timeout([2_300_000]) > pdf.timeout([8_000]) + 60  # a long PV gets more


# --- a LibreOffice that fails -------------------------------------------------------------


@pytest.fixture
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder first on PATH, for a ``soffice`` written by the test."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return folder


def install(folder: Path, script: str) -> None:
    program = folder / "soffice"
    program.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    program.chmod(0o755)
    assert pdf.soffice() == str(program)


def test_a_libreoffice_that_exits_without_output(fake_soffice: Path) -> None:
    install(fake_soffice, "exit 0\n")
    documents = [(tiny_docx(f"Document {i}"), f"Document {i}") for i in range(3)]
    started = time.monotonic()
    results = pdf.convert(documents, workers=2)
    assert time.monotonic() - started < 10
    assert [r.code for r in results if isinstance(r, pdf.Failure)] == ["pdf.not-produced"] * 3
    assert "Ouvrez le .docx dans LibreOffice" in results[0].message


def test_a_libreoffice_that_hangs_is_stopped_and_the_others_go_on(
    fake_soffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch of the first document hangs (its soffice starts a child that
    sleeps): killed after its short timeout, with its child; the other batch
    ends at once, without output."""
    monkeypatch.setattr(pdf, "START_SECONDS", 1.0)
    monkeypatch.setattr(pdf, "SECONDS_PER_DOCUMENT", 0.0)
    monkeypatch.setattr(pdf, "SECONDS_PER_MEGABYTE", 0.0)
    child = tmp_path / "child.pid"
    install(
        fake_soffice,
        'case "$*" in *document-00000.docx*)\n'
        f'  sleep 300 & echo $! > "{child}"; wait ;;\n'
        "esac\nexit 0\n",
    )
    documents = [(tiny_docx(f"Document {i}"), f"Document {i}") for i in range(4)]
    started = time.monotonic()
    finished: list[int] = []
    results = pdf.convert(documents, workers=2, done=finished.append)
    assert time.monotonic() - started < 10
    groups = pdf.batches([pdf.cost(pdf.text_size(d)) for d, _ in documents], 2)
    hung = next(group for group in groups if 0 in group)
    for index, result in enumerate(results):
        assert isinstance(result, pdf.Failure)
        assert result.code == ("pdf.timeout" if index in hung else "pdf.not-produced"), index
    assert "il a été arrêté" in results[0].message
    assert sorted(finished) == finished and finished[-1] == 4
    # The hung soffice's child was killed with it (its process group).
    pid = int(child.read_text())
    stat = Path(f"/proc/{pid}/stat")
    assert not stat.exists() or stat.read_text().split(") ")[1].startswith(("Z", "X"))


# --- LibreOffice ----------------------------------------------------------------------------


@needs_libreoffice
def test_a_meeting_of_more_than_300_documents_is_converted_whole() -> None:
    """Issue 16: LibreOffice read the first 246 files of one command line and
    dropped the rest, exit code 0. Every PDF is there, each of its document."""
    headings = [f"Délibération n° {i}" for i in range(310)]
    finished: list[int] = []
    results = pdf.convert([(tiny_docx(h), h) for h in headings], workers=2, done=finished.append)
    failures = [(i, r) for i, r in enumerate(results) if not isinstance(r, bytes)]
    assert not failures, failures[:3]
    for heading, result in zip(headings, results, strict=True):
        assert isinstance(result, bytes)
        assert pages(result)[0].startswith(heading)
    assert finished == sorted(finished) and finished[-1] == 310 and len(finished) == 2


@needs_libreoffice
def test_the_same_pdfs_whatever_the_number_of_workers(tmp_path: Path) -> None:
    code, output = run("--data", str(SAMPLE.parent), "--output", str(tmp_path / "out"))
    assert code == 0, output
    documents = [
        (path.read_bytes(), "BUREAU du 28 novembre 2016")
        for path in sorted((tmp_path / "out").rglob("*.docx"))
    ]
    assert len(documents) == 6
    one = pdf.convert(documents, workers=1)
    three = pdf.convert(documents, workers=3)
    assert all(isinstance(r, bytes) for r in one + three), one + three
    assert [pages(r) for r in one] == [pages(r) for r in three]  # type: ignore[arg-type]
