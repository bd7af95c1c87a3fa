"""``make-minutes fields``: the variables each template may use, with
their value in a sample meeting, and the check of a clerk's modified
template before any meeting is built.

The variables are listed once, in render/variables.py; the check itself
is in commands/template_check.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.commands.template_check import Finding, check, cut, loop_tag, parts
from pipeline.render.variables import MISSING, TEMPLATES, TemplateVariables, sample


def shown(value: Any, width: int = 70) -> str:
    """A value on one line, as the listing prints it."""
    if value is MISSING:
        return "(aucune dans la réunion d’exemple)"
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, str):
        text = " ".join(value.split())
        return f"« {cut(text, width)} »" if text else "(vide)"
    if isinstance(value, dict):
        return "(voir ci-dessous)"
    if isinstance(value, list):
        if not value:
            return "(liste vide)"
        if all(isinstance(v, dict) for v in value):
            n = len(value)
            return f"(liste de {n} élément{'s' if n > 1 else ''}, voir ci-dessous)"
        return cut("[" + ", ".join(shown(v, width) for v in value) + "]", width)
    if isinstance(value, int | float):
        return str(value)
    name = getattr(value, "name", None)  # a Word exposé
    return f"(document « {name} »)" if isinstance(name, str) else f"({type(value).__name__})"


def listing(contexts: dict[str, dict[str, Any]], meeting: str | None) -> list[str]:
    """The lines of ``make-minutes fields``: per template, each variable,
    its description and its value in the sample meeting."""
    where = (
        f"leur valeur dans la réunion « {meeting} »"
        if meeting
        else "sans valeur d’exemple (aucune réunion lisible)"
    )
    lines = [
        f"Les variables de chaque modèle, avec {where}.",
        "Détails : docs/templates.md ; vérifier un modèle modifié : make-minutes fields MODÈLE.",
    ]
    for template in TEMPLATES.values():
        context = contexts.get(template.name)
        width = max(len(n) for n in template.names)
        lines.append("")
        lines.append(template.name)
        for section in template.sections:
            heading = section.group.title
            if section.over or section.note:
                heading += f" : {section.note or loop_tag(section)}"
            lines.append(f"  {heading}")
            for name, description in section.group.fields:
                value = shown(sample(template, name, context))
                lines.append(f"    {name:<{width}}  {description} ; exemple : {value}")
    return lines


# --- the command ---------------------------------------------------------------------------

# The sample meeting of the source tree (pipeline/commands/ → the top level).
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "2016-11-28-bureau"


def sample_contexts(source) -> dict[str, dict[str, Any]] | None:
    """The context of each template for the meeting ``source`` (the first
    extract's for extrait.docx), or None when the meeting has errors."""
    from pipeline import build
    from pipeline.problems import Report
    from pipeline.render import contexts, convocation, registre

    report = Report()
    try:
        checked = build.read_and_check(source, report)
        if checked is None or report.errors:
            return None
        meeting, analysis = checked
        out: dict[str, dict[str, Any]] = {}
        for doc in contexts.documents(meeting, analysis):
            out.setdefault(doc.template, doc.context)
        for doc in convocation.documents(meeting):  # make-minutes convocation
            out.setdefault(doc.template, doc.context)
        out["registre.docx"] = registre.sample_context(source.name, meeting, analysis)
    except Exception:  # noqa: BLE001 - a meeting that cannot be read is no example
        return None
    return out


def _sample_meeting(data: Path, name: str | None, echo) -> tuple[str | None, dict, int]:
    """The meeting whose values illustrate the listing and try the
    template: ``name`` in ``data``; else the sample meeting of the source
    tree; else the first meeting of ``data`` without errors."""
    from pipeline.read.sources import find_meetings

    meetings = find_meetings(data) if data.is_dir() else []
    if name:
        source = next((m for m in meetings if m.name == name), None)
        if source is None:
            listed = ", ".join(f"« {m.name} »" for m in meetings) or "aucune"
            echo(f"Réunion « {name} » introuvable dans « {data} » (réunions : {listed}).", err=True)
            return None, {}, 2
        contexts = sample_contexts(source)
        if contexts is None:
            echo(
                f"La réunion « {name} » a des problèmes : lancez « make-minutes check {name} » "
                "et corrigez-les d’abord.",
                err=True,
            )
            return None, {}, 1
        return name, contexts, 0
    shipped = (
        [m for m in find_meetings(SAMPLE.parent) if m.name == SAMPLE.name]
        if SAMPLE.is_dir()
        else []
    )
    for source in shipped + meetings:
        contexts = sample_contexts(source)
        if contexts is not None:
            return source.name, contexts, 0
    return None, {}, 0


def _which(path: Path, document: str | None, echo) -> TemplateVariables | None:
    known = ", ".join(TEMPLATES)
    if document:
        name = document if document.endswith(".docx") else document + ".docx"
        if name not in TEMPLATES:
            echo(f"Document inconnu : « {document} » (documents : {known}).", err=True)
        return TEMPLATES.get(name)
    if path.name in TEMPLATES:
        return TEMPLATES[path.name]
    from pipeline.text import fold

    guesses = [t for n, t in TEMPLATES.items() if fold(n.removesuffix(".docx")) in fold(path.name)]
    if len(guesses) == 1:
        return guesses[0]
    echo(
        f"« {path.name} » : ce nom ne dit pas quel document ce modèle produit. Nommez-le comme "
        f"le modèle fourni ({known}) ou précisez-le : --document proces-verbal.docx.",
        err=True,
    )
    return None


def run(template: Path | None, document: str | None, meeting: str | None, data: Path, echo) -> int:
    """``make-minutes fields [MODÈLE]``: 0 when all is well, 1 when the
    template has problems (or the chosen meeting errors), 2 when it cannot
    be checked (missing, not a Word document, document unknown)."""
    name, contexts, code = _sample_meeting(data, meeting, echo)
    if code:
        return code
    if template is None:
        for line in listing(contexts, name):
            echo(line)
        return 0
    return _check_file(template, document, name, contexts, echo)


def _check_file(path: Path, document: str | None, meeting: str | None, contexts: dict, echo) -> int:
    from pipeline import zipguard
    from pipeline.render import docx

    if not path.is_file():
        echo(f"Modèle introuvable : « {path} ».", err=True)
        return 2
    which = _which(path, document, echo)
    if which is None:
        return 2
    refused = zipguard.refusal(path, "ce modèle", count_rows=False)
    if refused:
        echo(f"modèle {path} : {refused}", err=True)
        return 2
    context = contexts.get(which.name)
    try:
        source = parts(path)
    except Exception as exc:  # noqa: BLE001 - not a zip, not a Word document, a broken part…
        echo(
            f"modèle {path} : impossible de le lire, ce n’est pas un document Word (.docx) "
            f"valide ({type(exc).__name__}).",
            err=True,
        )
        return 2
    try:
        findings = check(source, which, context)
    except Exception as exc:  # noqa: BLE001 - last guard: a bug of the check, never a traceback
        echo(
            f"modèle {path} : erreur inattendue pendant la vérification ({type(exc).__name__} : "
            f"{exc}). Merci de signaler ce problème.",
            err=True,
        )
        return 2
    tried = ""
    if not findings and context is not None:
        try:
            docx.render(path, context)
            tried = f" ; essai de rendu avec la réunion « {meeting} » réussi"
        except docx.TemplateError as exc:
            findings.append(
                Finding("", 0, "", f"essai de rendu avec la réunion « {meeting} » : {exc}")
            )
    elif not findings:
        tried = " ; pas d’essai de rendu, faute de réunion lisible"
    if not findings:
        echo(
            f"modèle {path} ({which.name}) : aucune variable inconnue, aucune balise mal formée{tried}."
        )
        return 0
    n = len(findings)
    echo(f"modèle {path} ({which.name}) : {n} problème{'s' if n > 1 else ''}.")
    for finding in findings:
        echo(f"  - {finding}")
    echo("Les variables disponibles : make-minutes fields (sans argument) et docs/templates.md.")
    return 1
