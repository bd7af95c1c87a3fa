"""Hostile templates, texts printed as typed, and meeting names (issue 13,
items 7 and 10).

A template saved in a meeting's templates/ folder runs in a sandbox that
bounds what it produces and how long it runs (pipeline/render/sandbox.py): each
template below is the shipped procès-verbal with one paragraph added, as a
clerk saves it from Word, run by the real command in a subprocess limited
to 1.5 GB and 60 seconds, beside a good meeting that must still be built.
The same templates are run through both ways of rendering: compiled once
for every document, and docxtpl's own (taken when the meeting has a Word
exposé).
"""

from __future__ import annotations

import copy
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import docx
import pytest
from conftest import DELIBERATIONS, docx_text, make_meeting, needs_libreoffice, run
from test_exposes import write_expose
from test_hostile import assert_built, assert_refused, run_limited

REPO = Path(__file__).resolve().parent.parent
QUICK = 5  # seconds for the whole command (it starts and builds bonne too)
TEMPLATE = "modèle proces-verbal.docx : "


def run_timed(tmp_path: Path, timeout: int = 60) -> tuple[int, str, float]:
    """The real command, limited in memory (``run_limited`` also checks that
    no process of it held more than 500 MB): (code, output, seconds)."""
    start = time.monotonic()
    code, output, _ = run_limited(tmp_path, timeout=timeout)
    return code, output, time.monotonic() - start


def meetings(tmp_path: Path, word_expose: bool) -> Path:
    """data/bonne (valid, must be built) and data/m; with ``word_expose``,
    the item of m has a Word exposé, so that its documents go through
    docxtpl's own rendering instead of the compiled templates."""
    make_meeting(tmp_path / "data" / "bonne")
    if not word_expose:
        return make_meeting(tmp_path / "data" / "m")
    rows = copy.deepcopy(DELIBERATIONS)
    rows[1][2] = "exposes/01.docx"
    folder = make_meeting(tmp_path / "data" / "m", deliberations=rows)
    write_expose(folder / "exposes" / "01.docx")
    return folder


def template_with(meeting: Path, text: str) -> Path:
    """The shipped procès-verbal with a paragraph ``text`` added, saved in
    the meeting's own templates/ folder."""
    target = meeting / "templates" / "proces-verbal.docx"
    target.parent.mkdir()
    document = docx.Document(str(REPO / "templates" / "proces-verbal.docx"))
    document.add_paragraph(text)
    document.save(str(target))
    return target


WAYS = [pytest.param(False, id="compile"), pytest.param(True, id="docxtpl")]
TOO_BIG = "ce modèle fabrique un texte ou une liste démesurés (plus de 10 000 000 caractères"
TOO_LONG = "ce modèle produit un document démesuré (plus de 100 Mo) : vérifiez ses balises"
TOO_MANY = "ce modèle répète trop d’opérations (plus de 1 000 000 tours de boucle ou calculs)"
HOSTILE = [
    pytest.param("{{ 'A' * 4000000000 }}", TOO_BIG, id="4-milliards-de-A"),
    pytest.param(
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "range() ne va pas au-delà de 10 000 éléments dans un modèle : vérifiez ses balises",
        id="range-100000-imbrique",
    ),
    pytest.param(
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        TOO_MANY,
        id="boucles-imbriquees",
    ),
    pytest.param(
        "{% for i in range(10000) %}{% for j in range(10000) %}{{ 'x' * 1000 }}{% endfor %}"
        "{% endfor %}",
        TOO_LONG,
        id="document-demesure",
    ),
    pytest.param(
        "{% set ns = namespace(t='ab') %}{% for i in range(64) %}{% set ns.t = ns.t ~ ns.t %}"
        "{% endfor %}{{ ns.t }}",
        TOO_BIG,
        id="doublements",
    ),
    pytest.param(
        "{% set s = 'x' * 5000000 %}{{ ([s] * 1000)|join }}", TOO_LONG, id="join-de-repetitions"
    ),
    pytest.param(
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
        "{{ f(60) }}",
        TOO_MANY,
        id="macro-exponentielle",
    ),
    pytest.param(
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "ce modèle s’appelle lui-même sans fin (macro ou boucle récursive)",
        id="macro-sans-fin",
    ),
    pytest.param(
        "{{ 'x'|center(4000000000) }}",
        "ce modèle demande une largeur ou un nombre démesurés (plus de 100 000)",
        id="largeur",
    ),
    pytest.param(
        "{{ 10 ** 100000000 }}",
        "ce modèle calcule un nombre démesuré (plus de 3 000 chiffres)",
        id="puissance",
    ),
]


@pytest.mark.parametrize("word_expose", WAYS)
@pytest.mark.parametrize(("tag", "message"), HOSTILE)
def test_a_template_cannot_exhaust_memory_or_time(
    tmp_path: Path, tag: str, message: str, word_expose: bool
) -> None:
    template = template_with(meetings(tmp_path, word_expose), f"Avant {tag} après")
    code, output, elapsed = run_timed(tmp_path)
    assert_refused(tmp_path, code, output, str(template), TEMPLATE + message)
    assert elapsed < QUICK, output


def test_a_template_that_computes_too_long_is_stopped(tmp_path: Path) -> None:
    """Nothing repeated often nor built large, only slow (each count of the
    words of an 8-million-character text): stopped after 10 s of computing."""
    tag = "{% set s = 'mot ' * 2000000 %}{% for i in range(1000) %}{{ s|wordcount }}{% endfor %}"
    template = template_with(meetings(tmp_path, False), tag)
    code, output, _ = run_timed(tmp_path, timeout=120)
    assert_refused(
        tmp_path,
        code,
        output,
        str(template),
        TEMPLATE + "le rendu de ce modèle dépasse 10 secondes de calcul : vérifiez ses balises",
    )


@pytest.mark.parametrize("word_expose", WAYS)
def test_a_template_within_the_limits_is_used(tmp_path: Path, word_expose: bool) -> None:
    """The control: loops, repetitions and joins of a reasonable size work."""
    tag = (
        "{% for i in range(50) %}{% for j in range(20) %}{% endfor %}{% endfor %}"
        "{{ ('ab' * 3)|replace('a', 'A') }} {{ range(3)|join('-') }} {{ 2 ** 10 }}"
    )
    meeting = meetings(tmp_path, word_expose)
    template_with(meeting, f"Avant {tag} après")
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, output
    assert "Avant AbAbAb 0-1-2 1024 après" in docx_text(
        tmp_path / "out" / "m" / "proces-verbal.docx"
    )
    assert_built(tmp_path, output, "bonne")


# --- texts printed as typed (item 10) ---------------------------------------------------

SPECIAL = "A & B < C"
MARKERS = "{_{ 7*7 }_} {%_ x _%} {#_ y _#} _a_ }_} {_%"


def _core_title(document: Path) -> str:
    with zipfile.ZipFile(document) as package:
        core = ElementTree.fromstring(package.read("docProps/core.xml"))
    return core.find("{http://purl.org/dc/elements/1.1/}title").text


@pytest.mark.parametrize("word_expose", WAYS)
def test_the_title_property_is_escaped_once(tmp_path: Path, word_expose: bool) -> None:
    rows = copy.deepcopy(DELIBERATIONS)
    if word_expose:
        rows[1][2] = "exposes/01.docx"
    folder = make_meeting(tmp_path / "data" / "m", seance={"Instance": SPECIAL}, deliberations=rows)
    if word_expose:
        write_expose(folder / "exposes" / "01.docx")
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, output
    out = tmp_path / "out" / "m"
    assert (
        _core_title(out / "proces-verbal.docx") == f"Procès-verbal – {SPECIAL} du 28 novembre 2016"
    )
    assert _core_title(out / "liste-deliberations.docx") == (
        f"Liste des délibérations – {SPECIAL} du 28 novembre 2016"
    )
    (extract,) = (out / "extraits").iterdir()
    assert _core_title(extract) == f"Extrait – {SPECIAL} du 28 novembre 2016"


@needs_libreoffice
def test_the_pdf_title_is_escaped_once(tmp_path: Path) -> None:
    from pypdf import PdfReader

    make_meeting(tmp_path / "data" / "m", seance={"Instance": SPECIAL})
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"), "--pdf")
    assert code == 0, output
    reader = PdfReader(str(tmp_path / "out" / "m" / "proces-verbal.pdf"))
    assert reader.metadata.title == f"Procès-verbal – {SPECIAL} du 28 novembre 2016"


@pytest.mark.parametrize("word_expose", WAYS)
def test_template_markers_typed_in_cells_print_as_typed(tmp_path: Path, word_expose: bool) -> None:
    """docxtpl turns "{_{" into "{{" (and "}_}", "{_%", "%_}") in what it
    renders, data included: a clerk's text keeps them."""
    rows = copy.deepcopy(DELIBERATIONS)
    rows.append(copy.deepcopy(rows[1]))
    rows[1][1:3] = f"Titre {MARKERS}", f"Exposé {MARKERS}"
    rows[2][0:3] = 2, "Second point", "exposes/01.docx" if word_expose else "Un exposé."
    folder = make_meeting(tmp_path / "data" / "m", seance={"Lieu": MARKERS}, deliberations=rows)
    if word_expose:
        write_expose(folder / "exposes" / "01.docx")
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, output
    out = tmp_path / "out" / "m"
    minutes = "\n".join(docx_text(out / "proces-verbal.docx"))
    assert f"Titre {MARKERS}" in minutes
    assert f"Exposé {MARKERS}" in minutes
    assert f"{MARKERS}, sous la présidence" in minutes  # the place, in the preamble
    listed = "\n".join(docx_text(out / "liste-deliberations.docx"))
    assert f"Titre {MARKERS}" in listed
    extract = next(p for p in (out / "extraits").iterdir() if p.name.startswith("1-"))
    assert f"Exposé {MARKERS}" in "\n".join(docx_text(extract))


# --- meeting names (item 10) ------------------------------------------------------------

NOT_A_NAME = "ne peut pas être le nom d’une réunion"


@pytest.mark.parametrize(
    "name",
    ["../../x", "../x", "ABSOLU", "a/b", "a\\b", "..", ".", ".cache", "C:x", "", " ", "templates"],
)
def test_new_refuses_a_name_that_is_not_a_plain_folder_name(tmp_path: Path, name: str) -> None:
    data = tmp_path / "racine" / "data"
    data.mkdir(parents=True)
    before = sorted(tmp_path.rglob("*"))
    if name == "ABSOLU":
        name = str(tmp_path / "absolu")
    code, printed = run("new", name, "--data", str(data))
    assert code == 2, printed
    assert f"« {name} » {NOT_A_NAME}" in printed, printed
    assert "Erreur : valeur invalide pour « NOM »" in printed, printed
    assert sorted(tmp_path.rglob("*")) == before  # nothing created, anywhere


def test_new_accepts_a_plain_name(tmp_path: Path) -> None:
    code, printed = run("new", "2025-03-14-bureau", "--data", str(tmp_path / "data"))
    assert code == 0, printed
    assert (tmp_path / "data" / "2025-03-14-bureau" / "seance.xlsx").is_file()


@pytest.mark.parametrize("sub", ["data", "DATA"])
def test_loose_workbooks_and_a_folder_of_the_same_name_are_both_built(
    tmp_path: Path, sub: str
) -> None:
    """Workbooks lying in data/ are the meeting « data »; a folder data/data
    is one too: both are built, each in its own output folder."""
    data = tmp_path / "data"
    make_meeting(data, seance={"Lieu": "salle des workbooks en vrac"})
    make_meeting(data / sub, seance={"Lieu": "salle du sous-dossier"})
    code, output = run("--data", str(data), "--output", str(tmp_path / "out"))
    assert code == 0, output
    loose = tmp_path / "out" / "data-racine" / "proces-verbal.docx"
    folder = tmp_path / "out" / sub / "proces-verbal.docx"
    assert "salle des workbooks en vrac" in "\n".join(docx_text(loose))
    assert "salle du sous-dossier" in "\n".join(docx_text(folder))
    assert "data-racine : proces-verbal.docx" in output, output
    assert f"{sub} : proces-verbal.docx" in output, output
