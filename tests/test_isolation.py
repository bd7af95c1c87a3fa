"""A reader that dies costs only its own meeting.

python-calamine, the workbook reader, is a compiled library: when a crafted
workbook makes it ask for absurd memory, the Rust allocator aborts the whole
process, whatever Python code surrounds it. The survey of each sheet refuses
the known shapes before calamine reads them (tests/test_hostile_survey.py);
this file tests the second wall behind it: each meeting is read in a worker
process, so that a reader that dies anyway takes neither the command nor the
other meetings with it.

To make the reader die on purpose, the command runs in a fresh interpreter
where python-calamine's ``CalamineWorkbook.from_path`` aborts the process
(``os.abort()``, as the Rust allocator does) when asked for a file named
``piege.xlsx``. Nothing of make-minutes is replaced: the fault is injected in
the third-party reader, exactly where the real one dies.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE, make_meeting
from test_hostile import run_program

REPO = Path(__file__).resolve().parent.parent

PROGRAM = """
import os, sys
import python_calamine
opened = python_calamine.CalamineWorkbook.from_path
def from_path(path, *args, **kwargs):
    if os.path.basename(str(path)) == "piege.xlsx":
        os.abort()  # what the Rust allocator does when the reader asks for 600 GB
    return opened(path, *args, **kwargs)
python_calamine.CalamineWorkbook.from_path = from_path
from pipeline.cli import entry
sys.argv = ["make-minutes", *sys.argv[1:]]
entry()
"""

DIED = "piege.xlsx : la lecture de ce classeur a arrêté brutalement le lecteur de classeurs"


def command(tmp_path: Path, *args: str) -> tuple[int, str]:
    """The command under the trapped reader, limited as the hostile tests are."""
    done = run_program(PROGRAM, tmp_path, list(args), timeout=120)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def three_meetings(tmp_path: Path) -> Path:
    """data/a and data/z, valid; data/m, whose second workbook kills the
    reader (a copy of a valid workbook, named piege.xlsx)."""
    data = tmp_path / "data"
    make_meeting(data / "a")
    m = make_meeting(data / "m")
    make_meeting(data / "z")
    (m / "deliberations.xlsx").rename(m / "piege.xlsx")
    return data


def assert_only_m_failed(tmp_path: Path, code: int, printed: str) -> None:
    for word in ("Traceback", "erreur inattendue", "BrokenProcessPool"):
        assert word not in printed, printed
    assert code == 1, printed
    lines = printed.splitlines()
    at = lines.index("m : 1 problème, rien n’a été écrit pour cette réunion.")
    assert lines[at + 1].startswith(f"  - {DIED}"), printed
    assert not (tmp_path / "out" / "m").exists()
    for name in ("a", "z"):
        assert (tmp_path / "out" / name / "proces-verbal.docx").is_file(), printed
        assert re.search(rf"^{name} : proces-verbal\.docx, .* écrits dans", printed, re.M), printed


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_reader_that_dies_costs_only_its_meeting(
    tmp_path: Path, three_meetings: Path, jobs: str
) -> None:
    code, printed = command(tmp_path, "--data", "data", "--output", "out", "--jobs", jobs)
    assert_only_m_failed(tmp_path, code, printed)


def test_check_survives_a_reader_that_dies(tmp_path: Path, three_meetings: Path) -> None:
    code, printed = command(tmp_path, "check", "--data", "data")
    assert "Traceback" not in printed and "erreur inattendue" not in printed, printed
    assert code == 1, printed
    assert "a : aucun problème" in printed, printed
    assert "z : aucun problème" in printed, printed
    assert f"m : 1 problème.\n  - {DIED}" in printed, printed


def test_the_sample_is_built_as_before_in_a_worker(tmp_path: Path) -> None:
    """The witness: the same program, no trap: the sample is built, exit 0."""
    shutil.copytree(SAMPLE, tmp_path / "data" / SAMPLE.name)
    code, printed = command(tmp_path, "--data", "data", "--output", "out", "--jobs", "1")
    assert code == 0, printed
    assert (tmp_path / "out" / SAMPLE.name / "proces-verbal.docx").is_file()
