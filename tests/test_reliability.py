"""Reliability promises, each on real files in tmp_path through the real
command (in-process with ``run``, or as a real process when it must be
killed): reproducible documents, rebuilds in place, a clerk's edits kept,
files the tool did not write never touched, all-or-nothing writes when the
build is killed or interrupted, sandboxed templates, hostile text.

docs/reliability.md lists the promises and the test that holds each one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import (
    DELIBERATIONS,
    PRESENCES,
    REPO,
    SAMPLE,
    build,
    docx_text,
    make_meeting,
    needs_libreoffice,
    normalise,
    to_pdf_text,
)

MEETING = SAMPLE.name  # 2016-11-28-bureau: the minutes and the tariff annex
DOCUMENTS = (
    "proces-verbal.docx",
    "annexe-tarifs.docx",
    "liste-deliberations.docx",
    "extraits/1-convention-cadre-espaces-numeriques-de.docx",
    "extraits/2-convention-avec-le-reseau-canope-de.docx",
    "extraits/3-convention-de-partenariat-avec-le-centre.docx",
)
MANIFEST = ".make-minutes.json"
MEETING_TIME = (2016, 11, 28, 17, 0, 0)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of ``folder`` (hidden ones included): its bytes and mtime."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.tmp")) if folder.exists() else []


def add_paragraph(source: Path, target: Path, text: str) -> None:
    """What a clerk does in Word: open, add a paragraph, save."""
    import docx

    document = docx.Document(str(source))
    document.add_paragraph(text)
    document.save(str(target))


# --- 1. reproducible documents --------------------------------------------------------


def test_the_same_meeting_gives_the_same_bytes(sample: Path, tmp_path: Path) -> None:
    code, printed = build(sample, tmp_path / "first")
    assert code == 0, printed
    time.sleep(2.1)  # zip times have a 2-second resolution: "now" must not leak in
    code, printed = build(sample, tmp_path / "second")
    assert code == 0, printed
    for name in DOCUMENTS:
        first = tmp_path / "first" / MEETING / name
        second = tmp_path / "second" / MEETING / name
        assert first.read_bytes() == second.read_bytes(), name
        with zipfile.ZipFile(first) as package:
            for info in package.infolist():
                assert info.date_time == MEETING_TIME, (name, info.filename, info.date_time)
            core = package.read("docProps/core.xml").decode("utf-8")
        assert re.search(r"<dcterms:created[^>]*>2016-11-28T17:00:00Z</dcterms:created>", core)
        assert re.search(r"<dcterms:modified[^>]*>2016-11-28T17:00:00Z</dcterms:modified>", core)
        assert "<cp:lastModifiedBy>make-minutes</cp:lastModifiedBy>" in core
        assert "<cp:revision>1</cp:revision>" in core


# --- 2. rebuilding in place -----------------------------------------------------------


def test_rebuilding_in_place_changes_nothing(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, printed = build(sample, out)
    assert code == 0, printed
    folder = out / MEETING
    before = {name: sha256(folder / name) for name in DOCUMENTS}
    code, printed = build(sample, out)
    assert code == 0, printed
    assert {name: sha256(folder / name) for name in DOCUMENTS} == before
    found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert found == sorted([*DOCUMENTS, MANIFEST])
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["generateur"] == "make-minutes"
    assert manifest["fichiers"] == before
    assert "modifié" not in printed and "gardée" not in printed


def test_a_touched_but_unchanged_document_is_not_an_edit(sample: Path, tmp_path: Path) -> None:
    """Opened and closed without saving changes (or copied): the date moves, the bytes do not."""
    out = tmp_path / "out"
    assert build(sample, out)[0] == 0
    minutes = out / MEETING / "proces-verbal.docx"
    os.utime(minutes, (1_000_000_000, 1_000_000_000))
    code, printed = build(sample, out)
    assert code == 0, printed
    assert not list((out / MEETING).glob("*.modifie-*"))


# --- 3. a clerk's edits are kept ------------------------------------------------------


def test_an_edited_document_is_kept_and_force_keeps_a_dated_copy(
    sample: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert build(sample, out)[0] == 0
    folder = out / MEETING
    minutes = folder / "proces-verbal.docx"
    generated = minutes.read_bytes()
    added = "Ajout de la secrétaire : M. DUPONT demande que son intervention figure au PV."
    add_paragraph(minutes, minutes, added)
    edited = minutes.read_bytes()
    before = snapshot(folder)

    code, printed = build(sample, out)
    assert code == 1, printed
    assert str(minutes) in printed
    assert "modifié depuis sa génération" in printed
    assert "--force" in printed
    assert "rien n’a été écrit pour cette réunion" in printed
    assert snapshot(folder) == before  # the annex and the manifest too: nothing written
    assert "Traceback" not in printed

    code, printed = build(sample, out, "--force")
    assert code == 0, printed
    assert minutes.read_bytes() == generated
    copies = list(folder.glob("proces-verbal.modifie-*.docx"))
    assert len(copies) == 1, copies
    assert re.fullmatch(r"proces-verbal\.modifie-\d{8}-\d{6}\.docx", copies[0].name)
    assert copies[0].read_bytes() == edited
    assert added in docx_text(copies[0])
    assert copies[0].name in printed and "votre version modifiée est gardée" in printed
    assert not list(folder.glob("annexe-tarifs.modifie-*"))  # unchanged: no copy
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["fichiers"]
    assert manifest["proces-verbal.docx"] == hashlib.sha256(generated).hexdigest()
    assert copies[0].name not in manifest  # the clerk's copy is theirs, not the tool's

    code, printed = build(sample, out)  # and the next build is an ordinary one again
    assert code == 0, printed
    assert copies[0].read_bytes() == edited


# --- 4. files the tool did not write --------------------------------------------------


@pytest.mark.parametrize("force", [False, True], ids=["sans-force", "force"])
def test_a_file_the_tool_did_not_write_is_never_touched(
    sample: Path, tmp_path: Path, force: bool
) -> None:
    folder = tmp_path / "out" / MEETING
    folder.mkdir(parents=True)
    mine = folder / "proces-verbal.docx"
    add_paragraph(REPO / "templates" / "proces-verbal.docx", mine, "Mon procès-verbal, à la main.")
    before = snapshot(folder)
    code, printed = build(sample, tmp_path / "out", *(["--force"] if force else []))
    assert code == 1, printed
    assert str(mine) in printed
    assert "n’a pas été produit par make-minutes" in printed
    assert snapshot(folder) == before  # no annex, no manifest, no copy
    assert "Traceback" not in printed


# --- 5. killed or interrupted midway --------------------------------------------------

BIG_DELIBERATIONS = 400


@pytest.fixture(scope="module")
def slow_meeting(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sample with 400 long deliberations: deliberations.xlsx to drop
    over the sample's, and how long a whole build of it takes here."""
    root = tmp_path_factory.mktemp("slow")
    workbook = openpyxl.load_workbook(SAMPLE / "deliberations.xlsx")
    sheet = workbook["Délibérations"]
    part = sheet.cell(2, 6).value  # the sample's "Partie"
    sheet.delete_rows(2, sheet.max_row)
    paragraph = ("Le Bureau examine la convention, ses annexes et son plan de financement. " * 30)[
        :2000
    ]
    for n in range(1, BIG_DELIBERATIONS + 1):
        sheet.append(
            [
                n,
                f"Convention de partenariat numéro {n}",
                "\n".join([paragraph] * 6),
                "Les membres du Bureau approuvent.",
                "unanimité",
                part,
            ]
        )
    workbook.save(root / "deliberations.xlsx")
    data = root / "data"
    shutil.copytree(SAMPLE, data / MEETING)
    shutil.copy(root / "deliberations.xlsx", data / MEETING / "deliberations.xlsx")
    started = time.monotonic()
    done = subprocess.run(command(data, root / "out"), **process_options(root), timeout=300)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    return {"workbook": root / "deliberations.xlsx", "seconds": took, "out": root / "out"}


def command(data: Path, out: Path) -> list[str]:
    # A terminal's Ctrl-C raises KeyboardInterrupt; a process started in the
    # background may have inherited SIGINT ignored: restore the default.
    code = (
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from pipeline.cli import main; main()"
    )
    return [sys.executable, "-c", code, "--data", str(data), "--output", str(out)]


def process_options(cwd: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return {"cwd": cwd, "env": env, "capture_output": True, "text": True}


# Seen on the sample with 400 deliberations: at 25 % of a build the workbooks
# are being read, at 45 % the sentences are being written or docxtpl is
# rendering. The documents are written in the last instants only, a window too
# short to aim at without a mock: test_a_build_killed_between_two_replacements_recovers
# rebuilds by hand the state a kill there leaves.
@pytest.mark.parametrize("fraction", [0.25, 0.45], ids=["lecture", "preparation"])
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_a_killed_build_leaves_the_previous_documents(
    sample: Path, tmp_path: Path, slow_meeting: dict, signum: int, fraction: float
) -> None:
    out = tmp_path / "out"
    code, printed = build(sample, out)
    assert code == 0, printed
    folder = out / MEETING
    before = snapshot(folder)
    # The data change: the interrupted build would have written other documents.
    shutil.copy(slow_meeting["workbook"], sample / MEETING / "deliberations.xlsx")
    new_minutes = (slow_meeting["out"] / MEETING / "proces-verbal.docx").read_bytes()
    assert new_minutes != before["proces-verbal.docx"][0]

    options = process_options(tmp_path)
    del options["capture_output"]
    process = subprocess.Popen(
        command(sample, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options
    )
    deadline = time.monotonic() + slow_meeting["seconds"] * fraction
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if process.poll() is not None:
        process.communicate()
        pytest.skip("la construction a fini avant d’être interrompue (machine trop rapide)")
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("la construction a fini juste avant le signal")
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode != 0, stdout + stderr

    assert snapshot(folder) == before, "previous outputs changed"
    assert temporaries(out) == []

    # Nothing left behind trips the next build (back on the sample's data: quick).
    shutil.copy(SAMPLE / "deliberations.xlsx", sample / MEETING / "deliberations.xlsx")
    code, printed = build(sample, out)
    assert code == 0, printed
    assert {name: content for name, (content, _) in snapshot(folder).items()} == {
        name: content for name, (content, _) in before.items()
    }


def test_a_build_removes_stale_temporaries_and_only_those(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(sample, out)[0] == 0
    folder = out / MEETING
    stale = [
        folder / ".proces-verbal.docx.abc.tmp",
        folder / ".annexe-tarifs.docx.k3j_x9.tmp",
        folder / f".{MANIFEST}.zz1.tmp",
    ]
    for path in stale:
        path.write_bytes(b"PK\x03\x04 interrupted")
    theirs = [folder / ".mes-notes.tmp", folder / "brouillon.tmp", folder / "notes.txt"]
    for path in theirs:
        path.write_text("à moi", encoding="utf-8")
    code, printed = build(sample, out)
    assert code == 0, printed
    assert [p for p in stale if p.exists()] == []
    assert all(p.read_text(encoding="utf-8") == "à moi" for p in theirs)


def test_a_build_killed_between_two_replacements_recovers(sample: Path, tmp_path: Path) -> None:
    """The state a kill -9 leaves between the two ``os.replace`` of
    write_all: the new minutes in place, the old annex and the old manifest.
    Rebuilding the same data must succeed (the file on disk is exactly what
    make-minutes writes), not ask the clerk for --force."""
    out = tmp_path / "out"
    assert build(sample, out)[0] == 0
    workbook = openpyxl.load_workbook(sample / MEETING / "seance.xlsx")
    for row in workbook["Séance"].iter_rows():
        if row[0].value == "Heure de clôture":
            row[1].value = dt.time(18, 30)
    workbook.save(sample / MEETING / "seance.xlsx")
    assert build(sample, tmp_path / "elsewhere")[0] == 0
    new_minutes = tmp_path / "elsewhere" / MEETING / "proces-verbal.docx"
    shutil.copy2(new_minutes, out / MEETING / "proces-verbal.docx")  # what os.replace did

    code, printed = build(sample, out)
    assert code == 0, printed
    assert not list((out / MEETING).glob("*.modifie-*"))
    assert (out / MEETING / "proces-verbal.docx").read_bytes() == new_minutes.read_bytes()


# --- 6. sandboxed templates -----------------------------------------------------------

FORBIDDEN = [
    pytest.param("{{ titre.__class__ }}", id="class"),
    pytest.param("{{ titre.__class__.__mro__[1].__subclasses__() }}", id="subclasses"),
    pytest.param("{{ cycler.__init__.__globals__ }}", id="cycler-globals"),
    pytest.param("{{ lipsum.__globals__ }}", id="lipsum-globals"),
    pytest.param("{{ titre|attr('__class__') }}", id="filtre-attr"),
    pytest.param("{% include '/etc/passwd' %}", id="include"),
    pytest.param("{% import 'os' as os %}", id="import"),
]


def template_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "modeles"
    folder.mkdir()
    add_paragraph(REPO / "templates" / "proces-verbal.docx", folder / "proces-verbal.docx", text)
    return folder


def test_a_modified_template_is_used(tmp_path: Path) -> None:
    """The control for the sandbox tests: the same change, harmless, works."""
    data = make_meeting(tmp_path / "data" / "m").parent
    templates = template_with(tmp_path, "Paragraphe ajouté : {{ seance.lieu }}")
    code, printed = build(data, tmp_path / "out", "--templates", str(templates))
    assert code == 0, printed
    text = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    assert "Paragraphe ajouté\u00a0: dans ses locaux" in text or (
        "Paragraphe ajouté : dans ses locaux" in text
    )


@pytest.mark.parametrize("tag", FORBIDDEN)
def test_a_template_cannot_reach_python_or_files(tmp_path: Path, tag: str) -> None:
    data = make_meeting(tmp_path / "data" / "m").parent
    templates = template_with(tmp_path, f"Avant {tag} après")
    code, printed = build(data, tmp_path / "out", "--templates", str(templates))
    assert code == 1, printed
    assert "modèle proces-verbal.docx" in printed
    assert "accès interdit" in printed
    assert not (tmp_path / "out" / "m").exists()
    assert "Traceback" not in printed
    assert "root:" not in printed and "<class" not in printed  # nothing leaked


# --- 7. hostile text through the whole pipeline ---------------------------------------

NFD_FIRST_NAME = "E\u0301loi\u0308se"  # as a Mac or a copy from a PDF types it
EMOJI = "\U0001f3db\ufe0f"  # 🏛️ (with its variation selector)
ARABIC = "مجلس بلدي"
SPECIAL = "A & B < C > D \"E\" 'F'"
INJECTION = "{{ 7*7 }} {% if true %}"


def hostile_expose() -> str:
    phrase = f"La commune {SPECIAL} {EMOJI} {ARABIC} signe la convention d'adhésion. "
    text = phrase * (10_000 // len(phrase))
    return text + "x" * (10_000 - len(text))


def hostile_meeting(folder: Path, title: str) -> Path:
    presences = [list(row) for row in PRESENCES]
    presences[3] = ["Département de la Somme", "Mme", NFD_FIRST_NAME, "VARLET", "présente", None]
    presences[4][5] = "Éloïse VARLET"  # NFC, as typed on Windows
    presences[1][0] = f"Collège {SPECIAL} {EMOJI}"
    presences[2][0] = presences[1][0]
    deliberations = [
        DELIBERATIONS[0],
        [
            1,
            title,
            hostile_expose(),
            f"Décision {SPECIAL} {ARABIC} {INJECTION}",
            "unanimité",
            None,
            None,
            None,
            None,
        ],
    ]
    return make_meeting(
        folder,
        seance={"Président": "Éloïse VARLET", "Lieu": f"salle {SPECIAL} {EMOJI} {ARABIC}"},
        presences=presences,
        deliberations=deliberations,
    )


HOSTILE_TITLE = f"Titre {SPECIAL} {EMOJI} {ARABIC} {INJECTION}"


def test_hostile_text_comes_out_intact(tmp_path: Path) -> None:
    hostile_meeting(tmp_path / "data" / "m", HOSTILE_TITLE)
    code, printed = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, printed  # the NFD first name and the NFC president are one member
    minutes = tmp_path / "out" / "m" / "proces-verbal.docx"
    paragraphs = docx_text(minutes)
    text = "\n".join(paragraphs)
    assert unicodedata.is_normalized("NFC", text)
    assert "Éloïse VARLET" in text  # NFC, once the same person
    assert "pouvoir à Éloïse VARLET" in text
    assert NFD_FIRST_NAME not in text
    assert EMOJI in text and ARABIC in text
    normalised = [normalise(p) for p in paragraphs]  # typography: "true\u00a0%}", d’adhésion
    assert normalise(f"1. {HOSTILE_TITLE}") in normalised  # "{{ 7*7 }}" is text, not a tag
    assert normalise(hostile_expose()) in normalised
    assert normalise(f"Décision {SPECIAL} {ARABIC} {INJECTION}") in normalised
    assert any(normalise(f"salle {SPECIAL} {EMOJI} {ARABIC}") in p for p in normalised)
    assert normalise(f"Collège {SPECIAL} {EMOJI}") in normalised
    with zipfile.ZipFile(minutes) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "A &amp; B &lt; C &gt; D" in xml  # escaped once: no markup injected


def test_control_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    """A bell and a vertical tab in a title, as Excel writes them: the XML
    cannot hold them raw, so a workbook carries ``_x0007_`` and ``_x000B_``."""
    folder = hostile_meeting(tmp_path / "data" / "m", "Titre BELLavecVTAB contrôle")
    excel_escapes(folder / "deliberations.xlsx", {"BELL": "_x0007_", "VTAB": "_x000B_"})
    code, printed = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, printed
    assert "deliberations.xlsx, feuille « Délibérations », cellule B2" in printed
    assert "caractères de contrôle" in printed
    paragraphs = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    assert "1. Titre avec contrôle" in paragraphs
    assert not any("_x00" in p or "\x07" in p or "\x0b" in p for p in paragraphs)


def excel_escapes(workbook: Path, replacements: dict[str, str]) -> None:
    """Put OOXML escapes where openpyxl (which refuses control characters) cannot."""
    with zipfile.ZipFile(workbook) as package:
        entries = [(info, package.read(info.filename)) for info in package.infolist()]
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as package:
        for info, content in entries:
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                for placeholder, escape in replacements.items():
                    content = content.replace(placeholder.encode(), escape.encode())
            package.writestr(info, content)


@needs_libreoffice
def test_hostile_minutes_open_in_libreoffice(tmp_path: Path) -> None:
    hostile_meeting(tmp_path / "data" / "m", HOSTILE_TITLE)
    code, printed = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, printed
    text = to_pdf_text(tmp_path / "out" / "m" / "proces-verbal.docx", tmp_path)
    assert "BUREAU du 28 novembre 2016" in text
    assert "A & B < C > D" in text
