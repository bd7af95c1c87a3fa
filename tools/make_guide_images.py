"""The worked example of ``docs/guide.md``, and its pictures.

Run ``python tools/make_guide_images.py`` (LibreOffice and pdftoppm
needed): in a temporary folder, it does what the guide tells the clerk to do
for the fictitious « Conseil syndical du 12 mars 2025 » of the syndicat mixte
de la Vallée des Saules (``transcript``) — ``make-minutes new``, the
workbooks filled cell by cell with openpyxl (first with a misspelt status,
then corrected), ``make-minutes check``, ``make-minutes``, a retouch in Word
and ``--force``, ``--pdf``, ``make-minutes new … --from …``, then the
mistakes of « En cas de problème » — prints every command with what it
printed (the ``console`` blocks of the guide are exactly these), and renders
with LibreOffice the pictures of ``docs/images/``:

- ``classeur-vierge-seance.png``: the blank Séance sheet made by ``new``;
- ``classeur-vierge-commentaire.png``: the blank Présences sheet, the comment
  of the « Statut » header shown as the spreadsheet shows it under the mouse;
- ``presences-remplie.png``: the Présences sheet of the example, filled;
- ``proces-verbal-page-1.png``: page 1 of the minutes;
- ``extrait-page-1.png``: page 1 of the extract of deliberation CS2025_004;
- ``convocation-page-1.png``: the first letter of the convocation pack;
- ``feuille-emargement-page-1.png``: the sign-in sheet of the pack.

Only the rendering copies get print settings (grid, row and column
headings, landscape, one page wide) and the shown comment; the workbooks of
the example are the ones ``new`` wrote, filled.

``tests/test_guide.py`` runs ``write_example`` and ``transcript`` (without
LibreOffice) and compares with the guide: when the program's messages
change, rerun this script and copy its output into ``docs/guide.md``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO / "docs" / "images"
if str(REPO) not in sys.path:  # run as « python tools/make_guide_images.py »
    sys.path.insert(0, str(REPO))

EXAMPLE = "2025-03-12-conseil-syndical"
NEXT = "2025-06-18-conseil-syndical"

SEANCE = {
    "Organisme": "syndicat mixte de la Vallée des Saules",
    "Instance": "Conseil syndical",
    "Membres": "délégués",
    "Date": dt.datetime(2025, 3, 12),
    "Heure d'ouverture": dt.time(18, 0),
    "Heure de clôture": dt.time(19, 10),
    "Date de convocation": dt.datetime(2025, 3, 5),
    "Lieu": "à la salle des fêtes de Saint-Aubin",
    "Président": "Claire MARTIN",
    "Secrétaire de séance": "Jean DUVAL",
    "Procès-verbal précédent": dt.datetime(2025, 1, 28),
    "Vote du procès-verbal précédent": "unanimité",
    "Numérotation": "CS{AAAA}_{NNN}",
    "Premier numéro": 4,
    "SIRET": "20001234200016",
}
# Collège, Civilité, Prénom, Nom, Statut, Pouvoir à
PRESENCES = [
    ["CC du Pays des Saules", "Mme", "Claire", "MARTIN", "présent", None],
    ["CC du Pays des Saules", "M.", "Jean", "DUVAL", "présent", None],
    ["CC du Pays des Saules", "Mme", "Sophie", "LEROY", "présent", None],
    ["CC du Pays des Saules", "M.", "Paul", "BERNARD", "excusé", "Claire MARTIN"],
    ["CC du Plateau", "M.", "Louis", "PETIT", "présent", None],
    ["CC du Plateau", "Mme", "Anne", "ROUX", "présent", None],
    ["CC du Plateau", "M.", "Marc", "FAURE", "absent", None],
    ["CC du Plateau", "Mme", "Julie", "GIRARD", "présent", None],
]
# The misspelt status of the guide's « check » example: row 5 of Présences.
MISTAKE = ("BERNARD", "exusé")
DELIBERATIONS = [
    {
        "N°": 1,
        "Titre": "Budget primitif 2025",
        "Exposé": (
            "Madame la Présidente présente le budget primitif 2025, équilibré en dépenses "
            "et en recettes :\n"
            "- section de fonctionnement : 412 000 € ;\n"
            "- section d’investissement : 185 000 €."
        ),
        "Débats": "Aucune observation.",
        "Décision": (
            "Après en avoir délibéré, les délégués du Conseil syndical adoptent le budget "
            "primitif 2025."
        ),
        "Vote": "unanimité",
        "Matière": "7.1 Décisions budgétaires",
    },
    {
        "N°": 2,
        "Titre": "Adhésion de la commune de Saint-Aubin",
        "Exposé": (
            "Par délibération du 20 janvier 2025, la commune de Saint-Aubin demande à "
            "adhérer au syndicat pour l’entretien des rivières."
        ),
        "Débats": (
            "M. Louis PETIT s’interroge sur la contribution de la commune. Madame la "
            "Présidente précise qu’elle sera fixée au prochain budget."
        ),
        "Décision": (
            "Après en avoir délibéré, les délégués du Conseil syndical approuvent l’adhésion "
            "de la commune de Saint-Aubin au syndicat."
        ),
        "Pour": 6,
        "Contre": 0,
        "Abstentions": 1,
        "NPPV": 0,
        "Matière": "5.7 Intercommunalité",
    },
]
# N°, Membre, Vote
VOTES = [[2, "Louis PETIT", "abstention"]]


def make_minutes(*args: str, cwd: Path) -> tuple[int, str]:
    """Run the real command in ``cwd``, as the clerk types it there; (exit
    code, everything it printed, errors included, in the order printed)."""
    from click.testing import CliRunner

    from pipeline.cli import main as command

    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            command, list(args), prog_name="make-minutes", catch_exceptions=False
        )
    finally:
        os.chdir(previous)
    return result.exit_code, result.output


def _header(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1] if cell.value}


# What is typed only once the meeting is held: left empty before it (« before »).
AT_THE_MEETING = (
    "Heure de clôture",
    "Secrétaire de séance",
    "Vote du procès-verbal précédent",
    "Débats",
    "Vote",
    "Pour",
    "Contre",
    "Abstentions",
    "NPPV",
)


def fill(folder: Path, *, mistake: bool = False, before: bool = False) -> None:
    """Type the example into the blank workbook of ``folder``, as the clerk
    does: values in the cells under the headers, nothing else changed.
    ``before``: as it is two weeks before the meeting, for « make-minutes
    convocation » (no status, no vote: :data:`AT_THE_MEETING` left empty)."""
    wb = openpyxl.load_workbook(folder / "seance.xlsx")
    ws = wb["Séance"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in SEANCE:
            held = before and row[0].value in AT_THE_MEETING
            row[1].value = None if held else SEANCE[row[0].value]

    ws = wb["Présences"]
    for index, member in enumerate(PRESENCES, start=2):
        for column, value in enumerate(member, start=1):
            if mistake and member[3] == MISTAKE[0] and column == 5:
                value = MISTAKE[1]
            if before and column >= 5:  # Statut, Pouvoir à
                value = None
            ws.cell(index, column).value = value

    ws = wb["Délibérations"]
    columns = _header(ws)
    for index, item in enumerate(DELIBERATIONS, start=2):
        for title, value in item.items():
            held = before and title in AT_THE_MEETING
            ws.cell(index, columns[title]).value = None if held else value
    ws = wb["Votes"]
    for index, vote in enumerate([] if before else VOTES, start=2):
        for column, value in enumerate(vote, start=1):
            ws.cell(index, column).value = value
    wb.save(folder / "seance.xlsx")


def write_example(workdir: Path, *, mistake: bool = False) -> Path:
    """``make-minutes new`` in ``workdir``, then the example typed into its
    workbooks; the meeting folder ``workdir/data/<EXAMPLE>``."""
    code, printed = make_minutes("new", EXAMPLE, cwd=workdir)
    if code != 0:
        raise RuntimeError(printed)
    folder = workdir / "data" / EXAMPLE
    fill(folder, mistake=mistake)
    return folder


# Pictures ------------------------------------------------------------------


def _soffice(profile: Path, outdir: Path, *files: Path, to: str = "pdf") -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) est nécessaire pour les images du guide.")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
    )


def _print_copy(source: Path, sheet: str, target: Path, *, landscape: bool) -> Path:
    """A copy of ``source`` holding only ``sheet``, set up to print like the
    screen: grid, row and column headings, one page wide."""
    wb = openpyxl.load_workbook(source)
    for ws in list(wb):
        if ws.title != sheet:
            wb.remove(ws)
    for name in list(wb.defined_names):  # the drop-down lists name the sheets removed
        del wb.defined_names[name]
    ws = wb[sheet]
    ws.print_options.gridLines = True
    ws.print_options.headings = True
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    wb.save(target)
    return target


def _show_comment(ods: Path, cell_text: str) -> None:
    """Make the comment of the header cell ``cell_text`` of an .ods shown
    (« Afficher le commentaire »), so that it is printed where the
    spreadsheet draws it under the mouse."""
    with zipfile.ZipFile(ods) as z:
        parts = {name: z.read(name) for name in z.namelist()}
        infos = {info.filename: info for info in z.infolist()}
    content = parts["content.xml"].decode("utf-8")
    cells = re.split(r"(?=<table:table-cell)", content)
    for i, cell in enumerate(cells):
        if f"<text:p>{cell_text}</text:p>" in cell and "<office:annotation" in cell:
            # Shown, and drawn just below and right of the cell's corner (the
            # caption point), where the spreadsheet shows it under the mouse.
            corner = float(re.search(r'draw:caption-point-x="([\d.]+)in"', cell).group(1))
            cell = re.sub(r' office:display="\w+"', "", cell)
            cell = re.sub(r'svg:x="[\d.]+in"', f'svg:x="{corner + 0.2:.4f}in"', cell, count=1)
            cell = re.sub(r'svg:y="[\d.]+in"', 'svg:y="0.3in"', cell, count=1)
            cell = re.sub(r'svg:width="[\d.]+in"', 'svg:width="2in"', cell, count=1)
            cell = re.sub(r'svg:height="[\d.]+in"', 'svg:height="0.6in"', cell, count=1)
            cells[i] = cell.replace(
                "<office:annotation", '<office:annotation office:display="true"', 1
            )
            break
    else:
        raise RuntimeError(f"commentaire de « {cell_text} » introuvable")
    parts["content.xml"] = "".join(cells).encode("utf-8")
    with zipfile.ZipFile(ods, "w") as z:
        for name, data in parts.items():
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(infos[name], data, compress_type=compress)


def _png(pdf: Path, target: Path, *, resolution: int = 80, trim: bool = False) -> Path:
    """Page 1 of ``pdf`` as ``target`` (PNG); ``trim`` cuts the white margins."""
    crop: list[str] = []
    if trim:
        x0, y0, x1, y1 = _content_box(pdf, resolution)
        crop = ["-x", str(x0), "-y", str(y0), "-W", str(x1 - x0), "-H", str(y1 - y0)]
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile", *crop]
        + [str(pdf), str(stem)],
        check=True,
    )
    return target


def _content_box(pdf: Path, resolution: int, margin: int = 8) -> tuple[int, int, int, int]:
    """The box of page 1 that is not white, in pixels at ``resolution``."""
    done = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile", str(pdf)],
        check=True,
        stdout=subprocess.PIPE,
    )
    data = done.stdout
    # PGM: "P5\n<width> <height>\n<maxval>\n" then one byte a pixel.
    fields = data.split(maxsplit=4)
    width, height = int(fields[1]), int(fields[2])
    pixels = data[len(data) - width * height :]
    rows = [pixels[y * width : (y + 1) * width] for y in range(height)]
    inked = [y for y, row in enumerate(rows) if min(row) < 250]
    left = min(next(x for x, v in enumerate(row) if v < 250) for row in (rows[y] for y in inked))
    right = max(
        width - next(x for x, v in enumerate(reversed(row)) if v < 250)
        for row in (rows[y] for y in inked)
    )
    return (
        max(left - margin, 0),
        max(inked[0] - margin, 0),
        min(right + margin, width),
        min(inked[-1] + 1 + margin, height),
    )


def make_images(workdir: Path, images: Path = IMAGES) -> list[Path]:
    """Render the pictures of the guide from the meeting built in ``workdir``
    (``blank/`` holds the blank workbooks made by ``new``)."""
    images.mkdir(parents=True, exist_ok=True)
    render = workdir / "render"
    render.mkdir()
    profile = workdir / "lo-profile"
    blank = workdir / "blank"
    folder = workdir / "data" / EXAMPLE
    output = workdir / "output" / EXAMPLE

    copies = [
        _print_copy(
            blank / "seance.xlsx", "Séance", render / "vierge-seance.xlsx", landscape=False
        ),
        _print_copy(
            blank / "seance.xlsx", "Présences", render / "vierge-presences.xlsx", landscape=True
        ),
        _print_copy(
            folder / "seance.xlsx",
            "Présences",
            render / "presences-remplie.xlsx",
            landscape=True,
        ),
    ]
    # The comment is shown in an .ods copy: openpyxl always writes hidden ones.
    _soffice(profile, render, copies[1], to="ods")
    commented = render / "vierge-presences.ods"
    _show_comment(commented, "Statut")
    _soffice(
        profile,
        render,
        copies[0],
        copies[2],
        commented,
        output / "proces-verbal.docx",
        output / "extraits" / "CS2025_004-budget-primitif-2025.docx",
        output / "convocation" / "convocations.docx",
        output / "convocation" / "feuille-emargement.docx",
    )
    sheets = {  # a sheet is trimmed to its cells, and shown a little larger than a page
        "vierge-seance.pdf": "classeur-vierge-seance.png",
        "vierge-presences.pdf": "classeur-vierge-commentaire.png",
        "presences-remplie.pdf": "presences-remplie.png",
    }
    pages = {
        "proces-verbal.pdf": "proces-verbal-page-1.png",
        "CS2025_004-budget-primitif-2025.pdf": "extrait-page-1.png",
        "convocations.pdf": "convocation-page-1.png",
        "feuille-emargement.pdf": "feuille-emargement-page-1.png",
    }
    written = [
        _png(render / pdf, images / png, resolution=110, trim=True) for pdf, png in sheets.items()
    ]
    written += [_png(render / pdf, images / png) for pdf, png in pages.items()]
    return written


def _set(workbook: Path, sheet: str, cell: str, value: object) -> None:
    """Type ``value`` in one cell, as the clerk would."""
    wb = openpyxl.load_workbook(workbook)
    wb[sheet][cell].value = value
    wb.save(workbook)


def _edit_in_word(document: Path) -> None:
    """What a clerk's retouch in Word amounts to: one more paragraph."""
    import docx

    edited = docx.Document(str(document))
    edited.add_paragraph("Le public a assisté à la séance.")
    edited.save(str(document))


def transcript(workdir: Path, *, pdf: bool = False) -> list[tuple[str, int, str]]:
    """Everything the guide shows, done for real in ``workdir``, in the
    guide's order: (command line, exit code, what it printed). ``pdf`` adds
    ``make-minutes --pdf`` (LibreOffice needed). Leaves in ``workdir`` the
    built example (``data/``, ``output/``) and the blank workbooks made by
    ``new`` (``blank/``)."""
    shown = []

    def say(*args: str, cwd: Path = workdir) -> None:
        code, printed = make_minutes(*args, cwd=cwd)
        shown.append((" ".join(["make-minutes", *args]), code, printed))

    # Installation: the sample meeting shipped with the tool, built.
    installed = workdir / "installation"
    shutil.copytree(REPO / "data", installed / "data")
    say(cwd=installed)
    # Create, fill (with a misspelt status), check, correct, build.
    say("new", EXAMPLE)
    folder = workdir / "data" / EXAMPLE
    shutil.copytree(folder, workdir / "blank")
    # Before the meeting: the convocation pack.
    fill(folder, before=True)
    say("convocation")
    fill(folder, mistake=True)
    say("check")
    fill(folder)
    say("check")
    say()
    # A retouch in Word: kept, then regenerated with --force.
    minutes = workdir / "output" / EXAMPLE / "proces-verbal.docx"
    _edit_in_word(minutes)
    say()
    say("--force")
    if pdf:
        say("--pdf")
    # The next meeting, from this one.
    say("new", NEXT, "--from", EXAMPLE)
    say()
    say("check", EXAMPLE)
    shutil.rmtree(workdir / "data" / NEXT)
    # « En cas de problème » : a misspelt name, a copied workbook, no data/.
    workbook = folder / "seance.xlsx"
    _set(workbook, "Présences", "F5", "Claire MARTAIN")
    say("check")
    _set(workbook, "Présences", "F5", "Claire MARTIN")
    copy = folder / "seance - Copie.xlsx"
    shutil.copy(workbook, copy)
    say("check")
    copy.unlink()
    elsewhere = workdir / "seances"
    elsewhere.mkdir()
    say(cwd=elsewhere)
    return shown


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="guide-") as tmp:
        workdir = Path(tmp)
        for command, code, printed in transcript(workdir, pdf=True):
            print(f"$ {command}\n{printed}(code {code})\n")
        for path in make_images(workdir):
            print(f"{path.relative_to(REPO)} : {path.stat().st_size // 1024} Ko")


if __name__ == "__main__":
    main()
