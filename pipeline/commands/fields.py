"""``make-minutes fields``: the variables each template may use, and the
check of a clerk's modified template before any meeting is built.

The tables below are the one list of what a template may use: the listing
prints them with the sample meeting's values, the check judges a template
against them, and the tests hold them equal both to what ``documents.py``
puts in each context and to the tables of ``docs/templates.md``.

A template is checked without rendering it first: its Jinja source (as
docxtpl prepares it) is parsed, and every name and attribute it reads is
looked up in the tables, in every branch of every ``if`` and inside every
loop, so that a typo in a paragraph the sample meeting never prints is
found too. A trial render against the sample meeting's context, with the
strict environment of the build, then confirms a template found clean.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
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
class Template:
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
        ("secretaire", "la désignation du ou des secrétaires"),
        ("proces_verbal_precedent", "l’adoption du procès-verbal précédent, ou vide"),
        ("ordre_du_jour", "les points de l’ordre du jour, dans l’ordre"),
        ("parties", "les parties, dans l’ordre"),
        ("cloture", "la levée de séance, ou vide sans heure de clôture"),
        ("arrete", "la phrase qui précède les signatures, ou vide"),
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
        ("titre", "instance en capitales et date"),
        ("sous_titre", "la ligne sous le titre"),
        ("organisme", "champ Organisme de la feuille Séance"),
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
        ("titre", "instance en capitales et date"),
        ("sous_titre", "la ligne sous le titre, ou vide"),
        ("organisme", "champ Organisme de la feuille Séance, ou vide"),
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
        ("d.votes", "le décompte des voix, sur une ligne"),
    ),
)
EXTRACT = Group(
    "Variables de l’extrait",
    (
        ("titre", "le titre du document"),
        ("seance_titre", "instance en capitales et date, ou vide"),
        ("organisme", "champ Organisme de la feuille Séance, ou vide"),
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
        Template(
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
        Template(
            "annexe-tarifs.docx",
            (
                Section(ANNEX),
                Section(BUDGET, ("budgets",)),
                Section(SERVICE, ("budget.services",)),
                Section(TARIFF, ("service.tarifs",)),
                Section(CONTRIBUTION, ("service.contributions",)),
            ),
        ),
        Template(
            "liste-deliberations.docx",
            (
                Section(LIST),
                Section(LIST_ITEM, ("deliberations",)),
                Section(SIGNATURE, ("signatures",)),
            ),
        ),
        Template(
            "extrait.docx",
            (
                Section(EXTRACT),
                Section(DELIBERATION, note="d, la délibération de l’extrait"),
                Section(BLOCK, ("d.expose", "d.debats", "d.decision")),
                Section(SIGNATURE, ("signatures",)),
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


def template_paths(template: Template) -> set[str]:
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


def values(template: Template, name: str, context: dict[str, Any]) -> list[Any]:
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


def sample(template: Template, name: str, context: dict[str, Any] | None) -> Any:
    """The first value that is not empty, else the first one, else MISSING."""
    found = values(template, name, context) if context is not None else []
    return next((v for v in found if v not in ("", [], None)), found[0] if found else MISSING)


def shown(value: Any, width: int = 70) -> str:
    """A value on one line, as the listing prints it."""
    if value is MISSING:
        return "(aucune dans la réunion d’exemple)"
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, str):
        text = " ".join(value.split())
        return f"« {_cut(text, width)} »" if text else "(vide)"
    if isinstance(value, dict):
        return "(voir ci-dessous)"
    if isinstance(value, list):
        if not value:
            return "(liste vide)"
        if all(isinstance(v, dict) for v in value):
            n = len(value)
            return f"(liste de {n} élément{'s' if n > 1 else ''}, voir ci-dessous)"
        return _cut("[" + ", ".join(shown(v, width) for v in value) + "]", width)
    if isinstance(value, int | float):
        return str(value)
    name = getattr(value, "name", None)  # a Word exposé
    return f"(document « {name} »)" if isinstance(name, str) else f"({type(value).__name__})"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _loop(section: Section) -> str:
    first, *others = section.over
    also = f" (de même pour {', '.join(others)})" if others else ""
    return f"{{% for {section.alias} in {first} %}}{also}"


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
                heading += f" : {section.note or _loop(section)}"
            lines.append(f"  {heading}")
            for name, description in section.group.fields:
                value = shown(sample(template, name, context))
                lines.append(f"    {name:<{width}}  {description} ; exemple : {value}")
    return lines


# --- the schema a template is judged against ------------------------------------------------


class Node:
    """What a name holds: ``attrs`` for a dict, ``item`` for a list of
    dicts, neither for a text, number, truth value or list of texts."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.attrs: dict[str, Node] = {}
        self.item: Node | None = None
        self.value: Any = MISSING


ANY = None  # a value the check cannot judge (a macro argument, a loop over a text…)


def schema(template: Template, context: dict[str, Any] | None) -> tuple[Node, dict[str, Node]]:
    """The context as a tree of nodes, and the node of each loop variable."""
    aliases = template.aliases
    root = Node("")
    items = {alias: Node(alias) for alias in aliases}
    names = set()
    for name in template.names:
        segments = name.split(".")
        names |= {".".join(segments[: i + 1]) for i in range(len(segments))}
    nodes = dict(items)
    for name in sorted(names, key=lambda n: n.count(".")):
        if name in nodes:
            continue
        node = nodes[name] = Node(name)
        parent, _, attr = name.rpartition(".")
        (nodes[parent] if parent else root).attrs[attr] = node
        node.value = sample(template, name, context)
    for alias, section in aliases.items():
        for over in section.over:
            nodes[over].item = items[alias]
    return root, items


# --- the check of a template ---------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    part: str  # "" for the body, else "en-tête", "pied de page"…
    paragraph: int  # 1-based, in the part; 0 when unknown
    text: str  # the paragraph's text, as the clerk typed it
    message: str

    def __str__(self) -> str:
        where = [self.part] if self.part else []
        if self.paragraph:
            where.append(f"paragraphe {self.paragraph} « {_around(self.text)} »")
        return (", ".join(where) + " : " if where else "") + self.message


def _around(text: str, width: int = 80) -> str:
    """The paragraph's text on one line, cut around its first tag."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    start = max(0, min(text.find("{") - 10, len(text) - width))
    cut = text[start : start + width - 2]
    return ("…" if start else "") + cut + "…"


_MARK = re.compile("\ue000(\\d+)\ue001")
_PARAGRAPH = re.compile(r"<w:p[ >]")
_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")


@dataclass
class Part:
    """One part of a .docx as docxtpl renders it: its Jinja source, each
    line starting with the number of the paragraph it comes from."""

    label: str
    source: str
    paragraphs: list[str]  # the text of each paragraph, as typed

    def place(self, lineno: int | None) -> tuple[int, str]:
        lines = self.source.split("\n")
        for line in reversed(lines[: max(lineno or 0, 1)]):
            found = _MARK.match(line)
            if found:
                n = int(found[1])
                return n, self.paragraphs[n - 1]
        return 0, ""


def parts(path: Path) -> list[Part]:
    """The body, headers, footers, footnotes and properties of the .docx
    at ``path``, each patched by docxtpl into the source Jinja reads."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(path))
    tpl.init_docx()

    def part(label: str, xml: str) -> Part:
        starts = [m.start() for m in _PARAGRAPH.finditer(xml)]
        texts = [
            html.unescape("".join(_TEXT.findall(xml[a:b])))
            for a, b in zip(starts, [*starts[1:], len(xml)])
        ]
        counter = iter(range(1, len(starts) + 1))
        marked = _PARAGRAPH.sub(lambda m: f"\n\ue000{next(counter)}\ue001{m[0]}", xml)
        return Part(label, tpl.patch_xml(marked), texts)

    out = [part("", tpl.get_xml())]
    for uri, label in ((tpl.HEADER_URI, "en-tête"), (tpl.FOOTER_URI, "pied de page")):
        found = list(tpl.get_headers_footers(uri))
        for i, (_, p) in enumerate(found, 1):
            out.append(part(f"{label} {i}" if len(found) > 1 else label, tpl.get_part_xml(p)))
    for p in tpl.docx.part.package.parts:
        if p.content_type.endswith(".footnotes+xml"):
            out.append(part("notes de bas de page", p.blob.decode("utf-8")))
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(tpl.docx.core_properties, prop) or ""
        if "{" in value:
            out.append(Part(f"propriétés du document ({prop})", value, []))
    return out


def check(source: list[Part], template: Template, context: dict[str, Any] | None) -> list[Finding]:
    """Everything wrong with a template (its ``parts``) for ``template``:
    Jinja syntax errors, unknown variables and attributes, with their place."""
    import jinja2

    from pipeline.render.documents import _environment

    env = _environment()
    root, items = schema(template, context)
    findings: list[Finding] = []
    for part in source:

        def report(lineno: int | None, message: str, part: Part = part) -> None:
            n, text = part.place(lineno)
            findings.append(Finding(part.label, n, text, message))

        unclosed = [
            Finding(part.label, n, text, _unclosed_message(tag))
            for n, text in enumerate(part.paragraphs, 1)
            for tag in _unclosed(text)
        ]
        if unclosed:  # docxtpl would join it to what follows: nothing after it is reliable
            findings.extend(unclosed)
            continue
        try:
            tree = env.parse(part.source)
            env.compile(tree)
        except jinja2.TemplateSyntaxError as exc:
            lineno, message = _syntax(env, part.source, exc)
            report(lineno, message)
            continue
        _Checker(template, root, items, env, tree, report).visit(tree, {})
    return list(dict.fromkeys(findings))


_CLOSER = {"{": "}}", "%": "%}", "#": "#}"}


def _unclosed(text: str) -> list[str]:
    """The tags a paragraph opens and does not close: a tag never spans
    two paragraphs (docxtpl would join them, and drop what lies between)."""
    opened = list(re.finditer(r"\{[{%#]", text))
    out = []
    for m, after in zip(opened, [*opened[1:], None]):
        segment = text[m.end() : after.start() if after else len(text)]
        if _CLOSER[m[0][1]] not in segment:
            out.append(_cut((m[0] + segment).strip(), 40))
    return out


def _unclosed_message(tag: str) -> str:
    closer = _CLOSER[tag[1]]
    return (
        f"balise non refermée « {tag} » : il manque « {closer} » dans ce même paragraphe "
        "(une balise ne s’étend jamais sur deux paragraphes)"
    )


# --- Jinja's syntax errors, in French ----------------------------------------------------

_OPENING = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set"}


def _open_blocks(env, source: str) -> tuple[list[tuple[str, int]], int | None]:
    """The blocks still open where the first end tag does not match (its
    line), or at the end of the source (None)."""
    stack: list[tuple[str, int]] = []
    tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    for i, (lineno, kind, value) in enumerate(tokens):
        if kind != "name" or i == 0 or tokens[i - 1][1] != "block_begin":
            continue
        if value in _OPENING:
            rest = []
            for t in tokens[i + 1 :]:
                if t[1] == "block_end":
                    break
                rest.append(t)
            if value == "set" and any(t[2] == "=" for t in rest):
                continue  # {% set x = … %} closes itself
            stack.append((value, lineno))
        elif value.startswith("end"):
            if stack and stack[-1][0] == value[3:]:
                stack.pop()
            else:
                return stack, lineno
    return stack, None


_FRENCH: list[tuple[str, Callable[..., str]]] = [
    (r"Expected an expression, got", lambda: "une balise est vide ou incomplète"),
    (
        r"expected token 'end of print statement', got '(.*)'",
        lambda x: f"la balise {{{{ … }}}} contient « {x} » en trop",
    ),
    (
        r"expected token 'end of statement block', got '(.*)'",
        lambda x: f"la balise {{% … %}} contient « {x} » en trop",
    ),
    (r"unexpected '(.*)'", lambda x: f"caractère « {x} » inattendu dans une balise"),
    (r"unexpected end of template", lambda: "une balise n’est pas refermée (}} ou %} manquant)"),
    (r"No filter named '(.*)'", lambda x: f"filtre inconnu « {x} »"),
    (r"No test named '(.*)'", lambda x: f"test inconnu « {x} »"),
    (r"tag name expected", lambda: "nom de balise attendu après {%"),
    (r"expected name or number", lambda: "nom attendu après un point"),
]


def _syntax(env, source: str, exc: Exception) -> tuple[int | None, str]:
    """Where a syntax error is and what it is, in French."""
    message = getattr(exc, "message", None) or str(exc)
    lineno = getattr(exc, "lineno", None)
    try:
        stack, _ = _open_blocks(env, source)
    except Exception:  # noqa: BLE001 - the lexer failed too: the parser's place stands
        stack = []
    if message.startswith("Unexpected end of template") and stack:
        name, opened = stack[-1]
        return opened, (
            f"la balise {{% {name} … %}} n’est jamais fermée : il manque {{% end{name} %}} "
            "(ou {%p end" + name + " %} seule dans son paragraphe) après elle"
        )
    unknown = re.match(r"Encountered unknown tag '(\w+)'", message)
    if unknown:
        tag = unknown[1]
        inner = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
        if inner:
            return lineno, (
                f"balise {{% {tag} %}} inattendue : la balise {{% {inner[1]} … %}} ouverte "
                f"avant elle doit d’abord être fermée par {{% end{inner[1]} %}}"
            )
        return lineno, f"balise inconnue {{% {tag} %}}"
    for pattern, text in _FRENCH:
        found = re.match(pattern, message)
        if found:
            return lineno, "balise mal formée : " + text(*found.groups())
    return lineno, f"balise mal formée ({message})"


# --- names and attributes, looked up in the schema ---------------------------------------


class _Checker:
    """Walks a template's syntax tree with the loop variables in scope."""

    def __init__(self, template: Template, root: Node, items, env, tree, report) -> None:
        from jinja2 import nodes

        self.nodes = nodes
        self.template = template
        self.root = root
        self.items = items
        self.report: Callable[[int | None, str], None] = report
        self.known = set(env.globals)
        # Names a template sets or defines itself count as known wherever used.
        for found in tree.find_all((nodes.Assign, nodes.AssignBlock, nodes.Macro)):
            if isinstance(found, nodes.Macro):
                self.known.add(found.name)
            else:
                self.known |= _target_names(found.target)

    def visit(self, node, scope: dict[str, Node | None]) -> Node | None:
        n = self.nodes
        if isinstance(node, n.Name):
            return self.name(node, scope)
        if isinstance(node, n.Getattr):
            return self.attr(self.visit(node.node, scope), node.attr, node)
        if isinstance(node, n.Getitem):
            base = self.visit(node.node, scope)
            if isinstance(node.arg, n.Const) and isinstance(node.arg.value, str):
                return self.attr(base, node.arg.value, node)
            self.visit(node.arg, scope)
            if base is not None and isinstance(node.arg, n.Const):
                return base.item
            return base if isinstance(node.arg, n.Slice) else ANY
        if isinstance(node, n.For):
            over = self.visit(node.iter, scope)
            inner = {**scope, "loop": ANY}
            self.bind(node.target, over.item if over is not None else ANY, inner)
            for child in [node.test, *node.body]:
                if child is not None:
                    self.visit(child, inner)
            self.visit_all(node.else_, scope)
            return ANY
        if isinstance(node, n.Assign):
            self.bind(node.target, self.visit(node.node, scope), scope)
            return ANY
        if isinstance(node, n.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self.bind(target, self.visit(value, scope), inner)
            self.visit_all(node.body, inner)
            return ANY
        if isinstance(node, n.Macro | n.CallBlock):
            inner = {**scope, "varargs": ANY, "kwargs": ANY, "caller": ANY}
            for arg in node.args:
                inner[arg.name] = ANY
            self.visit_all(node.defaults, scope)
            if isinstance(node, n.CallBlock):
                self.visit(node.call, scope)
            self.visit_all(node.body, inner)
            return ANY
        if isinstance(node, n.Include | n.Import | n.FromImport | n.Extends):
            self.report(
                node.lineno, "balise interdite : un modèle ne peut pas inclure d’autre fichier"
            )
            return ANY
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return ANY

    def visit_all(self, children: Iterable, scope) -> None:
        for child in children:
            self.visit(child, scope)

    def bind(self, target, value: Node | None, scope: dict[str, Node | None]) -> None:
        if isinstance(target, self.nodes.Name):
            scope[target.name] = value
        elif isinstance(target, self.nodes.Tuple):
            for t in target.items:
                self.bind(t, ANY, scope)

    def name(self, node, scope: dict[str, Node | None]) -> Node | None:
        if node.ctx != "load":
            return ANY  # a name being set ({% set x %}…{% endset %})
        if node.name in scope:
            return scope[node.name]
        if node.name in self.root.attrs:
            return self.root.attrs[node.name]
        if node.name in self.known:
            return ANY
        message = f"variable inconnue « {node.name} »"
        section = self.template.aliases.get(node.name)
        if section:
            message += f" : elle n’existe qu’à l’intérieur de la boucle {_loop(section)}"
        else:
            guess = _guess(node.name, [*self.root.attrs, *scope])
            # "lieu" for "seance.lieu": a name that exists one level down.
            deeper = [n for n in self.template.names if n.endswith("." + node.name)]
            if not guess and deeper:
                guess = f" ; vouliez-vous dire « {deeper[0]} » ?"
            message += guess
        self.report(node.lineno, message)
        return ANY

    def attr(self, base: Node | None, attr: str, node) -> Node | None:
        written = _written(node)
        if attr.startswith("_"):
            self.report(
                node.lineno,
                f"accès interdit à « {attr} » ({written}) : un modèle n’utilise que les "
                "variables prévues",
            )
            return ANY
        if base is None:
            return ANY
        if base.item is not None:
            if not hasattr([], attr):
                alias = next(a for a, item in self.items.items() if item is base.item)
                self.report(
                    node.lineno,
                    f"« {base.name} » est une liste ({written}) : ses éléments se lisent dans "
                    f"une boucle {{% for {alias} in {base.name} %}} … {{{{ {alias}.{attr} }}}}",
                )
            return ANY
        if base.attrs:
            if attr in base.attrs:
                return base.attrs[attr]
            if hasattr({}, attr):
                return ANY  # a dict's own methods: items(), keys()…
            guess = _guess(attr, list(base.attrs), prefix=f"{base.name}.")
            self.report(
                node.lineno, f"attribut inconnu « {attr} » de « {base.name} » ({written}){guess}"
            )
            return ANY
        if base.value is not MISSING and not hasattr(base.value, attr):
            kind = "un texte" if isinstance(base.value, str) else "une valeur simple"
            self.report(
                node.lineno,
                f"attribut inconnu « {attr} » ({written}) : « {base.name} » est {kind}, "
                "sans attributs",
            )
        return ANY


def _target_names(target) -> set[str]:
    from jinja2 import nodes

    if isinstance(target, nodes.Name):
        return {target.name}
    if isinstance(target, nodes.Tuple):
        return {n for t in target.items for n in _target_names(t)}
    return set()


def _guess(name: str, candidates: list[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {prefix}{close[0]} » ?" if close else ""


def _written(node) -> str:
    """``seance.datee`` as the template writes it (approximately)."""
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"{_written(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_written(node.node)}[{node.arg.value!r}]"
    return "…"


# --- the command ---------------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "2016-11-28-bureau"


def sample_contexts(source) -> dict[str, dict[str, Any]] | None:
    """The context of each template for the meeting ``source`` (the first
    extract's for extrait.docx), or None when the meeting has errors."""
    from pipeline import parse
    from pipeline.law import checks
    from pipeline.problems import Report
    from pipeline.render import documents

    report = Report()
    try:
        meeting = parse.parse_meeting(source, report)
        analysis = checks.analyse(meeting, report) if meeting is not None else None
        if analysis is None or report.errors:
            return None
        out: dict[str, dict[str, Any]] = {}
        for doc in documents.documents(meeting, analysis):
            out.setdefault(doc.template, doc.context)
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


def _which(path: Path, document: str | None, echo) -> Template | None:
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
    from pipeline.render import documents

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
            documents.render(path, context)
            tried = f" ; essai de rendu avec la réunion « {meeting} » réussi"
        except documents.TemplateError as exc:
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
