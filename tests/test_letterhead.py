"""The documents a clerk signs (issue 15, items 2 to 4): the body's name and
its logo at the top of every document, a logo judged as hostile input
before it is embedded, "1er" with "er" in superscript, and the same count
of votes (Votants…) in the minutes, the extracts and the list."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from conftest import build, docx_text, make_meeting, problems_of

NB = "\u00a0"
DOCUMENTS = (
    "proces-verbal.docx",
    "liste-deliberations.docx",
    "extraits/1-convention-cadre.docx",
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def png(width: int, height: int, *, crc_ok: bool = True, end: bool = True) -> bytes:
    """A real PNG of one colour (or a broken one)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) ^ (0 if crc_ok else 1)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x1e\x5a\xa0" * width for _ in range(height))
    out = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    )
    out += chunk(b"IDAT", zlib.compress(rows))
    return out + (chunk(b"IEND", b"") if end else b"")


def jpeg(width: int, height: int, *, end: bool = True) -> bytes:
    """The markers of a baseline JPEG (enough for its size to be read)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    sos = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00" + b"\x00" * 16
    return b"\xff\xd8" + app0 + sof + sos + (b"\xff\xd9" if end else b"")


def meeting(tmp_path: Path, **seance) -> Path:
    data = tmp_path / "data"
    make_meeting(data / "m", seance=seance or None)
    return data


def logo_problems(data: Path) -> list[tuple[str, str]]:
    """The problems of the logo (code, place) of the meeting « m » of ``data``."""
    return [p for p in problems_of(data)["m"] if p[0].startswith("logo.")]


def built(data: Path, out: Path, *extra: str) -> Path:
    code, printed = build(data, out, *extra)
    assert code == 0, printed
    return out / "m"


# --- the body's name, at the top of every document --------------------------------------


def test_every_document_opens_with_the_body_s_name(tmp_path: Path) -> None:
    out = built(meeting(tmp_path), tmp_path / "out")
    for name in DOCUMENTS:
        text = docx_text(out / name)
        assert text[0] == "Syndicat mixte Somme Numérique", name  # the field, capitalised
        paragraph = docx.Document(str(out / name)).paragraphs[0]
        assert paragraph.style.name == "Organisme", name
    assert docx_text(out / "proces-verbal.docx")[1] == "BUREAU du 28 novembre 2016"


# --- the logo ------------------------------------------------------------------------------


def _pictures(path: Path) -> list[tuple[int, int]]:
    """The size (EMU) of each picture in the body of a .docx."""
    body = docx.Document(str(path)).element.body
    extents = body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
    )
    return [(int(e.get("cx")), int(e.get("cy"))) for e in extents]


def test_a_logo_in_the_meeting_folder_heads_every_document(tmp_path: Path) -> None:
    data = meeting(tmp_path)
    logo = png(300, 100)
    (data / "m" / "logo.png").write_bytes(logo)
    out = built(data, tmp_path / "out")
    for name in DOCUMENTS:
        # 2 cm high, its proportions kept: 6 cm wide.
        assert _pictures(out / name) == [(2_160_000, 720_000)], name
        with zipfile.ZipFile(out / name) as package:
            media = [n for n in package.namelist() if n.startswith("word/media/")]
            assert [package.read(n) for n in media] == [logo], name
        first = docx.Document(str(out / name)).paragraphs[0]
        assert first.style.name == "Logo" and first._p.xpath(".//w:drawing"), name
        assert docx_text(out / name)[0] == "Syndicat mixte Somme Numérique", name


def test_a_wide_jpeg_logo_of_a_templates_folder(tmp_path: Path) -> None:
    data = meeting(tmp_path)
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "LOGO.JPG").write_bytes(jpeg(1200, 100))  # any case of the letters
    out = built(data, tmp_path / "out", "--templates", str(folder))
    # Very wide: 6 cm wide, 0.5 cm high.
    assert _pictures(out / "proces-verbal.docx") == [(2_160_000, 180_000)]


def test_without_a_logo_no_picture_and_no_empty_paragraph(tmp_path: Path) -> None:
    out = built(meeting(tmp_path), tmp_path / "out")
    assert _pictures(out / "proces-verbal.docx") == []
    assert docx.Document(str(out / "proces-verbal.docx")).paragraphs[0].text


def _too_big() -> bytes:
    return png(10, 10)[:-12] + b"\x00" * (1024 * 1024) + png(10, 10)[-12:]


@pytest.mark.parametrize(
    ("name", "content", "code", "fragment"),
    [
        ("logo.png", b"Ceci est du texte.", "logo.not-an-image", "n’est pas une image PNG ou JPEG"),
        (
            "logo.png",
            b"%PDF-1.4 une page",
            "logo.not-an-image",
            "le contenu du fichier est vérifié",
        ),
        ("logo.png", png(40, 20, crc_ok=False), "logo.not-an-image", "fichier tronqué ou abîmé"),
        ("logo.png", png(40, 20, end=False), "logo.not-an-image", "image PNG valide"),
        ("logo.jpg", jpeg(40, 20, end=False), "logo.not-an-image", "image JPEG valide"),
        ("logo.jpg", png(40, 20), "logo.not-an-image", None),  # a PNG named .jpg is printed
        ("logo.png", png(6000, 1), "logo.too-many-pixels", "6000 × 1 pixels"),
        ("logo.png", b"", "logo.not-an-image", "n’est pas une image"),
        ("logo.png", None, "logo.too-large", "(au plus 1 Mo)"),
        ("logo.png", "folder", "logo.not-an-image", "n’est pas un fichier"),
    ],
    ids=[
        "texte",
        "pdf-renomme",
        "png-somme-fausse",
        "png-tronque",
        "jpeg-tronque",
        "png-nomme-jpg",
        "trop-de-pixels",
        "vide",
        "plus-de-1-Mo",
        "dossier",
    ],
)
def test_a_hostile_logo_is_refused_before_any_document_embeds_it(
    tmp_path: Path, name: str, content, code: str, fragment: str | None
) -> None:
    data = meeting(tmp_path)
    path = data / "m" / name
    if content == "folder":
        path.mkdir()
    else:
        path.write_bytes(_too_big() if content is None else content)
    if fragment is None:  # the content decides, not the name
        assert logo_problems(data) == []
        assert len(_pictures(built(data, tmp_path / "out") / "proces-verbal.docx")) == 1
        return
    assert logo_problems(data) == [(code, str(path))]
    code_, printed = build(data, tmp_path / "out")
    assert code_ == 1
    assert fragment in printed and str(path) in printed, printed
    assert not (tmp_path / "out" / "m").exists()  # nothing written without the logo


def test_two_logos_one_printed_with_a_warning(tmp_path: Path) -> None:
    data = meeting(tmp_path)
    (data / "m" / "logo.png").write_bytes(png(20, 20))
    (data / "m" / "logo.jpg").write_bytes(jpeg(20, 20))
    assert logo_problems(data) == [("logo.several", str(data / "m"))]
    out = built(data, tmp_path / "out")
    with zipfile.ZipFile(out / "proces-verbal.docx") as package:
        assert [n for n in package.namelist() if n.startswith("word/media/")] == [
            "word/media/image1.png"
        ]


# --- "1er" in superscript ---------------------------------------------------------------------


def _superscripts(path: Path) -> list[tuple[str, str]]:
    """(the text before, the superscript text) of each raised run of the body
    and the footer."""
    document = docx.Document(str(path))
    roots = [document.element.body, *(s.footer._element for s in document.sections)]
    found = []
    for root in roots:
        runs = list(root.iter(f"{W}r"))
        for i, run in enumerate(runs):
            align = run.find(f"{W}rPr/{W}vertAlign")
            if align is not None and align.get(f"{W}val") == "superscript":
                before = "".join(t.text or "" for t in runs[i - 1].iter(f"{W}t"))
                found.append((before, "".join(t.text or "" for t in run.iter(f"{W}t"))))
    return found


def test_the_first_of_the_month_has_er_in_superscript(tmp_path: Path) -> None:
    data = meeting(
        tmp_path,
        Date=dt.datetime(2016, 12, 1),
        **{
            "Procès-verbal précédent": dt.datetime(2016, 11, 1),
            "Vote du procès-verbal précédent": "unanimité",
        },
    )
    out = built(data, tmp_path / "out")
    for name in DOCUMENTS:
        found = _superscripts(out / name)
        assert found and all(text == "er" and before.endswith("1") for before, text in found), name
        assert any(before == "BUREAU du 1" for before, _ in found), name  # the title
        # The text reads the same: only the formatting changed.
        assert any("1er décembre 2016" in line for line in docx_text(out / name)), name
    minutes = docx_text(out / "proces-verbal.docx")
    assert any("réunion du 1er novembre 2016" in line for line in minutes)
    # Title, the previous minutes' date, the footer.
    assert len(_superscripts(out / "proces-verbal.docx")) == 3
    # The title of the run keeps its style: bold title, raised "er" in the same paragraph.
    title = docx.Document(str(out / "proces-verbal.docx")).paragraphs[1]
    assert title.style.name == "Title" and title.text == "BUREAU du 1er décembre 2016"


# --- the count of votes, the same in the three documents -------------------------------------


def test_votants_in_the_minutes_as_in_the_extract_and_the_list(tmp_path: Path) -> None:
    out = built(meeting(tmp_path), tmp_path / "out")
    line = f"Votants{NB}: 4 – Pour{NB}: 4 – Contre{NB}: 0 – Abstentions{NB}: 0"
    minutes = docx_text(out / "proces-verbal.docx")
    extract = docx_text(out / "extraits/1-convention-cadre.docx")
    for text in (minutes, extract):
        at = text.index("Adoptée à l’unanimité")
        assert text[at + 1] == line
    assert f"Votants{NB}: 4" in extract  # its headcount says the same
    assert line in docx_text(out / "liste-deliberations.docx")


def test_the_list_of_members_gives_the_civility(tmp_path: Path) -> None:
    out = built(meeting(tmp_path), tmp_path / "out")
    minutes = docx_text(out / "proces-verbal.docx")
    assert "Mme Florence RODINGER" in minutes
    assert "M. Stéphane DECAYEUX (excusé, pouvoir à M. Philippe VARLET)" in minutes
    # The sentences keep « Prénom NOM », as the real minutes of the sample.
    assert "Stéphane DECAYEUX a donné son pouvoir à Philippe VARLET." in minutes
