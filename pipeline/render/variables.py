"""The variables each template may use, listed once: by document, the
groups of docs/templates.md, each variable with a one-line description.

``make-minutes fields`` lists them with a meeting's values and judges a
clerk's template against them (commands/fields.py, commands/template_check.py);
the tests hold them equal both to what ``contexts.py`` puts in each context
and to the tables of ``docs/templates.md`` (tests/test_fields.py).
"""

from __future__ import annotations

from typing import Any

from pipeline.render.variable_types import Group, Section, TemplateVariables
from pipeline.render.variables_cycle import (
    AGENDA,
    AGENDA_PART,
    DRAFT,
    DRAFT_ITEM,
    LETTER,
    LETTERS,
    PROXY_FORM,
    REGISTER,
    REGISTER_CLOSING_ITEM,
    REGISTER_ITEM,
    REGISTER_LEFT_OUT,
    REGISTER_MEETING,
    REGISTER_ROW,
    REGISTER_SUBJECT,
    SIGN_IN,
    SIGN_IN_COLLEGE,
    SIGN_IN_MEMBER,
    SIGNATORY,
    SYNTHESIS,
    SYNTHESIS_PART,
)

# --- the variables, as docs/templates.md lists them --------------------------------------


MINUTES = Group(
    "Variables du procès-verbal",
    (
        ("logo", "l’image du logo (logo.png ou logo.jpg), ou vide"),
        ("organisme", "champ Organisme, initiale en capitale : l’en-tête de chaque document"),
        ("titre", "instance en capitales et date"),
        ("sous_titre", "champ Titre de la feuille Séance (défaut « Procès-verbal »)"),
        ("preambule", "la phrase d’ouverture"),
        ("effectifs", "les effectifs à l’ouverture, une ligne courte chacun"),
        ("membres_intitule", "titre de la liste des membres, selon les statuts présents"),
        ("membres.en_colonnes", "vrai de 1 à 4 collèges (un par colonne), faux au-delà"),
        ("membres.colleges", "noms des collèges, dans l’ordre d’apparition"),
        ("membres.lignes", "lignes du tableau en colonnes : une cellule par collège"),
        ("membres.par_college", "pour le tableau en lignes : un collège chacun"),
        ("pouvoirs", "une phrase par pouvoir qui compte"),
        ("quorum", "la phrase du quorum (atteint ou non)"),
        ("quorum_atteint", "vrai si le quorum est atteint"),
        ("deuxieme_convocation", "la phrase de la deuxième convocation, ou vide"),
        ("urgence", "le compte rendu de l’urgence (champ Urgence), ou vide"),
        ("secretaire", "la désignation du ou des secrétaires"),
        ("proces_verbal_precedent", "l’adoption du procès-verbal précédent, ou vide"),
        ("ordre_du_jour", "les points de l’ordre du jour, dans l’ordre"),
        ("parties", "les parties, dans l’ordre"),
        ("cloture", "la levée de séance, ou vide sans heure de clôture"),
        ("arrete", "la phrase qui précède les signatures : la séance qui l’a arrêté"),
        ("signatures", "les signataires, dans l’ordre des colonnes"),
        ("seance", "les valeurs brutes"),
    ),
)
COLLEGE = Group(
    "Chaque collège",
    (
        ("g.college", "nom du collège"),
        ("g.noms", "ses membres, dans l’ordre, avec leur statut"),
    ),
)
PART = Group(
    "Chaque partie",
    (
        ("partie.numero", "chiffre romain"),
        ("partie.titre", "colonne Partie"),
        ("partie.intitule", "numéro, tiret demi-cadratin, titre"),
        ("partie.deliberations", "les délibérations de la partie"),
        ("partie.points", "les autres points (sans vote) de la partie"),
    ),
)
DELIBERATION = Group(
    "Chaque délibération",
    (
        ("d.numero", "colonne N°"),
        ("d.numero_acte", "colonne Numéro d’acte (ou numéro attribué), ou vide"),
        ("d.titre", "colonne Titre"),
        ("d.evenements", "arrivées, départs, retraits avant le point, une phrase chacun"),
        ("d.intitule", "numéro et titre"),
        ("d.presidence", "qui préside pour ce point, s’il change, ou vide"),
        ("d.effectifs", "les effectifs pour ce point, s’ils changent, ou vide"),
        ("d.scrutin", "colonne Scrutin (main levée, secret, public)"),
        ("d.expose", "les paragraphes de la colonne Exposé"),
        (
            "d.expose_document",
            "l’exposé tiré d’un document Word, ou vide ; seul dans son paragraphe",
        ),
        ("d.debats", "les paragraphes de la colonne Débats"),
        ("d.decision", "les paragraphes de la colonne Décision"),
        ("d.resultat", "la ligne de résultat"),
        ("d.decompte", "votants, pour, contre, abstentions, sur une ligne"),
        ("d.votes_nominatifs", "qui a voté contre, s’est abstenu…, une ligne chacun"),
        ("d.pour", "voix pour"),
        ("d.contre", "voix contre"),
        ("d.abstentions", "abstentions (ou bulletins blancs et nuls)"),
        ("d.nppv", "membres qui ne prennent pas part au vote"),
        ("d.votants", "votants : pour + contre + abstentions"),
        ("d.exprimes", "suffrages exprimés : pour + contre"),
        ("d.adoptee", "vrai si la délibération est adoptée"),
    ),
)
POINT = Group(
    "Chaque autre point",
    (
        ("p.titre", "colonne Titre (peut être vide)"),
        ("p.texte", "les paragraphes de la colonne Texte"),
    ),
)
BLOCK = Group(
    "Blocs",
    (
        ("b.texte", "le texte du paragraphe"),
        ("b.niveau", "0 pour un paragraphe, 1, 2, 3 pour une puce de ce niveau"),
    ),
)
SEANCE = Group(
    "Valeurs brutes",
    (
        ("seance.organisme", "champ Organisme"),
        ("seance.instance", "champ Instance"),
        ("seance.date", "date de la séance"),
        ("seance.date_en_lettres", "date en toutes lettres"),
        ("seance.heure_ouverture", "heure d’ouverture"),
        ("seance.heure_cloture", "heure de clôture, ou vide"),
        ("seance.date_convocation", "date de convocation"),
        ("seance.lieu", "champ Lieu"),
        ("seance.president", "nom du président ou de la présidente"),
        ("seance.presidente", "vrai si c’est une présidente"),
        ("seance.secretaires", "noms des secrétaires de séance"),
        ("seance.membres_en_exercice", "nombre de lignes de la feuille Présences"),
        ("seance.presents", "membres présents à l’ouverture"),
        ("seance.representes", "pouvoirs qui comptent à l’ouverture"),
        ("seance.presents_et_representes", "présents et représentés"),
        ("seance.quorum_requis", "le nombre qu’il fallait atteindre"),
    ),
)
ANNEX = Group(
    "Variables de l’annexe des tarifs",
    (
        ("logo", "l’image du logo, ou vide"),
        ("organisme", "champ Organisme, initiale en capitale"),
        ("titre", "« Annexe au procès-verbal » de la séance : instance en capitales et date"),
        ("sous_titre", "« Tarifs » et leurs années"),
        ("budgets", "les budgets, dans l’ordre"),
    ),
)
BUDGET = Group(
    "Chaque budget",
    (
        ("budget.nom", "colonne Budget, ou vide"),
        ("budget.services", "les services du budget, dans l’ordre"),
    ),
)
SERVICE = Group(
    "Chaque service",
    (
        ("service.nom", "colonne Service"),
        ("service.tarifs", "les tarifs du service"),
        ("service.contributions", "les contributions des collectivités, ou liste vide"),
        ("service.total", "le total des contributions"),
    ),
)
TARIFF = Group(
    "Chaque tarif",
    (
        ("t.categorie", "colonne Catégorie"),
        ("t.tarif", "tarif HT et unité"),
        ("t.plancher", "plancher HT, ou vide"),
        ("t.plafond", "plafond HT, ou vide"),
        ("t.precedent", "tarif précédent HT, ou vide"),
        ("t.evolution", "évolution depuis le tarif précédent, ou vide"),
    ),
)
CONTRIBUTION = Group(
    "Chaque contribution",
    (
        ("c.collectivite", "colonne Collectivité"),
        ("c.categorie", "colonne Catégorie"),
        ("c.quantite", "colonne Quantité"),
        ("c.montant", "montant HT dû, plancher et plafond appliqués"),
    ),
)
SIGNATURE = Group(
    "Bloc des signatures",
    (
        ("s.role", "la qualité du signataire, accordée"),
        ("s.nom", "son nom, « Prénom NOM »"),
    ),
)
LIST = Group(
    "Variables de la liste des délibérations",
    (
        ("logo", "l’image du logo, ou vide"),
        ("organisme", "champ Organisme, initiale en capitale"),
        ("titre", "instance en capitales et date"),
        ("sous_titre", "la ligne sous le titre, ou vide"),
        ("introduction", "la phrase qui présente la liste, ou vide"),
        ("deliberations", "les délibérations, dans l’ordre"),
        ("affichage", "la mention de l’affichage, ou vide"),
        ("mise_en_ligne", "la mention de la mise en ligne, ou vide"),
        ("arrete", "la phrase avant les signatures, ou vide"),
        ("signatures", "les signataires : le président ou la présidente de séance"),
    ),
)
LIST_ITEM = Group(
    "Chaque délibération de la liste",
    (
        ("d.numero", "colonne N°"),
        ("d.numero_acte", "le numéro d’acte, ou vide"),
        ("d.titre", "l’objet (colonne Titre)"),
        ("d.issue", "le sort de la délibération"),
        ("d.votes", "votants, pour, contre, abstentions, sur une ligne"),
    ),
)
EXTRACT = Group(
    "Variables de l’extrait",
    (
        ("logo", "l’image du logo, ou vide"),
        ("organisme", "champ Organisme, initiale en capitale"),
        ("titre", "le titre du document"),
        ("seance_titre", "instance en capitales et date, ou vide"),
        ("preambule", "la phrase d’ouverture de la séance, ou vide"),
        ("effectifs", "les effectifs pour cette délibération, une ligne courte chacun"),
        ("quorum", "la phrase du quorum, ou vide"),
        ("d", "la délibération, avec les variables de celles du procès-verbal"),
        ("arrete", "la phrase avant les signatures, ou vide"),
        ("signatures", "les signataires"),
        ("certification", "les lignes de la certification, une chacune"),
    ),
)

TEMPLATES = {
    t.name: t
    for t in (
        TemplateVariables(
            "proces-verbal.docx",
            (
                Section(MINUTES),
                Section(COLLEGE, ("membres.par_college",)),
                Section(PART, ("parties",)),
                Section(DELIBERATION, ("partie.deliberations",)),
                Section(POINT, ("partie.points",)),
                Section(BLOCK, ("d.expose", "d.debats", "d.decision", "p.texte")),
                Section(SEANCE),
                Section(SIGNATURE, ("signatures",)),
            ),
        ),
        TemplateVariables(
            "annexe-tarifs.docx",
            (
                Section(ANNEX),
                Section(BUDGET, ("budgets",)),
                Section(SERVICE, ("budget.services",)),
                Section(TARIFF, ("service.tarifs",)),
                Section(CONTRIBUTION, ("service.contributions",)),
            ),
        ),
        TemplateVariables(
            "liste-deliberations.docx",
            (
                Section(LIST),
                Section(LIST_ITEM, ("deliberations",)),
                Section(SIGNATURE, ("signatures",)),
            ),
        ),
        TemplateVariables(
            "extrait.docx",
            (
                Section(EXTRACT),
                Section(DELIBERATION, note="d, la délibération de l’extrait"),
                Section(BLOCK, ("d.expose", "d.debats", "d.decision")),
                Section(SIGNATURE, ("signatures",)),
            ),
        ),
        TemplateVariables(
            "ordre-du-jour.docx",
            (
                Section(AGENDA),
                Section(AGENDA_PART, ("parties",)),
                Section(SIGNATORY),
            ),
        ),
        TemplateVariables(
            "convocations.docx",
            (
                Section(LETTERS),
                Section(LETTER, ("lettres",)),
                Section(AGENDA_PART, ("parties",)),
                Section(SIGNATORY),
            ),
        ),
        TemplateVariables(
            "feuille-emargement.docx",
            (
                Section(SIGN_IN),
                Section(SIGN_IN_COLLEGE, ("colleges",)),
                Section(SIGN_IN_MEMBER, ("g.membres",)),
            ),
        ),
        TemplateVariables("pouvoir.docx", (Section(PROXY_FORM),)),
        TemplateVariables(
            "note-de-synthese.docx",
            (
                Section(SYNTHESIS),
                Section(SYNTHESIS_PART, ("parties",)),
                Section(DRAFT_ITEM, ("partie.deliberations",)),
                Section(BLOCK, ("d.expose", "d.decision")),
            ),
        ),
        TemplateVariables(
            "projet.docx",
            (
                Section(DRAFT),
                Section(DRAFT_ITEM, note="d, le point du projet"),
                Section(BLOCK, ("d.expose", "d.decision")),
            ),
        ),
        TemplateVariables(
            "registre.docx",
            (
                Section(REGISTER),
                Section(REGISTER_LEFT_OUT, ("non_incluses",)),
                Section(REGISTER_MEETING, ("seances",)),
                Section(DELIBERATION, ("seance.deliberations",)),
                Section(REGISTER_ITEM, ("seance.deliberations",)),
                Section(BLOCK, ("d.expose", "d.debats", "d.decision")),
                Section(REGISTER_CLOSING_ITEM, ("seance.cloture.deliberations",)),
                Section(SIGNATURE, ("seance.cloture.signatures",)),
                Section(REGISTER_ROW, ("par_date", "par_titre", "m.deliberations")),
                Section(REGISTER_SUBJECT, ("par_matiere",)),
            ),
        ),
    )
}
GROUPS = list(dict.fromkeys(s.group for t in TEMPLATES.values() for s in t.sections))


# --- full paths: what the context really holds --------------------------------------------


def context_paths(context: dict[str, Any], prefix: str = "") -> set[str]:
    """Every key of a context, walked down: ``seance.date`` for a dict,
    ``parties[].titre`` for a list of dicts; other values are leaves."""
    out = set()
    for key, value in context.items():
        path = prefix + key
        out.add(path)
        if isinstance(value, dict):
            out |= context_paths(value, path + ".")
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    out |= context_paths(item, path + "[].")
    return out


def template_paths(template: TemplateVariables) -> set[str]:
    """The names of ``template`` as full paths (``d.titre`` in the minutes
    is ``parties[].deliberations[].titre``), with their parents."""
    aliases = template.aliases

    def full(name: str) -> set[str]:
        head, _, rest = name.partition(".")
        if head in aliases:
            heads = {f"{p}[]" for over in aliases[head].over for p in full(over)}
        else:
            heads = {head}
        return {f"{h}.{rest}" if rest else h for h in heads}

    out = set()
    for name in template.names:
        for path in full(name):
            while True:
                out.add(path)
                if "." not in path:
                    break
                path = path.rsplit(".", 1)[0].removesuffix("[]")
    return out


# --- sample values -----------------------------------------------------------------------


def values(template: TemplateVariables, name: str, context: dict[str, Any]) -> list[Any]:
    """Every value ``name`` takes in ``context``: one for a name of the
    context itself, one per item for a name inside a loop."""
    head, *rest = name.split(".")
    aliases = template.aliases
    if head in aliases:
        found = [
            item
            for over in aliases[head].over
            for lst in values(template, over, context)
            if isinstance(lst, list)
            for item in lst
        ]
    else:
        found = [context[head]] if head in context else []
    for attr in rest:
        found = [v[attr] for v in found if isinstance(v, dict) and attr in v]
    return found


MISSING = object()


def sample(template: TemplateVariables, name: str, context: dict[str, Any] | None) -> Any:
    """The first value that is not empty, else the first one, else MISSING."""
    found = values(template, name, context) if context is not None else []
    return next((v for v in found if v not in ("", [], None)), found[0] if found else MISSING)
