"""``make-minutes --watch``: the real command in a subprocess, real saves.

Every wait is bounded and polls what the command prints (or the document it
writes) until a deadline: no fixed sleep stands for "the watcher has seen
it". That a change does *not* trigger a build is shown by ordering: the
watcher rebuilds meetings in the order of their last change, so once a
later change of another meeting has been rebuilt, an earlier change that
was going to trigger a build would have done so.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, SAMPLE, docx_text, make_meeting

from pipeline.commands.watch import is_temporary, meeting_folder

MEETING = SAMPLE.name
DEADLINE = 60  # seconds: far above a rebuild (about a second), only hit on a failure
STAMP = r"^\d\d:\d\d:\d\d "  # the time before each line of a rebuild


class Watcher:
    """``make-minutes --watch`` running in a subprocess, its output in a file."""

    def __init__(self, data: Path, out: Path, tmp_path: Path, *options: str):
        self.log = tmp_path / "watch.log"
        # A shell may start background jobs with SIGINT ignored: restore the
        # default so that SIGINT is the clerk's Ctrl-C.
        code = (
            "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from pipeline.cli import entry; entry()"
        )
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    code,
                    "--watch",
                    "--data",
                    str(data),
                    "--output",
                    str(out),
                    *options,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=tmp_path,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait(self, what: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + DEADLINE
        while not ready():
            if self.process.poll() is not None:
                pytest.fail(f"the watcher stopped while waiting for {what}:\n{self.text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {DEADLINE} s:\n{self.text()}")
            time.sleep(0.05)  # polling interval, not a synchronisation

    def rebuilds(self, meeting: str) -> list[str]:
        """The lines that open a rebuild of ``meeting``."""
        return re.findall(STAMP + re.escape(meeting) + " : .*$", self.text(), re.MULTILINE)

    def wait_rebuilds(self, meeting: str, count: int) -> str:
        self.wait(f"rebuild n° {count} of {meeting}", lambda: len(self.rebuilds(meeting)) >= count)
        return self.rebuilds(meeting)[count - 1]

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"the watcher did not stop on SIGINT:\n{self.text()}")
        return code, self.text()


@pytest.fixture
def watcher(sample: Path, tmp_path: Path):
    """The sample and a second meeting "autre", built, then watched."""
    make_meeting(sample / "autre")
    running = Watcher(sample, tmp_path / "out", tmp_path)
    running.wait("the initial build", lambda: "Surveillance de « " in running.text())
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def retitle(workbook: Path, title: str, into: Path) -> None:
    """Set the first deliberation's title of ``workbook``, saved as ``into``."""
    book = openpyxl.load_workbook(workbook)
    book["Délibérations"]["B2"] = title
    book.save(into)


def minutes(out: Path, meeting: str = MEETING) -> str:
    path = out / meeting / "proces-verbal.docx"
    return "\n".join(docx_text(path)) if path.exists() else ""


def test_watch_rebuilds_after_a_save_and_stops_on_ctrl_c(
    watcher: Watcher, sample: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    workbook = sample / MEETING / "deliberations.xlsx"
    initial = watcher.text()
    assert f"{MEETING} : proces-verbal.docx" in initial
    assert "Réunion" in initial and "Avertissements" in initial  # the summary of the first build
    assert watcher.rebuilds(MEETING) == []

    # Saved elsewhere, then moved into place (what Excel and LibreOffice do).
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    retitle(workbook, "Titre enregistré ailleurs", elsewhere / "deliberations.xlsx")
    os.replace(elsewhere / "deliberations.xlsx", workbook)
    line = watcher.wait_rebuilds(MEETING, 1)
    assert "proces-verbal.docx" in line and f"dans {out / MEETING}" in line, watcher.text()
    assert "Titre enregistré ailleurs" in minutes(out)

    # Saved in place.
    retitle(workbook, "Titre enregistré sur place", workbook)
    watcher.wait_rebuilds(MEETING, 2)
    assert "Titre enregistré sur place" in minutes(out)
    assert len(watcher.rebuilds(MEETING)) == 2
    assert watcher.rebuilds("autre") == []  # the other meeting is left alone

    code, printed = watcher.stop()
    assert code == 0, printed
    assert printed.rstrip().endswith("Surveillance arrêtée."), printed
    assert "Traceback" not in printed and "KeyboardInterrupt" not in printed
    assert "Aborted" not in printed and "Interrompu" not in printed


def test_lock_files_do_not_trigger_a_build(watcher: Watcher, sample: Path, tmp_path: Path) -> None:
    folder = sample / MEETING
    # Excel's owner file; a whole workbook in it, so that only its name keeps
    # it from being taken for a workbook saved.
    (folder / "~$deliberations.xlsx").write_bytes((folder / "deliberations.xlsx").read_bytes())
    (folder / ".~lock.seance.xlsx#").write_text("Philippe COCQ,ordi,02.05.2024 10:00,", "utf-8")
    (folder / "deliberations.xlsx~RF1b2c3d.TMP").write_bytes(b"partial")  # a temporary file
    # A later change of the other meeting: once it is rebuilt, the lock files
    # would have been too, had they triggered anything.
    retitle(
        sample / "autre" / "deliberations.xlsx",
        "Autre titre",
        sample / "autre" / "deliberations.xlsx",
    )
    watcher.wait_rebuilds("autre", 1)
    assert "Autre titre" in minutes(tmp_path / "out", "autre")
    assert watcher.rebuilds(MEETING) == [], watcher.text()

    # With the lock files still there, a save rebuilds: Excel keeps its lock
    # file as long as the workbook is open.
    retitle(
        folder / "deliberations.xlsx", "Enregistré, classeur ouvert", folder / "deliberations.xlsx"
    )
    watcher.wait_rebuilds(MEETING, 1)
    assert "Enregistré, classeur ouvert" in minutes(tmp_path / "out")
    code, printed = watcher.stop()
    assert code == 0 and "Traceback" not in printed, printed


def test_a_workbook_still_being_written_is_awaited(
    watcher: Watcher, sample: Path, tmp_path: Path
) -> None:
    workbook = sample / MEETING / "deliberations.xlsx"
    retitle(workbook, "Titre écrit en deux fois", tmp_path / "new.xlsx")
    content = (tmp_path / "new.xlsx").read_bytes()
    with workbook.open("wb") as file:  # written in place, half of it first
        file.write(content[: len(content) // 2])
        file.flush()
        # Meanwhile another meeting changes and is rebuilt: the half-written
        # workbook, older, was not.
        retitle(
            sample / "autre" / "deliberations.xlsx",
            "Autre titre",
            sample / "autre" / "deliberations.xlsx",
        )
        watcher.wait_rebuilds("autre", 1)
        assert watcher.rebuilds(MEETING) == [], watcher.text()
        file.write(content[len(content) // 2 :])
    line = watcher.wait_rebuilds(MEETING, 1)
    assert "proces-verbal.docx" in line and "problème" not in line, watcher.text()
    assert "Titre écrit en deux fois" in minutes(tmp_path / "out")
    assert len(watcher.rebuilds(MEETING)) == 1
    watcher.stop()


def test_a_failed_rebuild_is_reported_and_the_watch_goes_on(
    watcher: Watcher, sample: Path, tmp_path: Path
) -> None:
    workbook = sample / "autre" / "deliberations.xlsx"
    book = openpyxl.load_workbook(workbook)
    book["Délibérations"]["E2"] = "à main levée, peut-être"  # not a vote
    book.save(workbook)
    line = watcher.wait_rebuilds("autre", 1)
    assert "rien n’a été écrit pour cette réunion" in line, watcher.text()
    assert "cellule E2" in watcher.text()

    book = openpyxl.load_workbook(workbook)  # corrected, in one save
    book["Délibérations"]["B2"] = "Corrigé"
    book["Délibérations"]["E2"] = "unanimité"
    book.save(workbook)
    line = watcher.wait_rebuilds("autre", 2)
    assert "proces-verbal.docx" in line, watcher.text()
    assert "Corrigé" in minutes(tmp_path / "out", "autre")

    # A new meeting dropped in while watching is built too.
    make_meeting(sample / "nouvelle")
    watcher.wait_rebuilds("nouvelle", 1)
    assert (tmp_path / "out" / "nouvelle" / "proces-verbal.docx").is_file()
    code, printed = watcher.stop()
    assert code == 0 and "Traceback" not in printed, printed


# --- which change concerns which meeting -------------------------------------------


DATA = Path("/d/data")


@pytest.mark.parametrize(
    ("path", "is_directory", "meeting"),
    [
        ("m/deliberations.xlsx", False, "m"),
        ("m/Séance.XLSM", False, "m"),
        ("m/ancien.xls", False, "m"),  # named by the build as unsupported: a change all the same
        ("m/exposes/01.docx", False, "m"),
        ("m/templates/proces-verbal.docx", False, "m"),
        ("m/Templates/sous/dossier/modele.docx", False, "m"),
        ("classeur.xlsx", False, "."),  # the workbooks lying in data/ form a meeting
        ("m", True, "m"),  # a meeting folder created, renamed or removed
        ("m/~$deliberations.xlsx", False, None),
        ("m/.~lock.deliberations.xlsx#", False, None),
        ("m/.cache.xlsx", False, None),
        ("m/deliberations.xlsx~RF1b2c3d.TMP", False, None),
        ("m/notes.txt", False, None),
        ("m/exposes/~$01.docx", False, None),
        ("m/exposes/~WRL0001.tmp", False, None),
        ("m/autre/classeur.xlsx", False, None),
        ("m/exposes", True, None),
        ("exposes/01.xlsx", False, None),
        ("templates/proces-verbal.docx", False, None),
        (".git/index.xlsx", False, None),
        ("notes.txt", False, None),
    ],
)
def test_the_meeting_of_a_change(path: str, is_directory: bool, meeting: str | None) -> None:
    expected = None if meeting is None else (DATA / meeting if meeting != "." else DATA)
    assert meeting_folder(DATA, DATA / path, is_directory) == expected
    assert meeting_folder(DATA, Path("/ailleurs") / path, is_directory) is None


@pytest.mark.parametrize(
    "name", ["~$x.xlsx", ".~lock.x.ods#", ".x.xlsx", "x.xlsx~", "x.tmp", "~WRL0001.tmp", "x.bak"]
)
def test_temporary_names(name: str) -> None:
    assert is_temporary(name)
    assert not is_temporary("x.xlsx")


def test_a_template_saved_in_the_shared_templates_folder_rebuilds_every_meeting(
    sample: Path, tmp_path: Path
) -> None:
    import shutil

    import docx

    from pipeline.build import default_templates

    shared = tmp_path / "modeles"  # --templates, outside data/
    shared.mkdir()
    shutil.copy(default_templates() / "proces-verbal.docx", shared / "proces-verbal.docx")
    make_meeting(sample / "autre")
    out = tmp_path / "out"
    running = Watcher(sample, out, tmp_path, "--templates", str(shared))
    try:
        running.wait("the initial build", lambda: "Surveillance de « " in running.text())
        mention = "Mention ajoutée par le secrétariat."
        assert mention not in minutes(out)
        # The clerk adds a sentence to the shared template and saves it in place.
        template = docx.Document(str(shared / "proces-verbal.docx"))
        template.add_paragraph(mention)
        template.save(str(shared / "proces-verbal.docx"))
        running.wait_rebuilds(MEETING, 1)
        running.wait_rebuilds("autre", 1)
        assert mention in minutes(out) and mention in minutes(out, "autre")
        code, text = running.stop()
        assert code == 0 and "Traceback" not in text
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()
