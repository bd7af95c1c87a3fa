"""The command line: click commands only, options in, the build or a
command called (build.py, commands/), what it did printed (console.py),
an exit code out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import build as builder
from pipeline import clickfr, console
from pipeline.build import MeetingResult, default_jobs
from pipeline.read.sources import MeetingSource, find_meetings
from pipeline.render import pdf

# Click's own messages (usage errors, help headings) in French, before any
# option is declared.
clickfr.install()

CONTEXT = {"help_option_names": ["-h", "--help"]}
# Each command's line in « make-minutes --help »: written whole, where click
# would cut the first sentence of the help to fit the terminal (« … (commande... »).
SUMMARIES = {
    "build": "Construit les documents de chaque réunion (commande par défaut).",
    "check": "Vérifie les réunions sans rien écrire.",
    "new": "Crée une réunion avec des classeurs vierges.",
    "fields": "Liste les variables des modèles, ou vérifie un modèle.",
    "convocation": "Écrit la convocation, l’ordre du jour et les documents d’avant la séance.",
    "site": "Écrit le site de publication des actes (output/site/).",
    "prefecture": "Écrit le dossier des actes à transmettre à la préfecture (PDF/A, actes.csv).",
    "registre": "Écrit le registre des délibérations d’une année et ses données ouvertes.",
}


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


def _building_now(f):
    """The options of a command that writes documents once (no --watch)."""
    for option in reversed(BUILD_OPTIONS[:-1]):
        f = option(f)
    return f


@click.group(
    invoke_without_command=True,
    context_settings=CONTEXT,
    subcommand_metavar="[COMMANDE] [ARGUMENTS]…",
)
@_common
@_building
@click.version_option(
    package_name="make-minutes",
    message="make-minutes %(version)s",
    help="Affiche la version et s’arrête.",
)
@click.pass_context
def main(ctx: click.Context, **options) -> None:
    """Rédige les procès-verbaux des séances à partir des classeurs de data/.

    Sans commande, construit toutes les réunions de ./data dans ./output.
    """
    ctx.obj = options  # the options a command leaves out are taken from here
    if ctx.invoked_subcommand is None:
        ctx.invoke(build, **options)


@main.command(context_settings=CONTEXT, short_help=SUMMARIES["build"])
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
    force, with_pdf, jobs = _run_options(ctx, force, with_pdf, jobs)
    watch = watch or (ctx.obj or {}).get("watch", False)
    meetings, folders, output = _setup(ctx, data, output, templates, empty_ok=watch)
    if with_pdf:
        _needs_libreoffice()
    results = _run(meetings, folders, output, force, with_pdf, jobs)
    for result in results:
        console.report(result)
    if len(results) > 1:
        console.summary(results)
    if watch:
        from pipeline.commands.watch import watch as watch_data

        def rebuild(source: MeetingSource) -> MeetingResult:
            try:
                (result,) = builder.run([source], folders, output, force, with_pdf)
                return console.settled(source.name, result)
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the watch
                return console.unexpected(source.name, exc)

        code = watch_data(
            _data_folder(ctx, data), [m.folder for m in meetings], rebuild, console.report, folders
        )
        sys.exit(code)
    sys.exit(0 if all(r.ok for r in results) else 1)


def _data_folder(ctx: click.Context, data: Path | None) -> Path:
    return data or (ctx.obj or {}).get("data") or Path("data")


def _run_options(
    ctx: click.Context, force: bool, with_pdf: bool, jobs: int | None
) -> tuple[bool, bool, int]:
    """--force, --pdf and --jobs, given to the command or to ``make-minutes``."""
    parent = ctx.obj or {}
    return (
        force or parent.get("force", False),
        with_pdf or parent.get("with_pdf", False),
        jobs or parent.get("jobs") or default_jobs(),
    )


def _needs_libreoffice(message: str = pdf.INSTALL, code: int = 2) -> None:
    """Exits with ``message`` when LibreOffice cannot be found."""
    if not pdf.soffice():
        click.echo(message, err=True)
        sys.exit(code)


def _run(
    meetings: list[MeetingSource],
    folders: list[Path],
    output: Path,
    force: bool,
    with_pdf: bool,
    jobs: int,
    pack: builder.Pack | None = None,
) -> list[MeetingResult]:
    """:func:`pipeline.build.run` with its progress bar: each meeting's result."""
    steps = builder.steps(len(meetings), with_pdf)
    with console.progress(steps, len(meetings), with_pdf) as progress:
        found = builder.run(meetings, folders, output, force, with_pdf, jobs, progress, pack=pack)
    return [console.settled(s.name, result) for s, result in zip(meetings, found, strict=True)]


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
        console.no_meeting(data, missing=True)
        sys.exit(1)
    meetings = find_meetings(data)
    if not meetings:
        console.no_meeting(data)
        if not empty_ok:
            sys.exit(1)
    return meetings, folders, output


def _chosen(meetings: list[MeetingSource], names: tuple[str, ...]) -> list[MeetingSource]:
    """The meetings named on the command line (all without a name); exits
    with a French message for a name data/ does not hold."""
    if not names:
        return meetings
    known = {m.name: m for m in meetings}
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(f"« {m} »" for m in known)
        click.echo(
            f"Réunion inconnue : {', '.join(unknown)} (réunions de data/ : {listed}).", err=True
        )
        sys.exit(2)
    return [known[n] for n in names]


@main.command(context_settings=CONTEXT, short_help=SUMMARIES["check"])
@_common
@click.argument("names", nargs=-1, metavar="[RÉUNION]…")
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
    meetings = _chosen(meetings, names)
    failed = 0
    # Read in worker processes, as for a build: a reader that dies costs
    # only its own meeting.
    for source, problems in zip(
        meetings, builder.check_all(meetings, folders, default_jobs()), strict=True
    ):
        if isinstance(problems, Exception):  # last guard, as for the build
            problems = console.unexpected(source.name, problems).problems
        failed += console.checked(source.name, problems)
    sys.exit(1 if failed else 0)


@main.command(context_settings=CONTEXT, short_help=SUMMARIES["new"])
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

    seance.xlsx réunit les feuilles Séance, Présences, Délibérations, Votes
    et Autres points ; tarifs.xlsx, les feuilles Tarifs et Contributions.
    Chaque en-tête a un commentaire qui dit ce qu’on y met ; des listes
    déroulantes proposent les mots attendus, les noms des membres de la
    feuille Présences et les N° de la feuille Délibérations. Un dossier
    existant n’est jamais écrasé.
    """
    from pipeline.commands import new as new_meeting

    data = _data_folder(ctx, data)
    if not new_meeting.is_meeting_name(name):
        raise click.BadParameter(
            new_meeting.bad_name(name, data),
            ctx=ctx,
            param=next(p for p in ctx.command.params if p.name == "name"),
        )
    sys.exit(new_meeting.create(data, name, earlier, click.echo))


@main.command(context_settings=CONTEXT, short_help=SUMMARIES["fields"])
@_common
@click.argument("template", metavar="[MODÈLE]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--document",
    metavar="NOM",
    default=None,
    help="Le document que produit MODÈLE quand son nom ne le dit pas (proces-verbal.docx, "
    "annexe-tarifs.docx, liste-deliberations.docx, extrait.docx, ou ceux de la convocation : "
    "ordre-du-jour.docx, convocations.docx, feuille-emargement.docx, pouvoir.docx).",
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


@main.command(context_settings=CONTEXT, short_help=SUMMARIES["convocation"])
@_common
@_building_now
@click.argument("names", nargs=-1, metavar="[RÉUNION]…")
@click.pass_context
def convocation(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    force: bool,
    with_pdf: bool,
    jobs: int | None,
    names: tuple[str, ...],
):
    """Écrit, avant la séance, dans output/RÉUNION/convocation/ : la lettre de
    convocation de chaque membre (convocations.docx, et une par membre dans
    convocations/), l’ordre du jour à afficher (ordre-du-jour.docx), la
    feuille d’émargement, le pouvoir et l’événement d’agenda seance.ics.

    Il suffit des classeurs d’avant la séance : Séance (date, heure, lieu,
    président, date de convocation), Présences avec le Statut vide,
    Délibérations avec N°, Titre, Exposé et Décision, sans vote. Une réunion
    qui a des problèmes n’a rien d’écrit : ils sont listés comme par check.
    Sans nom de réunion, toutes celles de data/.
    """
    from pipeline.commands import convocation as pack

    force, with_pdf, jobs = _run_options(ctx, force, with_pdf, jobs)
    meetings, folders, output = _setup(ctx, data, output, templates)
    meetings = _chosen(meetings, names)
    if with_pdf:
        _needs_libreoffice()
    results = _run(meetings, folders, output, force, with_pdf, jobs, pack.PACK)
    for result in results:
        console.report(result)
    sys.exit(0 if all(r.ok for r in results) else 1)


@main.command(context_settings=CONTEXT, short_help=SUMMARIES["site"])
@_common
@BUILD_OPTIONS[0]  # --force
@BUILD_OPTIONS[2]  # --jobs
@click.pass_context
def site(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    force: bool,
    jobs: int | None,
):
    """Écrit output/site/ : le site de publication des actes, à déposer sur
    le site internet de l’organisme.

    Construit d’abord chaque réunion de data/ comme make-minutes --pdf
    (LibreOffice requis), puis écrit un index par année, une page par
    réunion (ses documents et ses délibérations, chacune avec son PDF,
    son résultat et sa date de mise en ligne) et, par année, le CSV des
    délibérations (données ouvertes SCDL). Une réunion qui a des problèmes
    n’est pas publiée : le site est écrit pour les autres (code de sortie 1).
    """
    from pipeline.commands import site as publication

    force, _, jobs = _run_options(ctx, force, True, jobs)
    meetings, folders, output = _setup(ctx, data, output, templates)
    clash = publication.clash(meetings)
    if clash:
        click.echo(clash, err=True)
        sys.exit(2)
    _needs_libreoffice(publication.INSTALL, 1)  # as make-minutes prefecture
    results = _run(meetings, folders, output, force, True, jobs)
    for result in results:
        console.report(result)
    if len(results) > 1:
        console.summary(results)
    sys.exit(publication.publish(meetings, results, folders, output, force, jobs, click.echo))


@main.command(context_settings=CONTEXT, short_help=SUMMARIES["prefecture"])
@_common
@BUILD_OPTIONS[0]  # --force
@BUILD_OPTIONS[2]  # --jobs
@click.argument("names", nargs=-1, metavar="[RÉUNION]…")
@click.pass_context
def prefecture(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    force: bool,
    jobs: int | None,
    names: tuple[str, ...],
):
    """Écrit, pour le contrôle de légalité, dans output/RÉUNION/prefecture/ :
    l’extrait de chaque délibération en PDF/A, nommé d’après son numéro
    d’acte (B2022_017.pdf), et actes.csv, une ligne par acte avec ce que
    demande la plateforme de télétransmission (nature, numéro, objet, date,
    classification, fichier).

    Chaque délibération doit avoir un numéro d’acte et une matière ; avec
    data/classification.xml (la classification de la préfecture), sa matière
    doit en être. LibreOffice est requis. Une réunion qui a des problèmes n’a
    rien d’écrit. Sans nom de réunion, toutes celles de data/.
    """
    from pipeline.commands import prefecture as pack

    force, _, jobs = _run_options(ctx, force, True, jobs)
    meetings, folders, output = _setup(ctx, data, output, templates)
    meetings = _chosen(meetings, names)
    _needs_libreoffice(pack.INSTALL, 1)
    results = _run(meetings, folders, output, force, True, jobs, pack.PACK)
    for result in results:
        line = pack.summary(result)
        if line is None:
            console.report(result)
            continue
        click.echo(line)
        for copy in result.kept:
            click.echo(f"  - votre version modifiée est gardée dans {copy.name}")
        for problem in result.problems:
            click.echo(f"  - {problem}")
    sys.exit(0 if all(r.ok for r in results) else 1)


def _year(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """ANNÉE: a year of four figures, else a French usage error."""
    if not (value.isdigit() and len(value) == 4 and 1900 <= int(value) <= 2999):
        raise click.BadParameter(
            f"« {value} » n’est pas une année : tapez-la en quatre chiffres, par exemple "
            "« make-minutes registre 2022 ».",
            ctx=ctx,
            param=param,
        )
    return int(value)


@main.command(context_settings=CONTEXT, short_help=SUMMARIES["registre"])
@_common
@_building_now
@click.argument("year", metavar="ANNÉE", callback=_year)
@click.pass_context
def registre(
    ctx: click.Context,
    data: Path | None,
    output: Path | None,
    templates: Path | None,
    force: bool,
    with_pdf: bool,
    jobs: int | None,
    year: int,
):
    """Écrit dans output/registre-ANNÉE/ le registre des délibérations de
    l’année (registre.docx, et sa copie PDF/A avec --pdf) et ses données
    ouvertes (deliberations-ANNÉE.csv, au format SCDL).

    Le registre reprend, dans l’ordre des dates, chaque délibération des
    réunions de data/ datées de cette année, puis, après chaque séance, son
    feuillet de clôture à signer ; il finit par les tables par date, par
    objet et par matière. Les feuillets sont numérotés sur toute l’année.
    Une réunion de l’année qui a des problèmes n’est pas incluse : elle est
    listée, avec ses problèmes, en première page et à l’écran, et le code de
    sortie est 1.
    """
    from pipeline.commands import registre as register

    force, with_pdf, jobs = _run_options(ctx, force, with_pdf, jobs)
    meetings, folders, output = _setup(ctx, data, output, templates)
    clash = register.clash(meetings, year)
    if clash:
        click.echo(clash, err=True)
        sys.exit(2)
    if with_pdf:
        _needs_libreoffice()
    data_folder = _data_folder(ctx, data)
    sys.exit(
        register.run(
            data_folder,
            meetings,
            folders,
            output,
            year,
            force,
            with_pdf,
            jobs,
            click.echo,
        )
    )


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
