"""Bad inputs, as a clerk would make them: each one builds a real meeting in
tmp_path (conftest's default meeting with one thing changed), runs the real
command and checks the exit code and that nothing was written for that
meeting; then reads and checks the meeting again through the real pipeline
(conftest.problems_of, nothing written) for the code and place of each
problem, and the French message where its wording is the point."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    DELIBERATIONS,
    PRESENCES,
    checked_problems,
    make_meeting,
    problems_of,
    run,
    write_sheet,
)
from conftest import problem_lines as shared_problem_lines

# Places as Place.__str__ prints them.
SEANCE = "seance.xlsx, feuille « Séance »"
PRES = "presences.xlsx, feuille « Présences »"
DELIB = "deliberations.xlsx, feuille « Délibérations »"


# --- building the inputs --------------------------------------------------------


def presences(*changes: tuple[int, str, Any]) -> list[list[Any]]:
    """The default Présences with (data row, column header, value) changed;
    data row 1 is the sheet's line 2."""
    rows = copy.deepcopy(PRESENCES)
    for row, header, value in changes:
        rows[row][rows[0].index(header)] = value
    return rows


def deliberations(changes: dict[str, Any], rows: list[list[Any]] | None = None) -> list[list[Any]]:
    """The default Délibérations with cells of its first item changed."""
    rows = copy.deepcopy(rows or DELIBERATIONS)
    for header, value in changes.items():
        rows[1][rows[0].index(header)] = value
    return rows


def add_column(rows: list[list[Any]], header: str, value: Any) -> list[list[Any]]:
    """``rows`` with one more column, filled on the first data row only."""
    rows = copy.deepcopy(rows)
    rows[0].append(header)
    for i, row in enumerate(rows[1:]):
        row.append(value if i == 0 else None)
    return rows


def counts(pour: Any = None, contre: Any = None) -> list[list[Any]]:
    return deliberations({"Vote": None, "Pour": pour, "Contre": contre})


def meeting(**kwargs: Any) -> Callable[[Path], None]:
    return lambda folder: make_meeting(folder, **kwargs)


def then(setup: Callable[[Path], None], change: Callable[[Path], Any]) -> Callable[[Path], None]:
    def both(folder: Path) -> None:
        setup(folder)
        change(folder)

    return both


# --- running them -----------------------------------------------------------------


def build(tmp_path: Path, setup: Callable[[Path], None], name: str = "m") -> tuple[int, str]:
    setup(tmp_path / "data" / name)
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert "Traceback" not in output
    return code, output


# The warning every meeting without a SIRET and subjects gets once it has no
# error (tests/test_publication.py covers it): (code, place) as problems_of gives it.
OPEN_DATA = ("opendata.missing", "m")


def problem_lines(output: str) -> list[str]:
    """The problems printed, but the open-data warning every meeting without a
    SIRET and subjects gets (tests/test_publication.py covers it)."""
    return shared_problem_lines(output, open_data=False)


def assert_reported(output: str, place: str, fragment: str) -> None:
    """A problem printed at exactly ``place`` whose message holds ``fragment``."""
    found = [line for line in problem_lines(output) if line.startswith(f"{place} : ")]
    assert any(fragment in line for line in found), (
        f"expected « {fragment} » at « {place} », got:\n{output}"
    )


def assert_one_problem(data: Path, code: str, place: str, fragment: str, name: str = "m") -> None:
    """Reading and checking meeting ``name`` of ``data`` finds exactly one
    problem: ``code`` at ``place``, its message holding ``fragment``."""
    found = checked_problems(data)[name]
    assert [(p.code, str(p.place)) for p in found] == [(code, place)], found
    assert fragment in found[0].message, found[0]


def assert_failed(tmp_path: Path, code: int, output: str, problems: int, name: str = "m") -> None:
    assert code == 1, output
    assert not (tmp_path / "out" / name).exists(), output
    word = "problème" if problems == 1 else "problèmes"
    assert f"{name} : {problems} {word}, rien n’a été écrit pour cette réunion." in output, output
    assert len(problem_lines(output)) == problems, output


# --- one problem each --------------------------------------------------------------

CASES = [
    pytest.param(
        meeting(presences=presences((1, "Statut", "presnt"))),
        "presence.unknown-status",
        f"{PRES}, cellule E2 (Florence RODINGER, colonne « Statut »)",
        "valeur inconnue « presnt » : attendu « présent », « excusé », « absent » ou « suppléé ».",
        id="statut-mal-orthographie",
    ),
    pytest.param(
        meeting(presences=presences((2, "Civilité", "Mr"))),
        "presence.unknown-civility",
        f"{PRES}, cellule B3 (Ernest CANDELA, colonne « Civilité »)",
        "valeur inconnue « Mr » : attendu « M. » ou « Mme ».",
        id="civilite-mal-orthographiee",
    ),
    pytest.param(
        meeting(seance={"Lieux": "dans ses locaux"}, drop=("Lieu",)),
        "seance.unknown-field",
        f"{SEANCE}, cellule A11",
        "champ inconnu « Lieux ». Vouliez-vous dire « Lieu » ?",
        id="champ-inconnu",
    ),
    pytest.param(
        meeting(drop=("Date",)),
        "seance.missing-field",
        SEANCE,
        "champ obligatoire « Date » manquant : ajoutez-le sur une ligne, son nom en colonne A "
        "et sa valeur en colonne B (par exemple A11 et B11).",
        id="date-manquante",
    ),
    pytest.param(
        meeting(seance={"Date": "le 28 novembre"}),
        "value.not-a-date",
        f"{SEANCE}, cellule B5 (colonne « Date »)",
        "date attendue (JJ/MM/AAAA ou AAAA-MM-JJ), trouvé « le 28 novembre ».",
        id="date-illisible",
    ),
    pytest.param(
        meeting(seance={"Date": "32/13/2016"}),
        "value.impossible-date",
        f"{SEANCE}, cellule B5 (colonne « Date »)",
        "« 32/13/2016 » n’est pas une date qui existe.",
        id="date-32-13",
    ),
    pytest.param(
        meeting(seance={"Date": "31/02/2016"}),
        "value.impossible-date",
        f"{SEANCE}, cellule B5 (colonne « Date »)",
        "« 31/02/2016 » n’est pas une date qui existe.",
        id="date-31-fevrier",
    ),
    pytest.param(
        meeting(seance={"Heure d'ouverture": "dix-sept heures"}),
        "value.not-a-time",
        f"{SEANCE}, cellule B6 (colonne « Heure d'ouverture »)",
        "heure attendue (17:00, 17h00 ou 17 h), trouvé « dix-sept heures ».",
        id="heure-illisible",
    ),
    pytest.param(
        meeting(seance={"Heure d'ouverture": "25:00"}),
        "value.not-a-time",
        f"{SEANCE}, cellule B6 (colonne « Heure d'ouverture »)",
        "heure attendue (17:00, 17h00 ou 17 h), trouvé « 25:00 ».",
        id="heure-25",
    ),
    pytest.param(
        meeting(deliberations=counts(pour=2, contre=1)),
        "vote.total-mismatch",
        f"{DELIB}, ligne 2",
        "les décomptes du point 1 ne tombent pas juste : Pour + Contre + Abstentions + NPPV "
        "= 3, alors que 4 membres sont présents ou représentés.",
        id="decomptes-faux",
    ),
    pytest.param(
        meeting(deliberations=counts(pour="douze")),
        "value.not-a-number",
        f"{DELIB}, cellule F2 (colonne « Pour »)",
        "nombre entier attendu, trouvé « douze ».",
        id="decompte-en-lettres",
    ),
    pytest.param(
        meeting(deliberations=counts(pour=2.5)),
        "value.not-a-whole-number",
        f"{DELIB}, cellule F2 (colonne « Pour »)",
        "nombre entier positif ou nul attendu, trouvé « 2,5 ».",
        id="decompte-decimal",
    ),
    pytest.param(
        meeting(deliberations=counts(pour=-1)),
        "value.not-a-whole-number",
        f"{DELIB}, cellule F2 (colonne « Pour »)",
        "nombre entier positif ou nul attendu, trouvé « -1 ».",
        id="decompte-negatif",
    ),
    pytest.param(
        meeting(deliberations=deliberations({"Vote": "majorité"})),
        "vote.unknown-vote",
        f"{DELIB}, cellule E2 (colonne « Vote »)",
        "valeur inconnue « majorité » : attendu « unanimité », ou la cellule vide et les "
        "décomptes dans Pour, Contre, Abstentions, NPPV.",
        id="vote-inconnu",
    ),
    pytest.param(
        meeting(deliberations=deliberations({"Vote": None})),
        "vote.missing",
        f"{DELIB}, ligne 2, colonne « Vote »",
        "vote manquant pour le point 1 : écrivez « unanimité » dans « Vote »",
        id="vote-manquant",
    ),
    pytest.param(
        meeting(deliberations=DELIBERATIONS + [[1, "Autre point", None, None, "unanimité"]]),
        "deliberation.duplicate-number",
        f"{DELIB}, cellule A3 (colonne « N° »)",
        f"le N° 1 est déjà utilisé ({DELIB}, ligne 2).",
        id="numero-en-double",
    ),
    pytest.param(
        meeting(deliberations=[row[:1] + row[2:] for row in DELIBERATIONS]),
        "column.missing",
        f"{DELIB}, ligne 1",
        "colonne obligatoire « Titre » introuvable dans la ligne d’en-têtes.",
        id="colonne-titre-manquante",
    ),
    pytest.param(
        then(meeting(), lambda f: (f / "presences.xlsx").unlink()),
        "sheet.missing",
        "m",
        "feuille obligatoire « Présences » introuvable dans les classeurs de la réunion "
        "(deliberations.xlsx, seance.xlsx).",
        id="feuille-presences-manquante",
    ),
    pytest.param(
        then(meeting(), lambda f: write_sheet(f / "deliberations.xlsx", "Présences", PRESENCES)),
        "sheet.duplicate",
        PRES,
        "la feuille « Présences » apparaît deux fois dans cette réunion (aussi dans "
        "deliberations.xlsx, feuille « Présences ») : gardez-en une seule.",
        id="feuille-en-double",
    ),
    pytest.param(
        then(
            meeting(), lambda f: (f / "notes.xlsx").write_text("Ordre du jour\n", encoding="utf-8")
        ),
        "file.not-a-workbook",
        "notes.xlsx",
        "ce fichier n’est pas un classeur Excel (.xlsx) lisible.",
        id="texte-nomme-xlsx",
    ),
    pytest.param(
        then(meeting(), lambda f: (f / "vide.xlsx").write_bytes(b"")),
        "file.empty",
        "vide.xlsx",
        "le fichier est vide : attendu un classeur Excel (.xlsx).",
        id="xlsx-vide",
    ),
    pytest.param(
        then(meeting(), lambda f: (f / "tarifs.ods").write_bytes(b"PK\x03\x04")),
        "file.not-a-workbook",
        "tarifs.ods",
        "ce fichier n’est pas un classeur LibreOffice Calc (.ods) lisible.",
        id="classeur-ods-illisible",
    ),
    pytest.param(
        then(meeting(), lambda f: (f / "tarifs.numbers").write_bytes(b"PK\x03\x04")),
        "file.unsupported-format",
        "tarifs.numbers",
        "le format .numbers n’est pas encore pris en charge (formats lus : .ods, .xls, .xlsm, "
        ".xlsx) : enregistrez le classeur au format Excel (.xlsx).",
        id="classeur-numbers",
    ),
    pytest.param(
        meeting(deliberations=counts(pour="=1+1")),
        "cell.formula-not-computed",
        f"{DELIB}, cellule F2",
        "formule sans valeur calculée : ouvrez le classeur dans Excel ou LibreOffice Calc",
        id="formule-sans-valeur",
    ),
    pytest.param(
        meeting(presences=presences((1, "Pouvoir à", "Philippe VARLET"))),
        "proxy.giver-present",
        f"{PRES}, ligne 2 (Florence RODINGER), colonne « Pouvoir à »",
        "ce membre siège pendant toute la séance : il ne donne pas de pouvoir. Videz « Pouvoir à »",
        id="pouvoir-donne-par-un-present",
    ),
    pytest.param(
        meeting(presences=presences((4, "Pouvoir à", "Philipe VARLET"))),
        "member.unknown-name",
        f"{PRES}, cellule F5 (Stéphane DECAYEUX, colonne « Pouvoir à »)",
        "titulaire du pouvoir « Philipe VARLET » introuvable dans la feuille « Présences » : "
        "attendu le prénom et le nom d’un membre. Vouliez-vous dire « Philippe VARLET » ?",
        id="pouvoir-a-un-nom-proche",
    ),
    pytest.param(
        meeting(presences=presences((4, "Pouvoir à", "Ernest CANDELA"))),
        "proxy.holder-absent",
        f"{PRES}, ligne 5 (Stéphane DECAYEUX), colonne « Pouvoir à »",
        "le titulaire du pouvoir (Ernest CANDELA) ne siège à aucun moment où ce pouvoir "
        "compterait : un pouvoir ne peut être donné qu’à un membre présent (CGCT L2121-20).",
        id="pouvoir-a-un-excuse",
    ),
    pytest.param(
        meeting(presences=presences((2, "Pouvoir à", "Philippe VARLET"))),
        "proxy.too-many",
        f"{PRES}, ligne 5 (Stéphane DECAYEUX), colonne « Pouvoir à »",
        "Philippe VARLET détiendrait plus d’un pouvoir à l’ouverture de la séance : un membre "
        "ne peut en détenir plus d’un",
        id="deux-pouvoirs-au-meme-membre",
    ),
    pytest.param(
        meeting(seance={"Président": "Ernest CANDELA"}),
        "officer.absent-at-opening",
        f"{PRES}, ligne 3 (Ernest CANDELA)",
        "Le président (Ernest CANDELA) doit être présent à l’ouverture de "
        "la séance, or son statut est « excusé ».",
        id="president-excuse",
    ),
    pytest.param(
        meeting(seance={"Secrétaire de séance": "Jean DUPONT"}),
        "member.unknown-name",
        f"{SEANCE}, cellule B11 (colonne « Secrétaire de séance »)",
        "secrétaire de séance « Jean DUPONT » introuvable dans la feuille « Présences »",
        id="secretaire-inconnu",
    ),
    pytest.param(
        meeting(seance={"Date de convocation": dt.datetime(2016, 11, 29)}),
        "seance.convocation-after-meeting",
        f"{SEANCE}, cellule B8 (colonne « Date de convocation »)",
        "la convocation (29/11/2016) est postérieure à la séance (28/11/2016).",
        id="convocation-apres-la-seance",
    ),
    pytest.param(
        meeting(seance={"Quorum": "présents"}, presences=presences((1, "Statut", "excusée"))),
        "quorum.not-reached-at-opening",
        f"{DELIB}, cellule E2 (colonne « Vote »)",
        "vote enregistré pour le point 1 alors que le quorum n’est pas atteint (2 pour 3 "
        "requis) : l’instance ne pouvait pas délibérer.",
        id="quorum-non-atteint",
    ),
    pytest.param(
        meeting(deliberations=counts(pour=2, contre=2)),
        "vote.tie-without-named-votes",
        f"{DELIB}, ligne 2",
        "partage égal des voix au point 1 (2 pour, 2 contre) : la voix de la personne qui préside "
        "est prépondérante ; indiquez les votes nominatifs de ce point dans la feuille « Votes »",
        id="egalite-des-voix",
    ),
    pytest.param(
        meeting(presences=add_column(PRESENCES, "Arrivée", 2)),
        "deliberation.unknown-number",
        f"{PRES}, cellule G2 (Florence RODINGER, colonne « Arrivée »)",
        "aucune délibération n° 2 dans la feuille « Délibérations ».",
        id="arrivee-a-un-point-inexistant",
    ),
    pytest.param(
        then(
            meeting(),
            lambda f: write_sheet(
                f / "votes.xlsx",
                "Votes",
                [["N°", "Membre", "Vote"], [1, "Ernest CANDELA", "contre"]],
            ),
        ),
        "vote.voter-not-taking-part",
        "votes.xlsx, feuille « Votes », ligne 2",
        "Ernest CANDELA ne prend pas part au point 1 (absent, parti, retiré, ou sans pouvoir "
        "qui compte) : son vote ne peut pas être indiqué.",
        id="vote-nominatif-d-un-absent",
    ),
    pytest.param(
        meeting(deliberations=add_column(DELIBERATIONS, "Scrutin", "à bulletins")),
        "vote.unknown-ballot",
        f"{DELIB}, cellule J2 (colonne « Scrutin »)",
        "valeur inconnue « à bulletins » : attendu « main levée », « public » ou « secret ».",
        id="scrutin-inconnu",
    ),
    pytest.param(
        meeting(seance={"Numérotation": "B{AAAA}-{NNN}"}),
        "act.invalid-number",
        f"{DELIB}, ligne 2, colonne « N° »",
        "numéro d’acte « B2016-001 » refusé (caractère refusé : « - ») : de 1 à 15 caractères "
        "parmi A à Z (majuscules sans accent), 0 à 9 et _, sans _ au début ni à la fin (règle "
        "de la plateforme ACTES, appliquée par S²LOW).",
        id="numero-d-acte-hors-actes",
    ),
    pytest.param(
        meeting(presences=presences((2, "Statut", "suppléé"))),
        "presence.substitute-missing",
        f"{PRES}, ligne 3 (Ernest CANDELA), colonne « Suppléé par »",
        "statut « suppléé » : indiquez dans « Suppléé par » le nom du suppléant qui siège.",
        id="supplee-sans-suppleant",
    ),
    pytest.param(
        # The president's own row is wrong: one problem, not also "président introuvable".
        meeting(presences=presences((3, "Statut", "presnt"))),
        "presence.unknown-status",
        f"{PRES}, cellule E4 (Philippe VARLET, colonne « Statut »)",
        "valeur inconnue « presnt »",
        id="statut-faux-du-president",
    ),
    pytest.param(
        meeting(presences=[row[:4] + row[5:] for row in PRESENCES]),
        "column.missing",
        f"{PRES}, ligne 1",
        "colonne obligatoire « Statut » introuvable dans la ligne d’en-têtes.",
        id="colonne-statut-manquante",
    ),
]


@pytest.mark.parametrize(("setup", "code", "place", "fragment"), CASES)
def test_one_bad_input_is_named_and_nothing_is_written(
    tmp_path: Path, setup: Callable[[Path], None], code: str, place: str, fragment: str
) -> None:
    exit_code, output = build(tmp_path, setup)
    assert_failed(tmp_path, exit_code, output, problems=1)
    assert_one_problem(tmp_path / "data", code, place, fragment)


# --- several problems ---------------------------------------------------------------


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    code, output = build(
        tmp_path,
        meeting(
            seance={"Date": "31/02/2016"},
            presences=presences((1, "Statut", "presnt")),
            deliberations=deliberations({"Vote": "oui"}),
        ),
    )
    assert_failed(tmp_path, code, output, problems=3)
    assert sorted(problems_of(tmp_path / "data")["m"]) == [
        ("presence.unknown-status", f"{PRES}, cellule E2 (Florence RODINGER, colonne « Statut »)"),
        ("value.impossible-date", f"{SEANCE}, cellule B5 (colonne « Date »)"),
        ("vote.unknown-vote", f"{DELIB}, cellule E2 (colonne « Vote »)"),
    ]


def test_a_misspelt_required_field_is_unknown_and_missing(tmp_path: Path) -> None:
    code, output = build(
        tmp_path,
        meeting(seance={"Heure d'ouvertur": "17:00"}, drop=("Heure d'ouverture",)),
    )
    assert_failed(tmp_path, code, output, problems=2)
    unknown, missing = checked_problems(tmp_path / "data")["m"]
    assert (unknown.code, str(unknown.place)) == ("seance.unknown-field", f"{SEANCE}, cellule A11")
    assert unknown.message.endswith("Vouliez-vous dire « Heure d'ouverture » ?")
    assert (missing.code, str(missing.place)) == ("seance.missing-field", SEANCE)
    assert "« Heure d'ouverture »" in missing.message


def test_a_proxy_to_a_stranger_gets_no_hint(tmp_path: Path) -> None:
    code, output = build(tmp_path, meeting(presences=presences((4, "Pouvoir à", "Jean DUPONT"))))
    assert_failed(tmp_path, code, output, problems=1)
    assert_one_problem(
        tmp_path / "data",
        "member.unknown-name",
        f"{PRES}, cellule F5 (Stéphane DECAYEUX, colonne « Pouvoir à »)",
        "titulaire du pouvoir « Jean DUPONT » introuvable dans la feuille « Présences »",
    )
    assert "Vouliez-vous dire" not in output


def test_the_other_meetings_are_still_built(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "bonne")
    code, output = build(
        tmp_path, meeting(presences=presences((1, "Statut", "presnt"))), name="mauvaise"
    )
    assert_failed(tmp_path, code, output, problems=1, name="mauvaise")
    assert (tmp_path / "out" / "bonne" / "proces-verbal.docx").is_file()
    assert "bonne : proces-verbal.docx, liste-deliberations.docx, 1 extrait écrits dans" in output


# --- warnings: the build goes on ------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "code", "place", "fragment"),
    [
        pytest.param(
            meeting(deliberations=add_column(DELIBERATIONS, "Commentaire", "à relire")),
            "column.unknown",
            f"{DELIB}, cellule J1",
            "avertissement : colonne « Commentaire » ignorée : elle n’est pas reconnue",
            id="colonne-inconnue",
        ),
        pytest.param(
            meeting(seance={"Date de convocation": dt.datetime(2016, 11, 25)}),
            "seance.short-notice",
            f"{SEANCE}, cellule B8 (colonne « Date de convocation »)",
            "avertissement : convocation du 25/11/2016 pour la séance du 28/11/2016 : 2 jours "
            "francs seulement, pour un délai de 5 jours francs (article L2121-12 du CGCT",
            id="convocation-tardive",
        ),
    ],
)
def test_a_warning_does_not_stop_the_build(
    tmp_path: Path, setup: Callable[[Path], None], code: str, place: str, fragment: str
) -> None:
    exit_code, output = build(tmp_path, setup)
    assert exit_code == 0, output
    assert (tmp_path / "out" / "m" / "proces-verbal.docx").is_file()
    assert problems_of(tmp_path / "data") == {"m": [(code, place), OPEN_DATA]}
    # Printed as a warning, in French.
    assert_reported(output, place, fragment)
    assert len(problem_lines(output)) == 1, output


def test_five_clear_days_give_no_warning(tmp_path: Path) -> None:
    """The default « Délai de convocation » (tests/test_convocation_rules.py
    for the others): sent on the 22nd, the 23rd to the 27th."""
    meeting(seance={"Date de convocation": dt.datetime(2016, 11, 22)})(tmp_path / "data" / "m")
    assert problems_of(tmp_path / "data") == {"m": [OPEN_DATA]}
