"""make-minutes fields: the variables of each template with the sample
meeting's values, and the check of a clerk's modified template."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DELIBERATIONS, REPO, SAMPLE, make_meeting, run, write_sheet

from pipeline.commands import fields, template_check
from pipeline.read.sources import find_meetings
from pipeline.render import variables

TEMPLATES = REPO / "templates"
BODY = "word/document.xml"


def modified(tmp_path: Path, name: str, *changes: tuple[str, str], part: str = BODY) -> Path:
    """A copy of the shipped template ``name`` in tmp_path/templates, with
    each (old, new) replaced once in the XML of ``part``."""
    out = tmp_path / "templates" / name
    out.parent.mkdir(exist_ok=True)
    with (
        zipfile.ZipFile(TEMPLATES / name) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                xml = data.decode("utf-8")
                for old, new in changes:
                    assert old in xml, old
                    xml = xml.replace(old, new, 1)
                data = xml.encode("utf-8")
            zout.writestr(info, data)
    return out


def line_of(printed: str, name: str) -> str:
    """The listing's line of variable ``name``."""
    found = [line for line in printed.splitlines() if line.split()[:1] == [name]]
    assert found, f"{name} missing from:\n{printed}"
    return found[0]


# --- the listing ------------------------------------------------------------------------


def test_listing_gives_each_variable_its_description_and_sample_value() -> None:
    code, printed = run("fields")
    assert code == 0, printed
    assert "réunion « 2016-11-28-bureau »" in printed.splitlines()[0]
    for template in ("proces-verbal.docx", "annexe-tarifs.docx", "extrait.docx"):
        assert template in printed.splitlines()
    assert "« L’an deux mille seize, le vingt-huit novembre" in line_of(printed, "preambule")
    assert line_of(printed, "seance.date").endswith(
        "date de la séance ; exemple : « 28 novembre 2016 »"
    )
    assert "« Convention cadre Espaces Numériques de Travail »" in line_of(printed, "d.titre")
    assert line_of(printed, "quorum_atteint").endswith("exemple : vrai")
    assert line_of(printed, "d.pour").endswith("exemple : 5")
    assert "Chaque délibération : {% for d in partie.deliberations %}" in printed
    assert "Chaque contribution : {% for c in service.contributions %}" in printed
    # The sample has no (invented) contributions: the listing says so.
    assert line_of(printed, "c.montant").endswith("(aucune dans la réunion d’exemple)")
    assert "Traceback" not in printed


def test_listing_takes_the_values_of_a_chosen_meeting(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_meeting(data / "2017-03-06-bureau", seance={"Lieu": "à la mairie de Rue"})
    code, printed = run("fields", "--data", str(data), "--reunion", "2017-03-06-bureau")
    assert code == 0, printed
    assert "réunion « 2017-03-06-bureau »" in printed.splitlines()[0]
    assert line_of(printed, "seance.lieu").endswith("exemple : « à la mairie de Rue »")
    assert line_of(printed, "d.titre").endswith("exemple : « Convention cadre »")

    code, printed = run("fields", "--data", str(data), "--reunion", "2099-01-01-nulle")
    assert code == 2
    assert "Réunion « 2099-01-01-nulle » introuvable" in printed
    assert "« 2017-03-06-bureau »" in printed


# --- checking a modified template --------------------------------------------------------


def test_unknown_variable_and_attribute_typo_are_all_reported(tmp_path: Path) -> None:
    template = modified(
        tmp_path,
        "proces-verbal.docx",
        ("<w:t>{{ titre }}</w:t>", "<w:t>{{ titre }} {{ inconnue }} {{ seance.datee }}</w:t>"),
        # A typo in a branch the sample meeting never prints (no présidente).
        (
            "<w:t>{{ cloture }}</w:t>",
            "<w:t>{{ cloture }}{% if seance.presidente %} {{ seance.presidnet }}{% endif %}</w:t>",
        ),
    )
    code, printed = run("fields", str(template))
    assert code == 1, printed
    problems = [line for line in printed.splitlines() if line.startswith("  - ")]
    first = "  - paragraphe 7 « {{ titre }} {{ inconnue }} {{ seance.datee }} » : "
    assert problems[:2] == [
        first + "variable inconnue « inconnue »",
        first + "attribut inconnu « datee » de « seance » (seance.datee) ; vouliez-vous dire "
        "« seance.date » ?",
    ]
    assert "attribut inconnu « presidnet » de « seance » (seance.presidnet)" in problems[2]
    # The loop variables of the shipped template (partie, d, b, s…) are not reported.
    assert len(problems) == 3, printed
    assert f"modèle {template} (proces-verbal.docx) : 3 problèmes." in printed
    assert "Traceback" not in printed


def test_a_loop_variable_outside_its_loop_and_a_footer_typo(tmp_path: Path) -> None:
    template = modified(
        tmp_path,
        "extrait.docx",
        ("<w:t>{{ titre }}</w:t>", "<w:t>{{ titre }} {{ b.texte }} {{ d.titr }}</w:t>"),
    )
    code, printed = run("fields", str(template))
    assert code == 1, printed
    assert (
        "variable inconnue « b » : elle n’existe qu’à l’intérieur de la boucle "
        "{% for b in d.expose %}" in printed
    )
    assert (
        "attribut inconnu « titr » de « d » (d.titr) ; vouliez-vous dire « d.titre » ?" in printed
    )

    footer = modified(
        tmp_path,
        "proces-verbal.docx",
        ("{{ titre }}", "{{ titre }} {{ seance.organism }}"),
        part="word/footer1.xml",
    )
    code, printed = run("fields", str(footer))
    assert code == 1, printed
    assert "  - pied de page, paragraphe 1 « {{ titre }} {{ seance.organism }}" in printed
    assert "attribut inconnu « organism »" in printed


@pytest.mark.parametrize(
    ("old", "new", "place", "message"),
    [
        (
            "<w:t>{%p if deuxieme_convocation %}</w:t>",
            "<w:t>{%p if %}</w:t>",
            "« {%p if %} »",
            "balise mal formée : une balise est vide ou incomplète",
        ),
        (
            "<w:t>{{ quorum }}</w:t>",
            "<w:t>{{ quorum|majuscules }}</w:t>",
            "« {{ quorum|majuscules }} »",
            "balise mal formée : filtre inconnu « majuscules »",
        ),
        (
            "<w:t>{%p if deuxieme_convocation %}</w:t>",
            "<w:t>{%p for x in deuxieme_convocation %}</w:t>",
            "« {%p endif %} »",
            (
                "balise {% endif %} inattendue : la balise {% for … %} ouverte avant elle doit "
                "d’abord être fermée par {% endfor %}"
            ),
        ),
        (
            "<w:t>{{ titre }}</w:t>",
            "<w:t>{{ titre </w:t>",
            "paragraphe 7 « {{ titre »",
            "balise non refermée « {{ titre » : il manque « }} » dans ce même paragraphe",
        ),
    ],
)
def test_a_broken_tag_is_reported_with_its_paragraph(
    tmp_path: Path, old: str, new: str, place: str, message: str
) -> None:
    template = modified(tmp_path, "proces-verbal.docx", (old, new))
    code, printed = run("fields", str(template))
    assert code == 1, printed
    problems = [line for line in printed.splitlines() if line.startswith("  - ")]
    assert len(problems) == 1, printed
    assert re.match(r"  - paragraphe \d+ ", problems[0]), problems
    assert place in problems[0] and message in problems[0], problems


def test_a_block_never_closed_is_placed_at_its_opening(tmp_path: Path) -> None:
    # The first {%p endif %}, that of the letterhead's {%p if logo %} (paragraphs 1 to 3), deleted.
    template = modified(
        tmp_path, "proces-verbal.docx", ("<w:t>{%p endif %}</w:t>", "<w:t>fin</w:t>")
    )
    code, printed = run("fields", str(template))
    assert code == 1, printed
    assert (
        "  - paragraphe 1 « {%p if logo %} » : la balise {% if … %} n’est jamais fermée : "
        "il manque {% endif %}" in printed
    )


@pytest.mark.parametrize("name", list(variables.TEMPLATES))
def test_the_shipped_templates_have_nothing_to_report(name: str) -> None:
    code, printed = run("fields", str(TEMPLATES / name))
    assert code == 0, printed
    assert printed.strip() == (
        f"modèle {TEMPLATES / name} ({name}) : aucune variable inconnue, aucune balise mal "
        "formée ; essai de rendu avec la réunion « 2016-11-28-bureau » réussi."
    )


def test_a_copy_named_otherwise_is_recognised_or_named(tmp_path: Path) -> None:
    copy = tmp_path / "Copie de proces-verbal.docx"
    shutil.copy(TEMPLATES / "proces-verbal.docx", copy)
    code, printed = run("fields", str(copy))
    assert code == 0, printed
    assert "(proces-verbal.docx) : aucune variable inconnue" in printed

    other = tmp_path / "mon-modele.docx"
    shutil.copy(TEMPLATES / "extrait.docx", other)
    code, printed = run("fields", str(other))
    assert code == 2
    assert "« mon-modele.docx » : ce nom ne dit pas quel document ce modèle produit" in printed
    assert "extrait.docx" in printed and "--document" in printed
    code, printed = run("fields", str(other), "--document", "extrait")
    assert code == 0, printed
    assert "(extrait.docx) : aucune variable inconnue" in printed


def test_a_file_that_is_not_a_template_gets_a_french_message(tmp_path: Path) -> None:
    text = tmp_path / "proces-verbal.docx"
    text.write_text("ceci n’est pas un document Word", encoding="utf-8")
    code, printed = run("fields", str(text))
    assert code == 2
    assert (
        f"modèle {text} : impossible de le lire, ce n’est pas un document Word (.docx)" in printed
    )

    code, printed = run("fields", str(tmp_path / "absent.docx"))
    assert code == 2
    assert f"Modèle introuvable : « {tmp_path / 'absent.docx'} »." in printed
    assert "Traceback" not in printed


# --- one list of variables -----------------------------------------------------------------


def test_the_tables_are_what_the_documents_receive(tmp_path: Path) -> None:
    """Every key the contexts of contexts.py hold is in the tables of
    render/variables.py, and every name of the tables is in a context: the sample
    meeting, plus a small one with debates (the sample has none)."""
    rows = [[*DELIBERATIONS[0], "Débats"], [*DELIBERATIONS[1], "Un débat."]]
    small = make_meeting(tmp_path / "data" / "debats", deliberations=rows)
    # and contributions (the sample has none either: its annex has the voted rates only).
    tarifs = [["Budget", "Service", "Catégorie", "Tarif HT", "Unité", "Année"]]
    tarifs.append(["Budget annexe", "Archivage", "Communes", 0.1, "habitant", 2017])
    write_sheet(small / "tarifs.xlsx", "Tarifs", tarifs)
    contributions = [["Collectivité", "Service", "Catégorie", "Quantité"]]
    contributions.append(["Commune de Rue", "Archivage", "Communes", 3000])
    write_sheet(small / "tarifs.xlsx", "Contributions", contributions)
    seen: dict[str, set[str]] = {name: set() for name in variables.TEMPLATES}
    sources = [m for m in find_meetings(SAMPLE.parent) if m.name == SAMPLE.name]
    for source in [*sources, *find_meetings(small.parent)]:
        contexts = fields.sample_contexts(source)
        assert contexts is not None, source.name
        for name, context in contexts.items():
            seen[name] |= variables.context_paths(context)
    for name, template in variables.TEMPLATES.items():
        assert seen[name] == variables.template_paths(template), name


def docs_tables() -> dict[str, set[str]]:
    """The names of each « Variable » table of docs/templates.md, by the
    title of its heading (the part in brackets left out)."""
    out: dict[str, set[str]] = {}
    title, in_table = "", False
    for line in (REPO / "docs" / "templates.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{2,4} (.*)", line)
        if heading:
            title, in_table = re.sub(r"\s*\(.*\)\s*$", "", heading[1]), False
        elif line.startswith("| Variable |"):
            in_table = True
            out.setdefault(title, set())
        elif in_table and line.startswith("|") and not line.startswith("|---"):
            out[title] |= set(re.findall(r"`([^`]+)`", line.split("|")[1]))
        elif not line.startswith("|"):
            in_table = False
    return out


def test_docs_list_exactly_the_variables_of_the_tables() -> None:
    documented = docs_tables()
    assert set(documented) == {g.title for g in variables.GROUPS}
    for group in variables.GROUPS:
        assert documented[group.title] == set(group.names), group.title


def test_the_sample_meeting_is_the_one_of_the_source_tree() -> None:
    """The meeting whose values the listing shows when none is chosen."""
    assert fields.SAMPLE == SAMPLE


def test_a_loop_and_a_long_text_as_the_listing_writes_them() -> None:
    section = variables.TEMPLATES["proces-verbal.docx"].aliases["d"]
    assert template_check.loop_tag(section) == "{% for d in partie.deliberations %}"
    blocks = variables.TEMPLATES["proces-verbal.docx"].aliases["b"]
    assert template_check.loop_tag(blocks) == (
        "{% for b in d.expose %} (de même pour d.debats, d.decision, p.texte)"
    )
    assert template_check.cut("abcdef", 6) == "abcdef"
    assert template_check.cut("abc def", 5) == "abc…"
