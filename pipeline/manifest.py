"""The manifest ``.make-minutes.json`` of an output folder: the hash of every
file the tool wrote there ("fichiers"), and of those it is about to write
("en_cours"), each entry checked before anything on disk is touched: only a
name the tool writes, inside the folder, never through a link."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".make-minutes.json"
SUFFIXES = (".docx", ".pdf", ".csv", ".ics", ".html", ".css")  # what the tool writes (.html,
# .css: the publication site, output/site/); other names are not its own
MAX_MANIFEST_BYTES = 16 << 20  # a manifest of 1,000 extracts is 150 KB: beyond, not ours


@dataclass
class Manifest:
    """What ``.make-minutes.json`` says, each entry checked."""

    done: dict[str, str] = field(default_factory=dict)  # "fichiers": name → hash written
    pending: dict[str, str] = field(default_factory=dict)  # "en_cours": about to be written
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (code, why, in French)
    raw: bytes | None = None  # the file as found, put back if the writing fails early


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


_SHA256 = re.compile(r"[0-9a-f]{64}")


def read_manifest(folder: Path, current: tuple[str, ...] = ()) -> Manifest:
    """The manifest of ``folder``, keeping only the entries that name a file
    the tool writes inside it (``current``: the names of this build)."""
    manifest, path = Manifest(), folder / MANIFEST
    try:
        found = path.lstat()
        if not stat.S_ISREG(found.st_mode):
            manifest.ignored.append(
                ("manifest.not-a-file", "ce n’est pas un fichier ordinaire : il est ignoré.")
            )
            return manifest
        data = None
        if found.st_size <= MAX_MANIFEST_BYTES:
            manifest.raw = path.read_bytes()
            data = json.loads(manifest.raw.decode("utf-8"))
    except FileNotFoundError:
        return manifest
    except (ValueError, RecursionError):  # not JSON, or nested beyond reason
        data = None
    if not isinstance(data, dict):
        manifest.ignored.append(
            (
                "manifest.unreadable",
                (
                    "ce fichier est illisible (abîmé ou modifié à la main) : les documents qu’il "
                    "listait sont traités comme s’ils n’avaient pas été écrits par make-minutes."
                ),
            )
        )
        return manifest
    for key, entries in (("fichiers", manifest.done), ("en_cours", manifest.pending)):
        found = data.get(key, {})
        if not isinstance(found, dict):
            manifest.ignored.append(
                ("manifest.not-a-list", f"« {key} » n’est pas une liste de fichiers : ignoré.")
            )
            continue
        for name, value in found.items():
            reason = _entry_problem(folder, name, value, current)
            if reason:
                untouched = (
                    "" if name in current else " ; make-minutes ne touche pas à ce qu’elle désigne"
                )
                manifest.ignored.append(
                    ("manifest.entry-ignored", f"entrée « {name} » ignorée : {reason}{untouched}.")
                )
            else:
                entries[name] = value
    return manifest


def _entry_problem(folder: Path, name: str, value: object, current: tuple[str, ...]) -> str:
    """Why a manifest entry cannot be one of the tool's files ("" if it can)."""
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        return "son empreinte n’est pas une empreinte SHA-256"
    parts = name.split("/")
    if os.path.isabs(name) or re.match(r"[A-Za-z]:", name) or "\\" in name or ".." in parts:
        return "ce nom sort du dossier de la réunion"
    if name not in current and (
        not name.endswith(SUFFIXES)
        or ".modifie-" in parts[-1]  # a kept copy: the clerk's
        or any(not p or p.startswith(".") or not p.isprintable() for p in parts)
    ):
        return "ce n’est pas un nom de fichier que make-minutes écrit"
    odd = odd_part(folder, name)
    if odd is None or odd[0] != folder / name and not stat.S_ISLNK(odd[1]):
        return ""  # all plain, or nothing there (under a file): nothing to touch
    path, mode = odd
    if stat.S_ISLNK(mode):
        where = path.relative_to(folder).as_posix()
        return f"« {where} » est un lien symbolique, qui n’est pas suivi"
    return (
        "ce nom désigne un dossier" if stat.S_ISDIR(mode) else "ce n’est pas un fichier ordinaire"
    )


def odd_part(folder: Path, name: str) -> tuple[Path, int] | None:
    """The first part of ``folder / name`` that is not what the tool would
    make there (a plain folder above, a plain file at the end), with its
    mode; None when every part is, or the rest is absent."""
    path, parts = folder, name.split("/")
    for depth, part in enumerate(parts, 1):
        path = path / part
        try:
            mode = path.lstat().st_mode
        except OSError:
            return None
        if not (stat.S_ISREG if depth == len(parts) else stat.S_ISDIR)(mode):
            return path, mode
    return None
