"""``make-minutes --watch``: rebuild a meeting whenever its workbooks change.

A watchdog observer reports every change under ``data/``; each change is
mapped to the meeting folder it belongs to (a workbook of the meeting, or
any file of its ``exposes/`` and ``templates/`` folders), or ignored (lock
files of Excel and LibreOffice, hidden and temporary files, anything else).
A meeting is rebuilt once its files have stopped changing: no event for
:data:`QUIET` seconds, then the same names, sizes and modification times
over :data:`QUIET` more seconds, and every workbook a complete archive (a
workbook still being written has no zip directory at its end yet; one that
stays incomplete for :data:`UNFINISHED` seconds is built anyway, and the
build names it as unreadable).

The lock files themselves neither trigger nor hold back a build: Excel keeps
``~$classeur.xlsx`` for as long as the workbook is open, and the clerk wants
the minutes rebuilt at each save, not when Excel is closed.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from pipeline.build import MeetingResult
from pipeline.read.sources import (
    SKIPPED_FOLDERS,
    UNSUPPORTED_SUFFIXES,
    WORKBOOK_SUFFIXES,
    MeetingSource,
    find_meetings,
    is_ignored_file,
)
from pipeline.text import fold

QUIET = 0.4  # seconds without change before a meeting is looked at, then again
UNFINISHED = 10.0  # seconds an incomplete workbook is awaited before being built anyway
TICK = 0.1  # seconds between two looks at the meetings waiting to be rebuilt

SPREADSHEETS = WORKBOOK_SUFFIXES | UNSUPPORTED_SUFFIXES  # what find_meetings counts
ZIPPED = {".xlsx", ".xlsm", ".xlsb", ".ods", ".numbers"}  # complete only with a zip directory
TEMPORARY_SUFFIXES = {".tmp", ".temp", ".bak", ".swp", ".swx", ".crdownload", ".part"}
# File events that change a file's content or presence; opening or reading a
# file (the build reads the workbooks) must not trigger anything.
CHANGES = {"created", "modified", "deleted", "moved", "closed"}
FOLDER_CHANGES = {"created", "deleted", "moved"}

Rebuild = Callable[[MeetingSource], MeetingResult]  # builds one meeting
Show = Callable[[MeetingResult, str], None]  # prints its result, after a prefix (the time)


def is_temporary(name: str) -> bool:
    """Lock files (``~$x.xlsx``, ``.~lock.x.ods#``), hidden files and the
    temporary files editors write before renaming them into place."""
    return (
        is_ignored_file(Path(name))
        or name.startswith("~")
        or name.endswith(("~", "#"))
        or Path(name).suffix.lower() in TEMPORARY_SUFFIXES
    )


def meeting_folder(data: Path, path: Path, is_directory: bool = False) -> Path | None:
    """The meeting folder a change of ``path`` concerns (``data`` itself for
    the workbooks lying in it), or None when it concerns no meeting.
    ``data`` and ``path`` are absolute."""
    try:
        parts = path.relative_to(data).parts
    except ValueError:
        return None
    if not parts or any(is_temporary(part) for part in parts):
        return None
    if is_directory:
        # A meeting folder created, renamed or removed; nothing deeper (a
        # folder "modified" only means a file in it changed).
        return data / parts[0] if len(parts) == 1 and _meeting_name(parts[0]) else None
    if len(parts) == 1:
        return data if _is_spreadsheet(parts[0]) else None
    if not _meeting_name(parts[0]):
        return None
    if len(parts) == 2:
        return data / parts[0] if _is_spreadsheet(parts[1]) else None
    return data / parts[0] if fold(parts[1]) in SKIPPED_FOLDERS else None


def _meeting_name(name: str) -> bool:
    return fold(name) not in SKIPPED_FOLDERS


def _is_spreadsheet(name: str) -> bool:
    return Path(name).suffix.lower() in SPREADSHEETS


def _state(data: Path, folder: Path) -> tuple[tuple, bool]:
    """The files a meeting is built from, each with its size and modification
    time, and whether every workbook is complete."""
    files: list[Path] = []
    try:
        files = [p for p in folder.iterdir() if p.is_file() and _is_spreadsheet(p.name)]
        if folder != data:
            for sub in folder.iterdir():
                if sub.is_dir() and fold(sub.name) in SKIPPED_FOLDERS:
                    files += [p for p in sub.rglob("*") if p.is_file()]
    except OSError:
        pass  # the folder is gone or going: its state is "nothing"
    signature, complete = [], True
    for path in sorted(files):
        rel = path.relative_to(folder)
        if any(is_temporary(part) for part in rel.parts):
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        signature.append((str(rel), stat.st_size, stat.st_mtime_ns))
        if path.parent == folder and path.suffix.lower() in ZIPPED:
            complete = complete and stat.st_size > 0 and _is_complete_zip(path)
    return tuple(signature), complete


def _is_complete_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


class _Changes(FileSystemEventHandler):
    """The watchdog handler: the meeting folder of each change, into a queue."""

    def __init__(self, data: Path, folders: queue.Queue[Path]):
        super().__init__()
        self.data = data
        self.folders = folders

    def dispatch(self, event: FileSystemEvent) -> None:
        kinds = FOLDER_CHANGES if event.is_directory else CHANGES
        if event.event_type not in kinds:
            return
        paths = [event.src_path]
        if event.event_type == "moved":
            paths.append(event.dest_path)
        for path in paths:
            folder = meeting_folder(self.data, Path(os.fsdecode(path)), event.is_directory)
            if folder is not None:
                self.folders.put(folder)


class _TemplateChanges(FileSystemEventHandler):
    """The watchdog handler of a folder of templates shared by every meeting
    (``--templates``, ``./templates``): a template saved there changes the
    documents of them all."""

    def __init__(self, data: Path, folders: queue.Queue[Path]):
        super().__init__()
        self.data = data
        self.folders = folders

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in CHANGES:
            return
        names = [event.src_path] + ([event.dest_path] if event.event_type == "moved" else [])
        if not any(
            Path(os.fsdecode(n)).suffix.lower() == ".docx"
            and not is_temporary(Path(os.fsdecode(n)).name)
            for n in names
        ):
            return
        for meeting in find_meetings(self.data) if self.data.is_dir() else []:
            self.folders.put(meeting.folder.resolve())


def watch(
    data: Path,
    known: Iterable[Path],
    rebuild: Rebuild,
    show: Show,
    templates: Iterable[Path] = (),
) -> int:
    """Watch ``data`` until Ctrl-C, rebuilding each meeting whose files
    change (``rebuild``) and showing what was done (``show``); ``known`` are
    the meeting folders built already; a template saved
    in one of the ``templates`` folders outside ``data`` rebuilds every
    meeting. Returns the exit code: 0 once stopped by Ctrl-C, 1 if ``data``
    cannot be watched."""
    data = data.resolve()
    folders: queue.Queue[Path] = queue.Queue()
    observer = Observer()
    observer.schedule(_Changes(data, folders), str(data), recursive=True)
    for shared in {t.resolve() for t in templates if t.is_dir()}:
        if not shared.is_relative_to(data):  # inside data/, _Changes sees it already
            observer.schedule(_TemplateChanges(data, folders), str(shared), recursive=False)
    try:
        observer.start()
    except OSError as exc:
        click.echo(f"Impossible de surveiller « {data} » : {exc.strerror or exc}.", err=True)
        return 1
    click.echo(
        f"Surveillance de « {data} » : une réunion est reconstruite dès qu’un de ses "
        "classeurs est ajouté ou enregistré. Ctrl-C pour arrêter."
    )
    building = None
    try:
        known_folders = {Path(f).resolve() for f in known}
        for building in _rebuilds(data, folders):
            _rebuild(data, building, known_folders, rebuild, show)
            building = None
    except KeyboardInterrupt:
        if building is not None:
            click.echo(
                f"Interrompu pendant la construction de « {building.name} » : ses documents "
                "déjà en place n’ont pas été modifiés.",
                err=True,
            )
    finally:
        observer.stop()
        observer.join()
    click.echo("Surveillance arrêtée.")
    return 0


def _rebuilds(data: Path, changes: queue.Queue[Path]):
    """The meeting folders to rebuild, each once its files are settled, in
    the order of their last change; runs until interrupted."""
    pending: dict[Path, float] = {}  # folder → time of its last change
    settling: dict[Path, tuple[tuple, float]] = {}  # folder → (state, seen since)
    while True:
        try:
            folder = changes.get(timeout=TICK if pending else 1.0)
            pending[folder] = time.monotonic()
            while True:  # every change already reported
                pending[changes.get_nowait()] = time.monotonic()
        except queue.Empty:
            pass
        now = time.monotonic()
        for folder in sorted(pending, key=pending.__getitem__):
            if now - pending[folder] < QUIET:
                continue
            state, complete = _state(data, folder)
            seen = settling.get(folder)
            if seen is None or seen[0] != state:
                settling[folder] = (state, now)
                continue
            if now - seen[1] < QUIET or (not complete and now - seen[1] < UNFINISHED):
                continue
            del pending[folder], settling[folder]
            yield folder


def _rebuild(data: Path, folder: Path, known: set[Path], rebuild: Rebuild, show: Show) -> None:
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    sources = {m.folder.resolve(): m for m in find_meetings(data)} if data.is_dir() else {}
    source = sources.get(folder)
    if source is None:
        if folder in known:  # a meeting whose workbooks were all removed
            known.discard(folder)
            click.echo(
                f"{stamp} {folder.name} : plus aucun classeur dans « {folder} » ; les documents "
                "déjà écrits sont laissés tels quels."
            )
        return
    known.add(folder)
    show(rebuild(source), f"{stamp} ")
