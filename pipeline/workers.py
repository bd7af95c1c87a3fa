"""The worker processes of a build: each meeting is read and rendered in
a worker, never in the main process, so that a reader that dies (a crafted
workbook asking python-calamine for absurd memory) costs only its own
meeting (:func:`each`, :func:`died`); the workers compile the templates
once, leave Ctrl-C to the main process and die with it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.problems import Place, Problem, Report
from pipeline.read.sources import MeetingSource, read_workbook
from pipeline.render.compiled import Templates


def each(sources, jobs, done, lost, task, *args) -> list:
    """``task(source, compiled templates, *args)`` for each meeting, results
    in the order of ``sources`` (an exception a bug raised stands for its
    result). Each meeting is read in a worker process, never in this one:
    a reader that dies (python-calamine aborts the process when a crafted
    workbook asks it for absurd memory) costs only its own meeting, reported
    in French (``lost(source, exit code)`` stands for its result: see
    :func:`died`), and the others are built. ``jobs`` workers
    share the meetings, each compiling the templates once; the documents are
    the same, byte for byte, whatever ``jobs``. ``done(source)`` is called in
    this process as each meeting is finished."""
    import multiprocessing
    from concurrent.futures import CancelledError, as_completed

    from pebble import ProcessExpired, ProcessPool

    # fork: the workers start at once, with what this process has imported.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    results: list = [RuntimeError("non construite")] * len(sources)
    pool = ProcessPool(
        max_workers=max(1, min(jobs, len(sources))),
        initializer=_worker_start,
        context=multiprocessing.get_context(method),
    )
    try:
        futures = {
            pool.schedule(_in_worker, (task, source, *args)): i for i, source in enumerate(sources)
        }
        for future in as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except ProcessExpired as exc:
                results[i] = lost(sources[i], exc.exitcode)
            except (Exception, CancelledError) as exc:  # noqa: BLE001 - a bug must not hide the others
                results[i] = exc
            done(sources[i])
    except BaseException:
        pool.stop()  # Ctrl-C: the workers stop, each removing its temporaries
        raise
    finally:
        pool.close()
        pool.join()
    return results


_worker_templates: Templates | None = None  # a worker's compiled templates


def _worker_start() -> None:
    """A worker leaves Ctrl-C to the main process, which stops the run; told
    to stop, it unwinds as a Ctrl-C does (no temporary file left behind);
    and it dies with the main process (``kill -9``): never a meeting written
    by an orphan after the command was stopped."""
    import signal

    global _worker_templates
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    _die_with_parent()
    _worker_templates = Templates()  # the pool lives for one run: no stale template


_working = False  # whether this worker is running a task


def _stop_worker(signum, frame) -> None:
    if _working:
        raise KeyboardInterrupt  # the task's cleanups run, as after a Ctrl-C
    os._exit(0)  # idle: nothing to clean


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the call
        os._exit(1)


def _in_worker(task, source: MeetingSource, *args):
    global _working
    _working = True
    try:
        return task(source, _worker_templates, *args)
    finally:
        _working = False


def died(source: MeetingSource, exitcode: int | None) -> Problem:
    """Why a meeting's worker died: the workbook that kills a reader, found
    by reading each alone in a process of its own, or the meeting itself
    when none does."""
    culprit = next((f for f in source.files if _kills_the_reader(f)), None)
    if culprit is not None:
        return Problem(
            Place(culprit.name),
            "la lecture de ce classeur a arrêté brutalement le lecteur de classeurs (il "
            "demandait une mémoire démesurée, ou le fichier est piégé) : il est refusé. "
            "Ouvrez-le dans Excel ou LibreOffice Calc, videz les cellules tapées loin du "
            "tableau, enregistrez-le de nouveau, puis relancez.",
            code="read.reader-died",
        )
    return Problem(
        Place(source.name),
        f"la préparation de cette réunion s’est arrêtée brutalement ({_ended(exitcode)}) "
        "; rien n’a été écrit pour cette réunion. Relancez ; si cela se reproduit, "
        "merci de signaler ce problème.",
        code="build.worker-died",
    )


def _ended(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"signal {-exitcode}"
    return f"code {exitcode}"


def _kills_the_reader(path: Path) -> bool:
    """Whether reading ``path`` alone kills the process that reads it."""
    import multiprocessing

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    reader = multiprocessing.get_context(method).Process(target=_read_alone, args=(path,))
    reader.start()
    reader.join()
    return reader.exitcode not in (0, None)


def _read_alone(path: Path) -> None:
    read_workbook(path, Report())
