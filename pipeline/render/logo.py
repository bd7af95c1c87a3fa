"""The logo of the letterhead: an image named ``logo.png``, ``logo.jpg`` or
``logo.jpeg`` in the meeting's folder or in a templates folder, printed above
the body's name at the top of every document.

An image is hostile input like a workbook: it is judged from its bytes before
any document embeds it. Its size is bounded (it is copied into every
document, the 600 extracts of a large assembly included), it must be a real
PNG or JPEG (signature, structure, every PNG chunk's checksum; never decoded
into pixels, so no decompression bomb), and its dimensions are bounded. It
is then sized for a letterhead: 2 cm high at most, 6 cm wide at most, its
proportions kept.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.problems import CodedError, Place, Report

NAMES = tuple("logo" + ext for ext in (".png", ".jpg", ".jpeg"))  # looked for in this order
MAX_BYTES = 1024 * 1024  # 1 Mo: a logo weighs tens of kilobytes
MAX_SIDE = 5000  # pixels
MAX_HEIGHT = 720_000  # EMU: 2 cm
MAX_WIDTH = 2_160_000  # EMU: 6 cm

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Logo:
    """A checked logo: its bytes and its printed size (EMU)."""

    name: str  # as found, for the messages and ``make-minutes fields``
    data: bytes
    width: int
    height: int

    def __repr__(self) -> str:
        return f"Logo({self.name!r}, {len(self.data)} octets)"


class LogoError(CodedError):
    """A logo refused; the message is for the clerk, ``code`` names the kind."""


def find(folders: list[Path]) -> list[Path]:
    """The logos of the first folder that has one (``NAMES``, in that order,
    whatever the case of their letters): usually one."""
    for folder in folders:
        try:
            entries = {p.name.lower(): p for p in folder.iterdir()} if folder.is_dir() else {}
        except OSError:
            continue
        found = [entries[n] for n in NAMES if n in entries]
        if found:
            return found
    return []


def load(path: Path) -> Logo:
    """The logo at ``path``, checked and sized; :class:`LogoError` says why not."""
    what = f"le logo « {path.name} »"
    try:
        if not path.is_file():
            raise LogoError(
                f"{what} n’est pas un fichier ; placez-y une image PNG ou JPEG.",
                code="logo.not-an-image",
            )
        size = path.stat().st_size
        if size > MAX_BYTES:
            weight = f"{size / 1024 / 1024:.1f}".replace(".", ",")
            raise LogoError(
                f"{what} pèse {weight} Mo (au plus 1 Mo) : il est copié dans chaque document. "
                "Enregistrez-le plus petit (500 pixels de large suffisent) ou retirez-le.",
                code="logo.too-large",
            )
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise LogoError(
            f"{what} ne peut pas être lu ({exc.strerror or type(exc).__name__}) ; vérifiez "
            "qu’il n’est pas ouvert ailleurs et qu’il peut être lu.",
            code="logo.unreadable",
        ) from None
    if data.startswith(PNG_SIGNATURE):
        width, height = _png_size(data, what)
    elif data.startswith(JPEG_SIGNATURE):
        width, height = _jpeg_size(data, what)
    else:
        raise LogoError(
            f"{what} n’est pas une image PNG ou JPEG ; enregistrez-le dans l’un de ces formats "
            "(le nom ne suffit pas : le contenu du fichier est vérifié).",
            code="logo.not-an-image",
        )
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise LogoError(
            f"{what} mesure {width} × {height} pixels (au plus {MAX_SIDE} de côté) ; "
            "enregistrez-le plus petit (500 pixels de large suffisent).",
            code="logo.too-many-pixels",
        )
    printed_w, printed_h = printed_size(width, height)
    return Logo(path.name, data, printed_w, printed_h)


def printed_size(width: int, height: int) -> tuple[int, int]:
    """The size printed (EMU): 2 cm high, or 6 cm wide for a wide logo."""
    scale = min(MAX_HEIGHT / height, MAX_WIDTH / width)
    return round(width * scale), round(height * scale)


def _broken(what: str, kind: str) -> LogoError:
    return LogoError(
        f"{what} n’est pas une image {kind} valide (fichier tronqué ou abîmé) ; ouvrez-le dans "
        f"un logiciel d’images et enregistrez-le de nouveau au format {kind}.",
        code="logo.not-an-image",
    )


def _png_size(data: bytes, what: str) -> tuple[int, int]:
    """Width and height of a PNG whose every chunk is whole and has the right
    checksum, from IHDR to IEND."""
    position, size, ended = len(PNG_SIGNATURE), None, False
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            break
        body = data[position + 8 : end - 4]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end - 4 : end])[0]:
            break
        if size is None:
            if kind != b"IHDR" or length != 13:
                break
            size = struct.unpack(">II", body[:8])
        if kind == b"IEND":
            ended = True
            break
        position = end
    if size is None or not ended:
        raise _broken(what, "PNG")
    return size


# The start-of-frame markers that carry a JPEG's size (not DHT, JPG, DAC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes, what: str) -> tuple[int, int]:
    """Width and height of a JPEG read marker by marker up to its frame
    header, and that ends with its end-of-image marker."""
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise _broken(what, "JPEG")
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2 or position + 2 + length > len(data):
            break
        if marker in _SOF:
            if length < 7:
                break
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        if marker == 0xDA:  # start of scan before any frame header
            break
        position += 2 + length
    raise _broken(what, "JPEG")


def of_meeting(folder: Path, templates: list[Path], report: Report) -> Logo | None:
    """The logo of a meeting: in its folder, else in the first templates
    folder that has one (``templates``: the meeting's own, then ``--templates``
    or ./templates); None without one, or when it is refused (an error in
    ``report``: the documents are not written without the logo the clerk placed)."""
    found = find([folder, *templates])
    if not found:
        return None
    if len(found) > 1:
        others = ", ".join(f"« {p.name} »" for p in found[1:])
        report.warning(
            Place(str(found[0].parent)),
            f"plusieurs logos : « {found[0].name} » est imprimé, {others} ne l’est pas ; "
            "gardez-en un seul.",
            code="logo.several",
        )
    try:
        return load(found[0])
    except LogoError as exc:
        report.error(Place(str(found[0])), str(exc), code=exc.code)
        return None
