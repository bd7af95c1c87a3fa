"""The command line: arguments in, a report and an exit code out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import pdf
from .build import Outcome, add_pdfs, prepare, write
from .problems import Place, Problem
from .sources import find_meetings

CONTEXT = {"help_option_names": ["-h", "--help"]}

NO_MEETING = """Aucune réunion trouvée dans {where}.

Créez un dossier par réunion dans data/, par exemple data/2024-03-15-conseil/,
et déposez-y les classeurs Excel (.xlsx) de la séance, avec les feuilles
« Séance », « Présences » et « Délibérations » (et, si besoin, « Autres points »).
Le format des classeurs est décrit dans docs/data-format.md."""


def _folder_option(name: str, help: str):
    return click.option(name, name[2:], type=click.Path(path_type=Path), default=None, help=help)


COMMON_OPTIONS = [
    _folder_option("--data", "Dossier des réunions (défaut : ./data)."),
    _folder_option("--output", "Dossier où écrire les documents (défaut : ./output)."),
    _folder_option(
        "--templates",
        "Dossier de modèles .docx qui remplacent ceux fournis (défaut : ./templates s’il existe).",
    ),
]
BUILD_OPTIONS = [
    click.option(
        "--force",
        is_flag=True,
        help="Régénère aussi les documents modifiés depuis leur génération, après en avoir "
        "gardé une copie datée à côté.",
    ),
    click.option(
        "--pdf",
        "with_pdf",
        is_flag=True,
        help="Écrit aussi une copie PDF/A de chaque document (LibreOffice requis).",
    ),
]


def _common(f):
    """The options every command accepts, in the order --help lists them."""
    for option in reversed(COMMON_OPTIONS):
        f = option(f)
    return f


def _building(f):
    """The options of the commands that write documents."""
    for option in reversed(BUILD_OPTIONS):
        f = option(f)
    return f


@click.group(invoke_without_command=True, context_settings=CONTEXT)
@_common
@_building
@click.version_option(
    package_name="make-minutes",
    message="make-minutes %(version)s",
    help="Affiche la version et s’arrête.",
)
@click.help_option("-h", "--help", help="Affiche cette aide et s’arrête.")
@click.pass_context
def main(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    force: bool,
    with_pdf: bool,
):
    """Rédige les procès-verbaux des séances à partir des classeurs de data/.

    Sans commande, construit toutes les réunions de ./data dans ./output.
    """
    ctx.obj = {
        "data": data,
        "output": output,
        "templates": templates,
        "force": force,
        "pdf": with_pdf,
    }
    if ctx.invoked_subcommand is None:
        ctx.invoke(
            build, data=data, output=output, templates=templates, force=force, with_pdf=with_pdf
        )


@main.command(context_settings=CONTEXT)
@_common
@_building
@click.help_option("-h", "--help", help="Affiche cette aide et s’arrête.")
@click.pass_context
def build(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    force: bool,
    with_pdf: bool,
):
    """Construit les documents de chaque réunion de data/ (commande par défaut)."""
    parent = ctx.obj or {}
    force = force or parent.get("force", False)
    with_pdf = with_pdf or parent.get("pdf", False)
    meetings, folders, output = _setup(ctx, data, output, templates)
    if with_pdf and not pdf.soffice():
        click.echo(pdf.INSTALL, err=True)
        sys.exit(2)
    # Every meeting is read and rendered first, so that the PDFs of the whole
    # run come from one LibreOffice start; then each is written on its own.
    prepared, outcomes = [], {}
    for source in meetings:
        try:
            prepared.append(prepare(source, folders))
        except Exception as exc:  # noqa: BLE001 - last guard: a bug must not hide the others
            outcomes[source.name] = _unexpected(source.name, exc)
    if with_pdf:
        add_pdfs(prepared)
    for p in prepared:
        try:
            outcomes[p.source.name] = write(p, output, force)
        except Exception as exc:  # noqa: BLE001 - same guard for the writing
            outcomes[p.source.name] = _unexpected(p.source.name, exc)
    failed = 0
    for source in meetings:
        outcome = outcomes[source.name]
        failed += not outcome.ok
        _report(outcome)
    sys.exit(1 if failed else 0)


def _setup(
    ctx: click.Context, data: Path | None, output: Path | None, templates: Path | None
) -> tuple[list, list[Path], Path]:
    """The meetings to handle, the template folders and the output folder,
    from the options of the command or of ``make-minutes`` itself; exits
    with a French message when there is nothing to do."""
    parent = ctx.obj or {}
    data = data or parent.get("data") or Path("data")
    output = output or parent.get("output") or Path("output")
    templates = templates or parent.get("templates")
    folders = (
        [templates] if templates else ([Path("templates")] if Path("templates").is_dir() else [])
    )
    if templates and not templates.is_dir():
        click.echo(f"Dossier de modèles introuvable : {templates}", err=True)
        sys.exit(2)
    if not data.is_dir():
        click.echo(
            NO_MEETING.format(where=f"« {data.resolve()} » (ce dossier n’existe pas)"), err=True
        )
        sys.exit(1)
    meetings = find_meetings(data)
    if not meetings:
        click.echo(NO_MEETING.format(where=f"« {data.resolve()} »"), err=True)
        sys.exit(1)
    return meetings, folders, output


@main.command(context_settings=CONTEXT)
@_common
@click.help_option("-h", "--help", help="Affiche cette aide et s’arrête.")
@click.argument("names", nargs=-1, metavar="[RÉUNION]...")
@click.pass_context
def check(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    names: tuple[str, ...],
):
    """Vérifie les réunions sans rien écrire : tous les problèmes et
    avertissements avec leur place, un résumé par réunion.

    Sans nom de réunion, vérifie toutes celles de data/.
    """
    meetings, folders, _ = _setup(ctx, data, output, templates)
    if names:
        known = {m.name: m for m in meetings}
        unknown = [n for n in names if n not in known]
        if unknown:
            listed = ", ".join(f"« {m} »" for m in known)
            click.echo(
                f"Réunion inconnue : {', '.join(unknown)} (réunions de data/ : {listed}).", err=True
            )
            sys.exit(2)
        meetings = [known[n] for n in names]
    failed = 0
    for source in meetings:
        try:
            problems = prepare(source, folders).report.problems
        except Exception as exc:  # noqa: BLE001 - last guard, as for the build
            problems = _unexpected(source.name, exc).problems
        errors = [p for p in problems if p.severity.value == "erreur"]
        warnings = [p for p in problems if p.severity.value != "erreur"]
        failed += bool(errors)
        summary = (
            f"{len(errors)} problème{'s' if len(errors) > 1 else ''}"
            if errors
            else "aucun problème"
        )
        if warnings:
            summary += f", {len(warnings)} avertissement{'s' if len(warnings) > 1 else ''}"
        click.echo(f"{source.name} : {summary}.")
        for p in errors + warnings:
            click.echo(f"  - {p}")
    sys.exit(1 if failed else 0)


KEPT_FIELDS = (
    "Organisme",
    "Instance",
    "Genre de l'instance",
    "Membres",
    "Lieu",
    "Président",
    "Quorum",
    "Seuil du quorum",
    "Titre",
    "Pouvoirs par membre",
    "Numérotation",
    "SIRET",
)


@main.command(context_settings=CONTEXT)
@_common
@click.help_option("-h", "--help", help="Affiche cette aide et s’arrête.")
@click.argument("name", metavar="NOM")
@click.option(
    "--from",
    "earlier",
    metavar="RÉUNION",
    default=None,
    help="Reprend les membres et les champs de l’organisme d’une réunion de data/.",
)
@click.pass_context
def new(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    name: str,
    earlier: str | None,
):
    """Crée data/NOM/ avec des classeurs vierges prêts à remplir.

    Chaque feuille a ses en-têtes, chaque en-tête un commentaire qui dit ce
    qu’on y met, et les mots attendus sont proposés en listes déroulantes.
    Un dossier existant n’est jamais écrasé.
    """
    from . import blank, parse
    from .problems import Report

    data = data or (ctx.obj or {}).get("data") or Path("data")
    folder = data / name
    if folder.exists():
        click.echo(f"« {folder} » existe déjà : rien n’a été écrasé.", err=True)
        sys.exit(1)
    seance, members = {}, None
    if earlier:
        source = (
            next((m for m in find_meetings(data) if m.name == earlier), None)
            if data.is_dir()
            else None
        )
        if source is None:
            click.echo(f"Réunion « {earlier} » introuvable dans « {data} ».", err=True)
            sys.exit(1)
        meeting = parse.parse_meeting(source, Report())
        if meeting is None:
            click.echo(
                f"La réunion « {earlier} » a des problèmes : lancez « make-minutes check "
                f"{earlier} » et corrigez-les d’abord.",
                err=True,
            )
            sys.exit(1)
        fields = {
            "Organisme": meeting.body,
            "Instance": meeting.instance,
            "Genre de l'instance": "féminin" if meeting.instance_feminine else "masculin",
            "Membres": meeting.members_word,
            "Lieu": meeting.location,
            "Président": meeting.member(meeting.president).name,
            "Quorum": meeting.quorum_base.value,
            "Seuil du quorum": meeting.quorum_threshold,
            "Titre": meeting.title,
            "Pouvoirs par membre": meeting.proxies_per_member,
            "SIRET": meeting.siret,
        }
        seance = {k: v for k, v in fields.items() if v not in ("", None)}
        # Attendance is reset: the members are kept, their status is left to fill.
        members = [
            [m.college, "Mme" if m.feminine else "M.", m.first_name, m.last_name]
            for m in meeting.members
        ]
    written = blank.write_blank(folder, seance, members)
    click.echo(f"{folder} créé : {', '.join(p.name for p in written)}.")
    click.echo("Remplissez les classeurs, puis lancez « make-minutes check » et « make-minutes ».")


def _unexpected(name: str, exc: Exception) -> Outcome:
    outcome = Outcome(name)
    outcome.problems.append(
        Problem(
            Place(name),
            f"erreur inattendue ({type(exc).__name__} : {exc}) ; rien n’a été écrit pour cette "
            "réunion. Merci de signaler ce problème.",
        )
    )
    return outcome


def _report(outcome: Outcome) -> None:
    errors = [p for p in outcome.problems if p.severity.value == "erreur"]
    warnings = [p for p in outcome.problems if p.severity.value != "erreur"]
    if errors:
        n = len(errors)
        click.echo(
            f"{outcome.meeting} : {n} problème{'s' if n > 1 else ''}, rien n’a été écrit pour cette réunion."
        )
    else:
        where = outcome.written[0].parent if outcome.written else ""
        shown = [p for p in outcome.written if p.suffix != ".pdf"]
        top = [p.name for p in shown if p.parent == where]
        extracts = len(shown) - len(top)
        if extracts:
            top.append(f"{extracts} extrait{'s' if extracts > 1 else ''}")
        if len(shown) < len(outcome.written):
            top.append("leurs copies PDF/A")
        names = ", ".join(top)
        verb = "écrits" if len(outcome.written) > 1 else "écrit"
        click.echo(f"{outcome.meeting} : {names} {verb} dans {where}")
        for copy in outcome.kept:
            click.echo(f"  - votre version modifiée est gardée dans {copy.name}")
        for template in outcome.templates:
            click.echo(f"  - modèle utilisé : {template}")
    for p in errors + warnings:
        click.echo(f"  - {p}")


def entry() -> None:
    """The console script: ``main`` with an interruption reported in French
    (click would print "Aborted!")."""
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(
            "Interrompu : les documents déjà en place n’ont pas été modifiés pour la séance "
            "en cours.",
            err=True,
        )
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
