"""Templates read and compiled once per run, rendered for each document.

``docx.render`` follows docxtpl's documentation: open the template,
render, save, for every document. For the 600 extracts of a large assembly
that is 600 times reading the same .docx, patching and compiling the same
Jinja source, and re-serialising the same styles. Here each template is
opened once: its Jinja parts (body, headers and footers, core properties)
are patched and compiled once, the parts no context can change are saved
by python-docx (as docxtpl's save would write them) and compressed once, and
each document is then its compiled parts rendered and post-processed exactly
as docxtpl does, zipped with the template's unchanged parts. The bytes are those of
``reproducible(docx.render(...))`` — a test compares them.

A template this shortcut cannot reproduce (Jinja in footnotes), and a
context holding a Word exposé (a docxtpl sub-document joins styles and
numbering to the template) or a logo (an image part), go through
``docx.render`` unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from pipeline import zipguard
from pipeline.model import ExposeFile
from pipeline.render import docx
from pipeline.render.logo import Logo
from pipeline.render.package import Packed, pack, reproducible, reproducible_parts

_TAG = re.compile(r"\{[{%#]")
_PARAGRAPH = re.compile(r"<w:p([ >])")
_UNBROKEN = re.compile(r"\n<w:p([ >])")
_HEADER_FOOTER = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer",
)
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _holds_word_expose(value: Any) -> bool:
    """Whether a context holds a Word exposé or the logo: docxtpl adds their
    parts (styles, numbering, images) to the document as it renders it."""
    if isinstance(value, (ExposeFile, Logo)):
        return True
    if isinstance(value, dict):
        return any(_holds_word_expose(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_word_expose(v) for v in value)
    return False


class Compiled:
    """One template, compiled on its first document; ``render`` gives the
    finished (reproducible) .docx bytes of each document."""

    def __init__(self, template: Path):
        self.template = template
        self._ready = False
        self._shortcut = False

    def render(self, context: dict[str, Any], when: dt.datetime, embeds: bool = True) -> bytes:
        """``embeds``: whether the context may hold a Word exposé (False when
        the meeting has none, sparing a walk through every context)."""
        if not self._ready:
            self._prepare()
        if not self._shortcut or embeds and _holds_word_expose(context):
            return reproducible(docx.render(self.template, context), when)
        return reproducible_parts(self._parts(context), when)

    # --- once per template ------------------------------------------------------------

    def _prepare(self) -> None:
        """Open and compile the template; any failure leaves it to docxtpl
        (through ``docx.render``), which reports it as before."""
        self._ready = True
        if not self.template.is_file() or zipguard.refusal(
            self.template, "ce modèle", count_rows=False
        ):
            return
        try:
            self._compile()
        except Exception:  # noqa: BLE001 - reported by docx.render, in French
            return
        self._shortcut = True

    def _compile(self) -> None:
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(str(self.template))
        tpl.render_init()
        word = tpl.docx
        if any(
            part.content_type == _FOOTNOTES and _TAG.search(part.blob.decode("utf-8", "replace"))
            for part in word.part.package.parts
        ):
            raise ValueError("footnotes with Jinja: left to docxtpl")
        # The parts as docx would save them: those no context changes are kept.
        saved = io.BytesIO()
        word.save(saved)
        with zipfile.ZipFile(saved) as package:
            self._entries = [
                (i.filename, pack(package.read(i.filename))) for i in package.infolist()
            ]
        env = self._env = docx.environment()
        self._text = docx.environment(xml=False)  # for the properties
        self._tpl = tpl
        self._body = env.from_string(_PARAGRAPH.sub(r"\n<w:p\1", tpl.patch_xml(tpl.get_xml())))
        # Headers and footers, by part name: rendered for each document, as
        # docxtpl does, even those without Jinja (it rewrites them all).
        self._headers: dict[str, tuple[Any, str]] = {}
        for rel in word.part.rels.values():
            if rel.reltype in _HEADER_FOOTER and not rel.is_external and rel.target_part.blob:
                part = rel.target_part
                xml = tpl.get_part_xml(part)
                source = _PARAGRAPH.sub(r"\n<w:p\1", tpl.patch_xml(xml))
                self._headers[str(part.partname).lstrip("/")] = (
                    env.from_string(source),
                    tpl.get_headers_footers_encoding(xml),
                )
        self._core = word.core_properties
        self._properties = {
            p: self._text.from_string(getattr(self._core, p)) for p in docx.PROPERTIES
        }

    # --- once per document ------------------------------------------------------------

    def _finish(self, xml: str) -> str:
        """What docxtpl does to a rendered part (``render_xml_part``)."""
        xml = _UNBROKEN.sub(r"<w:p\1", xml)
        xml = (
            xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        )
        if any(c in xml for c in "\t\a\n\f"):  # else resolve_listing changes nothing
            xml = self._tpl.resolve_listing(xml)
        return xml

    def _parts(self, context: dict[str, Any]) -> list[tuple[str, bytes | Packed]]:
        import jinja2
        from docx.opc.oxml import parse_xml, serialize_part_xml

        from pipeline.render.sandbox import Exceeded

        tpl = self._tpl
        self._env.begin()
        self._text.budget = self._env.budget  # one budget for the whole document
        try:
            body = self._finish(self._body.render(context))
            headers = {
                name: self._finish(compiled.render(context)).encode(encoding)
                for name, (compiled, encoding) in self._headers.items()
            }
            properties = {p: t.render(context) for p, t in self._properties.items()}
        except (Exceeded, MemoryError, RecursionError) as exc:
            raise docx.limit_error(self.template, exc) from None
        except jinja2.TemplateError:
            # The same failure through docxtpl, for the same message.
            docx.render(self.template, context)
            raise
        tree = tpl.fix_tables(body)
        tpl.docx_ids_index = 1000
        tpl.fix_docpr_ids(tree)
        docx.superscript_ordinals(tree)
        root = tpl.docx.element
        root.replace(root.body, tree)
        changed = {"word/document.xml": serialize_part_xml(root)}
        for name, xml in headers.items():
            element = parse_xml(xml)
            docx.superscript_ordinals(element)
            changed[name] = serialize_part_xml(element)
        for prop, value in properties.items():
            setattr(self._core, prop, value)
        changed["docProps/core.xml"] = serialize_part_xml(self._core._element)
        return [(name, changed.get(name, content)) for name, content in self._entries]


class Templates:
    """The compiled templates of a run, by path."""

    def __init__(self) -> None:
        self._compiled: dict[Path, Compiled] = {}

    def render(
        self, template: Path, context: dict[str, Any], when: dt.datetime, embeds: bool = True
    ) -> bytes:
        found = self._compiled.get(template)
        if found is None:  # the same file by any other path is the same template
            key = template.resolve()
            found = self._compiled.setdefault(key, Compiled(template))
            self._compiled[template] = found
        return found.render(context, when, embeds)
