"""``make-minutes registre ANNÉE``: the register of deliberations of a year
and its open data, in ``output/registre-<ANNÉE>/``.

Every meeting of data/ is read and checked in a worker process, with the
same code as a build (:func:`pipeline.build.checked`): a reader that
dies costs only its meeting. The meetings dated that year (the Séance's
Date) go into ``registre.docx`` in date order (then instance, then folder);
each one of that year that has errors — or whose date cannot be read, since
it may be of that year — is listed as not included, on the register's first
page and on the console, and the command exits 1: no meeting is silently
left out. ``deliberations-<ANNÉE>.csv`` joins the SCDL rows of the meetings
included. Both are written as a build writes (:mod:`pipeline.output`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import build as builder
from pipeline import output
from pipeline.build import MeetingResult
from pipeline.parse.seance import read_seance, seance_fields
from pipeline.problems import Place, Problem, Report, Severity
from pipeline.read.sources import MeetingSource, read_workbook
from pipeline.render import opendata, pdf, registre, sandbox
from pipeline.render.compiled import Templates
from pipeline.text import fold

TEMPLATE = "registre.docx"


def folder_name(year: int) -> str:
    return f"registre-{year}"


def clash(sources: list[MeetingSource], year: int) -> str | None:
    """The French message when a meeting is named as the register's folder
    (its documents and the register would share ``output/registre-<ANNÉE>/``),
    else None; as ``make-minutes site`` refuses a meeting named ``site``."""
    named = [s.name for s in sources if fold(s.name) == fold(folder_name(year))]
    if not named:
        return None
    return (
        f"La réunion « {named[0]} » porte le nom du dossier du registre "
        f"(output/{folder_name(year)}/) : ses documents et le registre s’y mêleraient. "
        "Renommez son dossier dans data/ (par exemple 2024-03-15-conseil), puis relancez."
    )


@dataclass
class Read:
    """A meeting as its worker read it (picklable): its date when it could
    be read, its part of the register when it has no error, its SCDL rows
    (or what they lack) and every problem."""

    name: str
    date: dt.date | None = None
    part: registre.Part | None = None
    scdl: bytes | None = None
    lacking: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.part is not None and not any(
            p.severity is Severity.ERROR for p in self.problems
        )


def read_task(source: MeetingSource, compiled: Templates | None) -> Read:
    """Run in a worker: the meeting read and checked as a build does."""
    report = Report()
    result = Read(source.name)
    checked = builder.checked(source, report)
    if checked is None:
        result.date = seance_date(source)
    else:
        meeting, analysis = checked
        result.date = meeting.date
        result.part = registre.meeting_part(source.name, meeting, analysis)
        if analysis.items:
            result.lacking = opendata.missing(meeting, analysis)
            if not result.lacking:
                result.scdl = opendata.scdl_csv(meeting, analysis)
    result.problems = report.problems
    return result


def seance_date(source: MeetingSource) -> dt.date | None:
    """The Date of a meeting's Séance sheet when it can be read, for a
    meeting with errors (is it of the year?)."""
    for path in source.files:
        report = Report()
        sheet = next((s for s in read_workbook(path, report) if s.key == "seance"), None)
        if sheet is not None:
            return read_seance(seance_fields(sheet, report), report).date
    return None


def _read(result: object, source: MeetingSource) -> Read:
    """A worker's result: a :class:`Read`, or the result of a meeting whose
    reader died, or the exception a bug raised (its date unknown)."""
    if isinstance(result, Read):
        return result
    if isinstance(result, MeetingResult):
        return Read(source.name, problems=result.problems)
    return Read(
        source.name,
        problems=[
            Problem(
                Place(source.name),
                f"erreur inattendue ({type(result).__name__} : {result}) en lisant cette "
                "réunion. Merci de signaler ce problème.",
                code="build.unexpected",
            )
        ],
    )


def _left_out(read: Read, year: int) -> Problem:
    """The register's error for a meeting of the year it does not include."""
    n = sum(p.severity is Severity.ERROR for p in read.problems)
    when = (
        f"du {read.date:%d/%m/%Y}"
        if read.date
        else f"dont la date n’a pas pu être lue (elle peut être de {year})"
    )
    return Problem(
        Place(read.name),
        f"réunion {when} NON incluse dans le registre {year} : "
        f"{n} problème{'s' if n > 1 else ''} (ci-dessus). Corrigez-{'les' if n > 1 else 'le'}, "
        "puis relancez "
        f"« make-minutes registre {year} » ; le registre liste en première page les réunions "
        "qu’il n’inclut pas.",
        code="registre.meeting-left-out",
    )


def _nothing_included(out_dir: Path, year: int) -> Problem:
    return Problem(
        Place(str(out_dir / folder_name(year))),
        f"aucune réunion de {year} ne peut être incluse : le registre n’est pas écrit (celui "
        "d’une construction précédente reste tel quel). Corrigez les problèmes ci-dessus, "
        f"puis relancez « make-minutes registre {year} ».",
        code="registre.nothing-included",
    )


@dataclass
class Outcome:
    """What the command did: the meetings of the year included, those left
    out, the register's own result (files written, problems)."""

    included: list[Read]
    left_out: list[Read]
    result: MeetingResult | None  # None: no meeting of that year in data/
    years: list[int]  # the years of the meetings of data/ whose date was read


def make(
    sources: list[MeetingSource],
    folders: list[Path],
    out_dir: Path,
    year: int,
    force: bool = False,
    with_pdf: bool = False,
    jobs: int = 1,
) -> Outcome:
    """Read every meeting, write the register of ``year`` and its CSV
    (nothing when data/ holds no meeting dated that year)."""
    found = builder.each_meeting(sources, jobs, read_task)
    reads = [_read(r, s) for r, s in zip(found, sources, strict=True)]
    years = sorted({r.date.year for r in reads if r.date is not None})
    of_year = [r for r in reads if r.date is None or r.date.year == year]
    if year not in years:
        return Outcome([], of_year, None, years)
    included = sorted(
        (r for r in of_year if r.ok),
        key=lambda r: (r.date, fold(r.part.instance), r.name),  # type: ignore[union-attr]
    )
    left_out = [r for r in of_year if not r.ok]
    result = MeetingResult(folder_name(year))
    result.problems = [_left_out(r, year) for r in left_out]
    if not included:  # every meeting of the year left out: no empty register
        result.problems.append(_nothing_included(out_dir, year))
        return Outcome(included, left_out, result, years)
    files = _files(included, left_out, folders, year, with_pdf, result)
    if not files:  # the template failed: said in the result's problems
        return Outcome(included, left_out, result, years)
    written = output.write_all(out_dir / folder_name(year), files, force)
    for refused in written.refused:
        result.problems.append(
            Problem(Place(str(refused.path)), refused.message, code=refused.code)
        )
    for warned in written.warnings:
        result.problems.append(
            Problem(Place(str(warned.path)), warned.message, Severity.WARNING, code=warned.code)
        )
    result.written, result.kept, result.removed = written.files, written.kept, written.removed
    return Outcome(included, left_out, result, years)


def _files(
    included: list[Read],
    left_out: list[Read],
    folders: list[Path],
    year: int,
    with_pdf: bool,
    result: MeetingResult,
) -> dict[str, bytes]:
    """The register (and its PDF/A), and the year's CSV when a meeting has one."""
    parts = [r.part for r in included if r.part is not None]
    listed = [
        (r.name, [str(p) for p in r.problems if p.severity is Severity.ERROR]) for r in left_out
    ]
    context = registre.register_context(year, parts, listed)
    template = builder.find_template(TEMPLATE, folders)
    if _differs_from_default(template):
        result.templates = [template]
    last = max((p.date for p in parts), default=dt.date(year, 12, 31))
    files: dict[str, bytes] = {}
    try:
        with sandbox.gathering(len(parts)):  # the budget of the meetings' documents
            rendered = Templates().render(template, context, dt.datetime.combine(last, dt.time()))
    except builder.TemplateError as exc:
        result.problems.append(Problem(Place(str(template)), str(exc), code=exc.code))
        return files
    headings = [context["entete"], *(s["titre"] for s in context["seances"])]
    files["registre.docx"] = registre.with_meeting_headers(
        rendered, context["entete"], headings, dt.datetime.combine(last, dt.time())
    )
    if with_pdf:
        (made,) = pdf.convert([(files["registre.docx"], context["titre"])])
        if isinstance(made, bytes):
            files["registre.pdf"] = made
        else:
            message = f"PDF non produit : {made.message}"
            result.problems.append(Problem(Place("registre.docx"), message, code=made.code))
    csvs = [r.scdl for r in included if r.scdl is not None]
    for r in included:
        if r.lacking:
            result.problems.append(
                Problem(
                    Place(r.name),
                    f"ses délibérations ne sont pas dans deliberations-{year}.csv (données "
                    "ouvertes SCDL) : il manque " + " ; ".join(r.lacking) + ".",
                    code="opendata.missing",
                    severity=Severity.WARNING,
                )
            )
    if csvs:
        files[f"deliberations-{year}.csv"] = registre.yearly_csv(csvs)
    return files


def _differs_from_default(template: Path) -> bool:
    """A template other than the shipped one (a copy left unchanged is not)."""
    shipped = builder.default_templates() / TEMPLATE
    try:
        return template.resolve() != shipped.resolve() and (
            template.read_bytes() != shipped.read_bytes()
        )
    except OSError:
        return True


def run(
    data: Path,
    sources: list[MeetingSource],
    folders: list[Path],
    out_dir: Path,
    year: int,
    force: bool,
    with_pdf: bool,
    jobs: int,
    echo: Callable[[str], None],
) -> int:
    """The command: the register written, what it did said; the exit code."""
    outcome = make(sources, folders, out_dir, year, force, with_pdf, jobs)
    if outcome.result is None:
        seen = ", ".join(str(y) for y in outcome.years) or "aucune"
        echo(
            f"Aucune réunion de l’année {year} dans « {data.resolve()} » (années des réunions "
            f"trouvées : {seen}). Vérifiez l’année, ou la Date de la feuille « Séance » "
            "de vos réunions."
        )
        for r in outcome.left_out:  # undated: said, since they may be of that year
            echo(f"{r.name} : sa date n’a pas pu être lue.")
            for p in r.problems:
                echo(f"  - {p}")
        return 1
    for r in outcome.left_out:
        n = sum(p.severity is Severity.ERROR for p in r.problems)
        echo(
            f"{r.name} : {n} problème{'s' if n > 1 else ''}, réunion non incluse dans le registre."
        )
        for p in r.problems:
            echo(f"  - {p}")
    for r in outcome.included:
        for p in r.problems:
            echo(f"{r.name} : {p}")
    said(outcome.result, echo)
    n = len(outcome.included)
    if not n:
        return 1
    echo(f"Registre {year} : {n} séance{'s' if n > 1 else ''} incluse{'s' if n > 1 else ''}.")
    return 0 if outcome.result.ok else 1


def said(result: MeetingResult, echo: Callable[[str], None]) -> None:
    """The register's line: the files written (or not), the edited copies
    kept, the template used if not the shipped one, then its problems."""
    if result.written:
        names = ", ".join(p.name for p in result.written)
        verb = "écrits" if len(result.written) > 1 else "écrit"
        echo(f"{result.meeting} : {names} {verb} dans {result.written[0].parent}")
    else:
        echo(f"{result.meeting} : rien n’a été écrit.")
    for copy in result.kept:
        echo(f"  - votre version modifiée est gardée dans {copy.name}")
    for gone in result.removed:
        again = " ; relancez avec --pdf pour le refaire" if gone.suffix == ".pdf" else ""
        echo(f"  - {gone.name} retiré : il n’est plus produit par cette construction{again}.")
    for template in result.templates:
        echo(f"  - modèle utilisé : {template}")
    for p in result.problems:
        echo(f"  - {p}")
