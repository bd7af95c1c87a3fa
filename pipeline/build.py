"""The build: a short function that calls the stages in order.

read + parse → rules → context → render → write, for one meeting; every
problem of the meeting is gathered before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import checks, documents, opendata, output, parse, pdf
from .compiled import Templates
from .problems import Place, Problem, Report
from .sources import MeetingSource


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
    for doc in documents.documents(meeting, analysis):
        template = find_template(doc.template, templates)
        if _differs_from_default(template):
            prepared.templates.add(template)
        try:
            prepared.files[doc.filename] = compiled.render(template, doc.context, when)
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
