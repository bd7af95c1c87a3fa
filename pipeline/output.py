"""Writing a meeting's documents without ever losing a clerk's work.

- All-or-nothing: every document is rendered first; then each is written to
  a temporary file of the output folder, and only when all are written are
  they moved into place with ``os.replace``. A failure or Ctrl-C before that
  leaves the previous outputs as they were and no temporary file behind; a
  full disk or a read-only folder is a French error of the meeting.
- Reproducible: zip entries are stamped with the meeting's date and the
  document properties are fixed from the meeting, so the same inputs give
  the same bytes.
- Edits are kept: ``.make-minutes.json`` in each output folder records the
  hash of every file the tool wrote ("fichiers"); before the first temporary
  is created it also records the hashes about to be written ("en_cours"), so
  that after a crash at any instant every file the tool left has a hash the
  manifest knows. A file changed since (edited in Word) is not replaced
  unless ``force`` is given, and then a dated copy is kept first, never over
  another file; a file the tool did not write is never touched.
- Only this folder: a manifest entry that is not a name the tool writes in
  the folder (``..``, absolute, through a symbolic link…) is ignored with a
  warning, never followed.
- One build at a time: a lock file ``.make-minutes.lock`` in the folder,
  removed when the writing ends, makes another build of the same meeting
  wait.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import itertools
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from filelock import FileLock, Timeout

from pipeline.manifest import MANIFEST, Manifest, digest, odd_part, read_manifest

LOCK = ".make-minutes.lock"
QUIET_WAIT = 1.0  # seconds waited for another build of the meeting before saying so
LOCK_WAIT = 300.0  # then waited before giving up


class Notice(NamedTuple):
    """A problem of the writing: the file or folder, the French message, and
    its code (« area.what ») for the report."""

    path: Path
    message: str
    code: str


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # copies of edited files (--force)
    removed: list[Path] = field(default_factory=list)  # unedited files of an earlier run
    refused: list[Notice] = field(default_factory=list)  # errors: nothing written
    warnings: list[Notice] = field(default_factory=list)


def edited_copy_name(name: str, stamp: str) -> str:
    """ "proces-verbal.modifie-20161128-174501.docx" (``stamp`` AAAAMMJJ-HHMMSS;
    :func:`_keep_copy` adds -2, -3… when that name is taken)."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.modifie-{stamp}{dot}{suffix}"


def _file_hash(path: Path) -> str | None:
    """The hash of a regular file, None if there is none (nothing, or not a file)."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
    except FileNotFoundError:
        return None
    return digest(path.read_bytes())


def check_folders(folder: Path, files: dict[str, bytes]) -> list[Notice]:
    """Where a document would land on something that is not a plain folder or
    file of the output folder (a symbolic link would write elsewhere)."""
    refused: dict[Path, Notice] = {}
    for name in files:
        odd = odd_part(folder, name)
        if odd is None:
            continue
        if odd[0] != folder / name:
            refused[odd[0]] = Notice(
                odd[0],
                "ce n’est pas un dossier ordinaire (lien symbolique ou fichier) : "
                "make-minutes y écrit des documents et ne sort pas du dossier de la réunion. "
                "Remplacez-le par un dossier, ou déplacez-le, puis relancez.",
                "output.not-a-folder",
            )
        else:
            refused[odd[0]] = Notice(
                odd[0],
                "ce n’est pas un fichier ordinaire (dossier, lien symbolique…) : "
                "make-minutes ne le remplace pas. Déplacez-le ou renommez-le, puis relancez.",
                "output.not-a-file",
            )
    return list(refused.values())


def check_edits(
    folder: Path, files: dict[str, bytes], force: bool, known: dict[str, str], on_disk: dict
) -> list[Notice]:
    """The files that must not be replaced, each with the reason, in French.
    ``known``: name → what the tool last wrote there; ``on_disk``: name →
    hash of the file there now. A file already holding exactly what is about
    to be written is no edit."""
    refused = []
    for name, content in files.items():
        path, current = folder / name, on_disk.get(name)
        if current is None or current == digest(content):
            continue
        if name not in known:
            refused.append(
                Notice(
                    path,
                    "ce fichier existe déjà et n’a pas été produit par make-minutes : il n’est "
                    "jamais remplacé. Déplacez-le ou renommez-le, puis relancez.",
                    "output.foreign-file",
                )
            )
        elif not force and current != known[name]:
            copy = edited_copy_name(name, "AAAAMMJJ-HHMMSS")
            refused.append(
                Notice(
                    path,
                    "ce document a été modifié depuis sa génération (dans Word ou LibreOffice) : "
                    "il n’est pas remplacé, et rien n’est écrit pour cette réunion. Pour garder "
                    "vos modifications, renommez-le ; pour le régénérer, relancez avec --force "
                    f"(une copie {copy} de votre version sera gardée à côté).",
                    "output.edited",
                )
            )
    return refused


def write_all(
    folder: Path,
    files: dict[str, bytes],
    force: bool = False,
    now: dt.datetime | None = None,
    waiting: Callable[[Path], None] = lambda folder: None,
) -> Written:
    """Write ``files`` (relative paths, "extraits/…" included) into ``folder``,
    all or nothing (see the module's doc). ``waiting(folder)`` is called when
    another build of the folder has to be awaited."""
    result, progress = Written(), _Progress()
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder, waiting):
            _write_locked(folder, files, force, now or dt.datetime.now(), result, progress)
    except Timeout:  # a TimeoutError, hence an OSError: first
        result.refused.append(Notice(folder, _busy(), "output.locked"))
    except OSError as exc:
        result.refused.append(_failure(exc, folder, progress.replaced))
    if result.refused and not progress.replaced:
        for path in [*progress.created, *created]:  # the deepest first
            with contextlib.suppress(OSError):
                path.rmdir()  # only when empty
    return result


@dataclass
class _Progress:
    replaced: bool = False  # a document was replaced: nothing can be undone any more
    created: list[Path] = field(default_factory=list)  # sub-folders made, deepest first


def _write_locked(
    folder: Path,
    files: dict[str, bytes],
    force: bool,
    now: dt.datetime,
    result: Written,
    progress: _Progress,
) -> None:
    manifest = read_manifest(folder, tuple(files))
    result.warnings += [Notice(folder / MANIFEST, why, code) for code, why in manifest.ignored]
    result.refused = check_folders(folder, files)
    if result.refused:
        return
    names = {*manifest.done, *manifest.pending, *files}
    on_disk = {name: _file_hash(folder / name) for name in names}
    known = _reconcile(manifest, on_disk)
    result.refused = check_edits(folder, files, force, known, on_disk)
    if result.refused:
        return
    _remove_stale_temporaries(folder, [*names, MANIFEST])
    new = {name: digest(content) for name, content in files.items()}
    # From here on, every file the tool may leave has a hash the manifest knows.
    _write_manifest(folder, known, new)
    temporary: dict[str, str] = {}
    try:
        progress.created = _make_folders(folder, files)
        _write_temporaries(folder, files, temporary)
        for name in files:
            if on_disk[name] not in (None, known.get(name), new[name]):
                result.kept.append(_keep_copy(folder, name, f"{now:%Y%m%d-%H%M%S}"))
        for name, tmp in temporary.items():
            os.replace(tmp, folder / name)
            progress.replaced = True
            result.files.append(folder / name)
            known[name] = new[name]
        temporary.clear()
        _remove_stale(folder, files, known, on_disk, result)
        _write_manifest(folder, known)
    except BaseException:
        for tmp in temporary.values():  # first: they hold the space a full disk lacks
            Path(tmp).unlink(missing_ok=True)
        if not progress.replaced:  # the previous outputs are all there: as they were
            _undo(folder, manifest.raw, result.kept)
            result.kept.clear()
        raise


def _reconcile(manifest: Manifest, on_disk: dict[str, str | None]) -> dict[str, str]:
    """Name → hash the tool last wrote there, for the files still on disk. A
    file holding the hash an interrupted build was writing ("en_cours") is
    that build's: the next one takes it as the tool's, whatever it writes."""
    known = {}
    for name in {*manifest.done, *manifest.pending}:
        current = on_disk.get(name)
        if current is not None and current == manifest.pending.get(name):
            known[name] = current
        elif current is not None and name in manifest.done:
            known[name] = manifest.done[name]
    return known


def _remove_stale(
    folder: Path, files: dict, known: dict[str, str], on_disk: dict, result: Written
) -> None:
    """What an earlier run wrote and this one does not (an extract renamed
    with its title, the PDFs of a run with --pdf): removed when unedited, so
    that no stale document lies beside the current ones; an edited one stays,
    and stays in the manifest. A PDF copy whose document this run wrote
    again unchanged (same bytes) is still its copy: it stays."""
    for name in [n for n in known if n not in files]:
        document = name[: -len(".pdf")] + ".docx" if name.endswith(".pdf") else None
        if document in files and on_disk.get(document) == known.get(document):
            continue  # ``known`` holds the new hashes: the document was not changed
        if on_disk[name] == known[name]:
            (folder / name).unlink(missing_ok=True)
            result.removed.append(folder / name)
            del known[name]


def _write_manifest(folder: Path, files: dict[str, str], pending: dict | None = None) -> None:
    data = {"generateur": "make-minutes", "fichiers": dict(sorted(files.items()))}
    if pending:
        data["en_cours"] = dict(sorted(pending.items()))
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    os.replace(_write_temporary(folder, MANIFEST, body), folder / MANIFEST)


def _undo(folder: Path, raw: bytes | None, kept: list[Path]) -> None:
    """Back to the state before the writing began: the manifest as it was, no
    copy of a document that is still there (best effort: what cannot be undone
    is harmless, the next build knows the pending hashes)."""
    with contextlib.suppress(OSError):
        for copy in kept:
            copy.unlink(missing_ok=True)
        if raw is None:
            (folder / MANIFEST).unlink(missing_ok=True)
        else:
            os.replace(_write_temporary(folder, MANIFEST, raw), folder / MANIFEST)


def _keep_copy(folder: Path, name: str, stamp: str) -> Path:
    """A copy of the clerk's edited ``name`` under a name no file has: created
    exclusively, so that it never overwrites anything (a second --force in the
    same second gets -2, then -3…)."""
    target = folder / name
    content = target.read_bytes()
    for n in itertools.count(1):
        copy = folder / edited_copy_name(name, stamp if n == 1 else f"{stamp}-{n}")
        try:
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0))
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            shutil.copystat(target, copy)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
        return copy
    raise AssertionError("unreachable")


@contextlib.contextmanager
def _locked(folder: Path, waiting: Callable[[Path], None]) -> Iterator[None]:
    """Hold the folder's lock: a second build of the meeting waits for the
    first (``waiting`` is told after QUIET_WAIT), for LOCK_WAIT at most, then
    raises filelock's Timeout. The lock (flock) dies with its process: a
    killed build leaves no stale lock. The file is removed while still held,
    so that none is left in the clerk's folder; a build waiting on the
    removed file tries again (filelock checks the file is still there)."""
    lock = FileLock(str(folder / LOCK))
    try:
        lock.acquire(timeout=QUIET_WAIT)
    except Timeout:
        waiting(folder)
        lock.acquire(timeout=LOCK_WAIT)
    try:
        yield
    finally:
        if os.name == "posix":  # Windows removes it on release; an open file cannot be removed
            with contextlib.suppress(OSError):
                (folder / LOCK).unlink()
        lock.release()


def _busy() -> str:
    wait = f"{LOCK_WAIT / 60:g} minutes" if LOCK_WAIT >= 60 else f"{LOCK_WAIT:g} secondes"
    return (
        f"une autre construction de cette réunion écrit dans ce dossier depuis plus de {wait} : "
        "rien n’a été écrit pour celle-ci. Relancez quand l’autre sera terminée."
    )


_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_RIGHTS = {errno.EROFS, errno.EACCES, errno.EPERM}


def _failure(exc: OSError, folder: Path, replaced: bool) -> Notice:
    """A write that failed, as the clerk can act on it: where, why, what to do."""
    where = Path(exc.filename2 or exc.filename or folder)
    if where.name.startswith(".") and where.name.endswith(".tmp"):
        where = where.parent  # a temporary's name means nothing to the clerk
    if exc.errno in _SPACE:
        code = "output.disk-full"
        why = "plus assez de place sur le disque (ou le quota est atteint)"
        todo = "Libérez de la place, ou choisissez un autre dossier avec --output, puis relancez"
    elif exc.errno in _RIGHTS:
        code = "output.read-only" if exc.errno == errno.EROFS else "output.not-allowed"
        why = (
            "ce dossier est en lecture seule"
            if exc.errno == errno.EROFS
            else "make-minutes n’a pas le droit d’y écrire"
        )
        todo = (
            "Vérifiez les droits du dossier (et qu’aucun document n’est ouvert dans un autre "
            "programme), ou choisissez un autre dossier avec --output, puis relancez"
        )
    elif exc.errno in (errno.ENOTDIR, errno.EEXIST):
        code = "output.file-in-the-way"
        why = "un fichier se trouve là où il faut un dossier"
        todo = "Déplacez-le ou choisissez un autre dossier avec --output, puis relancez"
    else:
        code = "output.write-failed"
        why = f"écriture impossible ({exc.strerror or exc})"
        todo = "Vérifiez ce dossier, ou choisissez-en un autre avec --output, puis relancez"
    state = (
        "une partie des documents a déjà été remplacée : la construction suivante terminera "
        "le travail"
        if replaced
        else "les documents déjà en place n’ont pas été modifiés"
    )
    return Notice(where, f"{why} ; {state}. {todo}.", code)


def _remove_stale_temporaries(folder: Path, names: list[str]) -> None:
    """Temporary files a killed run (kill -9, power cut) could not remove:
    those of every name the manifest knows or this run writes, only those."""
    for name in names:
        target = folder / name
        parent = target.parent
        if parent.is_dir() and not parent.is_symlink():
            for stale in parent.glob(f".{glob.escape(target.name)}.*.tmp"):
                stale.unlink(missing_ok=True)


def _make_folders(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """The sub-folders of ``files`` (extraits/) that do not exist yet,
    created; returned deepest first, to be removed if the writing fails."""
    created: list[Path] = []
    for parent in sorted({(folder / name).parent for name in files}):
        missing = [p for p in (parent, *parent.parents) if not p.exists()]
        parent.mkdir(parents=True, exist_ok=True)
        created = missing + created
    return created


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
