"""The variables each template may use, listed once: by document, the
groups of docs/templates.md, each variable with a one-line description.

``make-minutes fields`` lists them with a meeting's values and judges a
clerk's template against them (commands/fields.py, commands/template_check.py);
the tests hold them equal both to what ``contexts.py`` puts in each context
and to the tables of ``docs/templates.md`` (tests/test_fields.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# --- the variables, as docs/templates.md lists them --------------------------------------


@dataclass(frozen=True)
class Group:
    """One table of docs/templates.md: its heading (without the part in
    brackets) and its variables, each with a one-line description."""

    title: str
    fields: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.fields]


@dataclass(frozen=True)
class Section:
    """A group as one document uses it: ``over`` names the lists its loop
    variable (the first word of its names) runs through; empty, its names
    are in the context itself."""

    group: Group
    over: tuple[str, ...] = ()
    note: str = ""  # printed after the group's title by the listing

    @property
    def alias(self) -> str | None:
        return self.group.fields[0][0].split(".")[0] if self.over else None


@dataclass(frozen=True)
class TemplateVariables:
    name: str  # the template's file name
    sections: tuple[Section, ...]

    @property
    def names(self) -> list[str]:
        return [n for s in self.sections for n in s.group.names]

    @property
    def aliases(self) -> dict[str, Section]:
        return {s.alias: s for s in self.sections if s.alias}


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

REGISTER = Group(
    "Variables du registre",
    (
        ("logo", "vide : le registre n’imprime pas de logo"),
        ("organisme", "champ Organisme de la dernière séance, initiale en capitale"),
        ("titre", "« Registre des délibérations »"),
        ("annee", "l’année du registre"),
        ("entete", "l’en-tête des pages hors séances ; dans chaque séance, sa date"),
        ("sous_titre", "« Année » et l’année"),
        ("introduction", "la phrase qui présente le registre"),
        ("non_incluses_intitule", "le titre de la liste des réunions non incluses"),
        ("non_incluses", "les réunions de l’année qui ont des problèmes, ou liste vide"),
        ("seances", "les séances incluses, dans l’ordre des dates"),
        ("titre_par_date", "le titre de la table chronologique"),
        ("titre_par_titre", "le titre de la table par objet"),
        ("titre_par_matiere", "le titre de la table par matière"),
        ("par_date", "les lignes de la table chronologique"),
        ("par_titre", "les lignes de la table par objet, dans l’ordre alphabétique"),
        ("par_matiere", "les matières, dans l’ordre de leur code"),
    ),
)
REGISTER_LEFT_OUT = Group(
    "Chaque réunion non incluse",
    (
        ("r.reunion", "le nom de son dossier"),
        ("r.problemes", "ses erreurs, une ligne chacune"),
    ),
)
REGISTER_MEETING = Group(
    "Chaque séance du registre",
    (
        ("seance.titre", "instance en capitales et date"),
        ("seance.preambule", "la phrase d’ouverture"),
        ("seance.effectifs", "les effectifs à l’ouverture, une ligne courte chacun"),
        ("seance.quorum", "la phrase du quorum"),
        ("seance.deliberations", "ses délibérations, dans l’ordre"),
        ("seance.cloture", "son feuillet de clôture"),
        ("seance.cloture.titre", "« Feuillet de clôture de la séance du » et la date"),
        ("seance.cloture.phrase", "la phrase qui présente ses délibérations"),
        ("seance.cloture.deliberations", "ses délibérations : N°, numéro d’acte, objet"),
        ("seance.cloture.presents_intitule", "« Membres présents » et leur nombre"),
        ("seance.cloture.presents", "les membres présents, comme la liste du procès-verbal"),
        ("seance.cloture.levee", "la levée de séance, ou vide"),
        ("seance.cloture.arrete", "la phrase avant les signatures, ou vide"),
        ("seance.cloture.signatures", "le président, puis chaque secrétaire de séance"),
    ),
)
REGISTER_ITEM = Group(
    "Chaque délibération du registre",
    (
        ("d.signet", "le nom du signet de son titre, où pointent les tables"),
        ("d.signet_id", "le numéro de ce signet"),
    ),
)
REGISTER_CLOSING_ITEM = Group(
    "Chaque délibération du feuillet de clôture",
    (
        ("c.numero", "colonne N°"),
        ("c.numero_acte", "le numéro d’acte, ou vide"),
        ("c.titre", "l’objet (colonne Titre)"),
    ),
)
REGISTER_ROW = Group(
    "Chaque ligne des tables du registre",
    (
        ("t.date", "la date de la séance"),
        ("t.numero", "colonne N°"),
        ("t.numero_acte", "le numéro d’acte, ou vide"),
        ("t.titre", "l’objet (colonne Titre)"),
        ("t.signet", "le signet de la délibération : son feuillet par un champ PAGEREF"),
    ),
)
REGISTER_SUBJECT = Group(
    "Chaque matière du registre",
    (
        ("m.matiere", "le code ACTES et son nom, ou « Sans matière »"),
        ("m.deliberations", "ses lignes, dans l’ordre des dates"),
    ),
)

CONVOCATION_COMMON = (
    ("logo", "l’image du logo, ou vide"),
    ("organisme", "champ Organisme, initiale en capitale"),
    ("titre", "instance en capitales et date de la séance"),
    ("sous_titre", "le nom du document"),
)
AGENDA = Group(
    "Variables de l’ordre du jour",
    (
        *CONVOCATION_COMMON,
        ("annonce", "la phrase qui annonce la séance : jour, date, heure et lieu"),
        ("conditions", "l’urgence ou la deuxième convocation, une phrase chacune"),
        ("approbation", "« Approbation du procès-verbal de la réunion du … », ou vide"),
        ("parties", "les parties de l’ordre du jour, numérotées comme au procès-verbal"),
        ("fait_a", "« Ville, le date de convocation »"),
        ("signataire", "le signataire de la convocation"),
        ("affichage", "la mention de l’affichage"),
    ),
)
AGENDA_PART = Group(
    "Chaque partie de l’ordre du jour",
    (
        ("partie.numero", "chiffre romain"),
        ("partie.titre", "colonne Partie"),
        ("partie.intitule", "« I – Titre »"),
        ("partie.points", "ses points : « 1. Titre », puis les autres points"),
    ),
)
SIGNATORY = Group(
    "Le signataire de la convocation",
    (
        ("signataire.role", "« Le Président », « La Présidente » ou sa fonction"),
        ("signataire.nom", "son nom, « Prénom NOM »"),
    ),
)
LETTERS = Group(
    "Variables des convocations",
    (
        *CONVOCATION_COMMON,
        ("fait_a", "« Ville, le date de convocation »"),
        ("convocation", "la phrase de convocation : séance, jour, date, heure et lieu"),
        ("conditions", "l’urgence ou la deuxième convocation, une phrase chacune"),
        ("ordre_du_jour", "la ligne qui introduit l’ordre du jour"),
        ("approbation", "« Approbation du procès-verbal de la réunion du … », ou vide"),
        ("parties", "les parties de l’ordre du jour"),
        ("note", "la note explicative de synthèse jointe, quand elle est obligatoire, ou vide"),
        ("signataire", "le signataire de la convocation"),
        ("lettres", "une lettre par membre en exercice"),
    ),
)
LETTER = Group(
    "Chaque lettre",
    (
        ("l.nom", "le membre, « Prénom NOM »"),
        ("l.destinataire", "les lignes de l’adresse : civilité et nom, Fonction, Adresse"),
        ("l.appel", "« Madame, » ou « Monsieur, »"),
        ("l.pouvoir", "la règle du pouvoir (CGCT L2121-20), accordée"),
        ("l.salutations", "la formule de politesse"),
    ),
)
SIGN_IN = Group(
    "Variables de la feuille d’émargement",
    (
        *CONVOCATION_COMMON,
        ("seance", "jour, date et heure de la séance"),
        ("en_exercice", "le nombre de membres en exercice"),
        ("colleges", "les collèges, dans l’ordre de la feuille Présences"),
    ),
)
SIGN_IN_COLLEGE = Group(
    "Chaque collège de la feuille d’émargement",
    (
        ("g.college", "colonne Collège, ou vide"),
        ("g.membres", "ses membres, dans l’ordre"),
    ),
)
SIGN_IN_MEMBER = Group(
    "Chaque membre de la feuille d’émargement",
    (
        ("m.nom", "le membre, « Mme Prénom NOM »"),
        ("m.fonction", "colonne Fonction, ou vide"),
    ),
)
PROXY_FORM = Group(
    "Variables du pouvoir",
    (
        *CONVOCATION_COMMON,
        ("texte", "les paragraphes du pouvoir, à compléter à la main"),
        ("notes", "les règles du pouvoir (CGCT L2121-20)"),
    ),
)
SYNTHESIS = Group(
    "Variables de la note explicative de synthèse",
    (
        *CONVOCATION_COMMON,
        ("introduction", "la phrase qui présente la note : séance et article L2121-12"),
        ("parties", "les parties qui ont des délibérations, numérotées comme au procès-verbal"),
    ),
)
SYNTHESIS_PART = Group(
    "Chaque partie de la note",
    (
        ("partie.numero", "chiffre romain"),
        ("partie.titre", "colonne Partie"),
        ("partie.intitule", "« I – Titre »"),
        ("partie.deliberations", "ses délibérations, dans l’ordre"),
    ),
)
DRAFT_ITEM = Group(
    "Chaque point de la note et du projet",
    (
        ("d.numero", "colonne N°"),
        ("d.titre", "colonne Titre"),
        ("d.intitule", "« 1. Titre », comme au procès-verbal"),
        ("d.expose", "les paragraphes de la colonne Exposé"),
        (
            "d.expose_document",
            "l’exposé tiré d’un document Word, ou vide ; seul dans son paragraphe",
        ),
        ("d.decision", "les paragraphes de la colonne Décision : la décision proposée"),
    ),
)
DRAFT = Group(
    "Variables du projet de délibération",
    (
        *CONVOCATION_COMMON,
        ("mention", "la mention « PROJET » : le texte sera soumis au vote"),
        ("d", "le point, avec les variables de ceux de la note"),
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
