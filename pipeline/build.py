"""The build: a short function that calls the stages in order.

read + parse → rules → context → render → write, for one meeting; every
problem of the meeting is gathered before anything is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import output, parse
from pipeline.law import checks
from pipeline.problems import Place, Problem, Report
from pipeline.read.sources import MeetingSource, read_workbook
from pipeline.render import documents, opendata, pdf
from pipeline.render.compiled import Templates


@functools.cache
def default_templates() -> Path:
    """The templates shipped with the package: installed, they sit in
    ``pipeline/templates/``; in the source tree, in the top-level
    ``templates/`` folder (mapped onto ``pipeline.templates`` by pyproject)."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    return installed if installed.is_dir() else here.parent / "templates"


def _differs_from_default(template: Path) -> bool:
    """A template other than the shipped one of that name (a copy left
    unchanged in ./templates is the default still)."""
    shipped = default_templates() / template.name
    if template.resolve() == shipped.resolve():
        return False
    try:
        return template.read_bytes() != shipped.read_bytes()
    except OSError:
        return True


def find_template(name: str, folders: list[Path]) -> Path:
    """The first folder holding ``name`` wins; the shipped one comes last."""
    for folder in [*folders, default_templates()]:
        if (folder / name).is_file():
            return folder / name
    return default_templates() / name


@dataclass
class Outcome:
    meeting: str
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # copies of edited documents (--force)
    templates: list[Path] = field(default_factory=list)  # templates used that are not the default
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity.value == "erreur" for p in self.problems)


@dataclass
class Prepared:
    """A meeting read, checked and rendered, not yet written."""

    source: MeetingSource
    report: Report
    files: dict[str, bytes] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)  # .docx name → its heading
    templates: set[Path] = field(default_factory=set)  # the ones that are not the default


def prepare(
    source: MeetingSource, templates: list[Path], compiled: Templates | None = None
) -> Prepared:
    """Read, check and render a meeting: every problem is in ``report``.
    ``compiled`` keeps the templates compiled from one meeting to the next."""
    compiled = compiled or Templates()
    report = Report()
    prepared = Prepared(source, report)
    meeting = parse.parse_meeting(source, report)
    analysis = checks.analyse(meeting, report) if meeting is not None else None
    if analysis is None:
        return prepared
    when = dt.datetime.combine(meeting.date, meeting.opening)
    own = source.folder / "templates"  # this meeting's own templates come first
    templates = [own, *templates] if own.is_dir() else templates
    found: dict[str, Path] = {}  # looked up once per template, not once per extract
    embeds = any(d.expose_file is not None for d in meeting.deliberations)
    for doc in documents.documents(meeting, analysis):
        if doc.template not in found:
            found[doc.template] = find_template(doc.template, templates)
            if _differs_from_default(found[doc.template]):
                prepared.templates.add(found[doc.template])
        template = found[doc.template]
        try:
            prepared.files[doc.filename] = compiled.render(template, doc.context, when, embeds)
            prepared.headings[doc.filename] = doc.heading
        except documents.TemplateError as exc:
            report.error(Place(str(template)), str(exc))  # path, then name and cause
    if analysis.items:
        lacking = opendata.missing(meeting, analysis)
        if lacking:
            report.warning(
                Place(source.name),
                "deliberations.csv (données ouvertes SCDL) n’est pas écrit : il manque "
                + " ; ".join(lacking)
                + ".",
            )
        else:
            prepared.files["deliberations.csv"] = opendata.scdl_csv(meeting, analysis)
    return prepared


def default_jobs() -> int:
    """Meetings prepared at once by default: one per processor."""
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def prepare_all(
    sources: list[MeetingSource],
    templates: list[Path],
    jobs: int = 1,
    done: Callable[[MeetingSource], None] = lambda source: None,
) -> list[Prepared | Outcome | Exception]:
    """Every meeting prepared, in the order given: a :class:`Prepared`, the
    :class:`Outcome` of a meeting whose reader died, or the exception a bug
    raised for it (see :func:`_each` for ``jobs`` and ``done``). For a run
    with PDFs: they are made all at once afterwards."""
    return _each(sources, jobs, done, _prepare_task, templates)


def check_all(
    sources: list[MeetingSource],
    templates: list[Path],
    jobs: int = 1,
    done: Callable[[MeetingSource], None] = lambda source: None,
) -> list[list[Problem] | Exception]:
    """Every problem of each meeting, read and rendered as for a build, in
    the order given; nothing is written."""
    return [
        r.problems if isinstance(r, Outcome) else r
        for r in _each(sources, jobs, done, _check_task, templates)
    ]


def build_all(
    sources: list[MeetingSource],
    templates: list[Path],
    out_dir: Path,
    force: bool = False,
    jobs: int = 1,
    done: Callable[[MeetingSource], None] = lambda source: None,
) -> list[Outcome | Exception]:
    """Every meeting prepared and written at once, in the order given: with
    no PDF to wait for, a meeting's documents never wait for the others'
    (nor stay in memory while they are made)."""
    return _each(sources, jobs, done, _build_task, templates, out_dir, force)


def _prepare_task(source: MeetingSource, compiled: Templates, templates: list[Path]) -> Prepared:
    return prepare(source, templates, compiled)


def _check_task(source: MeetingSource, compiled: Templates, templates: list[Path]) -> list[Problem]:
    return prepare(source, templates, compiled).report.problems


def _build_task(
    source: MeetingSource, compiled: Templates, templates: list[Path], out_dir: Path, force: bool
) -> Outcome:
    return write(prepare(source, templates, compiled), out_dir, force)


def _each(sources, jobs, done, task, *args) -> list:
    """``task(source, compiled templates, *args)`` for each meeting, results
    in the order of ``sources`` (an exception a bug raised stands for its
    result). Each meeting is read in a worker process, never in this one:
    a reader that dies (python-calamine aborts the process when a crafted
    workbook asks it for absurd memory) costs only its own meeting, reported
    in French (:func:`_died`), and the others are built. ``jobs`` workers
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
                results[i] = _died(sources[i], exc.exitcode)
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


def _died(source: MeetingSource, exitcode: int | None) -> Outcome:
    """The outcome of a meeting whose worker died: the workbook that kills a
    reader, found by reading each alone in a process of its own, or the
    meeting itself when none does."""
    outcome = Outcome(source.name)
    culprit = next((f for f in source.files if _kills_the_reader(f)), None)
    if culprit is not None:
        outcome.problems.append(
            Problem(
                Place(culprit.name),
                "la lecture de ce classeur a arrêté brutalement le lecteur de classeurs (il "
                "demandait une mémoire démesurée, ou le fichier est piégé) : il est refusé. "
                "Ouvrez-le dans Excel ou LibreOffice Calc, videz les cellules tapées loin du "
                "tableau, enregistrez-le de nouveau, puis relancez.",
            )
        )
    else:
        outcome.problems.append(
            Problem(
                Place(source.name),
                f"la préparation de cette réunion s’est arrêtée brutalement ({_ended(exitcode)}) "
                "; rien n’a été écrit pour cette réunion. Relancez ; si cela se reproduit, "
                "merci de signaler ce problème.",
            )
        )
    return outcome


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


def add_pdfs(meetings: list[Prepared]) -> None:
    """A PDF/A beside every .docx of the meetings without errors, in one
    LibreOffice call; a PDF that fails is an error of its meeting."""
    jobs = [
        (p, name)
        for p in meetings
        if not p.report.errors
        for name in p.files
        if name.endswith(".docx")
    ]
    results = pdf.convert([(p.files[name], p.headings[name]) for p, name in jobs])
    for (p, name), result in zip(jobs, results, strict=True):
        if isinstance(result, bytes):
            p.files[name[: -len(".docx")] + ".pdf"] = result
        else:
            p.report.error(Place(name), f"PDF non produit : {result}")


def write(prepared: Prepared, out_dir: Path, force: bool = False) -> Outcome:
    """Write a prepared meeting, all or nothing, keeping a clerk's edits."""
    report = prepared.report
    result = Outcome(prepared.source.name)
    result.templates = sorted(prepared.templates)
    if not report.errors:
        # Said at once, on stderr, from any process: the wait may be long.
        waiting = lambda folder: print(  # noqa: E731
            f"{folder} : une autre construction de cette réunion écrit dans ce dossier ; "
            "attente de la fin de son écriture…",
            file=sys.stderr,
            flush=True,
        )
        written = output.write_all(
            out_dir / prepared.source.name, prepared.files, force, waiting=waiting
        )
        for path, message in written.refused:
            report.error(Place(str(path)), message)
        for path, message in written.warnings:
            report.warning(Place(str(path)), message)
        result.written, result.kept = written.files, written.kept
    result.problems = report.problems
    return result


def build_meeting(
    source: MeetingSource,
    out_dir: Path,
    templates: list[Path],
    force: bool = False,
    with_pdf: bool = False,
) -> Outcome:
    """One meeting built (``--watch``), read in a worker process as always."""
    if not with_pdf:
        result = build_all([source], templates, out_dir, force)[0]
    else:
        result = prepare_all([source], templates)[0]
        if isinstance(result, Prepared):
            add_pdfs([result])
            result = write(result, out_dir, force)
    if isinstance(result, Exception):
        raise result
    return result
