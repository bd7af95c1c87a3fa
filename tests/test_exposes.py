"""Exposés written in Word: a cell of the Exposé column names a .docx of the
meeting's exposes/ folder, whose paragraphs, lists and tables are embedded in
the minutes and in the extract; a file missing, outside that folder, in
another format, broken or hostile is an error at the cell, and nothing is
written."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import (
    DELIBERATIONS,
    build,
    docx_text,
    make_meeting,
    needs_libreoffice,
    normalise,
    run,
    to_pdf_text,
)

DELIB = "deliberations.xlsx, feuille « Délibérations »"
EXPOSE_CELL = f"{DELIB}, cellule C2 (colonne « Exposé »)"  # the first item's Exposé

PARAGRAPH = "Le syndicat adhère au groupement de commandes."
BULLETS = ["Durée : trois ans.", "Coût : partagé entre les membres."]
STEPS = ["Signature de la convention.", "Désignation d’un référent."]
TABLE = [["Collectivité", "Montant"], ["Abbeville", "1 200 €"]]


def write_expose(path: Path) -> Path:
    """A Word exposé as a clerk writes one: a paragraph, bullets, a numbered
    list and a table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_paragraph(PARAGRAPH)
    for item in BULLETS:
        document.add_paragraph(item, style="List Bullet")
    for item in STEPS:
        document.add_paragraph(item, style="List Number")
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    table.style = "Table Grid"
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(str(path))
    return path


def meeting_with_exposes(folder: Path, *cells: str) -> Path:
    """The default meeting, one item per cell, each cell its Exposé."""
    rows = [copy.deepcopy(DELIBERATIONS[0])]
    for number, cell in enumerate(cells, start=1):
        row = copy.deepcopy(DELIBERATIONS[1])
        row[0], row[1], row[2] = number, f"Point {number}", cell
        rows.append(row)
    return make_meeting(folder, deliberations=rows)


def between(text: list[str], first: str, last: str) -> list[str]:
    """The paragraphs strictly between ``first`` and the next ``last``."""
    start = text.index(first)
    return text[start + 1 : text.index(last, start)]


EMBEDDED = [PARAGRAPH, *BULLETS, *STEPS, *(cell for row in TABLE for cell in row)]


def test_a_word_expose_is_embedded_in_the_minutes_and_the_extract(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", "exposes/01.docx", "Un exposé saisi.")
    write_expose(folder / "exposes" / "01.docx")
    code, printed = build(data, tmp_path / "out")
    assert code == 0, printed
    out = tmp_path / "out" / "m"

    minutes = docx_text(out / "proces-verbal.docx")
    # After the item's heading, before its decision and result, in order.
    assert between(minutes, "1. Point 1", "Les membres approuvent.") == EMBEDDED
    assert between(minutes, "2. Point 2", "Les membres approuvent.") == ["Un exposé saisi."]
    assert not any("01.docx" in p for p in minutes)  # the file's name is not the exposé
    extract = docx_text(out / "extraits" / "1-point-1.docx")
    assert between(extract, "1. Point 1", "Les membres approuvent.") == EMBEDDED
    assert extract.index("Adoptée à l’unanimité") > extract.index(STEPS[-1])

    # The lists stay lists: bullets keep their style, the numbered list its
    # numbering, defined in the minutes' own numbering part.
    document = docx.Document(str(out / "proces-verbal.docx"))
    paragraphs = {p.text: p for p in document.paragraphs}
    assert all(paragraphs[b].style.name == "List Bullet" for b in BULLETS)
    assert document.styles["List Bullet"].element.pPr.numPr is not None  # the template's bullet
    assert all(paragraphs[s].style.name == "List Number" for s in STEPS)
    num_id = paragraphs[STEPS[0]]._p.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    num = numbering.num_having_numId(num_id)
    abstract = num.abstractNumId.val
    assert numbering.xpath(f"./w:abstractNum[@w:abstractNumId='{abstract}']")
    # The table stays a table, with its style.
    (table,) = [t for t in document.tables if t.cell(0, 0).text == TABLE[0][0]]
    assert [[c.text for c in row.cells] for row in table.rows] == TABLE
    assert table.style.name == "Table Grid"

    # The same workbooks and exposé give the same documents, byte for byte.
    code, printed = build(data, tmp_path / "again")
    assert code == 0, printed
    for name in ("proces-verbal.docx", "extraits/1-point-1.docx"):
        assert (tmp_path / "again" / "m" / name).read_bytes() == (out / name).read_bytes()


def test_the_cell_may_name_the_file_alone_in_any_case(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", "01.docx", "Exposes\\02.DOCX")
    write_expose(folder / "exposes" / "01.docx")
    write_expose(folder / "exposes" / "02.docx")
    code, printed = build(data, tmp_path / "out")
    assert code == 0, printed
    minutes = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    assert between(minutes, "1. Point 1", "Les membres approuvent.") == EMBEDDED
    assert between(minutes, "2. Point 2", "Les membres approuvent.") == EMBEDDED


def test_a_missing_file_is_named_at_its_cell_and_nothing_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", "exposes/01.docx")
    write_expose(folder / "exposes" / "02.docx")
    code, printed = run("check", "--data", str(data))
    assert code == 1
    assert (
        f"{EXPOSE_CELL} : exposé « exposes/01.docx » introuvable dans le dossier "
        f"« {folder / 'exposes'} » (fichiers présents : 02.docx)."
    ) in printed
    code, printed = build(data, tmp_path / "out")
    assert code == 1 and "introuvable" in printed and "Traceback" not in printed
    assert not (tmp_path / "out" / "m").exists()


def test_without_an_exposes_folder_the_message_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    meeting_with_exposes(data / "m", "01.docx")
    code, printed = build(data, tmp_path / "out")
    assert code == 1
    assert f"{EXPOSE_CELL} : exposé « 01.docx » introuvable" in printed
    assert "(ce dossier n’existe pas)" in printed
    assert not (tmp_path / "out" / "m").exists()


@pytest.mark.parametrize(
    "cell",
    ["..\\x.docx", "../x.docx", "exposes/../../x.docx", "C:\\Users\\x.docx", "/tmp/x.docx"],
)
def test_a_path_leaving_the_exposes_folder_is_refused(tmp_path: Path, cell: str) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", cell)
    write_expose(folder / "x.docx")  # present, but outside exposes/
    write_expose(folder / "exposes" / "01.docx")
    code, printed = build(data, tmp_path / "out")
    assert code == 1
    assert f"{EXPOSE_CELL} : exposé « {cell} » refusé : indiquez le nom d’un fichier" in printed
    assert not (tmp_path / "out" / "m").exists()


def test_a_link_leaving_the_exposes_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", "lien.docx")
    (folder / "exposes").mkdir()
    (folder / "exposes" / "lien.docx").symlink_to(write_expose(tmp_path / "ailleurs.docx"))
    code, printed = build(data, tmp_path / "out")
    assert code == 1
    assert f"{EXPOSE_CELL} : exposé « lien.docx » refusé" in printed
    assert not (tmp_path / "out" / "m").exists()


@pytest.mark.parametrize("suffix", [".odt", ".doc"])
def test_another_format_is_refused_with_advice(tmp_path: Path, suffix: str) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", f"exposes/01{suffix}")
    (folder / "exposes").mkdir()
    (folder / "exposes" / f"01{suffix}").write_bytes(b"not read")
    code, printed = build(data, tmp_path / "out")
    assert code == 1
    assert (
        f"{EXPOSE_CELL} : exposé « exposes/01{suffix} » : le format {suffix} n’est pas lu ; "
        "ouvrez ce document dans Word ou LibreOffice, enregistrez-le au format Word (.docx) "
        f"dans le dossier « {folder / 'exposes'} » et indiquez « exposes/01.docx »."
    ) in printed
    assert not (tmp_path / "out" / "m").exists()


def hostile_docx(path: Path) -> None:
    """A .docx whose document part declares an entity (an XML bomb's start)."""
    write_expose(path)
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"]
    parts["word/document.xml"] = xml.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>', 1)
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)


def docx_without_document(path: Path) -> None:
    write_expose(path)
    with zipfile.ZipFile(path) as package:
        parts = {n: package.read(n) for n in package.namelist() if n != "word/document.xml"}
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 pas un zip"), "n’est pas un document Word"),
        (lambda p: p.write_bytes(b""), "n’est pas un document Word"),
        (docx_without_document, "n’est pas un document Word"),
        (hostile_docx, "contient des déclarations XML interdites"),
    ],
    ids=["not-a-zip", "empty", "no-document-part", "xml-entities"],
)
def test_a_broken_or_hostile_docx_is_refused(tmp_path: Path, make, expected: str) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", "exposes/01.docx")
    (folder / "exposes").mkdir()
    make(folder / "exposes" / "01.docx")
    code, printed = build(data, tmp_path / "out")
    assert code == 1
    assert f"{EXPOSE_CELL} : exposé « exposes/01.docx » : ce " in printed
    assert expected in printed and "Traceback" not in printed
    assert not (tmp_path / "out" / "m").exists()


def template_with_expose_tag(folder: Path, change) -> None:
    """The shipped minutes template, its exposé paragraph changed by
    ``change``, as this meeting's own template."""
    shipped = Path(__file__).resolve().parent.parent / "templates" / "proces-verbal.docx"
    template = docx.Document(str(shipped))
    (tag,) = [p for p in template.paragraphs if "d.expose_document" in p.text]
    change(tag)
    (folder / "templates").mkdir()
    template.save(str(folder / "templates" / "proces-verbal.docx"))


def without_tag(tag) -> None:
    tag._p.getparent().remove(tag._p)


def inline_tag(tag) -> None:
    tag.runs[0].text = "Exposé : {{ d.expose_document }}"


LEFT_OUT = (
    f"l’exposé « exposes/01.docx » ({EXPOSE_CELL}) n’y est pas imprimé ; ajoutez, seule "
    "dans un paragraphe, la balise « {{p d.expose_document }} »"
)
INLINE = (
    "l’exposé « exposes/01.docx » y est imprimé au milieu d’un paragraphe ; la balise "
    "« {{p d.expose_document }} » (avec « p ») doit être seule dans son paragraphe"
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (without_tag, LEFT_OUT),  # a template made before Word exposés
        (inline_tag, INLINE),  # paragraphs inside a line of text: a broken document
    ],
    ids=["left-out", "inline"],
)
def test_a_template_must_print_it_alone_in_its_paragraph(
    tmp_path: Path, change, expected: str
) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", "exposes/01.docx")
    write_expose(folder / "exposes" / "01.docx")
    template_with_expose_tag(folder, change)
    # A meeting without Word exposés is not concerned by the same template.
    template_with_expose_tag(meeting_with_exposes(data / "n", "Un exposé saisi."), change)
    code, printed = build(data, tmp_path / "out")
    assert code == 1
    assert f"modèle proces-verbal.docx : {expected}" in printed
    assert not (tmp_path / "out" / "m").exists()
    assert "Un exposé saisi." in docx_text(tmp_path / "out" / "n" / "proces-verbal.docx")


@needs_libreoffice
def test_libreoffice_shows_the_word_expose(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = meeting_with_exposes(data / "m", "exposes/01.docx")
    write_expose(folder / "exposes" / "01.docx")
    code, printed = build(data, tmp_path / "out")
    assert code == 0, printed
    pdf = normalise(to_pdf_text(tmp_path / "out" / "m" / "proces-verbal.docx", tmp_path))
    expected = [PARAGRAPH, *BULLETS, *(f"{n}. {s}" for n, s in enumerate(STEPS, 1)), "Abbeville"]
    positions = [pdf.index(normalise(e)) for e in expected]
    assert positions == sorted(positions)  # all there, in order
