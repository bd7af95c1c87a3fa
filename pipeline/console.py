"""What the command prints: a line per meeting built or checked, the
summary table of several meetings, the progress bar, and the result that
stands for a meeting when a bug stopped it."""

from __future__ import annotations

import shlex
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from pipeline.build import MeetingResult, Progress, Stage
from pipeline.problems import Place, Problem, Severity

NO_MEETING = """Aucune réunion trouvée dans {where}.

Pour créer une réunion avec des classeurs vierges, prêts à remplir :

    make-minutes new 2024-03-15-conseil{option}

Ou créez vous-même un dossier par réunion dans {data}/, par exemple
{data}/2024-03-15-conseil/, et déposez-y les classeurs Excel (.xlsx) de la séance,
avec les feuilles « Séance », « Présences » et « Délibérations » (et, si besoin,
« Autres points »). Le format des classeurs est décrit dans docs/data-format.md."""

# The progress bar's label of each stage of build.run.
STAGES = {
    Stage.BUILDING: "lecture et écriture des réunions",
    Stage.BUILT: "{meeting} prête",
    Stage.READING: "lecture des réunions",
    Stage.READ: "{meeting} lue",
    Stage.PDF: "copies PDF/A {meeting}",  # « 120 sur 603 » as they are made
    Stage.WRITING: "écriture de {meeting}",
    Stage.DONE: "",
}


@contextmanager
def progress(steps: int, meetings: int, with_pdf: bool = False) -> Iterator[Progress]:
    """A progress bar of ``steps`` steps on stderr, shown on a terminal when
    there are several ``meetings``, or PDFs to make (one large meeting's PDFs
    take minutes: the bar counts them); yields the ``progress`` of build.run."""
    stream = sys.stderr
    with click.progressbar(
        length=steps,
        label="Construction des réunions",
        item_show_func=lambda step: step,
        show_eta=False,
        update_min_steps=0,  # update(0, label) shows the step about to start
        file=stream,
        hidden=(meetings < 2 and not with_pdf) or not stream.isatty(),
    ) as bar:

        def advance(steps: int, stage: Stage | None = None, meeting: str = "") -> None:
            bar.update(steps, None if stage is None else STAGES[stage].format(meeting=meeting))

        yield advance


def no_meeting(data: Path, missing: bool = False) -> None:
    """Said on stderr when ``data`` holds no meeting (or does not exist)."""
    where = f"« {data.resolve()} »" + (" (ce dossier n’existe pas)" if missing else "")
    # The command to type, with --data when the folder is not the default one.
    named = data.as_posix()
    option = "" if data == Path("data") else f" --data {shlex.quote(named)}"
    click.echo(NO_MEETING.format(where=where, option=option, data=named), err=True)


def settled(name: str, result: MeetingResult | Exception) -> MeetingResult:
    """A meeting's result, or for the exception a bug raised for it, its
    :func:`unexpected` result (last guard: a bug must not hide the others)."""
    return unexpected(name, result) if isinstance(result, Exception) else result


def unexpected(name: str, exc: Exception) -> MeetingResult:
    """The result of a meeting a bug stopped: said, never a traceback."""
    result = MeetingResult(name)
    result.problems.append(
        Problem(
            Place(name),
            f"erreur inattendue ({type(exc).__name__} : {exc}) ; rien n’a été écrit pour cette "
            "réunion. Merci de signaler ce problème.",
            code="build.unexpected",
        )
    )
    return result


def report(result: MeetingResult, prefix: str = "") -> None:
    """What a build did for one meeting: a line (after ``prefix``, the time
    in watch mode), then one line per kept copy, template used and problem."""
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    warnings = [p for p in result.problems if p.severity is not Severity.ERROR]
    if errors and not result.written:
        n = len(errors)
        click.echo(
            f"{prefix}{result.meeting} : {n} problème{'s' if n > 1 else ''}, rien n’a été écrit "
            "pour cette réunion."
        )
    else:  # written: its errors, if any, are PDF copies that could not be made
        where = result.written[0].parent if result.written else ""
        shown = [p for p in result.written if p.suffix != ".pdf"]
        top = [p.name for p in shown if p.parent == where]
        within = Counter(p.parent.name for p in shown if p.parent != where)
        top += [_in_folder(folder, n) for folder, n in within.items()]
        if len(shown) < len(result.written):
            top.append("une partie de leurs copies PDF/A" if errors else "leurs copies PDF/A")
        names = ", ".join(top)
        verb = "écrits" if len(result.written) > 1 else "écrit"
        click.echo(f"{prefix}{result.meeting} : {names} {verb} dans {where}")
        for copy in result.kept:
            click.echo(f"  - votre version modifiée est gardée dans {copy.name}")
        pdfs = [p for p in result.removed if p.suffix == ".pdf"]
        if len(pdfs) == 1:
            click.echo(
                "  - 1 copie PDF/A retirée : son document a changé depuis la construction avec "
                "--pdf ; relancez avec --pdf pour la refaire."
            )
        elif pdfs:
            click.echo(
                f"  - {len(pdfs)} copies PDF/A retirées : leurs documents ont changé depuis la "
                "construction avec --pdf ; relancez avec --pdf pour les refaire."
            )
        for template in result.templates:
            click.echo(f"  - modèle utilisé : {template}")
    for p in errors + warnings:
        click.echo(f"  - {p}")


# What the files of a sub-folder are, by its name: singular, plural.
IN_FOLDER = {
    "extraits": ("extrait", "extraits"),
    "convocations": ("lettre individuelle", "lettres individuelles"),
    "projets": ("projet de délibération", "projets de délibération"),
}


def _in_folder(folder: str, n: int) -> str:
    """ "3 extraits", "5 lettres individuelles"."""
    one, many = IN_FOLDER.get(folder, (f"fichier dans {folder}/", f"fichiers dans {folder}/"))
    return f"{n} {one if n == 1 else many}"


def summary(results: list[MeetingResult]) -> None:
    """The table that ends a build of several meetings."""
    rows = [("Réunion", "Documents", "Avertissements", "Problèmes")]
    for r in results:
        errors = sum(p.severity is Severity.ERROR for p in r.problems)
        warnings = len(r.problems) - errors
        rows.append((r.meeting, str(len(r.written)), str(warnings), str(errors)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    click.echo()
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        click.echo("  ".join(cells))


def checked(name: str, problems: list[Problem]) -> bool:
    """What ``make-minutes check`` says of one meeting: a summary line, then
    its problems and warnings, then its notes (not counted); whether it has
    errors."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    notes = [p for p in problems if p.severity is Severity.NOTE]
    line = f"{len(errors)} problème{'s' if len(errors) > 1 else ''}" if errors else "aucun problème"
    if warnings:
        line += f", {len(warnings)} avertissement{'s' if len(warnings) > 1 else ''}"
    click.echo(f"{name} : {line}.")
    for p in errors + warnings + notes:
        click.echo(f"  - {p}")
    return bool(errors)
