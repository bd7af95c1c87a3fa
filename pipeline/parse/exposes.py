"""Exposés written in Word: the file an « Exposé » cell names, looked up in
the meeting's ``exposes/`` folder and judged before it is embedded (inside
the folder, present, a .docx neither hostile nor broken, no picture that
only links to a file)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from pipeline import zipguard
from pipeline.model import ExposeFile
from pipeline.parse import values
from pipeline.problems import Report
from pipeline.read.sources import Cell, is_ignored_file
from pipeline.text import fold


def is_file_reference(text: str) -> bool:
    """Whether an Exposé cell names a Word file rather than holding the text."""
    return "\n" not in text and bool(re.search(r"\.(docx?|odt|rtf)$", text.strip(), re.IGNORECASE))


EXPOSES = "exposes"  # the folder of a meeting that holds its Word exposés


def exposes_folder(meeting: Path) -> Path:
    """``<meeting>/exposes`` (also found as « Exposés », « EXPOSES »…)."""
    if meeting.is_dir():
        for child in sorted(meeting.iterdir()):
            if child.is_dir() and fold(child.name) == EXPOSES:
                return child
    return meeting / EXPOSES


def _same_name(a: str, b: str) -> bool:
    """File names as Windows compares them (and macOS writes accents)."""
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


def expose_file(cell: Cell, meeting: Path, report: Report) -> ExposeFile | None:
    """The Word document an Exposé cell names (« exposes/01.docx » or
    « 01.docx »), checked: inside the meeting's exposes/ folder, present, a
    .docx that is neither hostile nor broken. None, with the error, otherwise."""
    typed = values.text(cell).strip()
    parts = [p for p in typed.replace("\\", "/").split("/") if p not in ("", ".")]
    if len(parts) > 1 and fold(parts[0]) == EXPOSES:
        parts = parts[1:]
    folder = exposes_folder(meeting)
    if not folder.resolve().is_relative_to(meeting.resolve()):  # a link to another folder
        report.error(
            cell.place,
            f"exposé « {typed} » refusé : le dossier « {folder} » est un lien vers "
            f"« {folder.resolve()} », hors du dossier de la réunion ; remplacez ce lien par un "
            "vrai dossier « exposes » qui contient les exposés.",
            code="expose.folder-linked-outside",
        )
        return None
    outside = (
        typed.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", typed) is not None
        or ".." in parts
        or not parts
    )
    if not outside:
        path = folder.joinpath(*parts)
        if not path.exists() and path.parent.is_dir():
            # Typed as Windows would find it: another case, other accents.
            found = [c for c in path.parent.iterdir() if _same_name(c.name, parts[-1])]
            path = found[0] if len(found) == 1 else path
        outside = path.exists() and not path.resolve().is_relative_to(folder.resolve())
    if outside:
        report.error(
            cell.place,
            f"exposé « {typed} » refusé : indiquez le nom d’un fichier du dossier « {folder} » "
            "(« exposes/01.docx » ou « 01.docx »), sans chemin qui en sorte.",
            code="expose.path-outside",
        )
        return None
    suffix = "." + parts[-1].rsplit(".", 1)[-1].lower()
    if suffix != ".docx":
        report.error(
            cell.place,
            f"exposé « {typed} » : le format {suffix} n’est pas lu ; ouvrez ce document dans Word "
            f"ou LibreOffice, enregistrez-le au format Word (.docx) dans le dossier « {folder} » "
            f"et indiquez « {EXPOSES}/{parts[-1][: -len(suffix)]}.docx ».",
            code="expose.not-docx",
        )
        return None
    if not path.is_file():
        report.error(
            cell.place,
            f"exposé « {typed} » introuvable dans le dossier « {folder} » ({_listing(folder)}).",
            code="expose.not-found",
        )
        return None
    refused = _refusal(path)
    if refused:
        report.error(cell.place, f"exposé « {typed} » : {refused}", code=refused.code)
        return None
    return ExposeFile(path, typed, cell.place)


def _listing(folder: Path) -> str:
    """What the exposes/ folder holds, for the message of a file not found."""
    present = sorted(
        c.name
        for c in (folder.iterdir() if folder.is_dir() else ())
        if c.suffix.lower() == ".docx" and not is_ignored_file(c)
    )
    if present:
        return f"fichiers présents : {', '.join(present)}"
    return "ce dossier n’existe pas" if not folder.is_dir() else "ce dossier est vide"


def _refusal(path: Path) -> zipguard.Refusal:
    """Why the Word document ``path`` cannot be embedded (its message, with its
    ``code``), or "": the zip judged by :func:`zipguard.refusal`, then Word's
    own parts."""
    refused = zipguard.refusal(path, "ce document", count_rows=False)
    if refused:
        return refused
    import docx  # heavy: imported where used

    try:
        return _linked_picture(docx.Document(str(path)))
    except Exception:  # noqa: BLE001 - not a zip, not Word, a broken part…
        return zipguard.Refusal(
            "ce fichier n’est pas un document Word (.docx) valide ; ouvrez-le dans Word ou "
            "LibreOffice et enregistrez-le au format .docx.",
            code="expose.not-word",
        )


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PICTURES = (
    "{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
    "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip",
    "{urn:schemas-microsoft-com:vml}imagedata",  # a picture of an older Word
)


def _linked_picture(document: Any) -> zipguard.Refusal:
    """Why a Word exposé cannot be embedded, or "": a picture it only links
    to a file (Word's « Lier au fichier ») would show nowhere but on its
    author's computer. A picture it stores as well is embedded, its link
    dropped (``documents._embed``)."""
    rels = document.part.rels
    for picture in document.element.body.iter(*_PICTURES):
        rid = picture.get(f"{_R}link") or picture.get(f"{_R}id")
        rel = rels.get(rid or "")
        if picture.get(f"{_R}embed") or not rid or rel is not None and not rel.is_external:
            continue
        return zipguard.Refusal(
            f"ce document montre une image liée au fichier « {rel.target_ref if rel else rid} » "
            "au lieu de la contenir : elle ne pourrait pas s’afficher dans le procès-verbal. Dans "
            "Word, Fichier > Informations > Modifier les liens d’accès aux fichiers, cochez "
            "« Enregistrer l’image dans le document » et enregistrez l’exposé (ou insérez "
            "l’image de nouveau sans la lier au fichier).",
            code="expose.linked-picture",
        )
    return zipguard.Refusal()
