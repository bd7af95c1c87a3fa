"""The check of a clerk's modified template, before any meeting is built
(``make-minutes fields MODÈLE``).

A template is checked without rendering it first: its Jinja source (as
docxtpl prepares it) is parsed, and every name and attribute it reads is
looked up in the variables of its document (render/variables.py), in every
branch of every ``if`` and inside every loop, so that a typo in a paragraph
the sample meeting never prints is found too. commands/fields.py then
confirms a template found clean by a trial render against the sample
meeting's context, with the strict environment of the build.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.render.variables import MISSING, Section, TemplateVariables, sample


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis ending it when cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def loop_tag(section: Section) -> str:
    """The ``{% for %}`` tag a section's variables are read in."""
    first, *others = section.over
    also = f" (de même pour {', '.join(others)})" if others else ""
    return f"{{% for {section.alias} in {first} %}}{also}"


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


def schema(
    template: TemplateVariables, context: dict[str, Any] | None
) -> tuple[Node, dict[str, Node]]:
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


def check(
    source: list[Part], template: TemplateVariables, context: dict[str, Any] | None
) -> list[Finding]:
    """Everything wrong with a template (its ``parts``) for ``template``:
    Jinja syntax errors, unknown variables and attributes, with their place."""
    import jinja2

    from pipeline.render import docx

    env = docx.environment()
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
            out.append(cut((m[0] + segment).strip(), 40))
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

    def __init__(self, template: TemplateVariables, root: Node, items, env, tree, report) -> None:
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
            message += f" : elle n’existe qu’à l’intérieur de la boucle {loop_tag(section)}"
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
