"""The build: the order of the stages, written once.

read + parse → law → contexts → render → write, for one meeting
(:func:`read_and_check`, :func:`prepare`, :func:`write`); every problem of
the meeting is gathered before anything is written. :func:`run` builds
every meeting of a command (the --pdf order included), each read in a
worker process; the command line, --watch, ``fields`` and the bench call
these functions rather than the stages themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pipeline import output, parse, workers
from pipeline.law import approval, checks, publication
from pipeline.law.acts import act_uses, report_clashes
from pipeline.law.checks import Analysis
from pipeline.model import Meeting
from pipeline.parse.approval import approvals as later_approvals
from pipeline.parse.approval import neighbour_acts
from pipeline.problems import Place, Problem, Report, Severity
from pipeline.read.sources import MeetingSource
from pipeline.render import contexts, opendata, pdf
from pipeline.render.compiled import Templates
from pipeline.render.docx import TemplateError
from pipeline.render.logo import of_meeting as meeting_logo
from pipeline.workers import died


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
class MeetingResult:
    """What building one meeting did: the files written, the copies of the
    clerk's edited documents kept, the templates used that are not the
    shipped ones, and every problem found."""

    meeting: str
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # copies of edited documents (--force)
    removed: list[Path] = field(default_factory=list)  # an earlier run's, now stale
    templates: list[Path] = field(default_factory=list)  # templates used that are not the default
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


@dataclass
class Prepared:
    """A meeting read, checked and rendered, not yet written."""

    source: MeetingSource
    report: Report
    files: dict[str, bytes] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)  # .docx name → its heading
    templates: set[Path] = field(default_factory=set)  # the ones that are not the default
    # The documents whose PDF could not be made: errors of the meeting, said
    # once its documents are written (a PDF failure never costs the .docx).
    missing_pdfs: list[Problem] = field(default_factory=list)


T = TypeVar("T")

Timed = Callable[..., Any]
"""``timed(stage, action, *args)`` runs ``action(*args)`` and returns what
it returns; the bench passes one that measures each stage (bench/run.py).
The stages: ``parse``, ``analyse``, ``contexts``, ``render <template>``,
``opendata``."""


def untimed(stage: str, action: Callable[..., T], *args: Any) -> T:
    """The :data:`Timed` of a build: the stage is run, nothing else."""
    return action(*args)


def read_meeting(source: MeetingSource, report: Report, timed: Timed = untimed) -> Meeting | None:
    """A meeting's workbooks read and parsed into the model; None when they
    have errors (every one is in ``report``)."""
    return timed("parse", parse.parse_meeting, source, report)


def read_and_check(
    source: MeetingSource, report: Report, timed: Timed = untimed
) -> tuple[Meeting, Analysis] | None:
    """A meeting read, parsed and checked against the law (presence,
    proxies, quorum, votes); None when anything is wrong (every problem is
    in ``report``). The law also checks a meeting read in part, so that its
    problems come with the reading errors (:class:`parse.Reading`), and
    that no other meeting of the body in its data folder gives one of its
    act numbers (the others are read only when it has some)."""
    reading = timed("parse", parse.read_meeting, source, report)
    if reading.meeting is None:
        return None
    if mine := act_uses(reading.meeting.deliberations):
        report_clashes(mine, reading.meeting.body, neighbour_acts(source), report)
    analysis = timed("analyse", checks.analyse, reading.meeting, report, reading.doubtful)
    return None if analysis is None else (reading.meeting, analysis)


def read_before_vote(source: MeetingSource, report: Report) -> Meeting | None:
    """A meeting read as it is before the meeting, for its convocation
    (``make-minutes convocation``): Statut, Secrétaire de séance and the
    votes may be empty, every other reading check holds; the law of the
    room and of the votes is not applied. None when it has errors (every
    problem is in ``report``)."""
    reading = parse.read_meeting(source, report, before_vote=True)
    return None if report.errors else reading.meeting


def approved(meeting: Meeting, source: MeetingSource) -> Meeting:
    """The meeting with the date its minutes were « arrêtés »: the field
    « Procès-verbal arrêté le » when filled (it wins: the others are not
    read), else the later meeting of the same data folder that adopted them
    (docs/data-format.md, « Approbation du procès-verbal »)."""
    if meeting.approved_on is not None:
        return meeting
    others = later_approvals(source)
    date = approval.approved_on(meeting.date, meeting.body, meeting.instance, others)
    return meeting if date is None else dataclasses.replace(meeting, approved_on=date)


def checked(
    source: MeetingSource, report: Report, timed: Timed = untimed
) -> tuple[Meeting, Analysis] | None:
    """:func:`read_and_check`, then the date the minutes were « arrêtés »
    (:func:`approved`) and what can be checked only with it (L2121-15):
    every command that makes documents of a held meeting reads it so (the
    minutes, the préfecture package, the register, the site). None when
    anything is wrong (every problem is in ``report``)."""
    found = read_and_check(source, report, timed)
    if found is None:
        return None
    meeting, analysis = found
    meeting = approved(meeting, source)
    publication.check_minutes_online(meeting, report)  # L2121-15: needs the approval's date
    return None if report.errors else (meeting, analysis)


def prepare(
    source: MeetingSource,
    templates: list[Path],
    compiled: Templates | None = None,
    timed: Timed = untimed,
) -> Prepared:
    """Read, check and render a meeting: every problem is in ``report``.
    ``compiled`` keeps the templates compiled from one meeting to the next."""
    compiled = compiled or Templates()
    report = Report()
    prepared = Prepared(source, report)
    found = checked(source, report, timed)
    if found is None:
        return prepared
    meeting, analysis = found
    when = dt.datetime.combine(meeting.date, meeting.opening)
    templates = meeting_templates(source, templates)  # this meeting's own come first
    logo = meeting_logo(source.folder, templates, report)
    embeds = logo is not None or any(d.expose_file is not None for d in meeting.deliberations)
    docs = timed("contexts", contexts.documents, meeting, analysis, logo)
    render_documents(prepared, docs, templates, compiled, when, embeds, timed)
    if analysis.items:
        lacking = opendata.missing(meeting, analysis)
        if lacking:
            report.warning(
                Place(source.name),
                "deliberations.csv (données ouvertes SCDL) n’est pas écrit : il manque "
                + " ; ".join(lacking)
                + ".",
                code="opendata.missing",
            )
        else:
            prepared.files["deliberations.csv"] = timed(
                "opendata", opendata.scdl_csv, meeting, analysis
            )
    return prepared


def meeting_templates(source: MeetingSource, templates: list[Path]) -> list[Path]:
    """The template folders of a meeting: its own ``templates/`` first."""
    own = source.folder / "templates"
    return [own, *templates] if own.is_dir() else templates


def render_documents(
    prepared: Prepared,
    docs: list[contexts.Document],
    templates: list[Path],
    compiled: Templates,
    when: dt.datetime,
    embeds: bool,
    timed: Timed = untimed,
) -> None:
    """Each document rendered with its template (looked up once) into
    ``prepared``; a template that fails is an error of the meeting."""
    found: dict[str, Path] = {}  # looked up once per template, not once per extract
    for doc in docs:
        if doc.template not in found:
            found[doc.template] = find_template(doc.template, templates)
            if _differs_from_default(found[doc.template]):
                prepared.templates.add(found[doc.template])
        template = found[doc.template]
        try:
            prepared.files[doc.filename] = timed(
                f"render {doc.template}", compiled.render, template, doc.context, when, embeds
            )
            prepared.headings[doc.filename] = doc.heading
        except TemplateError as exc:
            prepared.report.error(Place(str(template)), str(exc), code=exc.code)


def default_jobs() -> int:
    """Meetings prepared at once by default: one per processor."""
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


class Pack(NamedTuple):
    """What a build makes of each meeting: ``prepare(source, templates,
    compiled)`` reads and renders it; ``under``, the sub-folder of its output
    folder it is written in, with a manifest of its own ("" : the folder);
    ``finish(prepared)``, when given, runs on each meeting of a run with PDFs
    once they are made, before it is written (the préfecture pack checks and
    keeps its PDFs: :mod:`pipeline.commands.prefecture`)."""

    prepare: Callable[..., Prepared]
    under: str = ""
    finish: Callable[[Prepared], None] | None = None


MINUTES = Pack(prepare)  # what a build makes by default: the minutes and their documents


def prepare_all(
    sources: list[MeetingSource],
    templates: list[Path],
    jobs: int = 1,
    done: Callable[[MeetingSource], None] = lambda source: None,
    pack: Pack | None = None,
) -> list[Prepared | MeetingResult | Exception]:
    """Every meeting prepared, in the order given: a :class:`Prepared`, the
    :class:`MeetingResult` of a meeting whose reader died, or the exception a bug
    raised for it (see :func:`_each` for ``jobs`` and ``done``). For a run
    with PDFs: they are made all at once afterwards."""
    return _each(sources, jobs, done, _prepare_task, templates, pack or MINUTES)


def check_all(
    sources: list[MeetingSource],
    templates: list[Path],
    jobs: int = 1,
    done: Callable[[MeetingSource], None] = lambda source: None,
) -> list[list[Problem] | Exception]:
    """Every problem of each meeting, read and rendered as for a build, in
    the order given; nothing is written."""
    return [
        r.problems if isinstance(r, MeetingResult) else r
        for r in _each(sources, jobs, done, _check_task, templates)
    ]


def build_all(
    sources: list[MeetingSource],
    templates: list[Path],
    out_dir: Path,
    force: bool = False,
    jobs: int = 1,
    done: Callable[[MeetingSource], None] = lambda source: None,
    pack: Pack | None = None,
) -> list[MeetingResult | Exception]:
    """Every meeting prepared and written at once, in the order given: with
    no PDF to wait for, a meeting's documents never wait for the others'
    (nor stay in memory while they are made)."""
    return _each(sources, jobs, done, _build_task, templates, out_dir, force, pack or MINUTES)


def each_meeting(sources: list[MeetingSource], jobs: int, task: Callable[..., T], *args) -> list:
    """``task(source, compiled templates, *args)`` for each meeting, each in a
    worker process as a build reads them (:func:`_each`): its result, that of
    a meeting whose reader died (a :class:`MeetingResult`), or the exception
    a bug raised. ``make-minutes registre`` reads the meetings of a year so."""
    return _each(sources, jobs, lambda source: None, task, *args)


def _prepare_task(
    source: MeetingSource, compiled: Templates, templates: list[Path], pack: Pack
) -> Prepared:
    return pack.prepare(source, templates, compiled)


def _check_task(source: MeetingSource, compiled: Templates, templates: list[Path]) -> list[Problem]:
    report = prepare(source, templates, compiled).report
    return report.problems + report.notes  # check says the notes too (console.checked)


def _build_task(
    source: MeetingSource,
    compiled: Templates,
    templates: list[Path],
    out_dir: Path,
    force: bool,
    pack: Pack,
) -> MeetingResult:
    return write(pack.prepare(source, templates, compiled), out_dir, force, pack.under)


def _each(sources, jobs, done, task, *args) -> list:
    """:func:`pipeline.workers.each`, a meeting whose worker died standing
    as its :class:`MeetingResult`, with the problem that says why."""
    return workers.each(
        sources,
        jobs,
        done,
        lambda s, code: MeetingResult(s.name, problems=[died(s, code)]),
        task,
        *args,
    )


def add_pdfs(
    meetings: list[Prepared], jobs: int = 1, done: Callable[[int, int], None] = lambda k, n: None
) -> None:
    """A PDF/A beside every .docx of the meetings without errors, made by
    ``jobs`` LibreOffice processes for the whole run; ``done(k, n)`` as the
    PDFs are made, k of n. A PDF that fails is an error of its meeting,
    said after its documents are written (:attr:`Prepared.missing_pdfs`)."""
    wanted = [
        (p, name)
        for p in meetings
        if not p.report.errors
        for name in p.files
        if name.endswith(".docx")
    ]
    total = len(wanted)
    results = pdf.convert(
        [(p.files[name], p.headings[name]) for p, name in wanted],
        workers=jobs,
        done=lambda k: done(k, total),
    )
    for (p, name), result in zip(wanted, results, strict=True):
        if isinstance(result, bytes):
            p.files[name[: -len(".docx")] + ".pdf"] = result
        else:
            p.missing_pdfs.append(
                Problem(Place(name), f"PDF non produit : {result.message}", code=result.code)
            )


def _say_waiting(folder: Path) -> None:
    """Said at once, on stderr, from any process: the wait may be long."""
    print(
        f"{folder} : une autre construction de cette réunion écrit dans ce dossier ; "
        "attente de la fin de son écriture…",
        file=sys.stderr,
        flush=True,
    )


def write(prepared: Prepared, out_dir: Path, force: bool = False, under: str = "") -> MeetingResult:
    """Write a prepared meeting, all or nothing, keeping a clerk's edits;
    ``under``: a sub-folder of the meeting's output folder with a manifest
    of its own (« convocation »)."""
    report = prepared.report
    result = MeetingResult(prepared.source.name)
    result.templates = sorted(prepared.templates)
    if not report.errors:
        folder = out_dir / prepared.source.name
        written = output.write_all(
            folder / under if under else folder, prepared.files, force, waiting=_say_waiting
        )
        for refused in written.refused:
            report.error(Place(str(refused.path)), refused.message, code=refused.code)
        for warned in written.warnings:
            report.warning(Place(str(warned.path)), warned.message, code=warned.code)
        result.written, result.kept = written.files, written.kept
        result.removed = written.removed
        if result.written:  # the documents are there; their missing PDFs are errors
            report.problems.extend(prepared.missing_pdfs)
    result.problems = report.problems
    return result


class Stage(enum.Enum):
    """Where :func:`run` is, for a progress bar (console.py words it)."""

    BUILDING = "building"  # every meeting read and written, each as soon as it is ready
    BUILT = "built"  # one meeting written
    READING = "reading"  # every meeting read and rendered (--pdf)
    READ = "read"  # one meeting read and rendered
    PDF = "pdf"  # the PDF/A copies of every meeting
    WRITING = "writing"  # one meeting being written
    DONE = "done"


Progress = Callable[..., None]
"""``progress(steps, stage=None, meeting="")``: ``steps`` more steps done
(:func:`steps` says how many in all); ``stage``, when given, is the step
about to start or just finished, of ``meeting``."""


def _no_progress(steps: int, stage: Stage | None = None, meeting: str = "") -> None:
    pass


def steps(meetings: int, with_pdf: bool) -> int:
    """How many steps :func:`run` counts for ``meetings`` meetings: one each;
    with PDFs, one each read, one for the PDFs and one each written."""
    return 2 * meetings + 1 if with_pdf else meetings


def run(
    sources: list[MeetingSource],
    templates: list[Path],
    out_dir: Path,
    force: bool = False,
    with_pdf: bool = False,
    jobs: int = 1,
    progress: Progress = _no_progress,
    pack: Pack | None = None,
) -> list[MeetingResult | Exception]:
    """Build every meeting: its result, or the exception a bug raised for it,
    in the order given. Without PDFs each meeting is written as soon as it
    is ready; with them, every meeting is read and rendered first, so that
    the PDFs of the whole run are made together, then each is written.
    ``pack``: what is made of each meeting (the minutes, by default; the
    convocation pack: :mod:`pipeline.commands.convocation`)."""
    pack = pack or MINUTES
    if not with_pdf:
        progress(0, Stage.BUILDING)
        built = lambda s: progress(1, Stage.BUILT, s.name)  # noqa: E731
        return build_all(sources, templates, out_dir, force, jobs, built, pack)
    progress(0, Stage.READING)
    read = lambda s: progress(1, Stage.READ, s.name)  # noqa: E731
    results: list = prepare_all(sources, templates, jobs, read, pack)
    prepared = [r for r in results if isinstance(r, Prepared)]
    progress(0, Stage.PDF)
    add_pdfs(prepared, jobs, lambda k, n: progress(0, Stage.PDF, f"{k} sur {n}"))
    for i, result in enumerate(results):
        if pack.finish is not None and isinstance(result, Prepared):
            try:
                pack.finish(result)
            except Exception as exc:  # noqa: BLE001 - a bug must not hide the others
                results[i] = exc
    progress(1)
    for i, result in enumerate(results):
        if not isinstance(result, Prepared):
            continue  # its reader died, or a bug: said already
        progress(0, Stage.WRITING, result.source.name)
        try:
            results[i] = write(result, out_dir, force, pack.under)
        except Exception as exc:  # noqa: BLE001 - a bug must not hide the others
            results[i] = exc
        progress(1)
    progress(len(sources) - len(prepared), Stage.DONE)  # the meetings never written
    return results
