"""``make-minutes site``: the publication site, ``output/site/``.

The meetings are first built as ``make-minutes --pdf`` builds them, into
``output/<meeting>/`` (the same code, the same PDF/A files: the site never
makes documents of its own). Then each meeting built without error is read
again, in a worker process as every reading is, for what its page shows
(:func:`pipeline.render.site.summary`), and the site is assembled: its pages,
its yearly CSV, and the PDFs copied byte for byte from ``output/<meeting>/``
into ``output/site/<year>/<meeting>/``. The site is written by
:mod:`pipeline.output` as a meeting is: all or nothing, with a manifest of
its own, so that the files of a meeting no longer published (or of an act
renamed) are removed, and a page a clerk edited is kept.

A meeting with problems is not published (its problems are said by the
build, before): the site is written for the others and the command exits 1.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from pipeline import build as builder
from pipeline import output
from pipeline.build import MeetingResult
from pipeline.problems import Place, Problem, Report, Severity
from pipeline.read.sources import MeetingSource
from pipeline.render import pdf, site
from pipeline.render.compiled import Templates
from pipeline.text import fold

FOLDER = "site"  # output/site/

INSTALL = pdf.missing(
    "make-minutes site publie les copies PDF/A des documents et demande pour cela"
)


def clash(sources: list[MeetingSource]) -> str | None:
    """The French message when a meeting is named as the site's folder (its
    documents and the site would share ``output/site/``), else None."""
    named = [s.name for s in sources if fold(s.name) == fold(FOLDER)]
    if not named:
        return None
    return (
        f"La réunion « {named[0]} » porte le nom du dossier du site (output/{FOLDER}/) : "
        "ses documents et le site s’y mêleraient. Renommez son dossier dans data/ "
        "(par exemple 2024-03-15-conseil), puis relancez."
    )


def summarise(
    source: MeetingSource, templates: list[Path], compiled: Templates | None = None
) -> site.SiteMeeting | MeetingResult:
    """What the site shows of a meeting, read and checked as for a build;
    its result with its problems when it cannot be read."""
    report = Report()
    checked = builder.checked(source, report)
    if checked is None:
        return MeetingResult(source.name, problems=report.problems)
    return site.summary(*checked)


SUMMARY = builder.Pack(summarise)  # run by build.prepare_all in worker processes


def publish(
    sources: list[MeetingSource],
    results: list[MeetingResult],
    templates: list[Path],
    out_dir: Path,
    force: bool,
    jobs: int,
    say: Callable[[str], None],
) -> int:
    """Write ``out_dir/site/`` from the meetings whose build (``results``,
    in the order of ``sources``) went well, say what was done, and return
    the exit code: 0 when every meeting is published, else 1."""
    built = [s for s, r in zip(sources, results, strict=True) if r.ok]
    unpublished = [r.meeting for r in results if not r.ok]
    problems: list[Problem] = []
    meetings: list[site.SiteMeeting] = []
    pdfs: dict[str, bytes] = {}
    found = builder.prepare_all(built, templates, jobs, pack=SUMMARY) if built else []
    for source, summary in zip(built, found, strict=True):
        if not isinstance(summary, site.SiteMeeting):
            unpublished.append(source.name)
            problems += _not_read(source, summary)
            continue
        copies = _copies(out_dir / source.name, summary, problems)
        if copies is None:
            unpublished.append(source.name)
            continue
        meetings.append(summary)
        pdfs.update(copies)
        if summary.lacking:
            problems.append(_without_open_data(summary))
    if not meetings:
        problems.append(
            Problem(
                Place(str(out_dir / FOLDER)),
                "aucune réunion ne peut être publiée : le site n’est pas écrit (celui d’une "
                "construction précédente reste tel quel). Corrigez les problèmes ci-dessus, "
                "puis relancez make-minutes site.",
                code="site.nothing-published",
            )
        )
        _say(say, problems)
        return 1
    files = {**site.site_files(meetings, lambda path: len(pdfs[path])), **pdfs}
    written = output.write_all(out_dir / FOLDER, files, force)
    problems += [Problem(Place(str(n.path)), n.message, code=n.code) for n in written.refused]
    problems += [
        Problem(Place(str(n.path)), n.message, code=n.code, severity=Severity.WARNING)
        for n in written.warnings
    ]
    _remove_empty_folders(out_dir / FOLDER, written.removed)
    if written.refused:
        say(f"Site de publication : rien n’a été écrit dans {out_dir / FOLDER}.")
    else:
        n = len(meetings)
        say(
            f"Site de publication écrit dans {out_dir / FOLDER} : {n} réunion"
            f"{'s' if n > 1 else ''} publiée{'s' if n > 1 else ''} (ouvrez index.html)."
        )
    for name in unpublished:
        say(
            f"  - {name} : non publiée : elle a des problèmes (ci-dessus). Corrigez-les, puis "
            "relancez make-minutes site."
        )
    _say(say, problems)
    return 1 if unpublished or written.refused else 0


def _remove_empty_folders(root: Path, removed: list[Path]) -> None:
    """The folders of a meeting no longer published (or of its extracts),
    left empty by the removal of its files: removed, up to the site's root
    (a folder holding anything, a clerk's file included, stays)."""
    for path in removed:
        for folder in path.parents:
            if folder == root or root not in folder.parents:
                break
            try:
                folder.rmdir()  # only when empty; never follows a link
            except OSError:
                break


def _say(say: Callable[[str], None], problems: list[Problem]) -> None:
    for p in problems:
        say(f"  - {p}")


def _copies(
    folder: Path, meeting: site.SiteMeeting, problems: list[Problem]
) -> dict[str, bytes] | None:
    """The meeting's PDFs, as the build wrote them in ``folder``, by their
    path in the site; None (and the problem said) when one is missing."""
    copies = {}
    for name in meeting.pdfs:
        path = folder / name
        try:
            if not stat.S_ISREG(path.lstat().st_mode):  # a link put there since: not followed
                raise FileNotFoundError(path)
            copies[f"{meeting.folder}/{name}"] = path.read_bytes()
        except OSError:
            problems.append(
                Problem(
                    Place(str(folder / name)),
                    "cette copie PDF/A manque, ou n’est pas un fichier ordinaire (effacée, "
                    "déplacée ou remplacée par un lien pendant la construction ?) : "
                    "la réunion n’est pas publiée. Relancez make-minutes site.",
                    code="site.pdf-missing",
                )
            )
            return None
    return copies


def _not_read(source: MeetingSource, summary: object) -> list[Problem]:
    """Why a meeting built a moment ago could not be read again."""
    if isinstance(summary, MeetingResult) and summary.problems:
        return [p for p in summary.problems if p.severity is Severity.ERROR]
    return [
        Problem(
            Place(source.name),
            f"la relecture de la réunion pour le site a échoué ({summary}) : elle n’est pas "
            "publiée. Relancez ; si cela se reproduit, merci de signaler ce problème.",
            code="site.unexpected",
        )
    ]


def _without_open_data(meeting: site.SiteMeeting) -> Problem:
    year = meeting.date.year
    return Problem(
        Place(meeting.name),
        f"publiée sans ses lignes dans {year}/deliberations-{year}.csv (données ouvertes) : il "
        f"manque {' ; '.join(meeting.lacking)}. Complétez la feuille « Séance » ou la colonne "
        "« Matière », puis relancez make-minutes site.",
        code="site.open-data-missing",
        severity=Severity.WARNING,
    )
