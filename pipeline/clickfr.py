"""Click's own words in French: usage errors, help headings, prompts.

Click marks every message it writes with gettext (``from gettext import
gettext as _`` and ``ngettext`` at the top of each of its modules) and
looks those names up when it writes the message. :func:`install` points
them, in each click module that has them, at one ``gettext`` translation
object whose catalogue is :data:`MESSAGES`: click's English text in, the
French out. Nothing else in the process is affected (the global gettext
domain is left alone), and a message missing from the catalogue stays in
English rather than breaking; ``tests/test_progress.py`` reads click's
source to check that every message click can show is here.

One text of click does not go through gettext: the range of a number
(``x>=1``), shown in ``--help`` and in the error for a number out of it;
:func:`install` has it written in French too (« au moins 1 »).
"""

from __future__ import annotations

import gettext
import importlib
import re
import sys


class _Guillemets(str):
    """A French message whose arguments lose click's Python quotes: click
    writes the names it suggests or misses with repr ('--force', 'NOM')
    before any translation; in French they stand between « »."""

    def format(self, *args: object, **kwargs: object) -> str:
        return str.format(self, *args, **{k: _requote(v) for k, v in kwargs.items()})


def _requote(value: object) -> object:
    # French text uses ’, never ': an ASCII pair of quotes is click's.
    return re.sub(r"'([^'\n]*)'", r"« \1 »", value) if isinstance(value, str) else value


# Each English message of click, as its source writes it, and its French.
# Placeholders are click's own; a French message may drop ``!r`` (the
# Python quotes) for « » and may leave a placeholder out.
MESSAGES: dict[str, str] = {
    # Usage errors and their frame (exceptions.py, core.py, parser.py)
    "Error: {message}": _Guillemets("Erreur : {message}"),
    "Usage:": "Utilisation :",
    "Try '{command} {option}' for help.": "Pour l’aide : « {command} {option} ».",
    "No such option {name!r}.": "option inconnue « {name} ».",
    "No such command {name!r}.": "commande inconnue « {name} ».",
    "Missing command.": "commande manquante.",
    "Missing argument": "argument manquant",
    "Missing option": "option manquante",
    "Missing parameter": "paramètre manquant",
    "Missing {param_type}": "paramètre manquant ({param_type})",
    "Missing parameter: {param_name}": "paramètre manquant : {param_name}",
    "Invalid value: {message}": "valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "valeur invalide pour {param_hint} : {message}",
    "Option {name!r} does not take a value.": "l’option « {name} » ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "l’argument « {name} » attend {nargs} valeurs.",
    "Invalid start character for option ({option})": (
        "caractère initial invalide pour une option ({option})"
    ),
    "Value must be an iterable.": "la valeur doit être une liste.",
    "Aborted!": "Interrompu.",
    "unknown error": "erreur inconnue",
    "Could not open file {filename!r}: {message}": (
        "impossible d’ouvrir le fichier « {filename} » : {message}"
    ),
    # Help pages (core.py, decorators.py, formatting.py). A heading is
    # written followed by ":"; the space makes it the French « Options : ».
    "Options": "Options ",
    "Commands": "Commandes ",
    "Positional arguments": "Arguments ",
    "Show this message and exit.": "Affiche cette aide et s’arrête.",
    "Show the version and exit.": "Affiche la version et s’arrête.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "env var: {var}": "variable d’environnement : {var}",
    "default: {default}": "défaut : {default}",
    "required": "obligatoire",
    "(dynamic)": "(calculé)",
    "deprecated": "obsolète",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Avertissement : la commande « {name} » est obsolète.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Avertissement : le paramètre « {name} » est obsolète.{extra_message}"
    ),
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirme l’action sans la demander.",
    # Values (types.py)
    "{value!r} is not a valid {number_type}.": "« {value} » n’est pas un nombre valide.",
    "{value} is not in the range {range}.": "{value} ne convient pas : il faut {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "« {value} » n’est pas une valeur oui/non. Valeurs reconnues : {states}"
    ),
    "{value!r} is not a valid UUID.": "« {value} » n’est pas un UUID valide.",
    "Choose from:\n\t{choices}": "Valeurs possibles :\n\t{choices}",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "{name} {filename!r} does not exist.": "{name} « {filename} » introuvable.",
    "{name} {filename!r} is a file.": "{name} « {filename} » : c’est un fichier.",
    "{name} {filename!r} is a directory.": "{name} « {filename} » : c’est un dossier.",
    "{name} {filename!r} is not readable.": "{name} « {filename} » : lecture interdite.",
    "{name} {filename!r} is not writable.": "{name} « {filename} » : écriture interdite.",
    "{name} {filename!r} is not executable.": "{name} « {filename} » : exécution interdite.",
    # Prompts, editor, progress bar (termui.py, _termui_impl.py, _winconsole.py)
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": (
        "Erreur : les deux valeurs saisies ne sont pas identiques."
    ),
    "Error: invalid input": "Erreur : saisie invalide",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "d": "j",  # days, in a progress bar's remaining time
    "{editor}: Editing failed": "{editor} : la modification a échoué",
    "{editor}: Editing failed: {e}": "{editor} : la modification a échoué : {e}",
    "Windows error: {error}": "Erreur Windows : {error}",
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "La complétion n’est pas prise en charge par les versions de Bash antérieures à 4.4."
    ),
    "Couldn't detect Bash version, shell completion is not supported.": (
        "Version de Bash inconnue : la complétion n’est pas prise en charge."
    ),
}

# Messages with a plural: (singular, plural) → French (singular, plural).
# French takes the singular for 0 and 1.
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Vouliez-vous dire {possibility} ?",
        "(Vouliez-vous dire l’une de celles-ci : {possibilities} ?)",
    ),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "argument inattendu « {args} ».",
        "arguments inattendus « {args} ».",
    ),
    (
        "Option {name!r} requires an argument.",
        "Option {name!r} requires {nargs} arguments.",
    ): (
        "l’option « {name} » attend une valeur.",
        "l’option « {name} » attend {nargs} valeurs.",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "{nargs} valeurs attendues, une seule donnée.",
        "{nargs} valeurs attendues, {len} données.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "« {value} » n’est pas {choice}.",
        "« {value} » n’est pas l’une des valeurs permises : {choices}.",
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): (
        "« {value} » ne suit pas le format {format}.",
        "« {value} » ne suit aucun des formats {formats}.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "{len_type} valeurs sont attendues, mais {len_value} a été donnée.",
        "{len_type} valeurs sont attendues, mais {len_value} ont été données.",
    ),
}

# The click modules that import ``_`` or ``ngettext`` from gettext.
MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
    *(["click._winconsole"] if sys.platform == "win32" else []),
)


class French(gettext.NullTranslations):
    """A translation whose catalogue is :data:`MESSAGES` and :data:`PLURALS`;
    an unknown message is returned unchanged (English)."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = PLURALS.get((msgid1, msgid2))
        if forms is None:
            return msgid1 if n == 1 else msgid2
        return forms[0] if n <= 1 else forms[1]


FRENCH = French()


def describe_range(self) -> str:
    """The range of a number option (click's ``_NumberRangeBase``) in French:
    « au moins 1 », « moins de 10 », « de 1 à 8 »; click writes ``x>=1``."""
    low = "plus de" if self.min_open else "au moins"
    high = "moins de" if self.max_open else "au plus"
    if self.max is None:
        return f"{low} {self.min}"
    if self.min is None:
        return f"{high} {self.max}"
    if not (self.min_open or self.max_open):
        return f"de {self.min} à {self.max}"
    return f"{low} {self.min} et {high} {self.max}"


def install() -> None:
    """Make click speak French, in this process (idempotent)."""
    for name in MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = FRENCH.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = FRENCH.ngettext
    # Not a message: a method builds it (the help's « [x>=1] », and the range
    # of the error above). Every range type of click inherits it.
    click_types = importlib.import_module("click.types")
    base = getattr(click_types, "_NumberRangeBase", None)
    if base is not None and hasattr(base, "_describe_range"):
        base._describe_range = describe_range
