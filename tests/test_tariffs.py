"""Tariffs: exact money, the annex figure by figure, the rates in the minutes
from one source, and the bad inputs of the two sheets."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import docx_text, make_meeting, run, write_sheet
from hypothesis import given
from hypothesis import strategies as st

from pipeline.law import tariffs
from pipeline.words.french import euros, percent_change, rate, rate_change

D = Decimal

TARIFS = [
    [
        "Budget",
        "Service",
        "Catégorie",
        "Tarif HT",
        "Unité",
        "Plancher HT",
        "Plafond HT",
        "Tarif précédent HT",
        "Année",
    ],
    ["Budget annexe", "Dématérialisation", "Communes", 0.07, "habitant", 50, 5000, 0.07, 2017],
    ["Budget annexe", "Dématérialisation", "EPCI", "0,05", "habitant", 50, 5000, "0,045", 2017],
    ["Budget annexe", "Archivage", "Communes", "0,125", "habitant", None, None, None, 2017],
]
CONTRIBUTIONS = [
    ["Collectivité", "Service", "Catégorie", "Quantité"],
    ["Commune de Rue", "Dématérialisation", "Communes", 3000],  # 210,00
    ["Amiens Métropole", "Dématérialisation", "EPCI", 180000],  # 9 000 → 5 000,00
    ["Commune de Beauquesne", "Dématérialisation", "Communes", 450],  # 31,50 → 50,00
    ["Commune d'Abbeville", "Dématérialisation", "Communes", "23 237"],  # 1 626,59
    ["Commune d'Abbeville", "Archivage", "Communes", 1001],  # 125,125 → 125,13
]


# --- money, hand-worked ------------------------------------------------------------


def test_floor_raises_and_ceiling_lowers() -> None:
    assert tariffs.amount(D("0.07"), D(450), D(50), D(5000)) == D("50.00")  # 31,50 < 50
    assert tariffs.amount(D("0.05"), D(180000), D(50), D(5000)) == D("5000.00")  # 9 000 > 5 000
    assert tariffs.amount(D("0.07"), D(3000), D(50), D(5000)) == D("210.00")


def test_half_up_to_the_cent() -> None:
    # 0,125 × 1 001 = 125,125: half up gives 125,13 where half-even gives 125,12.
    assert tariffs.amount(D("0.125"), D(1001)) == D("125.13")
    assert round(0.125 * 1001, 2) == 125.12  # what float arithmetic would have printed


def test_totals_and_changes() -> None:
    assert tariffs.total([D("210.00"), D("5000.00"), D("50.00")]) == D("5260.00")
    assert tariffs.change(D("0.07"), D("0.07")) is tariffs.Change.UNCHANGED
    assert tariffs.change(D("0.09"), D("0.10")) == D("11.11")  # 0,01 / 0,09 = 11,111… %
    assert tariffs.change(D("0.10"), D("0.095")) == D("-5.00")
    assert tariffs.change(D(0), D("0.10")) is tariffs.Change.NEW
    assert tariffs.change(None, D("0.10")) is None


def test_money_formats() -> None:
    assert euros(D(2500)) == "2\u202f500,00\u00a0€"
    assert rate(D("0.07")) == "0,07\u00a0€"
    assert rate(D("0.125")) == "0,125\u00a0€"  # Babel's currency format would print 0,12
    assert percent_change(D("11.11")) == "+11,11\u00a0%"
    assert percent_change(D("-5")) == "\u22125,00\u00a0%"
    # The law gives numbers (or what no percentage says), the words word them.
    assert rate_change(tariffs.change(D("0.07"), D("0.07"))) == "inchangé"
    assert rate_change(tariffs.change(D(0), D("0.10"))) == "nouveau"
    assert rate_change(tariffs.change(D("0.09"), D("0.10"))) == "+11,11\u00a0%"
    assert rate_change(None) == ""


@given(
    st.decimals(min_value=0, max_value=100, places=3),
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=0, max_value=1000, places=2),
    st.decimals(min_value=0, max_value=10**5, places=2),
)
def test_amount_is_bounded_and_exact(r: Decimal, q: int, floor: Decimal, extra: Decimal) -> None:
    ceiling = floor + extra
    value = tariffs.amount(r, D(q), floor, ceiling)
    assert floor <= value <= ceiling
    assert value == value.quantize(D("0.01"))
    if floor <= r * q <= ceiling:
        assert abs(value - r * q) <= D("0.005")


# --- the sample-shaped meeting ----------------------------------------------------------


def build_with_tariffs(tmp_path: Path, tarifs=TARIFS, contributions=CONTRIBUTIONS, others=None):
    others = others or [
        ["Partie", "Texte", "Tarifs"],
        ["BUDGET", "Les tarifs :\n- Dématérialisation des flux comptables.", "Dématérialisation"],
        ["BUDGET", "Archivage électronique.", "Archivage"],
    ]
    folder = make_meeting(tmp_path / "data" / "m", others=others)
    write_sheet(folder / "tarifs.xlsx", "Tarifs", tarifs)
    if contributions:
        write_sheet(folder / "tarifs.xlsx", "Contributions", contributions)
    return run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))


def test_annex_figure_by_figure(tmp_path: Path) -> None:
    code, printed = build_with_tariffs(tmp_path)
    assert code == 0, printed
    assert "proces-verbal.docx, annexe-tarifs.docx, liste-deliberations.docx" in printed
    text = docx_text(tmp_path / "out" / "m" / "annexe-tarifs.docx")
    assert text[:3] == [
        "Syndicat mixte Somme Numérique",
        "Annexe au procès-verbal du BUREAU du 28 novembre 2016",  # the meeting it belongs to
        "Tarifs 2017",
    ]
    joined = "\n".join(text)
    # Rates: rate and unit, floor, ceiling, previous, change.
    for figure in [
        "0,07\u00a0€ / habitant",
        "0,05\u00a0€ / habitant",
        "0,125\u00a0€ / habitant",
        "50,00\u00a0€",
        "5\u202f000,00\u00a0€",
        "inchangé",
        "0,045\u00a0€",
        "+11,11\u00a0%",
    ]:
        assert figure in joined, figure
    # Contributions sorted by name, each amount exact, then the total.
    start = text.index("Amiens Métropole")
    assert text[start : start + 16] == [
        "Amiens Métropole",
        "EPCI",
        "180\u202f000",
        "5\u202f000,00\u00a0€",
        "Commune d’Abbeville",
        "Communes",
        "23\u202f237",
        "1\u202f626,59\u00a0€",
        "Commune de Beauquesne",
        "Communes",
        "450",
        "50,00\u00a0€",
        "Commune de Rue",
        "Communes",
        "3\u202f000",
        "210,00\u00a0€",
    ]
    # 5 000,00 + 1 626,59 + 50,00 + 210,00 = 6 886,59
    assert text[start + 16 : start + 18] == ["Total", "6\u202f886,59\u00a0€"]
    archive = text.index("Commune d’Abbeville", start + 18)
    assert text[archive : archive + 6] == [
        "Commune d’Abbeville",
        "Communes",
        "1\u202f001",
        "125,13\u00a0€",
        "Total",
        "125,13\u00a0€",
    ]


def test_the_minutes_quote_the_rates(tmp_path: Path) -> None:
    code, printed = build_with_tariffs(tmp_path)
    assert code == 0, printed
    from docx import Document

    document = Document(str(tmp_path / "out" / "m" / "proces-verbal.docx"))
    lines = [(p.text, p.style.name) for p in document.paragraphs]
    # The line the rates hang from points to the annex.
    at = lines.index(("Dématérialisation des flux comptables (voir annexe).", "List Bullet"))
    assert lines[at + 1 : at + 4] == [
        ("Communes\u00a0: 0,07\u00a0€ HT / habitant", "List Bullet 2"),
        ("EPCI\u00a0: 0,05\u00a0€ HT / habitant", "List Bullet 2"),
        ("Montant plancher de 50\u00a0€ HT et plafond de 5\u202f000\u00a0€ HT.", "List Bullet 2"),
    ]
    at = lines.index(("Archivage électronique (voir annexe).", "Normal"))
    assert lines[at + 1] == ("Communes\u00a0: 0,125\u00a0€ HT / habitant", "List Bullet")


def test_floor_and_ceiling_per_category_when_they_differ(tmp_path: Path) -> None:
    tarifs = [
        TARIFS[0],
        TARIFS[1],
        ["Budget annexe", "Dématérialisation", "EPCI", 0.05, "habitant", 100, None, None, 2017],
    ]
    others = [["Partie", "Texte", "Tarifs"], ["BUDGET", "Tarifs :", "Dématérialisation"]]
    code, printed = build_with_tariffs(tmp_path, tarifs, None, others)
    assert code == 0, printed
    text = docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    assert (
        "Communes\u00a0: montant plancher de 50\u00a0€ HT et plafond de 5\u202f000\u00a0€ HT."
        in text
    )
    assert "EPCI\u00a0: montant plancher de 100\u00a0€ HT." in text


def test_no_tarifs_sheet_no_annex(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "m")
    assert run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))[0] == 0
    assert not (tmp_path / "out" / "m" / "annexe-tarifs.docx").exists()


# --- bad inputs ----------------------------------------------------------------------------


def _with(rows: list[list], row: int, column: int, value) -> list[list]:
    changed = [list(r) for r in rows]
    changed[row][column] = value
    return changed


@pytest.mark.parametrize(
    ("tarifs", "contributions", "others", "expected"),
    [
        (
            TARIFS,
            _with(CONTRIBUTIONS, 1, 1, "Inconnu"),
            None,
            (
                "tarifs.xlsx, feuille « Contributions », ligne 2 : aucun tarif pour le service « Inconnu » "
                "et la catégorie « Communes » dans la feuille « Tarifs »."
            ),
        ),
        (
            TARIFS + [TARIFS[1]],
            CONTRIBUTIONS,
            None,
            (
                "tarifs.xlsx, feuille « Tarifs », ligne 5 : le couple Service « Dématérialisation » / "
                "Catégorie « Communes » figure déjà à la tarifs.xlsx, feuille « Tarifs », ligne 2"
            ),
        ),
        (
            _with(TARIFS, 1, 5, 6000),
            CONTRIBUTIONS,
            None,
            (
                "tarifs.xlsx, feuille « Tarifs », cellule F2 (colonne « Plancher HT ») : le plancher (6000) "
                "dépasse le plafond (5000)."
            ),
        ),
        (
            TARIFS,
            _with(CONTRIBUTIONS, 2, 3, "beaucoup"),
            None,
            (
                "tarifs.xlsx, feuille « Contributions », cellule D3 (colonne « Quantité ») : une quantité "
                "(nombre) attendu, trouvé « beaucoup »."
            ),
        ),
        (
            _with(TARIFS, 2, 3, "-0,05"),
            CONTRIBUTIONS,
            None,
            (
                "tarifs.xlsx, feuille « Tarifs », cellule D3 (colonne « Tarif HT ») : montant négatif "
                "« -0,05 » : attendu un nombre positif ou nul."
            ),
        ),
        (
            TARIFS,
            _with(CONTRIBUTIONS, 2, 3, -450),
            None,
            (
                "tarifs.xlsx, feuille « Contributions », cellule D3 (colonne « Quantité ») : quantité "
                "négative « -450 » : attendu un nombre positif ou nul."
            ),
        ),
        (
            _with(TARIFS, 2, 3, "gratuit"),
            None,
            None,
            (
                "tarifs.xlsx, feuille « Tarifs », cellule D3 (colonne « Tarif HT ») : un montant en euros "
                "attendu, trouvé « gratuit »."
            ),
        ),
        (
            TARIFS,
            None,
            [["Partie", "Texte", "Tarifs"], ["BUDGET", "Texte", "Archivge"]],
            (
                "deliberations.xlsx, feuille « Autres points », ligne 2, colonne « Tarifs » : service "
                "« Archivge » introuvable dans la feuille « Tarifs »"
            ),
        ),
    ],
)
def test_bad_tariff_inputs(tmp_path: Path, tarifs, contributions, others, expected) -> None:
    code, printed = build_with_tariffs(tmp_path, tarifs, contributions, others)
    assert code == 1
    assert expected in printed
    assert "Traceback" not in printed
    assert not (tmp_path / "out" / "m").exists()


def test_contributions_without_tarifs(tmp_path: Path) -> None:
    folder = make_meeting(tmp_path / "data" / "m")
    write_sheet(folder / "tarifs.xlsx", "Contributions", CONTRIBUTIONS)
    code, printed = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 1
    assert (
        "tarifs.xlsx, feuille « Contributions » : une feuille « Contributions » demande une feuille « Tarifs »"
        in printed
    )


def test_annex_tables_repeat_their_header_and_never_split_a_row(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    code, printed = build_with_tariffs(tmp_path)
    assert code == 0, printed
    document = Document(str(tmp_path / "out" / "m" / "annexe-tarifs.docx"))
    assert len(document.tables) == 4  # rates and contributions of two services
    for table in document.tables:
        rows = table._tbl.findall(qn("w:tr"))
        header_flags = rows[0].trPr.findall(qn("w:tblHeader"))
        assert header_flags, "the header row repeats on every page"
        for row in rows:
            assert row.trPr is not None and row.trPr.findall(qn("w:cantSplit")), "a row may split"
