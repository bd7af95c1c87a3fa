"""The build: a short function that calls the stages in order.

read + parse → rules → context → render → write, for one meeting; every
problem of the meeting is gathered before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import checks, documents, output, parse
from .problems import Place, Problem, Report
from .sources import MeetingSource


def default_templates() -> Path:
    """The templates shipped with the package: installed, they sit in
    ``pipeline/templates/``; in the source tree, in the top-level
    ``templates/`` folder (mapped onto ``pipeline.templates`` by pyproject)."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    return installed if installed.is_dir() else here.parent / "templates"


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
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity.value == "erreur" for p in self.problems)


def build_meeting(
    source: MeetingSource, out_dir: Path, templates: list[Path], force: bool = False
) -> Outcome:
    report = Report()
    meeting = parse.parse_meeting(source, report)
    analysis = checks.analyse(meeting, report) if meeting is not None else None
    result = Outcome(source.name)
    if analysis is None:
        result.problems = report.problems
        return result
    rendered: dict[str, bytes] = {}
    when = dt.datetime.combine(meeting.date, meeting.opening)
    for doc in documents.documents(meeting, analysis):
        template = find_template(doc.template, templates)
        try:
            rendered[doc.filename] = output.reproducible(
                documents.render(template, doc.context), when
            )
        except documents.TemplateError as exc:
            report.error(Place(str(template)), str(exc))  # path, then name and cause
    if not report.errors:
        written = output.write_all(out_dir / source.name, rendered, force)
        for path, message in written.refused:
            report.error(Place(str(path)), message)
        result.written, result.kept = written.files, written.kept
    result.problems = report.problems
    return result
