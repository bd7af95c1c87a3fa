"""What the command shows around the builds: the progress bar (on a
terminal only), the summary table of several meetings, and click's own
messages (usage errors, help pages) in French."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import REPO, SAMPLE, in_terminal, make_meeting, run

from pipeline import clickfr
from pipeline.cli import main

BROKEN_DELIBERATIONS = [["N°", "Titre", "Vote"], [1, "Un point", "peut-être"]]


@pytest.fixture
def three(tmp_path: Path) -> Path:
    """The sample, a small meeting and a meeting with one error."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    make_meeting(data / "autre")
    make_meeting(data / "cassee", deliberations=BROKEN_DELIBERATIONS)
    return data


# --- the summary table -------------------------------------------------------------


def test_a_summary_table_ends_a_build_of_several_meetings(three: Path, tmp_path: Path) -> None:
    code, printed = run("--data", str(three), "--output", str(tmp_path / "out"))
    assert code == 1, printed
    # The line of each meeting first, as for a single one ...
    assert "cassee : 1 problème, rien n’a été écrit pour cette réunion." in printed
    assert "autre : proces-verbal.docx, liste-deliberations.docx, 1 extrait écrits" in printed
    # ... then a blank line and the table, its columns aligned.
    table = printed.split("\n\n")[-1].splitlines()
    assert table == [
        "Réunion            Documents  Avertissements  Problèmes",
        "2016-11-28-bureau          6               2          0",
        "autre                      3               1          0",
        "cassee                     0               0          1",
    ]
    # The documents counted are the ones written (the manifest aside).
    written = [p for p in (tmp_path / "out" / SAMPLE.name).rglob("*") if p.is_file()]
    assert len(written) == 6 + 1


def test_a_single_meeting_has_no_table(tmp_path: Path) -> None:
    make_meeting(tmp_path / "data" / "seule")
    code, printed = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    assert "Réunion" not in printed and "Documents" not in printed
    assert printed.startswith("seule : proces-verbal.docx")


def test_no_progress_bar_when_not_a_terminal(three: Path, tmp_path: Path) -> None:
    """Not a terminal (output to a pipe): no progress bar, no control
    character, plain text only."""
    done = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import entry; entry()", "--data", str(three)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr == ""
    for control in ("\r", "\x1b", "\b"):
        assert control not in done.stdout
    assert "Construction des réunions" not in done.stdout
    assert "Réunion            Documents  Avertissements  Problèmes" in done.stdout


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="pas de pseudo-terminal ici")
def test_a_terminal_shows_a_progress_bar(three: Path, tmp_path: Path) -> None:
    code, shown = in_terminal(tmp_path, "--data", str(three))
    assert code == 1, shown
    assert "Construction des réunions" in shown
    # The bar names the meeting just finished (meetings may be built side by side).
    assert "autre prête" in shown and "100%" in shown
    assert "cassee                     0               0          1" in shown


# --- click in French ---------------------------------------------------------------

ENGLISH = (
    "Usage:",
    "Error:",
    "Try '",
    "for help",
    "No such",
    "Did you mean",
    "Missing",
    "Got unexpected",
    "Invalid value",
    "requires an argument",
    "is not a valid",
    "is not one of",
    "Options:",
    "Commands:",
    "Show this message",
    "Show the version",
    "[ARGS]",
    "PATH",
)


def invoke(command: click.Command, *args: str) -> tuple[int, str]:
    """Click's own main (standalone: it shows usage errors itself, as the
    console script does), under the name the clerk types."""
    result = CliRunner().invoke(command, list(args), prog_name="make-minutes")
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (["--nope"], "Erreur : option inconnue « --nope »."),
        (["--forc"], "Erreur : option inconnue « --forc ». Vouliez-vous dire « --force » ?"),
        (["chek"], "Erreur : commande inconnue « chek ». Vouliez-vous dire « check » ?"),
        (["new"], "Erreur : argument manquant « NOM »."),
        (["build", "en-trop"], "Erreur : argument inattendu « en-trop »."),
        (["check", "--pdf"], "Erreur : option inconnue « --pdf »."),
        (["--data"], "Erreur : l’option « --data » attend une valeur."),
        (["new", "--from"], "Erreur : l’option « --from » attend une valeur."),
    ],
    ids=[
        "option",
        "option-proche",
        "commande",
        "argument",
        "en-trop",
        "option-de-build",
        "valeur",
        "valeur-new",
    ],
)
def test_usage_errors_are_in_french(args: list[str], french: str) -> None:
    code, printed = invoke(main, *args)
    assert code == 2, printed
    assert french in printed
    if args != ["--data"] and args != ["new", "--from"]:  # click shows no usage for these two
        command = "make-minutes" + (f" {args[0]}" if args[0] in main.commands else "")
        assert f"Utilisation : {command} [OPTIONS]" in printed
        assert f"Pour l’aide : « {command} --help »." in printed
    for english in ENGLISH:
        assert english not in printed


def test_invalid_values_are_in_french() -> None:
    """Our commands have no typed option yet: any click command of the
    process speaks French once pipeline.cli is imported."""

    @click.command()
    @click.option("--nombre", type=int)
    @click.option("--genre", type=click.Choice(["féminin", "masculin"]))
    @click.option("--dossier", type=click.Path(exists=True, file_okay=False))
    def command(nombre: int, genre: str, dossier: str) -> None:
        pass

    code, printed = invoke(command, "--nombre", "dix")
    assert code == 2
    assert (
        "Erreur : valeur invalide pour « --nombre » : « dix » n’est pas un nombre valide."
        in printed
    )
    code, printed = invoke(command, "--genre", "neutre")
    assert "« neutre » n’est pas l’une des valeurs permises : « féminin », « masculin »." in printed
    code, printed = invoke(command, "--dossier", "/nulle/part")
    assert "Dossier « /nulle/part » introuvable." in printed
    for english in ENGLISH:
        assert english not in printed


@pytest.mark.parametrize("name", [None, *sorted(main.commands)])
def test_every_help_page_is_in_french(name: str | None) -> None:
    code, printed = invoke(main, *([name] if name else []), "--help")
    assert code == 0, printed
    assert printed.startswith(f"Utilisation : make-minutes{' ' + name if name else ''} [OPTIONS]")
    assert "\nOptions :\n" in printed
    assert "-h, --help           Affiche cette aide et s’arrête." in printed
    assert "--data DOSSIER" in printed
    if name is None:
        assert "[COMMANDE] [ARGUMENTS]…" in printed and "\nCommandes :\n" in printed
    for english in ENGLISH:
        assert english not in printed


def test_the_console_script_speaks_french(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import entry; entry()", "chek"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Erreur : commande inconnue « chek ». Vouliez-vous dire « check » ?" in done.stderr
    assert "Traceback" not in done.stderr


# Messages of click that only a programmer can meet (a command declared
# wrongly), and the representation of a Choice: left in English.
FOR_PROGRAMMERS = {
    "Could not determine name for option with declarations {decls!r}",
    (
        "No options defined but a name was passed ({name}). Did you mean to declare an argument "
        "instead? Did you mean to pass '--{name}'?"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Unknown standard stream '{name}'",
    "Unknown color {colour!r}",
    "Choice({choices})",
}


def click_messages() -> tuple[set[str], set[tuple[str, str]], set[str]]:
    """Every message click's source marks for translation: the ``_()`` ones,
    the ``ngettext()`` pairs, and the modules that import them."""
    single, plural, modules = set(), set(), set()
    for path in Path(click.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "gettext":
                modules.add(f"click.{path.stem}")
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "_" and texts:
                single.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) >= 2:
                plural.add((texts[0], texts[1]))
    return single, plural, modules


def test_every_message_of_click_is_translated() -> None:
    single, plural, modules = click_messages()
    assert single and plural  # the source was read
    assert sorted(single - FOR_PROGRAMMERS - set(clickfr.MESSAGES)) == []
    assert sorted(plural - set(clickfr.PLURALS)) == []
    # The placeholders of each translation are click's.
    for english, french in clickfr.MESSAGES.items():
        assert set(placeholders(french)) <= set(placeholders(english)), english
    for forms, frenches in clickfr.PLURALS.items():
        for french in frenches:
            assert set(placeholders(french)) <= set(placeholders(" ".join(forms))), forms
    assert sorted(modules - {"click._winconsole"} - set(clickfr.MODULES)) == []


def placeholders(text: str) -> list[str]:
    import string

    return [name.split("!")[0] for _, name, _, _ in string.Formatter().parse(text) if name]


# --- options common to every command ------------------------------------------------


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_takes_the_common_options(name: str) -> None:
    options = {opt for param in main.commands[name].params for opt in param.opts}
    assert {"--data", "--output", "--templates"} <= options


@pytest.mark.parametrize("where", ["avant", "après"])
def test_the_common_options_go_before_or_after_the_command(tmp_path: Path, where: str) -> None:
    data, out, templates = tmp_path / "data", tmp_path / "out", tmp_path / "modeles"
    make_meeting(data / "m")
    templates.mkdir()
    common = ["--data", str(data), "--output", str(out), "--templates", str(templates)]

    def command(*args: str) -> list[str]:
        return [*common, *args] if where == "avant" else [*args, *common]

    code, printed = run(*command("check"))
    assert code == 0 and printed.startswith("m : aucun problème"), printed
    code, printed = run(*command("build"))
    assert code == 0 and printed.startswith("m : proces-verbal.docx"), printed
    assert (out / "m" / "proces-verbal.docx").is_file()
    code, printed = run(*command("new", "2024-03-15-conseil"))
    assert code == 0, printed
    assert (data / "2024-03-15-conseil" / "seance.xlsx").is_file()
