"""Shared helpers: real workbooks written in tmp_path, the real command run
on them, and the generated .docx read back."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.problems import Problem

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "2016-11-28-bureau"

SEANCE = {
    "Organisme": "syndicat mixte Somme Numérique",
    "Instance": "Bureau",
    "Membres": "délégués",
    "Date": dt.datetime(2016, 11, 28),
    "Heure d'ouverture": dt.time(17, 0),
    "Heure de clôture": dt.time(17, 45),
    "Date de convocation": dt.datetime(2016, 11, 21),
    "Lieu": "dans ses locaux",
    "Président": "Philippe VARLET",
    "Secrétaire de séance": "Philippe COCQ",
}
PRESENCES = [
    ["Collège", "Civilité", "Prénom", "Nom", "Statut", "Pouvoir à"],
    ["Amiens Métropole", "Mme", "Florence", "RODINGER", "présente", None],
    ["Amiens Métropole", "M.", "Ernest", "CANDELA", "excusé", None],
    ["Département de la Somme", "M.", "Philippe", "VARLET", "présent", None],
    ["Département de la Somme", "M.", "Stéphane", "DECAYEUX", "excusé", "Philippe VARLET"],
    ["Communautés de communes", "M.", "Philippe", "COCQ", "présent", None],
]
DELIBERATIONS = [
    ["N°", "Titre", "Exposé", "Décision", "Vote", "Pour", "Contre", "Abstentions", "NPPV"],
    [
        1,
        "Convention cadre",
        "Un exposé.",
        "Les membres approuvent.",
        "unanimité",
        None,
        None,
        None,
        None,
    ],
]


def write_sheet(path: Path, title: str, rows: list[list[Any]]) -> Path:
    """Add (or create) a sheet ``title`` holding ``rows`` in workbook ``path``."""
    if path.exists():
        wb = openpyxl.load_workbook(path)
        ws = wb.create_sheet(title)
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = title
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def make_meeting(
    folder: Path,
    seance: dict[str, Any] | None = None,
    presences: list[list[Any]] | None = None,
    deliberations: list[list[Any]] | None = None,
    others: list[list[Any]] | None = None,
    drop: tuple[str, ...] = (),
) -> Path:
    """A meeting folder with seance.xlsx, presences.xlsx, deliberations.xlsx.
    ``seance`` entries whose value is None are left out; ``drop`` names
    fields to leave out of the default ones."""
    folder.mkdir(parents=True, exist_ok=True)
    fields = {**SEANCE, **(seance or {})}
    rows = [["Champ", "Valeur"]] + [
        [k, v] for k, v in fields.items() if v is not None and k not in drop
    ]
    write_sheet(folder / "seance.xlsx", "Séance", rows)
    write_sheet(folder / "presences.xlsx", "Présences", presences or PRESENCES)
    write_sheet(folder / "deliberations.xlsx", "Délibérations", deliberations or DELIBERATIONS)
    if others:
        write_sheet(folder / "deliberations.xlsx", "Autres points", others)
    return folder


def run(*args: str) -> tuple[int, str]:
    """Run the real command in-process; (exit code, everything printed)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def build(data: Path, out: Path, *extra: str) -> tuple[int, str]:
    """The real command on the meetings of ``data``, written into ``out``."""
    return run("--data", str(data), "--output", str(out), *extra)


def checked_problems(data: Path) -> dict[str, list[Problem]]:
    """The problems of each meeting of ``data``, read and checked by the real
    pipeline (as ``make-minutes check``), nothing written: meeting name →
    each problem and warning (code, place, message), in order. A meeting
    that fails unexpectedly raises its exception."""
    from pipeline import build
    from pipeline.read.sources import find_meetings

    sources = find_meetings(data)
    meetings = {}
    for source, problems in zip(sources, build.check_all(sources, []), strict=True):
        if isinstance(problems, Exception):
            raise problems
        meetings[source.name] = problems
    return meetings


def problems_of(data: Path) -> dict[str, list[tuple[str, str]]]:
    """The problems of each meeting of ``data``, read and checked by the real
    pipeline (as ``make-minutes check``), nothing written: meeting name →
    (code, place) of each problem and warning, in order. Tests assert on
    these rather than on printed lines (:func:`checked_problems` gives the
    messages too, for the tests that pin a message's wording)."""
    return {
        name: [(p.code, str(p.place)) for p in problems]
        for name, problems in checked_problems(data).items()
    }


OPEN_DATA = "deliberations.csv"  # the open-data warning of a meeting without SIRET and subjects


def problem_lines(output: str, open_data: bool = True, plain_spaces: bool = False) -> list[str]:
    """The problems and warnings printed (« place : message », one a line),
    in order; without the open-data warning unless ``open_data``; with thin
    and no-break spaces made plain if ``plain_spaces``."""
    if plain_spaces:
        output = output.replace("\u202f", " ").replace("\u00a0", " ")
    return [
        line[4:]
        for line in output.splitlines()
        if line.startswith("  - ") and (open_data or OPEN_DATA not in line)
    ]


def _texts(paragraph: Any) -> list[str]:
    """A paragraph's text, cut at its tabs: what a tab stop sets apart (the
    signatories side by side) reads as separate texts."""
    text = "".join(
        "\t" if e.tag.endswith("}tab") else e.text or ""
        for e in paragraph.iter()
        if e.tag.endswith("}t") or (e.tag.endswith("}tab") and e.getparent().tag.endswith("}r"))
    )
    return text.split("\t")


def docx_text(path: Path) -> list[str]:
    """The paragraphs of a .docx in order, table cells included, as python-docx reads
    them; the parts of a paragraph set apart by tabs one by one."""
    import docx

    document = docx.Document(str(path))
    out = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[1]
        if tag == "p":
            out += _texts(child)
        elif tag == "tbl":
            for p in child.iter():
                if p.tag.endswith("}p"):
                    out += _texts(p)
    return [p for p in out if p.strip()]


def normalise(text: str) -> str:
    """NFC, ’ = ', every kind of space one space, no space before € and %,
    none around "/" (the seed writes "HT /habitant", the rates "HT / habitant")."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))
    text = re.sub(r" ?/ ?", "/", text)
    return re.sub(r" (?=[€%])", "", text).strip()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample data folder, safe to edit."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    return data


# --- LibreOffice ------------------------------------------------------------------

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


def assert_first_college_merged_down(text: list[str]) -> None:
    """The minutes of make_meeting's members, the first college typed once in
    A2 and merged down over A3: still three colleges, Ernest CANDELA (row 3)
    in the first one."""
    assert PRESENCES[2][0] == "Amiens Métropole"
    start = text.index("Amiens Métropole")
    assert text[start : start + 3] == [
        "Amiens Métropole",
        "Département de la Somme",
        "Communautés de communes",
    ]
    assert text[start + 6] == "M. Ernest CANDELA (excusé)"


def in_terminal(cwd: Path, *args: str) -> tuple[int, str]:
    """The real command run on a pseudo-terminal (as a clerk types it), in
    ``cwd``: its exit code and everything it showed, progress bar included."""
    import os
    import subprocess
    import sys

    leader, follower = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from pipeline.cli import entry; entry()", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"},
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    received = b""
    while True:  # until the command ends and closes the terminal
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: no process holds the terminal any more
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return process.wait(timeout=300), received.decode("utf-8")
