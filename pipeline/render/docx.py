"""Rendering a ``.docx`` template with docxtpl, strictly and in a sandbox.

Autoescape on (``&`` and ``<`` from the data survive), an unknown variable
is an error naming the template, a template cannot reach Python's internals
or files and is bounded in what it produces (``pipeline/render/sandbox.py``),
and a Word exposé is joined as a sub-document that must be printed. Every
failure is a :class:`TemplateError` whose message is for the clerk.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from pipeline import zipguard
from pipeline.model import ExposeFile
from pipeline.problems import CodedError
from pipeline.render.logo import Logo


class TemplateError(CodedError):
    """A template that cannot be rendered; the message is for the clerk,
    ``code`` names the kind of problem (« area.what ») for the report."""


# The document properties docxtpl renders (title, subject…), as text.
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def environment(xml: bool = True):
    """Sandboxed (a template cannot reach Python's internals or files),
    strict (an unknown variable is an error) and bounded in what it produces
    and how long it runs (``pipeline/render/sandbox.py``). ``xml``: for a part of
    the document, autoescaped, data printed as typed through docxtpl's
    post-processing; otherwise for the document's properties, plain text."""
    from pipeline.render.sandbox import Environment

    return Environment(xml=xml)


def limit_error(template: Path, exc: Exception) -> TemplateError:
    """A template over the sandbox's limits, out of memory or recursion."""
    from pipeline.render.sandbox import failure, failure_code

    return TemplateError(f"modèle {template.name} : {failure(exc)}", code=failure_code(exc))


def _properties(tpl, sources: dict[str, str], context: dict[str, Any], env) -> None:
    """Set the document's properties (title…) rendered as text: ``&`` and
    ``<`` of the data stay themselves (the XML writer escapes them once)."""
    core = tpl.docx.core_properties
    for prop, source in sources.items():
        setattr(core, prop, env.from_string(source).render(context))


class _Embedded:
    """A Word exposé as a template sees it: the body of its sub-document, to
    print alone in its paragraph (``{{p d.expose_document }}``). Nothing else
    of it is reachable from the sandbox (its attributes start with "_")."""

    __slots__ = ("_xml", "_source", "_printed")

    def __init__(self, xml: str, source: ExposeFile):
        self._xml = xml
        self._source = source
        self._printed = False

    def __html__(self) -> str:
        self._printed = True
        return self._xml

    __str__ = __html__


_LINK = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link"
_BLIPS = (
    "{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
    "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip",
)


def _unlink_pictures(subdoc, part) -> None:
    """A picture an exposé both stores and links to its file (Word's
    « Insérer et lier ») shows its stored copy; its link is dropped, with the
    external relationship docxcompose gave ``part`` (the template's document)
    for it: the minutes must not point to a file of the author's computer,
    which Word or LibreOffice would try to open. (An exposé whose picture is
    only linked is refused when it is read: ``parse.exposes.expose_file``.)"""
    for blip in subdoc.subdocx.element.body.iter(*_BLIPS):
        rid = blip.attrib.pop(_LINK, None)
        rel = part.rels.get(rid) if rid else None
        if rel is None or not rel.is_external:
            continue
        if not any(rid in element.attrib.values() for element in part.element.iter()):
            del part.rels[rid]  # unless the template itself uses it


class _Picture:
    """The logo as a template sees it: an image printed where ``{{ logo }}``
    stands, in its own run (docxtpl's InlineImage, added to the document
    only when printed). Nothing else of it is reachable from the sandbox."""

    __slots__ = ("_image",)

    def __init__(self, tpl, logo: Logo):
        from docx.shared import Emu
        from docxtpl import InlineImage

        self._image = InlineImage(
            tpl, io.BytesIO(logo.data), width=Emu(logo.width), height=Emu(logo.height)
        )

    def __html__(self) -> str:
        return self._image._insert_image()

    __str__ = __html__


def _embed(value: Any, tpl, template: Path, embedded: list[_Embedded]) -> Any:
    """``value`` with each Word exposé made a sub-document of ``tpl`` (its
    styles, numbering and images joined to the template's) and the logo an
    image of it, as a copy: the same context serves several templates."""
    if isinstance(value, Logo):
        return _Picture(tpl, value)
    if isinstance(value, ExposeFile):
        try:
            subdoc = tpl.new_subdoc(str(value.path))
            _unlink_pictures(subdoc, tpl.docx.part)
            xml = str(subdoc)
        except Exception as exc:  # noqa: BLE001 - a part docxcompose cannot join…
            raise TemplateError(
                f"modèle {template.name} : l’exposé « {value.name} » ({value.place}) ne peut pas "
                f"y être inséré ({type(exc).__name__}) ; ouvrez-le dans Word ou LibreOffice et "
                "enregistrez-le de nouveau au format .docx.",
                code="expose.cannot-embed",
            ) from None
        embedded.append(_Embedded(xml, value))
        return embedded[-1]
    if isinstance(value, dict):
        return {k: _embed(v, tpl, template, embedded) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_embed(v, tpl, template, embedded) for v in value)
    return value


# --- "1er" with "er" in superscript ----------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ORDINAL = re.compile(r"(?<!\w)1(er|re)(?!\w)")
# What follows w:vertAlign in a run's properties (CT_RPr's sequence).
_AFTER_VERT_ALIGN = {f"{_W}{n}" for n in ("rtl", "cs", "em", "lang", "eastAsianLayout")} | {
    f"{_W}specVanish",
    f"{_W}oMath",
}


def _superscript(rpr):
    """A copy of the run properties ``rpr`` (or new ones) in superscript."""
    from copy import deepcopy

    from lxml import etree

    new = deepcopy(rpr) if rpr is not None else etree.Element(f"{_W}rPr")
    for old in new.findall(f"{_W}vertAlign"):
        new.remove(old)
    align = etree.Element(f"{_W}vertAlign")
    align.set(f"{_W}val", "superscript")
    later = next((i for i, child in enumerate(new) if child.tag in _AFTER_VERT_ALIGN), None)
    new.insert(len(new) if later is None else later, align)
    return new


def superscript_ordinals(root) -> None:
    """Every "1er" (and "1re") of the text of ``root`` with its letters in
    superscript, as French typography writes it ("1er décembre 2016"): the
    run is split in three, each keeping its formatting. The same in every
    document and in both ways of rendering (here and ``compiled``)."""
    from copy import deepcopy

    from lxml import etree

    for t in list(root.iter(f"{_W}t")):
        text = t.text or ""
        run = t.getparent()
        if "1" not in text or run is None or run.tag != f"{_W}r" or not _ORDINAL.search(text):
            continue
        rpr = run.find(f"{_W}rPr")
        children = [c for c in run if c is not rpr]
        at = children.index(t)
        segments, position = [], 0
        for found in _ORDINAL.finditer(text):
            segments.append((text[position : found.start(1)], False))
            segments.append((found.group(1), True))
            position = found.end()
        segments.append((text[position:], False))
        runs = []
        for k, (segment, raised) in enumerate(segments):
            last = k == len(segments) - 1
            if not segment and not (last and children[at + 1 :]):
                continue
            new = etree.Element(f"{_W}r", attrib=dict(run.attrib))
            props = _superscript(rpr) if raised else deepcopy(rpr)
            if props is not None:
                new.append(props)
            if k == 0:
                new.extend(deepcopy(c) for c in children[:at])
            if segment:
                piece = etree.SubElement(new, f"{_W}t")
                piece.text = segment
                if segment != segment.strip():
                    piece.set(_XML_SPACE, "preserve")
            if last:
                new.extend(deepcopy(c) for c in children[at + 1 :])
            runs.append(new)
        parent = run.getparent()
        index = parent.index(run)
        parent.remove(run)
        for offset, new in enumerate(runs):
            parent.insert(index + offset, new)


def _header_footer_roots(document) -> list:
    """The root elements of the headers and footers of a rendered document."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    return [
        rel.target_part.element
        for rel in document.part.rels.values()
        if rel.reltype in (RT.HEADER, RT.FOOTER)
        and not rel.is_external
        and hasattr(rel.target_part, "element")
    ]


def render(template: Path, context: dict[str, Any]) -> bytes:
    """The rendered ``.docx`` as bytes; :class:`TemplateError` names the
    template and what went wrong (docxtpl's own errors name neither). A Word
    exposé the template does not print is an error: never left out silently."""
    from docxtpl import DocxTemplate

    if not template.is_file():
        raise TemplateError(f"modèle {template.name} introuvable.", code="template.not-found")
    refused = zipguard.refusal(template, "ce modèle", count_rows=False)
    if refused:
        raise TemplateError(f"modèle {template.name} : {refused}", code=refused.code)
    embedded: list[_Embedded] = []
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()  # a broken template is reported as such, before any exposé
        properties = {p: getattr(tpl.docx.core_properties, p) for p in PROPERTIES}
        context = _embed(context, tpl, template, embedded)
        env, text = environment(), environment(xml=False)
        env.begin(allowed=[e._xml for e in embedded])
        text.budget = env.budget  # one budget for the whole document
        tpl.render(context, jinja_env=env, autoescape=True)
        for root in [tpl.docx.element.body, *_header_footer_roots(tpl.docx)]:
            superscript_ordinals(root)
        _properties(tpl, properties, context, text)
        if embedded and tpl.docx.element.body.xpath(".//w:t/*"):
            # {{ d.expose_document }} inside a sentence: paragraphs within a text run.
            raise TemplateError(
                f"modèle {template.name} : l’exposé « {embedded[0]._source.name} » y est imprimé "
                "au milieu d’un paragraphe ; la balise « {{p d.expose_document }} » (avec « p ») "
                "doit être seule dans son paragraphe (voir docs/templates.md).",
                code="template.expose-inline",
            )
        buffer = io.BytesIO()
        tpl.save(buffer)
    except TemplateError:
        raise
    except Exception as exc:  # noqa: BLE001 - each named for the clerk by _failure
        raise _failure(template, exc) from None
    left_out = [e._source for e in embedded if not e._printed]
    if left_out:
        raise TemplateError(
            f"modèle {template.name} : l’exposé « {left_out[0].name} » ({left_out[0].place}) n’y "
            "est pas imprimé ; ajoutez, seule dans un paragraphe, la balise "
            "« {{p d.expose_document }} » (voir docs/templates.md).",
            code="template.expose-not-printed",
        )
    return buffer.getvalue()


def _failure(template: Path, exc: Exception) -> TemplateError:
    """What went wrong in rendering ``template``, for the clerk."""
    import jinja2

    from pipeline.render.sandbox import Exceeded

    if isinstance(exc, (Exceeded, MemoryError, RecursionError)):
        return limit_error(template, exc)
    if isinstance(exc, jinja2.exceptions.SecurityError):
        found = re.search(r"attribute '([^']+)'", str(exc))
        what = f"à « {found[1]} » " if found else ""
        return TemplateError(
            f"modèle {template.name} : accès interdit {what}: un modèle n’utilise que les "
            "variables prévues (docs/templates.md).",
            code="template.forbidden",
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(
            f"modèle {template.name} : accès interdit : un modèle ne peut pas inclure d’autre "
            f"fichier (« {exc.name} »).",
            code="template.forbidden-include",
        )
    if isinstance(exc, jinja2.UndefinedError):
        said, code = _undefined(exc)
        return TemplateError(
            f"modèle {template.name} : {said} ; les variables disponibles sont "
            "décrites dans docs/templates.md.",
            code=code,
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(
            f"modèle {template.name} : balise mal formée ({exc.message}).",
            code="template.malformed-tag",
        )
    # Not a valid .docx, a broken part…
    return TemplateError(
        f"modèle {template.name} : impossible de l’utiliser, ce n’est pas un document Word "
        f"valide ({type(exc).__name__}).",
        code="template.not-a-docx",
    )


def _undefined(exc: Exception) -> tuple[str, str]:
    """Jinja says "'dict object' has no attribute 'x'" or "'x' is undefined":
    what to say of it, and its code."""
    message = str(exc)
    if "has no attribute" in message:
        name = message.split("has no attribute", 1)[1].strip().strip("'")
        if name.startswith("_"):
            return (
                f"accès interdit à « {name} » : un modèle n’utilise que les variables prévues",
                "template.forbidden",
            )
        return f"attribut inconnu « {name} »", "template.unknown-variable"
    name = message.replace(" is undefined", "").strip(chr(39))
    return f"variable inconnue « {name} »", "template.unknown-variable"
