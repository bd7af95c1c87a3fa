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

from . import checks, documents, opendata, output, parse, pdf
from .compiled import Templates
from .problems import Place, Problem, Report
from .sources import MeetingSource


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
) -> list[Prepared | Exception]:
    """Every meeting prepared, in the order given: a :class:`Prepared`, or
    the exception a bug raised for it (see :func:`_each` for ``jobs`` and
    ``done``). For a run with PDFs: they are made all at once afterwards."""
    return _each(sources, jobs, done, _prepare_task, templates)


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


def _build_task(
    source: MeetingSource, compiled: Templates, templates: list[Path], out_dir: Path, force: bool
) -> Outcome:
    return write(prepare(source, templates, compiled), out_dir, force)


def _each(sources, jobs, done, task, *args) -> list:
    """``task(source, compiled templates, *args)`` for each meeting, results
    in the order of ``sources`` (an exception a bug raised stands for its
    result). With ``jobs`` > 1 and several meetings, that many processes
    share the meetings, each compiling the templates once; the documents are
    the same, byte for byte. ``done(source)`` is called in this process as
    each meeting is finished."""
    if jobs <= 1 or len(sources) <= 1:
        compiled, results = Templates(), []
        for source in sources:
            try:
                results.append(task(source, compiled, *args))
            except Exception as exc:  # noqa: BLE001 - a bug must not hide the other meetings
                results.append(exc)
            done(source)
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fork: the workers start at once, with what this process has imported.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    results = [RuntimeError("non construite")] * len(sources)
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(sources)),
        mp_context=multiprocessing.get_context(method),
        initializer=_worker_start,
    ) as pool:
        futures = {
            pool.submit(_in_worker, task, source, *args): i for i, source in enumerate(sources)
        }
        for future in as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except Exception as exc:  # noqa: BLE001 - as in the serial loop
                results[i] = exc
            done(sources[i])
    return results


_worker_templates: Templates | None = None  # a worker's compiled templates


def _worker_start() -> None:
    """A worker leaves Ctrl-C to the main process, which stops the run."""
    import signal

    global _worker_templates
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_templates = Templates()  # the pool lives for one run: no stale template


def _in_worker(task, source: MeetingSource, *args):
    return task(source, _worker_templates, *args)


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
        written = output.write_all(out_dir / prepared.source.name, prepared.files, force)
        for path, message in written.refused:
            report.error(Place(str(path)), message)
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
    prepared = prepare(source, templates)
    if with_pdf:
        add_pdfs([prepared])
    return write(prepared, out_dir, force)
