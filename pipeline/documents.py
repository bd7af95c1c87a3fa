"""One context builder per document, and rendering with docxtpl.

The context is what a template may use (``docs/templates.md`` lists it):
ready-made French sentences, and the raw figures for a clerk who rewrites
them. Rendering is strict: autoescape on (``&`` and ``<`` from the data
survive), and an unknown variable is an error naming the template.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import french
from .checks import Analysis
from .model import Block, Meeting, Member, QuorumBase, Status

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
         "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]
MAX_COLUMNS = 4  # colleges as columns up to four, as rows beyond


class TemplateError(Exception):
    """A template that cannot be rendered; the message is for the clerk."""


# --- the procès-verbal ---------------------------------------------------------------


def _blocks(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    return [{"texte": french.typography(b.text), "niveau": min(b.level, 3)} for b in blocks]


def _status_note(m: Member, meeting: Meeting) -> str:
    if m.status is Status.PRESENT:
        return m.name
    note = french.agree(m.status.value, m.feminine)
    if m.proxy_to:
        note += f", pouvoir à {meeting.member(m.proxy_to).name}"
    return f"{m.name} ({note})"


def _members_table(meeting: Meeting) -> dict[str, Any]:
    colleges: dict[str, list[str]] = {}
    for m in meeting.members:
        colleges.setdefault(m.college, []).append(_status_note(m, meeting))
    names = list(colleges)
    depth = max((len(v) for v in colleges.values()), default=0)
    rows = [[colleges[c][i] if i < len(colleges[c]) else "" for c in names] for i in range(depth)]
    return {
        "en_colonnes": len(names) <= MAX_COLUMNS,
        "colleges": names,
        "lignes": rows,
        "par_college": [{"college": c, "noms": v} for c, v in colleges.items()],
    }


def _members_heading(meeting: Meeting) -> str:
    statuses = []
    for status in Status:
        if any(m.status is status for m in meeting.members):
            statuses.append(status.value + "s")
    body = french.of_the(meeting.instance.upper(), meeting.instance_feminine)
    return f"Membres {body} {french.join_and(statuses)}{french.NBSP}:"


def _preamble(meeting: Meeting) -> str:
    instance = french.the(meeting.instance.upper(), meeting.instance_feminine)
    same_year = meeting.convocation.year == meeting.date.year
    convened = french.agree("convoqué", meeting.instance_feminine)
    met = french.agree("réuni", meeting.instance_feminine)
    president = meeting.member(meeting.president).name
    location = f" {meeting.location}" if meeting.location else ""
    return (
        f"L{french.APOSTROPHE}an {french.year_words(meeting.date)}, le "
        f"{french.date_words(meeting.date, with_year=False)} à {french.hour(meeting.opening)}, "
        f"{instance} {french.of_body(meeting.body)} légalement {convened} le "
        f"{french.date_words(meeting.convocation, with_year=not same_year)}, "
        f"s{french.APOSTROPHE}est {met}{location}, sous la présidence "
        f"{french.de(president)}{french.NBSP};"
    )


def _quorum_sentence(meeting: Meeting, analysis: Analysis) -> str:
    q = analysis.quorum
    word = meeting.members_word if q.counted != 1 else french.singular_of(meeting.members_word)
    who = french.agree("présent", False, q.counted != 1)
    if meeting.quorum_base is QuorumBase.PRESENT_OR_REPRESENTED:
        who += " ou " + french.agree("représenté", False, q.counted != 1)
    instance = french.the(meeting.instance, meeting.instance_feminine)
    if q.reached:
        return (
            f"Le quorum est atteint avec {q.counted}{french.NBSP}{word} {who}, "
            f"{instance} peut donc valablement délibérer."
        )
    return (
        f"Le quorum n{french.APOSTROPHE}est pas atteint ({q.counted}{french.NBSP}{word} {who}, "
        f"{q.required} requis){french.NBSP}: {instance} ne peut pas valablement délibérer."
    )


def _secretary_sentence(meeting: Meeting) -> str:
    people = [meeting.member(k) for k in meeting.secretaries]
    names = french.join_and([p.name for p in people])
    designated = french.agree_group("désigné", [p.feminine for p in people])
    if len(people) == 1:
        return f"{names} est {designated} secrétaire de séance."
    return f"{names} sont {designated} secrétaires de séance."


def _previous_sentence(meeting: Meeting, analysis: Analysis) -> str:
    if meeting.previous_minutes is None or analysis.previous is None:
        return ""
    counts, outcome = analysis.previous
    wording = french.result(outcome, counts, feminine=False)
    wording = wording[0].lower() + wording[1:]
    verb = "est " if not wording.startswith("non ") else "n’est pas "
    if wording.startswith("non "):
        wording = wording[len("non "):]
    return (
        f"Le procès-verbal de la réunion du {french.date_short(meeting.previous_minutes)} "
        f"{verb}{wording}."
    )


def _parts(meeting: Meeting, analysis: Analysis) -> list[dict[str, Any]]:
    parts: dict[str, dict[str, Any]] = {}
    for item in analysis.items:
        d = item.deliberation
        part = parts.setdefault(d.part, {"titre": d.part, "deliberations": [], "points": []})
        president = meeting.member(meeting.president)
        part["deliberations"].append(
            {
                "numero": d.number,
                "titre": french.typography(d.title),
                "intitule": f"{d.number}. {french.typography(d.title)}",
                "expose": _blocks(d.expose),
                "debats": _blocks(d.debates),
                "decision": _blocks(d.decision),
                "resultat": french.result(
                    item.outcome, item.counts, presiding_feminine=president.feminine
                ),
                "pour": item.counts.pour,
                "contre": item.counts.contre,
                "abstentions": item.counts.abstentions,
                "nppv": item.counts.nppv,
                "votants": item.counts.votants,
                "exprimes": item.counts.exprimes,
                "adoptee": item.outcome.adopted,
            }
        )
    for other in meeting.other_items:
        part = parts.setdefault(other.part, {"titre": other.part, "deliberations": [], "points": []})
        part["points"].append(
            {"titre": french.typography(other.title), "texte": _blocks(other.text)}
        )
    out = []
    for i, part in enumerate(parts.values()):
        numeral = ROMAN[i] if i < len(ROMAN) else str(i + 1)
        title = french.typography(part["titre"])
        out.append({**part, "titre": title, "numero": numeral, "intitule": f"{numeral} – {title}"})
    return out


def minutes_context(meeting: Meeting, analysis: Analysis) -> dict[str, Any]:
    """Everything ``proces-verbal.docx`` may use."""
    att = analysis.attendance
    president = meeting.member(meeting.president)
    return {
        "titre": f"{meeting.instance.upper()} du {french.date_short(meeting.date)}",
        "sous_titre": meeting.title,
        "preambule": _preamble(meeting),
        "membres_intitule": _members_heading(meeting),
        "membres": _members_table(meeting),
        "pouvoirs": [
            f"{meeting.member(p.giver).name} a donné son pouvoir à {meeting.member(p.holder).name}."
            for p in att.proxies
        ],
        "quorum": _quorum_sentence(meeting, analysis),
        "quorum_atteint": analysis.quorum.reached,
        "secretaire": _secretary_sentence(meeting),
        "proces_verbal_precedent": _previous_sentence(meeting, analysis),
        "parties": _parts(meeting, analysis),
        "cloture": (
            f"La séance est levée à {french.hour(meeting.closing)}." if meeting.closing else ""
        ),
        "seance": {
            "organisme": meeting.body,
            "instance": meeting.instance,
            "date": french.date_short(meeting.date),
            "date_en_lettres": french.date_words(meeting.date),
            "heure_ouverture": french.hour(meeting.opening),
            "heure_cloture": french.hour(meeting.closing) if meeting.closing else "",
            "date_convocation": french.date_short(meeting.convocation),
            "lieu": meeting.location,
            "president": president.name,
            "presidente": president.feminine,
            "secretaires": [meeting.member(k).name for k in meeting.secretaries],
            "membres_en_exercice": att.in_office,
            "presents": len(att.present),
            "representes": att.represented,
            "presents_et_representes": att.taking_part,
            "quorum_requis": analysis.quorum.required,
        },
    }


# --- rendering ------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    filename: str
    template: str  # the template's file name
    context: dict[str, Any]


def documents(meeting: Meeting, analysis: Analysis) -> list[Document]:
    """The documents of a meeting, each with the template it is rendered with."""
    return [Document("proces-verbal.docx", "proces-verbal.docx", minutes_context(meeting, analysis))]


def _environment():
    from jinja2 import Environment, StrictUndefined

    return Environment(autoescape=True, undefined=StrictUndefined)


def render(template: Path, context: dict[str, Any]) -> bytes:
    """The rendered ``.docx`` as bytes; :class:`TemplateError` names the
    template and what went wrong (docxtpl's own errors name neither)."""
    import jinja2
    from docxtpl import DocxTemplate

    try:
        tpl = DocxTemplate(str(template))
        tpl.render(context, jinja_env=_environment(), autoescape=True)
        buffer = io.BytesIO()
        tpl.save(buffer)
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"modèle {template.name} : {_undefined(exc)} ; les variables disponibles sont "
            "décrites dans docs/templates.md."
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"modèle {template.name} : balise mal formée ({exc.message})."
        ) from None
    except Exception as exc:  # a file that is not a valid .docx, a broken part…
        raise TemplateError(
            f"modèle {template.name} : impossible de l’utiliser, ce n’est pas un document Word "
            f"valide ({type(exc).__name__})."
        ) from None
    return buffer.getvalue()


def _undefined(exc: Exception) -> str:
    """Jinja says "'dict object' has no attribute 'x'" or "'x' is undefined"."""
    message = str(exc)
    if "has no attribute" in message:
        name = message.split("has no attribute", 1)[1].strip().strip("'")
        return f"attribut inconnu « {name} »"
    return f"variable inconnue « {message.replace(' is undefined', '').strip(chr(39))} »"
