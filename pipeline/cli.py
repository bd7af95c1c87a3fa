"""The command line: arguments in, a report and an exit code out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import clickfr
from pipeline.build import (
    Outcome,
    add_pdfs,
    build_all,
    build_meeting,
    check_all,
    default_jobs,
    prepare_all,
    write,
)
from pipeline.problems import Place, Problem
from pipeline.read.sources import MeetingSource, find_meetings
from pipeline.render import pdf

# Click's own messages (usage errors, help headings) in French, before any
# option is declared.
clickfr.install()

CONTEXT = {"help_option_names": ["-h", "--help"]}

NO_MEETING = """Aucune réunion trouvée dans {where}.

Créez un dossier par réunion dans data/, par exemple data/2024-03-15-conseil/,
et déposez-y les classeurs Excel (.xlsx) de la séance, avec les feuilles
« Séance », « Présences » et « Délibérations » (et, si besoin, « Autres points »).
Le format des classeurs est décrit dans docs/data-format.md."""


def _folder_option(name: str, help: str):
    return click.option(
        name,
        name[2:],
        type=click.Path(path_type=Path),
        default=None,
        metavar="DOSSIER",
        help=help,
    )


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
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="Nombre de réunions préparées en même temps (défaut : le nombre de processeurs).",
    ),
    click.option(
        "--watch",
        is_flag=True,
        help="Après la construction, reste ouvert et reconstruit une réunion dès qu’un de ses "
        "classeurs est ajouté ou enregistré dans data/ (Ctrl-C pour arrêter).",
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


@click.group(
    invoke_without_command=True,
    context_settings=CONTEXT,
    subcommand_metavar="[COMMANDE] [ARGUMENTS]...",
)
@_common
@_building
@click.version_option(
    package_name="make-minutes",
    message="make-minutes %(version)s",
    help="Affiche la version et s’arrête.",
)
@click.pass_context
def main(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    force: bool,
    with_pdf: bool,
    jobs: int | None,
    watch: bool,
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
        "jobs": jobs,
        "watch": watch,
    }
    if ctx.invoked_subcommand is None:
        ctx.invoke(
            build,
            data=data,
            output=output,
            templates=templates,
            force=force,
            with_pdf=with_pdf,
            jobs=jobs,
            watch=watch,
        )


@main.command(context_settings=CONTEXT)
@_common
@_building
@click.pass_context
def build(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    force: bool,
    with_pdf: bool,
    jobs: int | None,
    watch: bool,
):
    """Construit les documents de chaque réunion de data/ (commande par défaut).

    Avec plusieurs réunions, une barre de progression (dans un terminal) puis
    un tableau : documents écrits, avertissements et problèmes de chacune.
    """
    parent = ctx.obj or {}
    force = force or parent.get("force", False)
    with_pdf = with_pdf or parent.get("pdf", False)
    watch = watch or parent.get("watch", False)
    jobs = jobs or parent.get("jobs") or default_jobs()
    meetings, folders, output = _setup(ctx, data, output, templates, empty_ok=watch)
    if with_pdf and not pdf.soffice():
        click.echo(pdf.INSTALL, err=True)
        sys.exit(2)
    outcomes = _build_all(meetings, folders, output, force, with_pdf, jobs)
    for outcome in outcomes:
        _report(outcome)
    if len(outcomes) > 1:
        _summary(outcomes)
    if watch:
        from pipeline.commands.watch import watch as watch_data

        def rebuild(source: MeetingSource) -> Outcome:
            try:
                return build_meeting(source, output, folders, force, with_pdf)
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the watch
                return _unexpected(source.name, exc)

        code = watch_data(
            _data_folder(ctx, data), [m.folder for m in meetings], rebuild, _report, folders
        )
        sys.exit(code)
    sys.exit(0 if all(o.ok for o in outcomes) else 1)


def _build_all(
    meetings: list[MeetingSource],
    folders: list[Path],
    output: Path,
    force: bool,
    with_pdf: bool,
    jobs: int = 1,
) -> list[Outcome]:
    """Build every meeting, with a progress bar on a terminal when there are
    several; one outcome per meeting, in their order."""
    stream = sys.stderr
    steps = 2 * len(meetings) + 1 if with_pdf else len(meetings)
    with click.progressbar(
        length=steps,
        label="Construction des réunions",
        item_show_func=lambda step: step,
        show_eta=False,
        update_min_steps=0,  # update(0, label) shows the step about to start
        file=stream,
        hidden=len(meetings) < 2 or not stream.isatty(),
    ) as bar:
        if not with_pdf:  # each meeting is written as soon as it is ready
            bar.update(0, "lecture et écriture des réunions")
            results = build_all(
                meetings, folders, output, force, jobs, lambda s: bar.update(1, f"{s.name} prête")
            )
            return [
                _unexpected(source.name, result) if isinstance(result, Exception) else result
                for source, result in zip(meetings, results, strict=True)
            ]
        # Every meeting is read and rendered first, so that the PDFs of the
        # whole run come from one LibreOffice start; then each is written.
        prepared, outcomes = [], {}
        bar.update(0, "lecture des réunions")
        results = prepare_all(meetings, folders, jobs, lambda s: bar.update(1, f"{s.name} lue"))
        for source, result in zip(meetings, results, strict=True):
            if isinstance(result, Exception):  # last guard: a bug must not hide the others
                outcomes[source.name] = _unexpected(source.name, result)
            elif isinstance(result, Outcome):  # its reader died: reported already
                outcomes[source.name] = result
            else:
                prepared.append(result)
        bar.update(0, "copies PDF/A")
        add_pdfs(prepared)
        bar.update(1)
        for p in prepared:
            bar.update(0, f"écriture de {p.source.name}")
            try:
                outcomes[p.source.name] = write(p, output, force)
            except Exception as exc:  # noqa: BLE001 - same guard for the writing
                outcomes[p.source.name] = _unexpected(p.source.name, exc)
            bar.update(1)
        bar.update(len(meetings) - len(prepared), "")  # the meetings never written
    return [outcomes[source.name] for source in meetings]


def _summary(outcomes: list[Outcome]) -> None:
    """The table that ends a build of several meetings."""
    rows = [("Réunion", "Documents", "Avertissements", "Problèmes")]
    for o in outcomes:
        errors = sum(p.severity.value == "erreur" for p in o.problems)
        warnings = len(o.problems) - errors
        rows.append((o.meeting, str(len(o.written)), str(warnings), str(errors)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    click.echo()
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        click.echo("  ".join(cells))


def _data_folder(ctx: click.Context, data: Path | None) -> Path:
    return data or (ctx.obj or {}).get("data") or Path("data")


def _setup(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    empty_ok: bool = False,
) -> tuple[list, list[Path], Path]:
    """The meetings to handle, the template folders and the output folder,
    from the options of the command or of ``make-minutes`` itself; exits
    with a French message when there is nothing to do (unless ``empty_ok``:
    an existing data folder without meetings is then said, not fatal)."""
    parent = ctx.obj or {}
    data = _data_folder(ctx, data)
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
        if not empty_ok:
            sys.exit(1)
    return meetings, folders, output


@main.command(context_settings=CONTEXT)
@_common
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
    # Read in worker processes, as for a build: a reader that dies costs
    # only its own meeting.
    for source, problems in zip(
        meetings, check_all(meetings, folders, default_jobs()), strict=True
    ):
        if isinstance(problems, Exception):  # last guard, as for the build
            problems = _unexpected(source.name, problems).problems
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
    import re

    from pipeline import parse
    from pipeline.commands import blank
    from pipeline.problems import Report
    from pipeline.read.sources import SKIPPED_FOLDERS
    from pipeline.text import fold

    data = data or (ctx.obj or {}).get("data") or Path("data")
    # A plain folder name, created in data/ and nowhere else: no path
    # ("../x", "/x", "C:x"), no hidden folder (never read), no folder the
    # meetings keep for themselves, nothing Windows refuses in a name.
    if (
        not name.strip()
        or re.search(r'[/\\:<>"|?*\x00-\x1f]', name)
        or name.startswith(".")
        or name.endswith((" ", "."))
        or fold(name) in SKIPPED_FOLDERS
        or re.fullmatch(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", name, re.IGNORECASE)
    ):
        raise click.BadParameter(
            f"« {name} » ne peut pas être le nom d’une réunion : son dossier est créé dans "
            f"« {data} » ; donnez un simple nom de dossier, sans « / », « \\ » ni « : », qui "
            "ne commence pas par un point et n’est ni « templates » ni « exposes », par "
            "exemple « 2025-03-14-bureau ».",
            ctx=ctx,
            param=next(p for p in ctx.command.params if p.name == "name"),
        )
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


@main.command(context_settings=CONTEXT)
@_common
@click.argument("template", metavar="[MODÈLE]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--document",
    metavar="NOM",
    default=None,
    help="Le document que produit MODÈLE quand son nom ne le dit pas (proces-verbal.docx, "
    "annexe-tarifs.docx, liste-deliberations.docx ou extrait.docx).",
)
@click.option(
    "--reunion",
    "meeting",
    metavar="RÉUNION",
    default=None,
    help="La réunion de data/ dont les valeurs servent d’exemple (défaut : la séance d’exemple, "
    "sinon la première réunion de data/ sans erreur).",
)
@click.pass_context
def fields(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    template: Path | None,
    document: str | None,
    meeting: str | None,
):
    """Liste les variables de chaque modèle, avec leur valeur d’exemple ;
    avec MODÈLE (une copie modifiée d’un modèle .docx), le vérifie.

    La vérification signale, avec leur paragraphe, les variables et les
    attributs qui n’existent pas (fautes de frappe comprises) et les balises
    mal formées, puis fait un essai de rendu, sans construire aucune réunion.
    Code de sortie : 0 si tout va bien, 1 si le modèle a des problèmes, 2 s’il
    ne peut pas être vérifié (introuvable, pas un document Word, nom inconnu).
    """
    from pipeline.commands import fields as template_fields

    sys.exit(template_fields.run(template, document, meeting, _data_folder(ctx, data), click.echo))


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


def _report(outcome: Outcome, prefix: str = "") -> None:
    """What a build did for one meeting: a line (after ``prefix``, the time
    in watch mode), then one line per kept copy, template used and problem."""
    errors = [p for p in outcome.problems if p.severity.value == "erreur"]
    warnings = [p for p in outcome.problems if p.severity.value != "erreur"]
    if errors:
        n = len(errors)
        click.echo(
            f"{prefix}{outcome.meeting} : {n} problème{'s' if n > 1 else ''}, rien n’a été écrit "
            "pour cette réunion."
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
        click.echo(f"{prefix}{outcome.meeting} : {names} {verb} dans {where}")
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
