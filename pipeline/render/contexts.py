"""One context builder per document, and the registry of the documents of a
meeting (:func:`documents`).

The context is what a template may use (``docs/templates.md`` lists it):
ready-made French sentences (:mod:`pipeline.words`), placed here, and the
raw figures for a clerk who rewrites them. Rendering a template with its
context is :mod:`pipeline.render.docx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.law import tariffs
from pipeline.law.checks import Analysis, Item
from pipeline.law.minutes import lists_agenda
from pipeline.model import Ballot, Block, Deliberation, Meeting, Tariff
from pipeline.render.logo import Logo
from pipeline.text import fold
from pipeline.words import french, results, sentences

MAX_COLUMNS = 4  # colleges as columns up to four, as rows beyond


# --- the letterhead of every document --------------------------------------------------


def _letterhead(meeting: Meeting, logo: Logo | None) -> dict[str, Any]:
    """The top of every document: the body's name, and its logo ("" without one)."""
    return {"organisme": sentences.body_heading(meeting), "logo": logo or ""}


# --- the procès-verbal ---------------------------------------------------------------


def blocks(items: tuple[Block, ...]) -> list[dict[str, Any]]:
    """Paragraphs and bullets as the templates print them (``b.texte``, ``b.niveau``)."""
    return [{"texte": french.typography(b.text), "niveau": min(b.level, 3)} for b in items]


def _members_table(meeting: Meeting) -> dict[str, Any]:
    colleges: dict[str, list[str]] = {}
    for m in meeting.members:
        colleges.setdefault(m.college, []).append(sentences.status_note(m, meeting))
    names = list(colleges)
    depth = max((len(v) for v in colleges.values()), default=0)
    rows = [[colleges[c][i] if i < len(colleges[c]) else "" for c in names] for i in range(depth)]
    return {
        "en_colonnes": len(names) <= MAX_COLUMNS,
        "colleges": names,
        "lignes": rows,
        "par_college": [{"college": c, "noms": v} for c, v in colleges.items()],
    }


def _deliberation(
    meeting: Meeting,
    item: Item,
    index: int,
    presiding_of: dict[int, str],
    opening: tuple[int, int],
) -> dict[str, Any]:
    """An item as the minutes print it (``index``: its place in the agenda;
    ``opening``: présents and représentés at the opening)."""
    d = item.deliberation
    att = item.attendance
    title = french.typography(d.title)
    return {
        "numero": d.number,
        "numero_acte": d.act_number,
        "titre": title,
        "intitule": sentences.item_heading(d.number, title, d.act_number),
        "evenements": sentences.room_sentences(meeting, index, presiding_of),
        "presidence": sentences.presiding_sentence(meeting, item.presiding),
        "effectifs": (
            sentences.item_headcount(att) if (len(att.present), att.represented) != opening else ""
        ),
        "scrutin": sentences.BALLOTS[d.ballot],
        "expose": blocks(d.expose),
        # Replaced, once the template is open, by the document (see docx.render).
        "expose_document": d.expose_file or "",
        "debats": blocks(d.debates),
        "decision": blocks(d.decision),
        "resultat": results.result(
            item.outcome,
            item.counts,
            secret=d.ballot is Ballot.SECRET,
            presiding_feminine=meeting.member(item.presiding).feminine,
        ),
        "decompte": results.votes_short(item.counts, secret=d.ballot is Ballot.SECRET),
        "votes_nominatifs": results.named_votes(meeting, item),
        "pour": item.counts.pour,
        "contre": item.counts.contre,
        "abstentions": item.counts.abstentions,
        "nppv": item.counts.nppv,
        "votants": item.counts.votants,
        "exprimes": item.counts.exprimes,
        "adoptee": item.outcome.adopted,
    }


def _parts(meeting: Meeting, analysis: Analysis) -> list[dict[str, Any]]:
    parts: dict[str, dict[str, Any]] = {}
    opening = (len(analysis.attendance.present), analysis.attendance.represented)
    index_of = {d.number: i for i, d in enumerate(meeting.deliberations)}
    presiding_of = {item.deliberation.number: item.presiding for item in analysis.items}
    for item in analysis.items:
        d = item.deliberation
        part = parts.setdefault(d.part, {"titre": d.part, "deliberations": [], "points": []})
        index = index_of[d.number]
        part["deliberations"].append(_deliberation(meeting, item, index, presiding_of, opening))
    for other in meeting.other_items:
        part = parts.setdefault(
            other.part, {"titre": other.part, "deliberations": [], "points": []}
        )
        text = other.text
        if other.tariff_service is not None:
            rates = sentences.rate_blocks(meeting, other.tariff_service, text)
            if meeting.has_tariff_sheet:  # the annex is written: the item points to it
                text = sentences.with_annex_reference(text)
            text += rates
        part["points"].append({"titre": french.typography(other.title), "texte": blocks(text)})
    out = []
    for i, part in enumerate(parts.values()):
        numeral = french.part_numeral(i)
        title = french.typography(part["titre"])
        heading = sentences.part_heading(numeral, title)
        out.append({**part, "titre": title, "numero": numeral, "intitule": heading})
    return out


def _signatures(meeting: Meeting, secretaries: bool = True) -> list[dict[str, str]]:
    """The presiding officer, then each secretary, with the role agreeing."""
    president = meeting.member(meeting.president)
    out = [{"role": sentences.president_role(president.feminine), "nom": president.name}]
    if secretaries:
        for key in meeting.secretaries:
            m = meeting.member(key)
            out.append({"role": sentences.secretary_role(m.feminine), "nom": m.name})
    return out


def _agenda(parts: list[dict[str, Any]]) -> list[str]:
    out = []
    for part in parts:
        out += [sentences.item_heading(d["numero"], d["titre"]) for d in part["deliberations"]]
        titled = [p["titre"] for p in part["points"] if p["titre"]]
        if titled:
            out += titled
        elif part["points"] and not part["deliberations"]:
            out.append(part["titre"])
    return out


def minutes_context(
    meeting: Meeting, analysis: Analysis, logo: Logo | None = None
) -> dict[str, Any]:
    """Everything ``proces-verbal.docx`` may use."""
    att = analysis.attendance
    president = meeting.member(meeting.president)
    parts = _parts(meeting, analysis)
    return {
        **_letterhead(meeting, logo),
        "titre": sentences.heading(meeting),
        "sous_titre": meeting.title,
        "preambule": sentences.preamble(meeting),
        "membres_intitule": sentences.members_heading(meeting),
        "membres": _members_table(meeting),
        "pouvoirs": [sentences.proxy_sentence(meeting, p) for p in att.proxies],
        "quorum": sentences.quorum_sentence(meeting, analysis.quorum),
        "quorum_atteint": analysis.quorum.reached,
        "secretaire": sentences.secretary_sentence(meeting),
        "proces_verbal_precedent": sentences.previous_minutes(meeting, analysis.previous),
        "parties": parts,
        "effectifs": sentences.headcount(meeting, att),
        "ordre_du_jour": _agenda(parts) if lists_agenda(meeting.date) else [],
        "deuxieme_convocation": sentences.second_convocation(meeting),
        "urgence": sentences.urgency(meeting),
        "arrete": sentences.approval(meeting),
        "signatures": _signatures(meeting),
        "cloture": sentences.closing(meeting),
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


# --- the tariff annex ------------------------------------------------------------------


def annex_context(meeting: Meeting, analysis: Analysis, logo: Logo | None = None) -> dict[str, Any]:
    """Everything ``annexe-tarifs.docx`` may use: per budget and service, the
    rates, then the contributions sorted by name with their total."""
    years = sorted({t.year for t in meeting.tariffs if t.year is not None})
    budgets: dict[str, dict[str, list[Tariff]]] = {}
    for t in meeting.tariffs:
        budgets.setdefault(t.budget, {}).setdefault(t.service, []).append(t)
    out = []
    for budget, services in budgets.items():
        entries = []
        for service, rows in services.items():
            charges = sorted(
                (c for c in analysis.charges if fold(c.tariff.service) == fold(service)),
                key=lambda c: (fold(c.contribution.payer), c.contribution.payer),
            )
            entries.append(
                {
                    "nom": french.typography(service),
                    "tarifs": [_tariff_row(t) for t in rows],
                    "contributions": [
                        {
                            "collectivite": french.typography(c.contribution.payer),
                            "categorie": french.typography(c.tariff.category),
                            "quantite": french.quantity(c.contribution.quantity),
                            "montant": french.euros(c.amount),
                        }
                        for c in charges
                    ],
                    "total": french.euros(tariffs.total(c.amount for c in charges)),
                }
            )
        out.append({"nom": french.typography(budget), "services": entries})
    return {
        **_letterhead(meeting, logo),
        "titre": sentences.annex_title(meeting),
        "sous_titre": sentences.annex_subtitle(years),
        "budgets": out,
    }


def _tariff_row(t: Tariff) -> dict[str, str]:
    return {
        "categorie": french.typography(t.category),
        "tarif": sentences.rate_with_unit(t, tax=""),
        "plancher": french.euros(t.floor) if t.floor is not None else "",
        "plafond": french.euros(t.ceiling) if t.ceiling is not None else "",
        "precedent": french.rate(t.previous) if t.previous is not None else "",
        "evolution": french.rate_change(tariffs.change(t.previous, t.rate)),
    }


# --- the list of deliberations and the extracts --------------------------------------


def list_context(meeting: Meeting, analysis: Analysis, logo: Logo | None = None) -> dict[str, Any]:
    """Everything ``liste-deliberations.docx`` may use (CGCT L2121-25)."""
    return {
        **_letterhead(meeting, logo),
        "titre": sentences.heading(meeting),
        "sous_titre": "Liste des délibérations",
        "introduction": sentences.list_introduction(meeting),
        "deliberations": [
            {
                "numero": item.deliberation.number,
                "numero_acte": item.deliberation.act_number,
                "titre": french.typography(item.deliberation.title),
                "issue": results.verdict(item.outcome),
                "votes": results.votes_short(
                    item.counts, secret=item.deliberation.ballot is Ballot.SECRET
                ),
            }
            for item in analysis.items
        ],
        "affichage": sentences.list_posted(meeting),
        "mise_en_ligne": sentences.list_online(meeting),
        "arrete": "",
        "signatures": _signatures(meeting, secretaries=False),
    }


def extract_filename(d: Deliberation) -> str:
    """ "extraits/B2016_001-convention-cadre-espaces-numeriques.docx": the
    act number (or N°) and a slug of the title (ASCII, lower case, hyphens,
    at most 40 characters), so that no / nor accent reaches the file name."""
    return f"extraits/{d.act_number or d.number}-{title_slug(d)}.docx"


def title_slug(d: Deliberation) -> str:
    """ "convention-cadre-espaces-numeriques": the title's slug of an
    item's file name (its extract, its draft)."""
    from slugify import slugify

    return slugify(d.title, max_length=40, word_boundary=True, save_order=True) or "deliberation"


def extract_context(
    meeting: Meeting, item: Item, rendered: dict[str, Any], minutes: dict[str, Any]
) -> dict[str, Any]:
    """Everything ``extrait.docx`` may use: the item as the minutes print it,
    with its own counts and the certification block."""
    return {
        "organisme": minutes["organisme"],
        "logo": minutes["logo"],
        "titre": "Extrait du registre des délibérations",
        "seance_titre": sentences.heading(meeting),
        "preambule": minutes["preambule"],
        "effectifs": sentences.extract_headcount(meeting, item.attendance, item.counts),
        "quorum": minutes["quorum"],
        "d": rendered,
        "arrete": "",
        "signatures": minutes["signatures"],
        "certification": sentences.certification(meeting, item.deliberation),
    }


# --- the registry of documents ---------------------------------------------------------


@dataclass(frozen=True)
class Document:
    filename: str  # relative to the meeting's output folder
    template: str  # the template's file name
    context: dict[str, Any]

    @property
    def heading(self) -> str:
        """The text its first page must show (checked in its PDF)."""
        return self.context["titre"]


def documents(meeting: Meeting, analysis: Analysis, logo: Logo | None = None) -> list[Document]:
    """The documents of a meeting, each with the template it is rendered
    with; ``logo``: the image of the letterhead (:mod:`pipeline.render.logo`), if any."""
    minutes = minutes_context(meeting, analysis, logo)
    docs = [Document("proces-verbal.docx", "proces-verbal.docx", minutes)]
    if meeting.has_tariff_sheet:
        annex = annex_context(meeting, analysis, logo)
        docs.append(Document("annexe-tarifs.docx", "annexe-tarifs.docx", annex))
    if analysis.items:
        docs.append(
            Document(
                "liste-deliberations.docx",
                "liste-deliberations.docx",
                list_context(meeting, analysis, logo),
            )
        )
    rendered_items = [d for part in minutes["parties"] for d in part["deliberations"]]
    for item, context in zip(analysis.items, rendered_items, strict=True):
        docs.append(
            Document(
                extract_filename(item.deliberation),
                "extrait.docx",
                extract_context(meeting, item, context, minutes),
            )
        )
    return docs
