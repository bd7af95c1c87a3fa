"""Publication: the signature block, the list of deliberations (CGCT
L2121-25), one extract of the register per deliberation, the open-data CSV
(SCDL « Délibérations » 2.1.5) and the PDF/A copies (--pdf).

Every test writes real workbooks, runs the real command and reads back the
files it wrote: .docx paragraphs with python-docx, the CSV with the csv
module and frictionless against the schema file, the PDFs with pypdf.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    PRESENCES,
    REPO,
    SAMPLE,
    docx_text,
    make_meeting,
    problem_lines,
    run,
    write_sheet,
)

NB = "\u00a0"  # before « : » and between a figure and its noun
AP = "\u2019"  # the typographic apostrophe
BLANK = "………………………………"  # the dotted line left for a date
# The SCDL 2.1.5 Table Schema: a copy in tests/fixtures/ if there is one,
# else the project's shared specs.
SCHEMA = next(
    (
        path
        for path in (
            REPO / "tests" / "fixtures" / "scdl-deliberations-2.1.5.schema.json",
            REPO.parent / "shared" / "spec" / "scdl-deliberations-2.1.5.schema.json",
            Path("/work/shared/spec/scdl-deliberations-2.1.5.schema.json"),
        )
        if path.is_file()
    ),
    None,
)
needs_schema = pytest.mark.skipif(
    SCHEMA is None and not os.environ.get("CI"),
    reason="schéma SCDL 2.1.5 (scdl-deliberations-2.1.5.schema.json) introuvable",
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CI installs LibreOffice (.ci/run): there a missing soffice is a failure.
needs_libreoffice = pytest.mark.skipif(
    not SOFFICE and not os.environ.get("CI"),
    reason="LibreOffice (soffice) absent : voir .ci/run",
)

SAMPLE_TITLES = [
    "Convention cadre Espaces Numériques de Travail",
    f"Convention avec le réseau CANOPE de l{AP}Académie d{AP}Amiens",
    (
        "Convention de partenariat avec le Centre de Gestion de la Fonction publique "
        f"territoriale du Nord pour la mise en œuvre d{AP}un système d{AP}archivage électronique"
    ),
]
SAMPLE_EXTRACTS = [
    "1-convention-cadre-espaces-numeriques-de.docx",
    "2-convention-avec-le-reseau-canope-de.docx",
    "3-convention-de-partenariat-avec-le-centre.docx",
]
# Two by two: the roles on one line, the names below (set apart by tab stops).
SAMPLE_SIGNATURES = [
    f"Procès-verbal arrêté en séance du {BLANK}",
    "Le Président",
    "Le secrétaire de séance",
    "Philippe VARLET",
    "Philippe COCQ",
]
# Neither transmitted nor published yet: the dates are left to the hand, and
# « Certifié exécutoire » waits for both (tests/test_accuses.py).
CERTIFICATION = [
    f"Transmis en préfecture le {BLANK}",
    f"Publié le {BLANK}",
]

# --- a meeting with every kind of outcome ------------------------------------------------

HEADERS = [
    "N°",
    "Titre",
    "Exposé",
    "Décision",
    "Vote",
    "Pour",
    "Contre",
    "Abstentions",
    "Scrutin",
    "Matière",
]
# conftest's five members: RODINGER, VARLET, COCQ present, CANDELA excused,
# DECAYEUX excused with his proxy to VARLET → 3 present + 1 represented = 4.
LONG_TITLE = (
    "Approbation du rapport annuel sur le prix et la qualité du service public de "
    "l’assainissement collectif et non collectif pour l’exercice 2016, présenté par le "
    "Président au Bureau après avis de la commission consultative"
)[:200]
assert len(LONG_TITLE) == 200
ITEMS: list[dict[str, Any]] = [
    {
        "Titre": "Budget 2017/2018 : « DM n°2 » & reports",
        "Vote": "unanimité",
        "Matière": "7.1 Décisions budgétaires",
    },
    {
        "Titre": "Convention avec la Région",
        "Pour": 1,
        "Contre": 3,
        "Matière": "1.4 Autres types de contrats",
    },
    {
        "Titre": "Élection du président",
        "Scrutin": "secret",
        "Pour": 2,
        "Contre": 2,
        "Matière": "5.2 Fonctionnement des assemblées",
    },
    {
        "Titre": "Adhésion de la commune de Ham",
        "Scrutin": "public",
        "Pour": 2,
        "Contre": 1,
        "Abstentions": 1,
        "Matière": "8.1 Enseignement",
    },
    {"Titre": LONG_TITLE, "Vote": "unanimité", "Matière": "8.1 Enseignement"},
]
# Item 4, by roll call: COCQ against, DECAYEUX (by proxy) abstains, the rest for.
VOTES = [
    ["N°", "Membre", "Vote"],
    [4, "Philippe COCQ", "contre"],
    [4, "Stéphane DECAYEUX", "abstention"],
]
NUMBERED = {"Numérotation": "B{AAAA}_{NNN}", "SIRET": "200 000 008 00017"}


def item_rows(items: list[dict[str, Any]]) -> list[list[Any]]:
    rows = [HEADERS]
    for n, cells in enumerate(items, start=1):
        cells = {"N°": n, "Exposé": f"Exposé du point {n}.", "Décision": f"Décision {n}.", **cells}
        rows.append([cells.get(h) for h in HEADERS])
    return rows


def build(
    tmp_path: Path,
    seance: dict[str, Any] | None = None,
    items: list[dict[str, Any]] | None = None,
    presences: list[list[Any]] | None = None,
    votes: list[list[Any]] | None = None,
    *extra: str,
) -> tuple[int, str, Path]:
    """Write the meeting ``seance`` in tmp_path/data, run the command;
    (exit code, what it printed, the meeting's output folder)."""
    folder = make_meeting(
        tmp_path / "data" / "seance",
        seance=seance,
        presences=presences,
        deliberations=item_rows(items if items is not None else ITEMS),
    )
    if votes:
        write_sheet(folder / "votes.xlsx", "Votes", votes)
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"), *extra)
    assert "Traceback" not in output and "erreur inattendue" not in output, output
    return code, output, tmp_path / "out" / "seance"


def in_order(text: list[str], expected: list[str]) -> None:
    """Each of ``expected`` is a paragraph of ``text``, in this order."""
    position = 0
    for line in expected:
        assert line in text[position:], f"« {line} » missing after paragraph {position}: {text}"
        position = text.index(line, position) + 1


def sample_copy(tmp: Path) -> Path:
    """A data folder holding a copy of the sample meeting alone."""
    shutil.copytree(SAMPLE, tmp / "data" / SAMPLE.name)
    return tmp / "data"


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample meeting built once (no SIRET, no Matière: no CSV)."""
    tmp = tmp_path_factory.mktemp("sample")
    code, output = run("--data", str(sample_copy(tmp)), "--output", str(tmp / "out"))
    assert code == 0, output
    return tmp / "out" / SAMPLE.name


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The meeting with every outcome, act numbers, a SIRET and a Matière."""
    code, output, out = build(tmp_path_factory.mktemp("outcomes"), NUMBERED, ITEMS, None, VOTES)
    assert code == 0, output
    assert problem_lines(output) == [], output
    return out


# --- 1. the signature block ---------------------------------------------------------------


def test_sample_minutes_end_with_the_signature_block(sample_out: Path) -> None:
    text = docx_text(sample_out / "proces-verbal.docx")
    assert text[-6] == "La séance est levée à 17h45."
    assert text[-5:] == SAMPLE_SIGNATURES


def test_a_woman_presiding_and_two_secretaries(tmp_path: Path) -> None:
    presences = [
        *PRESENCES,
        ["Communautés de communes", "Mme", "Claire", "DUVAL", "présente", None],
    ]
    seance = {
        "Président": "Florence RODINGER",
        "Secrétaire de séance": "Philippe COCQ; Claire DUVAL",
    }
    code, output, out = build(tmp_path, seance, ITEMS[:1], presences)
    assert code == 0, output
    block = [  # two by two, the third alone on its line
        "La Présidente",
        "Le secrétaire de séance",
        "Florence RODINGER",
        "Philippe COCQ",
        "La secrétaire de séance",
        "Claire DUVAL",
    ]
    minutes = docx_text(out / "proces-verbal.docx")
    assert minutes[-7:] == [f"Procès-verbal arrêté en séance du {BLANK}", *block]
    assert "Philippe COCQ et Claire DUVAL sont désignés secrétaires de séance." in minutes
    # The list is signed by the presiding officer alone; the extract as the minutes.
    assert docx_text(out / "liste-deliberations.docx")[-2:] == [
        "La Présidente",
        "Florence RODINGER",
    ]
    (extract,) = (out / "extraits").iterdir()
    assert docx_text(extract)[-8:] == [*block, *CERTIFICATION]


def test_a_woman_secretary_alone(tmp_path: Path) -> None:
    presences = [
        *PRESENCES,
        ["Communautés de communes", "Mme", "Claire", "DUVAL", "présente", None],
    ]
    code, output, out = build(
        tmp_path, {"Secrétaire de séance": "Claire DUVAL"}, ITEMS[:1], presences
    )
    assert code == 0, output
    assert docx_text(out / "proces-verbal.docx")[-4:] == [
        "Le Président",
        "La secrétaire de séance",
        "Philippe VARLET",
        "Claire DUVAL",
    ]


# --- 2. the list of deliberations ---------------------------------------------------------


def test_sample_list_of_deliberations(sample_out: Path) -> None:
    text = docx_text(sample_out / "liste-deliberations.docx")
    votes = f"Votants{NB}: 5 – Pour{NB}: 5 – Contre{NB}: 0 – Abstentions{NB}: 0"
    rows = [[str(n), title, "Adoptée", votes] for n, title in enumerate(SAMPLE_TITLES, start=1)]
    assert text == [
        "Syndicat mixte Somme Numérique",
        "BUREAU du 28 novembre 2016",
        "Liste des délibérations",
        (
            "Délibérations examinées par les membres du Bureau du syndicat mixte Somme "
            "Numérique en sa séance du 28 novembre 2016 (article L2121-25 du CGCT)."
        ),
        "N°",
        f"N°{NB}d{AP}acte",
        "Objet",
        "Résultat",
        "Votes",
        *(cell for row in rows for cell in row),  # no act number: the cell stays empty
        f"Affichée le {BLANK}",
        f"Mise en ligne le {BLANK}",
        "Le Président",
        "Philippe VARLET",
    ]


def test_list_shows_each_outcome_and_the_act_numbers(outcomes: Path) -> None:
    text = docx_text(outcomes / "liste-deliberations.docx")
    start = text.index("Votes") + 1
    rows = [text[i : i + 5] for i in range(start, start + 5 * len(ITEMS), 5)]
    assert rows == [
        [
            "1",
            "B2016_001",
            f"Budget 2017/2018{NB}: «{NB}DM n°2{NB}» & reports",
            "Adoptée",
            f"Votants{NB}: 4 – Pour{NB}: 4 – Contre{NB}: 0 – Abstentions{NB}: 0",
        ],
        [
            "2",
            "B2016_002",
            "Convention avec la Région",
            "Rejetée",
            f"Votants{NB}: 4 – Pour{NB}: 1 – Contre{NB}: 3 – Abstentions{NB}: 0",
        ],
        [
            # A secret ballot: blank or spoilt papers, not abstentions; a tie is not adopted.
            "3",
            "B2016_003",
            "Élection du président",
            "Non adoptée",
            f"Votants{NB}: 4 – Pour{NB}: 2 – Contre{NB}: 2 – Blancs ou nuls{NB}: 0",
        ],
        [
            "4",
            "B2016_004",
            "Adhésion de la commune de Ham",
            "Adoptée",
            f"Votants{NB}: 4 – Pour{NB}: 2 – Contre{NB}: 1 – Abstentions{NB}: 1",
        ],
        [
            "5",
            "B2016_005",
            LONG_TITLE,
            "Adoptée",
            f"Votants{NB}: 4 – Pour{NB}: 4 – Contre{NB}: 0 – Abstentions{NB}: 0",
        ],
    ]
    assert text[start + 5 * len(ITEMS) :] == [
        f"Affichée le {BLANK}",
        f"Mise en ligne le {BLANK}",
        "Le Président",
        "Philippe VARLET",
    ]


def test_a_meeting_without_deliberations_has_no_list_nor_extract(tmp_path: Path) -> None:
    others = [["Partie", "Titre", "Texte"], ["Informations", "Point d’étape", "Un point."]]
    folder = make_meeting(tmp_path / "data" / "seance", others=others)
    # « Délibérations » holds its header row only; « Autres points » one point.
    (folder / "deliberations.xlsx").unlink()
    write_sheet(folder / "deliberations.xlsx", "Délibérations", [HEADERS])
    write_sheet(folder / "deliberations.xlsx", "Autres points", others)
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, output
    assert problem_lines(output) == [], output  # no CSV warning either: nothing to publish
    out = tmp_path / "out" / "seance"
    assert sorted(p.name for p in out.iterdir()) == [".make-minutes.json", "proces-verbal.docx"]


# --- 3. the extracts -----------------------------------------------------------------------


def test_sample_extract_names(sample_out: Path) -> None:
    assert sorted(p.name for p in (sample_out / "extraits").iterdir()) == SAMPLE_EXTRACTS


def test_awkward_titles_give_safe_file_names(outcomes: Path) -> None:
    names = sorted(p.name for p in (outcomes / "extraits").iterdir())
    assert len(names) == len(ITEMS)  # one per deliberation
    for n, name in enumerate(names, start=1):
        act, slug = re.fullmatch(r"(B2016_00\d)-(.+)\.docx", name).groups()
        assert act == f"B2016_00{n}"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), name  # ASCII, lower case, hyphens
        assert len(slug) <= 40, name
    assert names[0].startswith("B2016_001-budget-2017-2018-dm-")  # "/" is a hyphen, « » & go
    assert names[0].endswith("-reports.docx")
    assert names[1] == "B2016_002-convention-avec-la-region.docx"
    assert names[2] == "B2016_003-election-du-president.docx"
    assert names[3] == "B2016_004-adhesion-de-la-commune-de-ham.docx"
    assert names[4].startswith("B2016_005-approbation-du-rapport-annuel")


def test_a_shortened_name_keeps_the_first_words_of_the_title(outcomes: Path) -> None:
    from slugify import slugify

    (name,) = [p.name for p in (outcomes / "extraits").iterdir() if p.name.startswith("B2016_005")]
    slug = name.removeprefix("B2016_005-").removesuffix(".docx")
    assert slugify(LONG_TITLE).startswith(slug + "-")  # the title's words, in order, none skipped


def test_sample_extract_text(sample_out: Path) -> None:
    text = docx_text(sample_out / "extraits" / SAMPLE_EXTRACTS[0])
    assert text[:3] == [
        "Syndicat mixte Somme Numérique",
        "Extrait du registre des délibérations",
        "BUREAU du 28 novembre 2016",
    ]
    assert text[3].startswith("L’an deux mille seize, le vingt-huit novembre à 17h00, le BUREAU")
    assert text[4:9] == [
        f"Délégués en exercice{NB}: 9",
        f"Présents{NB}: 4",
        f"Représentés{NB}: 1",
        f"Votants{NB}: 5",
        (
            f"Le quorum est atteint avec 5{NB}délégués présents ou représentés, le Bureau "
            "peut donc valablement délibérer."
        ),
    ]
    assert text[9] == f"1. {SAMPLE_TITLES[0]}"
    assert text[10].startswith("Depuis janvier 2008, les conditions de déploiement")  # exposé
    assert text[11].startswith("Après en avoir délibéré, les membres du Bureau approuvent")
    assert text[12:] == [
        f"Adoptée à l{AP}unanimité",
        f"Votants{NB}: 5 – Pour{NB}: 5 – Contre{NB}: 0 – Abstentions{NB}: 0",
        *SAMPLE_SIGNATURES[1:],  # the extract is not « arrêté en séance »
        *CERTIFICATION,
    ]
    # Each extract holds its own deliberation only.
    for name, title in zip(SAMPLE_EXTRACTS, SAMPLE_TITLES):
        text = docx_text(sample_out / "extraits" / name)
        headings = [line for line in text if re.match(r"\d\. ", line)]
        assert headings == [f"{name[0]}. {title}"]


def test_extract_of_a_rejected_item(outcomes: Path) -> None:
    text = docx_text(outcomes / "extraits" / "B2016_002-convention-avec-la-region.docx")
    in_order(
        text,
        [
            "Extrait du registre des délibérations",
            "BUREAU du 28 novembre 2016",
            f"Délégués en exercice{NB}: 5",
            f"Présents{NB}: 3",
            f"Représentés{NB}: 1",
            f"Votants{NB}: 4",
            (
                f"Le quorum est atteint avec 3{NB}délégués présents, le Bureau peut donc "
                "valablement délibérer."
            ),
            f"2. Convention avec la Région (n°{NB}B2016_002)",
            "Exposé du point 2.",
            "Décision 2.",
            f"Rejetée à la majorité (1{NB}voix pour, 3{NB}voix contre)",
            "Le Président",
            "Philippe VARLET",
            *CERTIFICATION,
        ],
    )


def test_extract_of_a_tie_in_a_secret_ballot(outcomes: Path) -> None:
    text = docx_text(outcomes / "extraits" / "B2016_003-election-du-president.docx")
    assert (
        f"Non adoptée, faute de majorité (partage égal des voix{NB}: 2{NB}voix pour, "
        f"2{NB}voix contre)"
    ) in text
    assert not any(line.startswith(("Pour", "Contre")) for line in text)  # nobody named


def test_extract_of_an_item_with_named_votes(outcomes: Path) -> None:
    text = docx_text(outcomes / "extraits" / "B2016_004-adhesion-de-la-commune-de-ham.docx")
    in_order(
        text,
        [
            f"4. Adhésion de la commune de Ham (n°{NB}B2016_004)",
            f"Adoptée à la majorité (2{NB}voix pour, 1{NB}voix contre, 1{NB}abstention)",
            f"Pour{NB}: Florence RODINGER, Philippe VARLET",
            f"Contre{NB}: Philippe COCQ",
            f"Abstention{NB}: Stéphane DECAYEUX (représenté par Philippe VARLET)",
            "Le Président",
        ],
    )


def test_extract_counts_are_those_of_its_item(tmp_path: Path) -> None:
    # 7 in office (quorum 4). Anne ROY sits throughout, Claire DUVAL arrives at
    # item 2: 4 present for item 1, 5 for item 2; DECAYEUX's proxy: 1 represented.
    presences = [[*PRESENCES[0], "Arrivée"]] + [[*row, None] for row in PRESENCES[1:]]
    presences.append(["Communautés de communes", "Mme", "Anne", "ROY", "présente", None, None])
    presences.append(["Communautés de communes", "Mme", "Claire", "DUVAL", "présente", None, 2])
    items = [
        {"Titre": "Premier point", "Vote": "unanimité"},
        {"Titre": "Second point", "Vote": "unanimité"},
    ]
    code, output, out = build(tmp_path, None, items, presences)
    assert code == 0, output
    for name, present, voters in (
        ("1-premier-point.docx", 4, 5),
        ("2-second-point.docx", 5, 6),
    ):
        text = docx_text(out / "extraits" / name)
        start = text.index(f"Délégués en exercice{NB}: 7")
        assert text[start : start + 4] == [
            f"Délégués en exercice{NB}: 7",
            f"Présents{NB}: {present}",
            f"Représentés{NB}: 1",
            f"Votants{NB}: {voters}",
        ], name


# --- 4. deliberations.csv (SCDL 2.1.5) --------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    text = raw.decode("utf-8")  # UTF-8, or this raises
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=","))


def validate(path: Path) -> None:
    """The CSV is valid against the SCDL 2.1.5 Table Schema."""
    from frictionless import Resource, Schema

    assert SCHEMA is not None, "the SCDL 2.1.5 schema file is required in CI"
    schema = Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    # frictionless refuses absolute paths unless given a base folder.
    resource = Resource(path=path.name, basepath=str(path.parent), schema=schema)
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert resource.format == "csv" and resource.encoding == "utf-8"


@needs_schema
def test_csv_is_valid_scdl(outcomes: Path) -> None:
    validate(outcomes / "deliberations.csv")
    fields = [f["name"] for f in json.loads(SCHEMA.read_text(encoding="utf-8"))["fields"]]
    header = (outcomes / "deliberations.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(fields)  # every field, in the schema's order, comma-separated


# DELIB_MATIERE_NOM: « niveau 1/niveau 2 » of the ACTES nomenclature.
FINANCES, ORDERS = "Finances locales", "Commande publique"
POLITICS, THEMES = "Institutions et vie politique", "Domaines de compétences par thèmes"


def test_csv_rows(outcomes: Path) -> None:
    rows = read_csv(outcomes / "deliberations.csv")
    common = {
        "COLL_NOM": "syndicat mixte Somme Numérique",
        "COLL_SIRET": "20000000800017",  # typed with spaces
        "DELIB_DATE": "2016-11-28",
        "VOTE_EFFECTIF": "5",  # members in office
        "VOTE_REEL": "4",  # 3 present + 1 proxy
        "BUDGET_ANNEE": "",
        "BUDGET_NOM": "",
        "PREF_ID": "",
        "PREF_DATE": "",
        "DELIB_URL": "",
    }
    expected = [
        ("B2016_001", "7.1", f"{FINANCES}/Décisions budgétaires", ITEMS[0]["Titre"], 4, 0, 0),
        ("B2016_002", "1.4", f"{ORDERS}/Autres types de contrats", ITEMS[1]["Titre"], 1, 3, 0),
        (
            "B2016_003",
            "5.2",
            f"{POLITICS}/Fonctionnement des assemblées",
            ITEMS[2]["Titre"],
            2,
            2,
            0,
        ),
        ("B2016_004", "8.1", f"{THEMES}/Enseignement", "Adhésion de la commune de Ham", 2, 1, 1),
        ("B2016_005", "8.1", f"{THEMES}/Enseignement", LONG_TITLE, 4, 0, 0),
    ]
    assert len(rows) == len(expected)
    for row, (ident, code, name, title, pour, contre, abstention) in zip(rows, expected):
        assert row == {
            **common,
            "DELIB_ID": ident,
            "DELIB_MATIERE_CODE": code,
            "DELIB_MATIERE_NOM": name,
            "DELIB_OBJET": title,  # as typed: "/", « », & kept
            "VOTE_POUR": str(pour),
            "VOTE_CONTRE": str(contre),
            "VOTE_ABSTENTION": str(abstention),
        }


@needs_schema
def test_csv_without_numbering_identifies_by_date_and_number(tmp_path: Path) -> None:
    items = [
        {"Titre": "Cantine scolaire", "Vote": "unanimité", "Matière": "8.1 Enseignement"},
        {
            "Titre": "Marché de nettoyage",
            "Pour": 3,
            "Contre": 1,
            "Matière": "1.4 Autres types de contrats",
        },
    ]
    code, output, out = build(tmp_path, {"SIRET": "20000000800017"}, items)
    assert code == 0, output
    (warning,) = problem_lines(output)  # the CSV is written; numbers are advised (issue 15)
    assert "avertissement : aucune délibération n’a de numéro d’acte" in warning, output
    validate(out / "deliberations.csv")
    rows = read_csv(out / "deliberations.csv")
    assert [r["DELIB_ID"] for r in rows] == ["20161128_1", "20161128_2"]
    assert [(r["VOTE_EFFECTIF"], r["VOTE_REEL"]) for r in rows] == [("5", "4"), ("5", "4")]
    assert [(r["VOTE_POUR"], r["VOTE_CONTRE"]) for r in rows] == [("4", "0"), ("3", "1")]
    assert "deliberations.csv" in output.splitlines()[0]


def test_no_siret_no_csv_but_every_other_document(tmp_path: Path) -> None:
    code, output, out = build(tmp_path, {"Numérotation": "B{AAAA}_{NNN}"}, ITEMS, None, VOTES)
    assert code == 0, output
    assert problem_lines(output) == [
        (
            "seance : avertissement : deliberations.csv (données ouvertes SCDL) n’est pas "
            "écrit : il manque le SIRET de l’organisme (champ « SIRET » de la feuille « Séance »)."
        )
    ], output
    assert not (out / "deliberations.csv").exists()
    assert (out / "proces-verbal.docx").is_file()
    assert (out / "liste-deliberations.docx").is_file()
    assert len(list((out / "extraits").iterdir())) == len(ITEMS)


def test_a_deliberation_without_matiere_no_csv(tmp_path: Path) -> None:
    items = [dict(i) for i in ITEMS]
    del items[1]["Matière"], items[3]["Matière"]
    code, output, out = build(tmp_path, NUMBERED, items, None, VOTES)
    assert code == 0, output
    (warning,) = problem_lines(output)
    assert warning.startswith("seance : avertissement : deliberations.csv"), warning
    assert "la matière ACTES (colonne « Matière ») des délibérations n° 2, 4" in warning
    assert "SIRET" not in warning
    assert not (out / "deliberations.csv").exists()
    assert (out / "proces-verbal.docx").is_file()
    assert (out / "liste-deliberations.docx").is_file()
    assert len(list((out / "extraits").iterdir())) == len(ITEMS)


def test_a_malformed_matiere_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    items = [dict(i) for i in ITEMS]
    items[1]["Matière"] = "Enseignement"
    code, output, out = build(tmp_path, NUMBERED, items, None, VOTES)
    assert code == 1, output
    assert problem_lines(output) == [
        (
            "deliberations.xlsx, feuille « Délibérations », cellule J3 (colonne « Matière ») : "
            "matière « Enseignement » illisible : attendu un code de la nomenclature ACTES, "
            "seul ou suivi de son nom, par exemple « 8.1 » ou « 8.1 Enseignement »."
        )
    ], output
    assert not out.exists()


def test_a_malformed_siret_is_an_error(tmp_path: Path) -> None:
    code, output, out = build(tmp_path, {"SIRET": "2538000180001"}, ITEMS[:1])
    assert code == 1, output
    (error,) = [line for line in problem_lines(output) if "avertissement" not in line]
    assert "(colonne « SIRET ») : SIRET attendu sur 14 chiffres, trouvé « 2538000180001 »." in error
    assert not out.exists()


def test_a_matiere_on_two_lines_does_not_crash(tmp_path: Path) -> None:
    items = [{"Titre": "Cantine", "Vote": "unanimité", "Matière": "8.1 Enseignement\nprimaire"}]
    folder = make_meeting(
        tmp_path / "data" / "seance",
        seance={"SIRET": "20000000800017"},
        deliberations=item_rows(items),
    )
    assert folder.is_dir()
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert "erreur inattendue" not in output, output
    assert code in (0, 1), output


# --- 5. --pdf -------------------------------------------------------------------------------


def pdfa_identification(pdf: Path) -> tuple[str, str]:
    """(pdfaid:part, pdfaid:conformance) from the PDF's XMP metadata stream,
    written as elements or as attributes."""
    from pypdf import PdfReader

    xmp = PdfReader(str(pdf)).trailer["/Root"]["/Metadata"].get_object().get_data()
    xmp = xmp.decode("utf-8")
    found = []
    for name in ("part", "conformance"):
        match = re.search(rf"<pdfaid:{name}>\s*([^<\s]+)\s*</pdfaid:{name}>", xmp) or re.search(
            rf'pdfaid:{name}\s*=\s*"([^"]+)"', xmp
        )
        assert match, f"no pdfaid:{name} in the XMP of {pdf.name}"
        found.append(match[1])
    return found[0], found[1]


def _marked_texts(page: Any) -> dict[int, str]:
    """The text of each marked-content id (MCID) of a PDF page."""
    from pypdf.generic import DictionaryObject

    open_: list[int | None] = []  # the marked contents around the text
    texts: dict[int, str] = {}

    def visit(text: str, *_: Any) -> None:
        ids = [i for i in open_ if i is not None]
        if ids:
            texts[ids[-1]] = texts.get(ids[-1], "") + text

    def operator(op: bytes, args: Any, *_: Any) -> None:
        if op == b"BDC":
            found = isinstance(args[1], DictionaryObject) and "/MCID" in args[1]
            open_.append(int(args[1]["/MCID"]) if found else None)
        elif op == b"BMC":
            open_.append(None)
        elif op == b"EMC" and open_:
            open_.pop()

    page.extract_text(visitor_text=visit, visitor_operand_before=operator)
    return texts


def structure(pdf: Path) -> list[tuple[str, str, str]]:
    """The structure tree of a tagged PDF, element by element in reading
    order: (its standard type, through the RoleMap; "/Table n" if it is
    inside the table that is element n, else ""; its text, read from the
    pages' marked contents)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject

    reader = PdfReader(str(pdf))
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    roles = root.get("/RoleMap", {})
    texts = [_marked_texts(page) for page in reader.pages]
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    out: list[tuple[str, str, str]] = []

    def text_of(node: Any, page: int | None) -> str:
        node = node.get_object()
        if isinstance(node, int):  # a marked-content id
            return texts[page].get(node, "") if page is not None else ""
        if isinstance(node, ArrayObject):
            return "".join(text_of(k, page) for k in node)
        if isinstance(node, DictionaryObject):
            if "/Pg" in node:
                page = pages.get(node.raw_get("/Pg").idnum, page)
            if "/MCID" in node:
                return texts[page].get(int(node["/MCID"]), "") if page is not None else ""
            return text_of(node["/K"], page) if "/K" in node else ""
        return ""

    def walk(node: Any, table: str) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, table)
            return
        if not isinstance(node, DictionaryObject) or "/S" not in node:
            return
        kind = str(roles.get(node["/S"], node["/S"]))
        page = pages.get(node.raw_get("/Pg").idnum) if "/Pg" in node else None
        text = text_of(node["/K"], page) if "/K" in node else ""
        out.append((kind, table, " ".join(text.split())))
        if "/K" in node:
            walk(node["/K"], f"/Table {len(out) - 1}" if kind == "/Table" else table)

    walk(root["/K"], "")
    return out


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    assert SOFFICE, "soffice is required in CI (installed by .ci/run)"
    tmp = tmp_path_factory.mktemp("pdf")
    code, output = run("--data", str(sample_copy(tmp)), "--output", str(tmp / "out"), "--pdf")
    assert code == 0, output
    return tmp / "out" / SAMPLE.name, output


@needs_libreoffice
def test_pdf_beside_each_docx(sample_pdf: tuple[Path, str]) -> None:
    out, output = sample_pdf
    docx = sorted(p.relative_to(out) for p in out.rglob("*.docx"))
    pdfs = sorted(p.relative_to(out) for p in out.rglob("*.pdf"))
    assert [str(p) for p in docx] == [
        "annexe-tarifs.docx",
        *(f"extraits/{name}" for name in SAMPLE_EXTRACTS),
        "liste-deliberations.docx",
        "proces-verbal.docx",
    ]
    assert pdfs == [p.with_suffix(".pdf") for p in docx]
    assert "leurs copies PDF/A" in output.splitlines()[0]
    # The manifest records the PDFs too: an edited PDF is kept like an edited .docx.
    manifest = json.loads((out / ".make-minutes.json").read_text(encoding="utf-8"))
    assert {str(p) for p in pdfs} <= set(manifest["fichiers"])


@needs_libreoffice
def test_each_pdf_is_pdfa_2b(sample_pdf: tuple[Path, str]) -> None:
    out, _ = sample_pdf
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) == 6
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert pdfa_identification(pdf) == ("2", "B"), pdf.name


@needs_libreoffice
def test_each_pdf_is_tagged_for_accessibility(sample_pdf: tuple[Path, str]) -> None:
    """Issue 16, item 4: PDF/A-2b and PDF/UA-1 at once, tagged (a structure
    tree, /MarkInfo /Marked true, the document's language), and every
    table a data table with header cells: the signature block is not one."""
    from pypdf import PdfReader

    out, _ = sample_pdf
    for pdf in sorted(out.rglob("*.pdf")):
        catalog = PdfReader(str(pdf)).trailer["/Root"]
        assert catalog["/MarkInfo"]["/Marked"].value is True, pdf.name
        assert "/StructTreeRoot" in catalog, pdf.name
        assert catalog["/Lang"] == "fr-FR", pdf.name
        xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"<pdfuaid:part>\s*1\s*</pdfuaid:part>|pdfuaid:part=\"1\"", xmp)
        elements = structure(pdf)
        headers = {table for kind, table, _ in elements if kind == "/TH"}
        for n, (kind, _, _) in enumerate(elements):
            if kind == "/Table":
                assert f"/Table {n}" in headers, f"{pdf.name}: a table without header cells"
    # The signatures are two paragraphs outside any table: roles, then names.
    block = [
        ("/P", "", "Le Président Le secrétaire de séance"),
        ("/P", "", "Philippe VARLET Philippe COCQ"),
    ]
    assert structure(out / "proces-verbal.pdf")[-2:] == block
    extract = structure(out / "extraits" / SAMPLE_EXTRACTS[0].replace(".docx", ".pdf"))
    assert block[1] in extract


@needs_libreoffice
def test_pdf_text_of_the_minutes(sample_pdf: tuple[Path, str]) -> None:
    from pypdf import PdfReader

    out, _ = sample_pdf

    def text(pdf: Path) -> str:
        pages = PdfReader(str(pdf)).pages
        return " ".join(" ".join(p.extract_text() or "" for p in pages).replace(NB, " ").split())

    minutes = text(out / "proces-verbal.pdf")
    assert "BUREAU du 28 novembre 2016" in minutes
    assert "Philippe COCQ" in minutes and "Procès-verbal arrêté en séance du" in minutes
    assert "Liste des délibérations" in text(out / "liste-deliberations.pdf")
    extract = text(out / "extraits" / SAMPLE_EXTRACTS[1].replace(".docx", ".pdf"))
    assert "Extrait du registre des délibérations" in extract
    assert "Convention avec le réseau CANOPE" in extract and "Transmis en préfecture" in extract


def test_pdf_without_libreoffice_stops_at_once(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # neither soffice nor libreoffice can be found
    code, output = run("--data", str(sample), "--output", str(tmp_path / "out"), "--pdf")
    assert code == 2, output
    assert "--pdf demande LibreOffice, introuvable sur cet ordinateur" in output
    assert "apt-get install libreoffice-writer-nogui" in output
    assert not (tmp_path / "out").exists()  # nothing written, not even the .docx
    # Without --pdf the same PATH builds the documents.
    code, output = run("--data", str(sample), "--output", str(tmp_path / "out"))
    assert code == 0, output
    assert not list((tmp_path / "out").rglob("*.pdf"))


# --- stale outputs ---------------------------------------------------------------------------


def test_a_renamed_extract_does_not_leave_the_old_one(tmp_path: Path) -> None:
    items = [
        {"Titre": "Premier point", "Vote": "unanimité"},
        {"Titre": "Ancien titre", "Vote": "unanimité"},
    ]
    code, output, out = build(tmp_path, None, items)
    assert code == 0, output
    items[1]["Titre"] = "Nouveau titre"
    shutil.rmtree(tmp_path / "data")
    code, output, out = build(tmp_path, None, items)
    assert code == 0, output
    assert sorted(p.name for p in (out / "extraits").iterdir()) == [
        "1-premier-point.docx",
        "2-nouveau-titre.docx",
    ]


@needs_libreoffice
def test_pdfs_of_an_earlier_run_do_not_outlive_their_docx(tmp_path: Path) -> None:
    code, output, out = build(tmp_path, None, ITEMS[:1], None, None, "--pdf")
    assert code == 0, output
    assert (out / "proces-verbal.pdf").is_file()
    shutil.rmtree(tmp_path / "data")
    code, output, out = build(tmp_path, {"Heure de clôture": None}, ITEMS[:1])
    assert code == 0, output
    assert not (out / "proces-verbal.pdf").exists()
    # Said, not silent (issue 15, item 12); the copies of the documents that
    # did not change stay, still theirs.
    assert (
        "  - 1 copie PDF/A retirée : son document a changé depuis la construction avec --pdf ; "
        "relancez avec --pdf pour la refaire." in output.splitlines()
    ), output
    assert (out / "liste-deliberations.pdf").is_file()
    assert len(list((out / "extraits").glob("*.pdf"))) == 1


@needs_libreoffice
def test_pdfs_of_unchanged_documents_stay_after_a_build_without_pdf(tmp_path: Path) -> None:
    """Issue 15, item 12: a build without --pdf of the same meeting keeps
    every copy (before, it deleted them all without a word)."""
    code, output, out = build(tmp_path, None, ITEMS[:1], None, None, "--pdf")
    assert code == 0, output
    pdfs = {p: p.read_bytes() for p in out.rglob("*.pdf")}
    assert len(pdfs) == 3, pdfs
    code, output = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, output
    assert {p: p.read_bytes() for p in out.rglob("*.pdf")} == pdfs
    assert "retiré" not in output, output


@needs_libreoffice
def test_each_pdf_is_checked_against_its_document_s_title(sample_pdf: tuple[Path, str]) -> None:
    """The check that ties a PDF to its .docx: the title property LibreOffice
    carries into /Title (issue 16: reading each first page's text cost 18 s
    of the Paris meeting's 58)."""
    from pipeline.render import pdf

    out, _ = sample_pdf
    minutes = (out / "proces-verbal.docx").read_bytes()
    title = pdf.docx_title(minutes)
    assert title == "Procès-verbal – BUREAU du 28 novembre 2016"
    made = pdf._check(out / "proces-verbal.pdf", "", title)
    assert made == (out / "proces-verbal.pdf").read_bytes()
    wrong = pdf._check(out / "proces-verbal.pdf", "", "Extrait – BUREAU du 28 novembre 2016")
    assert isinstance(wrong, pdf.Failure) and wrong.code == "pdf.wrong-heading"
    # Without a title property, the first page's text is read for the heading.
    assert isinstance(pdf._check(out / "proces-verbal.pdf", "BUREAU du 28 novembre 2016"), bytes)
    assert isinstance(pdf._check(out / "proces-verbal.pdf", "Autre séance"), pdf.Failure)
