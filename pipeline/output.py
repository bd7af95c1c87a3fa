"""Writing a meeting's documents without ever losing a clerk's work.

- All-or-nothing: every document is rendered first; then each is written to
  a temporary file of the output folder, and only when all are written are
  they moved into place with ``os.replace``. A failure or Ctrl-C before that
  leaves the previous outputs as they were and no temporary file behind.
- Reproducible: zip entries are stamped with the meeting's date and the
  document properties are fixed from the meeting, so the same inputs give
  the same bytes.
- Edits are kept: ``.make-minutes.json`` in each output folder records the
  hash of every file the tool wrote. A file changed since (edited in Word) is
  not replaced unless ``force`` is given, and then a dated copy is kept first;
  a file the tool did not write is never touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".make-minutes.json"


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # copies of edited files (--force)
    removed: list[Path] = field(default_factory=list)  # unedited files of an earlier run
    refused: list[tuple[Path, str]] = field(default_factory=list)  # file, message


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_manifest(folder: Path) -> dict[str, str]:
    """File name → hash of what the tool last wrote there ({} if none or unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("fichiers", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def edited_copy_name(name: str, stamp: str) -> str:
    """ "proces-verbal.modifie-20161128-174501.docx" (``stamp`` AAAAMMJJ-HHMMSS)."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.modifie-{stamp}{dot}{suffix}"


def check_edits(folder: Path, files: dict[str, bytes], force: bool) -> list[tuple[Path, str]]:
    """The files that must not be replaced, each with the reason, in French.
    A file already holding exactly what is about to be written is no edit (a
    run killed between two replacements leaves such files behind)."""
    manifest = read_manifest(folder)
    refused = []
    for name, content in files.items():
        path = folder / name
        if not path.exists() or digest(path.read_bytes()) == digest(content):
            continue
        if name not in manifest:
            refused.append(
                (
                    path,
                    (
                        "ce fichier existe déjà et n’a pas été produit par make-minutes : il n’est "
                        "jamais remplacé. Déplacez-le ou renommez-le, puis relancez."
                    ),
                )
            )
        elif not force and digest(path.read_bytes()) != manifest[name]:
            copy = edited_copy_name(name, "AAAAMMJJ-HHMMSS")
            refused.append(
                (
                    path,
                    (
                        "ce document a été modifié depuis sa génération (dans Word ou LibreOffice) : "
                        "il n’est pas remplacé, et rien n’est écrit pour cette réunion. Pour garder "
                        "vos modifications, renommez-le ; pour le régénérer, relancez avec --force "
                        f"(une copie {copy} de votre version sera gardée à côté)."
                    ),
                )
            )
    return refused


def write_all(
    folder: Path, files: dict[str, bytes], force: bool = False, now: dt.datetime | None = None
) -> Written:
    """Write ``files`` (relative paths, "extraits/…" included) into ``folder``,
    all or nothing (see the module's doc)."""
    result = Written()
    folder.mkdir(parents=True, exist_ok=True)
    result.refused = check_edits(folder, files, force)
    if result.refused:
        return result
    manifest = read_manifest(folder)
    now = now or dt.datetime.now()
    _remove_stale_temporaries(folder, [*files, MANIFEST])
    temporary: dict[str, str] = {}
    try:
        _write_temporaries(folder, files, temporary)
        for name in files:
            target = folder / name
            current = digest(target.read_bytes()) if target.exists() else None
            if current not in (None, manifest.get(name), digest(files[name])):
                copy = folder / edited_copy_name(name, f"{now:%Y%m%d-%H%M%S}")
                shutil.copy2(target, copy)
                result.kept.append(copy)
        for name, tmp in temporary.items():
            os.replace(tmp, folder / name)
            result.files.append(folder / name)
            manifest[name] = digest(files[name])
        temporary.clear()
        # What an earlier run wrote and this one does not (an extract renamed
        # with its title, the PDFs of a run with --pdf): removed when unedited,
        # so that no stale document lies beside the current ones.
        for name in [n for n in manifest if n not in files]:
            stale = folder / name
            if stale.is_file() and digest(stale.read_bytes()) == manifest[name]:
                stale.unlink()
                result.removed.append(stale)
            if not stale.exists() or stale in result.removed:
                del manifest[name]
        body = json.dumps(
            {"generateur": "make-minutes", "fichiers": dict(sorted(manifest.items()))},
            ensure_ascii=False,
            indent=2,
        )
        os.replace(_write_temporary(folder, MANIFEST, body.encode("utf-8")), folder / MANIFEST)
    finally:
        for tmp in temporary.values():
            Path(tmp).unlink(missing_ok=True)
    return result


def _remove_stale_temporaries(folder: Path, names: list[str]) -> None:
    """Temporary files a killed run (kill -9, power cut) could not remove."""
    for name in names:
        target = folder / name
        if target.parent.is_dir():
            for stale in target.parent.glob(f".{target.name}.*.tmp"):
                stale.unlink(missing_ok=True)


def _write_temporaries(folder: Path, files: dict[str, bytes], temporary: dict[str, str]) -> None:
    """Each file written to its temporary (recorded in ``temporary`` as soon
    as it exists, for the caller to remove on failure). Many files (the
    extracts of a large assembly) are written by several threads: most of
    the time goes in waiting for the disk (fsync)."""
    mask = _umask()  # read once: os.umask is process-wide, never changed under a thread
    if len(files) < 8:
        for name, content in files.items():
            temporary[name] = _write_temporary(folder, name, content, mask)
        return
    from concurrent.futures import ThreadPoolExecutor

    failure: BaseException | None = None
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {
            name: pool.submit(_write_temporary, folder, name, content, mask)
            for name, content in files.items()
        }
        for name, future in futures.items():
            try:
                temporary[name] = future.result()
            except BaseException as exc:  # noqa: BLE001 - raised below, once all are known
                failure = failure or exc
    if failure is not None:
        raise failure


def _write_temporary(folder: Path, name: str, content: bytes, mask: int | None = None) -> str:
    """A temporary file beside ``folder / name`` (which may lie in a sub-folder,
    as extraits/…), holding ``content``."""
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # As any file the clerk saves, not mkstemp's 0600.
        os.chmod(tmp, 0o666 & ~(_umask() if mask is None else mask))
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- reproducible documents ---------------------------------------------------------

_CORE = "docProps/core.xml"


def reproducible(docx: bytes, when: dt.datetime) -> bytes:
    """The same document with every zip entry stamped ``when`` and the core
    properties (created, modified, last modified by, revision) fixed, so that
    two builds of the same meeting give identical bytes."""
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        parts = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    return reproducible_parts(parts, when)


@dataclass(frozen=True)
class Packed:
    """A part compressed once (as zipfile compresses it), to be written as is
    into many documents: the unchanged parts of a template."""

    content: bytes
    crc: int
    data: bytes


def pack(content: bytes) -> Packed:
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Packed(content, zlib.crc32(content), compressor.compress(content) + compressor.flush())


def reproducible_parts(parts: list[tuple[str, bytes | Packed]], when: dt.datetime) -> bytes:
    """The .docx of these parts, in this order, stamped as :func:`reproducible`
    does; a :class:`Packed` part is copied without being compressed again,
    giving the same bytes as if it had been."""
    # A zip stamp holds 1980 to 2107 only.
    stamp = min(max(when, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31, 23, 59, 58))
    stamp = stamp.timetuple()[:6]
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts:
            if isinstance(content, Packed) and name == _CORE:
                content = content.content
            if name == _CORE:
                content = _fix_core(content.decode("utf-8"), iso).encode("utf-8")
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            if isinstance(content, Packed):
                _write_packed(target, entry, content)
            else:
                target.writestr(entry, content)
    return out.getvalue()


def _write_packed(target: zipfile.ZipFile, entry: zipfile.ZipInfo, part: Packed) -> None:
    """What ``writestr`` writes for this entry, from data compressed already.
    zipfile has no public way to do it: this mirrors ``ZipFile._open_to_write``
    and ``_ZipWriteFile.close`` (a test compares the bytes with writestr's)."""
    entry.file_size, entry.compress_size, entry.CRC = len(part.content), len(part.data), part.crc
    entry.flag_bits = 0
    target.fp.seek(target.start_dir)
    entry.header_offset = target.fp.tell()
    target.fp.write(entry.FileHeader(False))
    target.fp.write(part.data)
    target.start_dir = target.fp.tell()
    target.filelist.append(entry)
    target.NameToInfo[entry.filename] = entry
    target._didModify = True


def _fix_core(xml: str, iso: str) -> str:
    for tag in ("dcterms:created", "dcterms:modified"):
        xml = re.sub(rf"(<{tag}[^>]*>)[^<]*(</{tag}>)", rf"\g<1>{iso}\g<2>", xml)
    xml = re.sub(
        r"<cp:lastModifiedBy\s*/>|<cp:lastModifiedBy>[^<]*</cp:lastModifiedBy>",
        "<cp:lastModifiedBy>make-minutes</cp:lastModifiedBy>",
        xml,
    )
    return re.sub(r"<cp:revision>[^<]*</cp:revision>", "<cp:revision>1</cp:revision>", xml)
