"""docs/guide.md stays true to the program: its pictures exist, its worked
example (built by tools/make_guide_images.py) checks and builds, every
command it quotes is accepted, and every output it shows is the one the
program prints. No LibreOffice needed."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shlex
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, docx_text, normalise, run

from pipeline.contract import FIELDS
from pipeline.render import pdf
from pipeline.words.sentences import ARRETE

GUIDE = REPO / "docs" / "guide.md"
IMAGES = REPO / "docs" / "images"
FIX = "Relancez « python tools/make_guide_images.py » et recopiez sa sortie dans docs/guide.md."


@pytest.fixture(scope="module")
def tool():
    """tools/make_guide_images.py, imported from its file (tools/ is no package)."""
    path = REPO / "tools" / "make_guide_images.py"
    spec = importlib.util.spec_from_file_location("make_guide_images", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    """Apostrophes and line breaks as they may be written in prose."""
    return re.sub(r"\s+", " ", text.replace("’", "'"))


def test_every_picture_exists_and_is_used(guide: str) -> None:
    links = re.findall(r"!\[[^\]]+\]\(([^)\s]+)\)", guide)
    assert len(links) >= 4, links
    for link in links:
        assert not link.startswith(("/", "http")), f"lien non relatif : {link}"
        picture = (GUIDE.parent / link).resolve()
        assert picture.is_file(), f"image introuvable : {link}"
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", link
        assert picture.stat().st_size < 300 * 1024, f"{link} : plus de 300 Ko"
    used = {(GUIDE.parent / link).resolve() for link in links}
    assert set(IMAGES.glob("*.png")) <= used, "image de docs/images/ que le guide ne montre pas"


def test_the_example_checks_and_builds(tool, tmp_path: Path) -> None:
    folder = tool.write_example(tmp_path)
    data, output = tmp_path / "data", tmp_path / "out"
    code, printed = run("check", "--data", str(data))
    assert code == 0, printed
    assert printed == f"{tool.EXAMPLE} : aucun problème.\n"
    code, printed = run("--data", str(data), "--output", str(output))
    assert code == 0, printed
    built = output / folder.name
    text = [normalise(p) for p in docx_text(built / "proces-verbal.docx")]
    assert text[:2] == [
        "Syndicat mixte de la Vallée des Saules",
        "CONSEIL SYNDICAL du 12 mars 2025",
    ]
    assert "Paul BERNARD a donné son pouvoir à Claire MARTIN." in text
    assert "1. Budget primitif 2025 (n° CS2025_004)" in text
    # As the guide quotes them.
    assert "Adoptée à l'unanimité des suffrages exprimés (1 abstention)" in text
    assert "Abstention : Louis PETIT" in text
    # The files the guide lists.
    assert sorted(p.name for p in (built / "extraits").iterdir()) == [
        "CS2025_004-budget-primitif-2025.docx",
        "CS2025_005-adhesion-de-la-commune-de-saint-aubin.docx",
    ]
    assert (built / "liste-deliberations.docx").is_file()
    assert (built / "deliberations.csv").is_file()
    assert not (built / "annexe-tarifs.docx").exists()


def test_from_takes_over_the_fields_the_guide_names(tool, guide: str, tmp_path: Path) -> None:
    tool.write_example(tmp_path)
    data = tmp_path / "data"
    assert run("new", tool.NEXT, "--from", tool.EXAMPLE, "--data", str(data))[0] == 0
    seance = openpyxl.load_workbook(data / tool.NEXT / "seance.xlsx")["Séance"]
    kept = {row[0].value for row in seance.iter_rows(min_row=2) if row[1].value is not None}
    named = re.search(r"les champs de l’organisme \((.*?)\) sont\s+repris", guide, flags=re.S)
    assert named, "phrase de « 11. La séance suivante » introuvable"
    # The earlier meeting's date goes into « Procès-verbal précédent » (said
    # after the list): the new meeting approves its minutes (issue 17).
    assert "Procès-verbal précédent" in kept
    assert set(re.findall(r"`([^`]+)`", named.group(1))) == kept - {"Procès-verbal précédent"}
    for field in ("Numérotation", "Premier numéro", "Vote du procès-verbal précédent"):
        assert field not in kept and f"`{field}`" in guide  # to fill again, says the guide


def test_the_example_in_the_guide_is_the_one_built(tool, guide: str) -> None:
    for title, value in tool.SEANCE.items():
        if isinstance(value, dt.datetime):
            value = value.strftime("%d/%m/%Y")
        elif isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        assert f"| {title} | {value} |" in guide, f"champ « {title} » de l’exemple"
    for item in tool.DELIBERATIONS:
        assert f"| {item['N°']} | {item['Titre']} |" in guide
        assert item["Matière"] in guide
    assert tool.DELIBERATIONS[0]["Exposé"] in guide
    for number, member, vote in tool.VOTES:
        assert f"| {number} | {member} | {vote} |" in guide


def test_the_hints_described_are_those_of_the_blank_workbooks(guide: str, tmp_path: Path) -> None:
    assert run("new", "vierge", "--data", str(tmp_path))[0] == 0
    flat = _flat(guide)
    for title in (f.title for f in FIELDS.values() if f.required):
        assert _flat(title) in flat, f"champ obligatoire « {title} » non cité"
    listed = set()
    for path in (tmp_path / "vierge").glob("*.xlsx"):
        for ws in openpyxl.load_workbook(path):
            for dv in ws.data_validations.dataValidation:
                assert f"fenêtre « {dv.errorTitle} » : « {dv.error} »" in flat
                # Séance: the field is on the row of its cell; elsewhere, the header.
                letter, row = re.match(r"([A-Z]+)(\d+)", str(dv.sqref)).groups()
                listed.add(ws[f"A{row}" if ws.title == "Séance" else f"{letter}1"].value)
    for title in listed:
        assert f"`{_flat(title)}`" in flat, f"liste déroulante « {title} » non citée"


def _commands(guide: str) -> list[list[str]]:
    """Every make-minutes command line the guide quotes: in console blocks,
    in shell blocks, in inline code."""
    lines = re.findall(r"^\$ (make-minutes.*)$", guide, flags=re.M)
    for block in re.findall(r"```sh\n(.*?)```", guide, flags=re.S):
        lines += [p.strip() for p in block.split("&&") if p.strip().startswith("make-minutes")]
    lines += re.findall(r"`(make-minutes[^`]*)`", guide)
    return [shlex.split(line.replace("\n", " "))[1:] for line in lines]


def test_every_quoted_command_is_accepted(guide: str) -> None:
    commands = _commands(guide)
    seen = {arg for args in commands for arg in args}
    assert {"new", "check", "--from", "--force", "--pdf", "--watch", "fields"} <= seen
    for args in commands:
        code, printed = run(*args, "--help")
        assert code == 0 and "Utilisation" in printed, (
            f"« make-minutes {' '.join(args)} » refusé :\n{printed}"
        )


def _normal(text: str, workdir: Path | None = None) -> str:
    text = re.sub(r"modifie-\d{8}-\d{6}\.", "modifie-<date>.", text)
    if workdir is not None:
        for where in {str(workdir.resolve()), str(workdir)}:
            text = text.replace(where, "…")
    return text.rstrip("\n")


def test_the_guide_shows_what_the_program_prints(tool, guide: str, tmp_path: Path) -> None:
    shown = {
        _normal(f"$ {command}\n{printed}", tmp_path)
        for command, _, printed in tool.transcript(tmp_path)
    }
    blocks = {_normal(b) for b in re.findall(r"```console\n(.*?)```", guide, flags=re.S)}
    missing = shown - blocks
    assert not missing, "sortie réelle absente du guide :\n\n" + "\n\n".join(missing) + "\n" + FIX
    # Only the PDF run, which needs LibreOffice, is shown without being rerun here.
    unchecked = {b for b in blocks - shown if not b.startswith("$ make-minutes --pdf\n")}
    assert not unchecked, "bloc du guide que le programme n’affiche pas :\n\n" + "\n\n".join(
        unchecked
    )


def test_the_messages_quoted_outside_a_run_are_the_programs(guide: str) -> None:
    assert pdf.INSTALL in guide
    assert f"« {ARRETE} »" in _flat(guide)
