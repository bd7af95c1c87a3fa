"""Zip packages that lie (issue 13, items 4, 5, 6 and two of item 10).

Each hostile package is written byte by byte: its parts are taken from a
real workbook, exposé or template, then stored with the sizes, CRCs, names
and encodings a hostile sender chose, in local headers and a central
directory written here. Each runs the real command under the memory cap of
tests/test_hostile.py, with a good meeting beside it that must be built:
refused in under 5 s and 500 Mo, in French, without a traceback or an
"erreur inattendue". The same constructions without the poison are read, so
that a refusal is due to the poison.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from conftest import REPO, docx_text, make_meeting
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from test_exposes import EMBEDDED, EXPOSE_CELL, PARAGRAPH, meeting_with_exposes, write_expose
from test_hostile import (
    HOSTILE_XML,
    MB,
    TOO_MANY_ROWS,
    assert_built,
    assert_clean,
    assert_refused,
    assert_template_refused,
    run_quickly,
    sheet_stream,
)

DAMAGED = (
    "est endommagé (une de ses parties ne correspond pas à la taille ou à la somme de contrôle "
    "que le fichier annonce) : il est refusé"
)
SHEET = "xl/worksheets/sheet1.xml"
DOCUMENT = "word/document.xml"
EXPOSE = "exposé « exposes/01.docx » : ce document"


# --- a zip written byte by byte ----------------------------------------------------------


@dataclass
class Entry:
    """One part as stored: its data (deflated) and what the directory says
    of it."""

    name: str
    stored: bytes
    crc: int
    size: int  # the uncompressed size announced

    @property
    def data(self) -> bytes:
        return zlib.decompress(self.stored, -15)


def deflated(name: str, data: bytes) -> Entry:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Entry(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def entries(path: Path) -> list[Entry]:
    """The parts of a real package, in order, deflated again honestly."""
    with zipfile.ZipFile(path) as package:
        return [deflated(i.filename, package.read(i)) for i in package.infolist()]


def part(items: list[Entry], name: str) -> Entry:
    (found,) = [e for e in items if e.name == name]
    return found


def replace(items: list[Entry], name: str, data: bytes) -> None:
    found, new = part(items, name), deflated(name, data)
    found.stored, found.crc, found.size = new.stored, new.crc, new.size


def write_zip(path: Path, items: list[Entry]) -> None:
    """Local headers and data, then the central directory and its end, as
    the zip format lays them out; every size and CRC as ``items`` say."""
    out, directory = bytearray(), bytearray()
    for e in items:
        name, offset = e.name.encode(), len(out)
        said = (e.crc, len(e.stored), e.size, len(name))
        local = (b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21, *said, 0)  # deflated, dated 1980-01-01
        central = (b"PK\x01\x02", 20, 0, 20, 0, 0, 8, 0, 0x21, *said, 0, 0, 0, 0, 0, offset)
        out += struct.pack("<4s2B4HL2L2H", *local) + name + e.stored
        directory += struct.pack("<4s4B4HL2L5H2L", *central) + name
    count, size = len(items), len(directory)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, len(out), 0)
    path.write_bytes(bytes(out + directory + end))


def zeros_deflated(mib: int) -> bytes:
    """``mib`` MiB of zeros as one deflate stream of about 1 Ko per MiB
    (the same fully flushed block, repeated): 2 GiB are made at once."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(bytes(MB)) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * mib + packer.flush()


def rename_part(items: list[Entry], old: str, new: str) -> None:
    """Rename a part as a producer may: the relationships to it, its content
    type and its own relationships follow."""
    edited = 0
    for e in list(items):
        if not e.name.endswith(".rels") and e.name != "[Content_Types].xml":
            continue
        folder = e.name.rsplit("_rels/", 1)[0] if "_rels/" in e.name else ""
        text = e.data.decode("utf-8")
        changed = text.replace(f'"/{old}"', f'"/{new}"')  # absolute names, content types
        if e.name.endswith(".rels") and old.startswith(folder):
            changed = changed.replace(f'"{old[len(folder) :]}"', f'"{new[len(folder) :]}"')
        if changed != text:
            replace(items, e.name, changed.encode("utf-8"))
            edited += 1
    assert edited >= 2, edited  # a relationship, a content type
    part(items, old).name = new
    folder, _, base = old.rpartition("/")
    own = [e for e in items if e.name == f"{folder}/_rels/{base}.rels"]
    for e in own:
        e.name = f"{folder}/_rels/{new.rpartition('/')[2]}.rels"


def two_meetings_workbook(tmp_path: Path) -> Path:
    """data/bonne and data/m, valid; returns m's deliberations.xlsx."""
    make_meeting(tmp_path / "data" / "bonne")
    return make_meeting(tmp_path / "data" / "m") / "deliberations.xlsx"


def expose_meeting(tmp_path: Path) -> Path:
    """data/bonne, and data/m whose first item's Exposé cell names
    exposes/01.docx (written, valid); returns the exposé's path."""
    make_meeting(tmp_path / "data" / "bonne")
    folder = meeting_with_exposes(tmp_path / "data" / "m", "exposes/01.docx")
    return write_expose(folder / "exposes" / "01.docx")


def _png() -> bytes:
    """A 1×1 PNG, written as the format says."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">2I5B", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()


# --- item 4: sizes that lie ---------------------------------------------------------------


@pytest.mark.parametrize("crc", ["faux", "des-octets-annonces"])
def test_a_sheet_announced_small_that_inflates_to_2_gib_is_refused(
    tmp_path: Path, crc: str
) -> None:
    """The directory says 1 Ko; the data inflates to 2 GiB (2 Mo on disk).
    zipfile's read() inflates all of it before cutting it to the announced
    size: a MemoryError under the cap. The CRC is wrong, or that of the
    announced 1 Ko, which zipfile accepts."""
    path = two_meetings_workbook(tmp_path)
    items = entries(path)
    sheet = part(items, SHEET)
    sheet.stored, sheet.size = zeros_deflated(2048), 1024
    sheet.crc = zlib.crc32(bytes(1024)) if crc != "faux" else 12345
    write_zip(path, items)
    assert path.stat().st_size < 3 * MB
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, "deliberations.xlsx", DAMAGED)


def test_a_workbook_of_ten_thousand_parts_is_refused(tmp_path: Path) -> None:
    """Ten thousand empty parts beside the real ones (90 Ko on disk): a
    directory to walk, not a workbook; refused before any is read."""
    path = two_meetings_workbook(tmp_path)
    items = entries(path) + [deflated(f"xl/vide/{i}.xml", b"") for i in range(10_000)]
    write_zip(path, items)
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, "deliberations.xlsx", "nombre anormal de parties")


def test_a_sheet_announced_larger_than_its_data_is_refused(tmp_path: Path) -> None:
    path = two_meetings_workbook(tmp_path)
    items = entries(path)
    part(items, SHEET).size += 10
    write_zip(path, items)
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, "deliberations.xlsx", DAMAGED)


def test_an_expose_whose_document_inflates_to_2_gib_is_refused(tmp_path: Path) -> None:
    path = expose_meeting(tmp_path)
    items = entries(path)
    document = part(items, DOCUMENT)
    document.stored, document.size = zeros_deflated(2048), 1024
    document.crc = zlib.crc32(bytes(1024))
    write_zip(path, items)
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, EXPOSE_CELL, f"{EXPOSE} {DAMAGED}")


def test_a_template_whose_document_inflates_to_2_gib_is_refused(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "bonne")
    make_meeting(tmp_path / "data" / "m")
    template = tmp_path / "modeles" / "proces-verbal.docx"
    template.parent.mkdir()
    items = entries(REPO / "templates" / "proces-verbal.docx")
    document = part(items, DOCUMENT)
    document.stored, document.size = zeros_deflated(2048), 1024
    document.crc = zlib.crc32(bytes(1024))
    write_zip(template, items)
    code, output = run_quickly(tmp_path, "--templates", str(template.parent))
    assert_template_refused(tmp_path, code, output, template, f"ce modèle {DAMAGED}")


# --- item 5: the row limit whatever the part's name; a bad CRC anywhere -----------------------


@functools.cache
def million_rows() -> bytes:
    """A sheet of a million rows of one cell under a one-column header:
    under the survey's rectangle limit, so that only the row limit stands
    in the way (python-calamine would read it, for 21 s and 1.9 Go)."""
    buffer = io.BytesIO()
    sheet_stream([["N°"]], extra=1_000_000)(buffer)
    return buffer.getvalue()


def test_a_million_rows_in_a_sheet_part_not_named_xml_are_refused(tmp_path: Path) -> None:
    path = two_meetings_workbook(tmp_path)
    items = entries(path)
    replace(items, SHEET, million_rows())
    rename_part(items, SHEET, "xl/worksheets/feuille1.bin")
    write_zip(path, items)
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, "deliberations.xlsx", TOO_MANY_ROWS)


@pytest.mark.parametrize("where", ["premiere-partie", "image"])
def test_a_bad_crc_anywhere_refuses_the_workbook(tmp_path: Path, where: str) -> None:
    """A first part with a bad CRC made the whole judgement give up (as if
    the file were not a zip), and the million rows behind it were read; an
    image was never looked at."""
    path = two_meetings_workbook(tmp_path)
    items = entries(path)
    if where == "image":  # the workbook otherwise sound
        items.append(deflated("xl/media/image1.png", PNG))
        items[-1].crc ^= 1
    else:
        replace(items, SHEET, million_rows())
        items[0].crc ^= 1
    write_zip(path, items)
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, "deliberations.xlsx", DAMAGED)


def test_a_byte_changed_in_the_compressed_data_is_found(tmp_path: Path) -> None:
    """The data itself altered (stored deflate blocks: it still inflates),
    its directory entry intact."""
    path = two_meetings_workbook(tmp_path)
    items = entries(path)
    styles = part(items, "xl/styles.xml")
    stored = bytearray(zlib.compress(styles.data, 0)[2:-4])  # raw deflate, stored blocks
    stored[len(stored) // 2] ^= 0x01
    styles.stored = bytes(stored)
    write_zip(path, items)
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, "deliberations.xlsx", DAMAGED)


# --- item 6: the DOCTYPE of an exposé, whatever its part's name and encoding ----------------------

DOCTYPE = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'


def poisoned(items: list[Entry]) -> None:
    xml = part(items, DOCUMENT).data.decode("utf-8")
    replace(items, DOCUMENT, xml.replace("?>", "?>" + DOCTYPE, 1).encode("utf-8"))


def renamed_document(items: list[Entry]) -> None:
    rename_part(items, DOCUMENT, "word/principal.bin")


def in_utf16(items: list[Entry]) -> None:
    """UTF-16 with its byte order mark, as the XML declaration says."""
    document = part(items, DOCUMENT)
    xml = document.data.decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    assert "encoding='UTF-16'" in xml, xml[:100]
    replace(items, document.name, xml.encode("utf-16"))


def in_utf16_without_mark(items: list[Entry]) -> None:
    document = part(items, DOCUMENT)
    xml = document.data.decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    replace(items, document.name, xml.encode("utf-16-le"))


def bad_first_crc(items: list[Entry]) -> None:
    items[0].crc ^= 1


def change_expose(path: Path, *changes: Callable[[list[Entry]], None]) -> None:
    items = entries(path)
    for change in changes:
        change(items)
    write_zip(path, items)


HIDDEN = [
    pytest.param(renamed_document, id="partie-principale-nommee-bin"),
    pytest.param(in_utf16, id="utf-16"),
    pytest.param(in_utf16_without_mark, id="utf-16-sans-marque"),
]


@pytest.mark.parametrize("hide", HIDDEN)
def test_a_doctype_in_an_expose_is_refused_whatever_its_part(tmp_path: Path, hide) -> None:
    change_expose(expose_meeting(tmp_path), poisoned, hide)
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, EXPOSE_CELL, f"{EXPOSE} {HOSTILE_XML}")


def test_a_doctype_behind_a_bad_crc_is_refused(tmp_path: Path) -> None:
    change_expose(expose_meeting(tmp_path), poisoned, bad_first_crc)
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, EXPOSE_CELL, f"{EXPOSE} {DAMAGED}")


def test_an_xml_encoding_that_hides_a_doctype_is_refused(tmp_path: Path) -> None:
    """UTF-7 writes « < » as « +ADw- »: no scan of the bytes would see the
    DOCTYPE, and libxml2 reads UTF-7."""
    path = expose_meeting(tmp_path)
    items = entries(path)
    xml = part(items, DOCUMENT).data.decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-7'")
    replace(items, DOCUMENT, xml.replace("?>", "?>" + DOCTYPE.replace("<", "+ADw-"), 1).encode())
    write_zip(path, items)
    code, output = run_quickly(tmp_path)
    assert_refused(
        tmp_path,
        code,
        output,
        EXPOSE_CELL,
        f"{EXPOSE} contient une partie XML dans un codage inhabituel (« UTF-7 »)",
    )


def svg_in(items: list[Entry], name: str, relationship: str) -> None:
    """An SVG with a DOCTYPE (as Illustrator writes them) in the package,
    typed image/svg+xml, that the document part points to."""
    svg = f'<?xml version="1.0"?>{DOCTYPE}<svg xmlns="http://www.w3.org/2000/svg"/>'
    items.append(deflated(name, svg.encode()))
    types = part(items, "[Content_Types].xml").data.decode()
    svg_type = '<Default Extension="svg" ContentType="image/svg+xml"/>'
    replace(
        items, "[Content_Types].xml", types.replace("<Default ", svg_type + "<Default ", 1).encode()
    )
    rels = part(items, "word/_rels/document.xml.rels").data.decode()
    rel = f'<Relationship Id="rId99" Type="{relationship}" Target="{name.removeprefix("word/")}"/>'
    replace(
        items,
        "word/_rels/document.xml.rels",
        rels.replace("</Relationships>", rel + "</Relationships>").encode(),
    )


def test_an_svg_typed_as_an_image_but_related_as_a_part_is_refused(tmp_path: Path) -> None:
    """The image exemption holds only for a part no other relationship
    points to: here the document says it is its header."""
    path = expose_meeting(tmp_path)
    change_expose(path, lambda items: svg_in(items, "word/media/logo.svg", RT.HEADER))
    code, output = run_quickly(tmp_path)
    assert_refused(tmp_path, code, output, EXPOSE_CELL, f"{EXPOSE} {HOSTILE_XML}")


# --- witnesses: the constructions without poison are read --------------------------------------


def test_the_workbook_constructions_without_poison_are_read(tmp_path: Path) -> None:
    """A sheet part not named .xml (the relationships and content types
    following) and an image, written by the same writer: read and built."""
    path = two_meetings_workbook(tmp_path)
    items = entries(path)
    rename_part(items, SHEET, "xl/worksheets/feuille1.bin")
    items.append(deflated("xl/media/image1.png", PNG))
    write_zip(path, items)
    code, output = run_quickly(tmp_path)
    assert_clean(output)
    assert code == 0, output
    assert_built(tmp_path, output, "m")
    assert "1. Convention cadre" in docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")


WITNESSES = [
    *HIDDEN,
    pytest.param(
        lambda items: svg_in(items, "word/media/logo.svg", RT.IMAGE), id="svg-avec-doctype"
    ),
]


@pytest.mark.parametrize("change", WITNESSES)
def test_the_expose_constructions_without_poison_are_embedded(tmp_path: Path, change) -> None:
    """python-docx reads a main part named .bin, and UTF-16; an SVG logo
    may carry a DOCTYPE, being read by no parser of ours."""
    change_expose(expose_meeting(tmp_path), change)
    code, output = run_quickly(tmp_path)
    assert_clean(output)
    assert code == 0, output
    minutes = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    start = minutes.index("1. Point 1")
    assert minutes[start + 1 : start + 1 + len(EMBEDDED)] == EMBEDDED


# --- item 10: an exposes/ folder linked elsewhere, a picture linked to a file ----------------------


def test_an_exposes_folder_linked_outside_the_meeting_is_refused(tmp_path: Path) -> None:
    """As a linked file is: the link would bring any folder's documents in."""
    make_meeting(tmp_path / "data" / "bonne")
    folder = meeting_with_exposes(tmp_path / "data" / "m", "exposes/01.docx")
    write_expose(tmp_path / "ailleurs" / "01.docx")
    (folder / "exposes").symlink_to(tmp_path / "ailleurs", target_is_directory=True)
    code, output = run_quickly(tmp_path)
    assert_refused(
        tmp_path,
        code,
        output,
        EXPOSE_CELL,
        f"exposé « exposes/01.docx » refusé : le dossier « {folder / 'exposes'} » est un lien vers "
        f"« {(tmp_path / 'ailleurs').resolve()} », hors du dossier de la réunion",
    )


def test_an_exposes_folder_linked_inside_the_meeting_is_read(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "bonne")
    folder = meeting_with_exposes(tmp_path / "data" / "m", "exposes/01.docx")
    write_expose(folder / "word" / "01.docx")
    (folder / "exposes").symlink_to(folder / "word", target_is_directory=True)
    code, output = run_quickly(tmp_path)
    assert code == 0, output
    assert PARAGRAPH in docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")


LINK = "file:///C:/Users/secretaire/Images/logo.png"


def expose_with_picture(path: Path, stored: bool) -> None:
    """An exposé showing a picture linked to a file of its author's
    computer, as Word writes « Lier au fichier » (r:link, an external
    relationship) and « Insérer et lier » (r:embed too)."""
    document = docx.Document()
    document.add_paragraph(PARAGRAPH)
    png = path.parent / "logo.png"
    png.write_bytes(PNG)
    document.add_paragraph().add_run().add_picture(str(png))
    (blip,) = document.element.body.iter(qn("a:blip"))
    blip.set(qn("r:link"), document.part.relate_to(LINK, RT.IMAGE, is_external=True))
    if not stored:
        del document.part.rels[blip.attrib.pop(qn("r:embed"))]
    document.save(str(path))
    png.unlink()


def test_a_picture_only_linked_to_a_file_is_refused(tmp_path: Path) -> None:
    """It cannot show in the minutes (the file is on another computer): the
    clerk is told to store it in the exposé, rather than see it vanish."""
    expose_with_picture(expose_meeting(tmp_path), stored=False)
    code, output = run_quickly(tmp_path)
    assert_refused(
        tmp_path, code, output, EXPOSE_CELL, f"{EXPOSE} montre une image liée au fichier « {LINK} »"
    )


def test_a_picture_stored_and_linked_keeps_its_copy_and_drops_the_link(tmp_path: Path) -> None:
    """The minutes show the stored copy; no link to the author's computer
    (which Word or LibreOffice would try to open) is left, and no
    relationship points elsewhere than it should."""
    expose_with_picture(expose_meeting(tmp_path), stored=True)
    code, output = run_quickly(tmp_path)
    assert code == 0, output
    minutes = tmp_path / "out" / "m" / "proces-verbal.docx"
    with zipfile.ZipFile(minutes) as package:
        xml = package.read(DOCUMENT).decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
    assert "r:link" not in xml and LINK not in rels and 'TargetMode="External"' not in rels
    document = docx.Document(str(minutes))
    (blip,) = document.element.body.iter(qn("a:blip"))
    assert document.part.rels[blip.get(qn("r:embed"))].target_part.blob == PNG
    for rid in re.findall(r'r:(?:id|embed|link)="([^"]+)"', xml):
        assert rid in document.part.rels, rid
