"""Build the default docxtpl templates of ``templates/``.

Run ``python tools/make_templates.py``: ``proces-verbal.docx`` (the minutes),
``annexe-tarifs.docx`` (the tariff annex), ``liste-deliberations.docx`` (the
list of deliberations, CGCT L2121-25) and ``extrait.docx`` (the extract of the
register, one per deliberation), and the documents of ``make-minutes
convocation`` (``ordre-du-jour.docx``, ``convocations.docx``,
``feuille-emargement.docx``, ``pouvoir.docx``, ``note-de-synthese.docx``, the
note of synthesis, and ``projet.docx``, a draft deliberation) are written
into the ``templates/`` folder next to this ``tools/`` folder. They share the same styles, page setup (A4
portrait, 2 cm margins) and footer ("{{ titre }} – page N sur M"; the
extract adds its seance_titre).

The templates are meant to be edited by a clerk in Word or LibreOffice, so
all formatting lives in named styles (no direct formatting in the body).

Styles of all the templates:

- Normal: Arial 10.5 pt, justified, a little space after;
- Logo / Organisme: the letterhead at the top of every document, the logo
  (an image, printed when the meeting has one) then the body's name;
- Title / Subtitle: the heading of the document;
- Heading 1: a part ("I – DELIBERATIONS", a budget); Heading 2: a
  deliberation, a point or a service;
- List Bullet / List Bullet 2 / List Bullet 3: bullets at three indent levels;
- Footer: the page footer;
- Balise modèle: the paragraphs that only hold template tags ({%p … %}); they
  disappear from the rendered document.

Styles of the signature block (add_signatures: minutes, list, extract):

- Clôture (the minutes): "La séance est levée à …", kept with the signature
  block that follows, so that the signatures never stand alone on a page;
- Arrêté: the sentence before the signatures ("Procès-verbal arrêté en
  séance du …"), kept with them;
- Signature rôle / Signature nom: the role, then the name below it with
  room to sign, of a signatory alone on its line (centred);
- Signature rôles / Signature noms: the same for two signatories side by
  side, each centred on its half of the page by a centred tab stop (at a
  quarter and three quarters of the text width). Paragraphs, not a table:
  LibreOffice tags every table of a PDF as a data table (/Table, /TR, /TD),
  which a screen reader would read as one without header cells.

Styles of the minutes and of the extract (add_deliberation and the counts):

- Décision: decision paragraphs (Normal, kept with the result that follows);
- Résultat: the result of a vote (bold);
- Votes nominatifs: the count of the votes ("Votants : 5 – Pour : 5 – …")
  and who voted against, abstained… (small, one tight block right under
  the result, which is kept with it);
- Effectifs: the counts of members, one short line each, in one tight block
  (after the preamble; under an item's heading);
- Événement: arrivals, departures, withdrawals (before an item's heading) and
  who presides an item (after it), in italics, kept with what follows;
- Quorum: the quorum, spaced from what precedes it (the members table).

Styles of the minutes only:

- Intitulé: a line that introduces a list ("Ordre du jour :"); Membres
  intitulé is based on it;
- Ordre du jour: the items of the agenda, indented, in one tight block;
- Pouvoir: the proxies, spaced from the members table;
- Membres intitulé / Membres collège / Membres nom and the table style
  "Tableau membres": the table of members.

Styles of the tariff annex and the list:

- Cellule / Cellule en gras (annex and list): text cells, the bold ones for
  the header row (and the annex's total row).

Styles of the tariff annex only:

- Intitulé tableau: the line that introduces a table;
- Montant / Montant en gras: amounts, right-aligned;
- the table style "Tableau tarifs": the tables of rates and of contributions.
  Every row is kept on one page and the header row repeats on each page.

Styles of the list only:

- the table style "Tableau délibérations" (header row repeated, rows never
  split);
- Mention: "Affichée le …", "Mise en ligne le …", one tight block after the
  table.

Styles of the extract only:

- Certification: the lines of the certification, framed together in a small
  box on the left half of the page.

Context used by the minutes (see pipeline/render/contexts.py and pipeline/render/variables.py), in document order:
logo, organisme (the letterhead, in every document), titre, sous_titre, preambule, effectifs[], membres_intitule,
membres.en_colonnes, membres.colleges, membres.lignes,
membres.par_college[].college, membres.par_college[].noms,
pouvoirs[], quorum, urgence, deuxieme_convocation, secretaire, proces_verbal_precedent,
ordre_du_jour[],
parties[].intitule,
parties[].deliberations[].evenements[] / .intitule / .presidence / .effectifs /
.expose / .expose_document / .debats / .decision / .resultat / .decompte /
.votes_nominatifs[],
parties[].points[].titre / .texte,
cloture, arrete, signatures[].role / .nom. A string "" and an empty list []
print nothing (not even an empty paragraph); the lists marked [] are lists of strings, one paragraph each; a
list of blocs is a list of {"texte": str, "niveau": 0..3}. expose_document
is "" or an exposé written in Word: a sub-document, printed alone in its
paragraph ({{p … }}), which it replaces.

Context used by the tariff annex (all strings, already formatted):
titre, sous_titre, organisme,
budgets[].nom ("" → no heading),
budgets[].services[].nom,
budgets[].services[].tarifs[].categorie / .tarif / .plancher / .plafond /
.precedent / .evolution,
budgets[].services[].contributions[].collectivite / .categorie / .quantite /
.montant (the table is omitted when the list is empty),
budgets[].services[].total.

Context used by the list of deliberations: titre, sous_titre, organisme,
introduction, deliberations[].numero / .numero_acte / .titre / .issue /
.votes (no table when the list is empty), affichage, mise_en_ligne, arrete,
signatures[].role / .nom.

Context used by the extract: titre, seance_titre, organisme, preambule,
effectifs[], quorum, d (one deliberation, the same fields as the minutes'
parties[].deliberations[], printed by the same add_deliberation), arrete,
signatures[].role / .nom, certification[].

``registre.docx`` (make-minutes registre ANNÉE) is built by
build_register: a first section (the title, the meetings left out), one
section per meeting (``for seance in seances``: its deliberations printed by
add_deliberation, each heading in a bookmark ``d.signet``, then its closing
sheet, style "Feuillet de clôture", a new page), ended by an empty
paragraph in style "Saut de section" that carries the section break; then
the tables, whose "Feuillet" cells are PAGEREF fields to the bookmarks.
The header prints ``{{ organisme }} – {{ entete }}`` (each meeting's
section gets a copy with its own title: pipeline/render/registre.py), the
footer « … – feuillet N » with a PAGE field never restarted, and the
settings ask Word to update the fields on opening (w:updateFields).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

FONT = "Arial"
LANG = "fr-FR"
TEXT_WIDTH = Cm(17)  # A4 (21 cm) minus two 2 cm margins
BORDER_COLOR = "A6A6A6"  # light grey
HEADER_FILL = "F2F2F2"  # header row / college column

# Bullet glyphs per level: all three exist in Arial / Courier New (and in
# their Liberation equivalents used by LibreOffice on Linux).
BULLETS = [("\u2022", FONT), ("o", "Courier New"), ("\u25aa", FONT)]
BULLET_STYLES = ["List Bullet", "List Bullet 2", "List Bullet 3"]

Container = DocumentObject | _Cell


# --------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------


def _lang_element() -> OxmlElement:
    return parse_xml(f'<w:lang {nsdecls("w")} w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/>')


def _set_rfonts(rpr: OxmlElement, font: str) -> None:
    """Explicit font for every script; no theme font (it would win in Word)."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{slot}"), font)


def _reset(style: BaseStyle) -> None:
    """Forget the paragraph and run properties of a style of the default template."""
    for child in list(style.element):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            style.element.remove(child)


def _set_style_lang(style: BaseStyle) -> None:
    rpr = style.element.get_or_add_rPr()
    old = rpr.find(qn("w:lang"))
    if old is not None:
        rpr.remove(old)
    rpr.insert_element_before(_lang_element(), "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _set_outline_level(style: BaseStyle, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    # outlineLvl comes late in CT_PPr, after spacing/ind/jc: append is safe
    # as long as nothing that must follow it (rPr, sectPr…) is present.
    ppr.append(outline)


def _set_doc_defaults(doc: DocumentObject) -> None:
    styles_el = doc.styles.element
    old = styles_el.find(qn("w:docDefaults"))
    new = parse_xml(
        f"<w:docDefaults {nsdecls('w')}>"
        "<w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        '<w:sz w:val="21"/><w:szCs w:val="21"/>'
        f'<w:lang w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault>"
        "<w:pPrDefault><w:pPr>"
        '<w:spacing w:after="120" w:line="240" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault>"
        "</w:docDefaults>"
    )
    if old is not None:
        old.addprevious(new)
        styles_el.remove(old)
    else:
        styles_el.insert(0, new)


def _paragraph_style(
    doc: DocumentObject,
    name: str,
    *,
    style_id: str | None = None,
    base: str | None = "Normal",
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    underline: bool | None = None,
    color: RGBColor | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float | None = None,
    after: float | None = None,
    keep_with_next: bool | None = None,
    keep_together: bool | None = None,
    contextual: bool | None = None,
    indent: Length | None = None,
    next_style: str | None = None,
) -> BaseStyle:
    """Get (or create) a paragraph style and set it from scratch."""
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.quick_style = True
        if style_id:
            style.style_id = style_id
    _reset(style)
    if base is not None and name != base:
        style.base_style = doc.styles[base]
    if next_style is not None:
        style.next_paragraph_style = doc.styles[next_style]
    if name == "Normal":
        _set_rfonts(style.element.get_or_add_rPr(), FONT)
        style.font.size = Pt(10.5)
    font = style.font
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if underline is not None:
        font.underline = underline
    if color is not None:
        font.color.rgb = color
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if keep_with_next is not None:
        pf.keep_with_next = keep_with_next
    if keep_together is not None:
        pf.keep_together = keep_together
    if indent is not None:
        pf.left_indent = indent
    if contextual:
        _set_contextual_spacing(style)
    _set_style_lang(style)
    return style


def _set_contextual_spacing(style: BaseStyle) -> None:
    """No space between two paragraphs of this style (Word's "Don't add space
    between paragraphs of the same style"): a run of them reads as one block,
    spaced from its neighbours by the style's own space before and after."""
    style.element.get_or_add_pPr().insert_element_before(
        OxmlElement("w:contextualSpacing"),
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    )


def _setup_bullets(doc: DocumentObject) -> None:
    """Give List Bullet 1-3 real bullets, stepped by 0.75 cm, in a portable font.

    The default template links each style to its own single-level list
    (numId 1, 2, 3) but uses the Symbol font's private-use bullet, which
    LibreOffice may not show; redefine the level of those three lists.
    """
    numbering = doc.part.numbering_part.element
    step = 425  # twips, 0.75 cm
    for level, style_name in enumerate(BULLET_STYLES):
        style = doc.styles[style_name]
        num_id = style.element.pPr.numPr.numId.val
        abstract_id = numbering.xpath(f'w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')[0]
        abstract = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract_id}"]')[0]
        for lvl in abstract.findall(qn("w:lvl")):
            abstract.remove(lvl)
        glyph, font = BULLETS[level]
        left = step * (level + 1)
        abstract.append(
            parse_xml(
                f'<w:lvl {nsdecls("w")} w:ilvl="0">'
                '<w:start w:val="1"/><w:numFmt w:val="bullet"/>'
                f'<w:pStyle w:val="{style.style_id}"/>'
                f'<w:lvlText w:val="{glyph}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
                f'<w:ind w:left="{left}" w:hanging="{step}"/></w:pPr>'
                f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}"'
                ' w:hint="default"/></w:rPr>'
                "</w:lvl>"
            )
        )
        # The style keeps its numPr (numId) and gets a matching indent.
        _reset_keep_numbering(style)
        pf = style.paragraph_format
        pf.left_indent = left * 635  # twips → EMU
        pf.first_line_indent = -step * 635
        pf.space_after = Pt(3)
        _set_style_lang(style)


def _reset_keep_numbering(style: BaseStyle) -> None:
    ppr = style.element.pPr
    for child in list(ppr):
        if child.tag != qn("w:numPr"):
            ppr.remove(child)
    rpr = style.element.rPr
    if rpr is not None:
        style.element.remove(rpr)


def _table_style(doc: DocumentObject, name: str, style_id: str) -> BaseStyle:
    """Light grey grid; bold, lightly shaded header row or first column."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.style_id = style_id
    style.base_style = doc.styles["Normal Table"]
    style.quick_style = True
    border = f'w:val="single" w:sz="4" w:space="0" w:color="{BORDER_COLOR}"'
    style.element.append(
        parse_xml(
            f"<w:pPr {nsdecls('w')}>"
            '<w:spacing w:before="20" w:after="20"/><w:jc w:val="left"/>'
            "</w:pPr>"
        )
    )
    style.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}>"
            "<w:tblBorders>"
            f"<w:top {border}/><w:left {border}/><w:bottom {border}/>"
            f"<w:right {border}/><w:insideH {border}/><w:insideV {border}/>"
            "</w:tblBorders>"
            '<w:tblCellMar><w:top w:w="57" w:type="dxa"/>'
            '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/>'
            '<w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
        )
    )
    # Header row (columns layout) and first column (one row per college):
    # light grey background; used when the table's tblLook asks for them.
    for kind in ("firstRow", "firstCol"):
        style.element.append(
            parse_xml(
                f'<w:tblStylePr {nsdecls("w")} w:type="{kind}">'
                "<w:rPr><w:b/><w:bCs/></w:rPr>"
                f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>'
                "</w:tcPr></w:tblStylePr>"
            )
        )
    return style


def _cell_style(
    doc: DocumentObject,
    name: str,
    style_id: str,
    *,
    bold: bool | None = None,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
) -> BaseStyle:
    """A paragraph style for table cells: no space around, not justified."""
    return _paragraph_style(doc, name, style_id=style_id, bold=bold, align=align, before=0, after=0)


def setup_common_styles(doc: DocumentObject) -> None:
    """The styles every template uses (and the built-in ones they may use)."""
    _set_doc_defaults(doc)
    black = RGBColor(0, 0, 0)
    _paragraph_style(doc, "Normal", base=None, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=0, after=6)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.0
    _paragraph_style(
        doc,
        "Title",
        size=16,
        bold=True,
        color=black,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=0,
        after=12,
        keep_with_next=True,
        next_style="Subtitle",
    )
    _paragraph_style(
        doc,
        "Subtitle",
        size=12,
        italic=True,
        color=black,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=0,
        after=18,
        keep_with_next=True,
        next_style="Normal",
    )
    h1 = _paragraph_style(
        doc,
        "Heading 1",
        size=12,
        bold=True,
        color=black,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=18,
        after=9,
        keep_with_next=True,
        keep_together=True,
        next_style="Normal",
    )
    _set_outline_level(h1, 0)
    h2 = _paragraph_style(
        doc,
        "Heading 2",
        size=10.5,
        bold=True,
        underline=True,
        color=black,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=12,
        after=6,
        keep_with_next=True,
        keep_together=True,
        next_style="Normal",
    )
    _set_outline_level(h2, 1)
    _paragraph_style(
        doc,
        "Footer",
        size=8,
        color=RGBColor(0x59, 0x59, 0x59),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=0,
        after=0,
    )
    # The letterhead of every document: the logo, then the body's name.
    _paragraph_style(
        doc,
        "Organisme",
        size=12,
        bold=True,
        color=black,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=0,
        after=12,
        keep_with_next=True,
        next_style="Title",
    )
    _paragraph_style(
        doc,
        "Logo",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=0,
        after=6,
        keep_with_next=True,
        next_style="Organisme",
    )
    tag_style = _paragraph_style(
        doc,
        "Balise modèle",
        style_id="BaliseModele",
        size=8,
        color=RGBColor(0x80, 0x80, 0x80),
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=0,
        after=0,
    )
    tag_style.font.name = "Courier New"
    _setup_bullets(doc)


def setup_deliberation_styles(doc: DocumentObject) -> None:
    """The styles of one deliberation (add_deliberation), of the counts and
    of the quorum: the minutes and the extract share them."""
    _paragraph_style(
        doc,
        "Décision",
        style_id="Decision",
        keep_with_next=True,
    )
    # The result is spaced from what follows; its named votes, if any, sit
    # right under it, in one tight block, then the same space.
    _paragraph_style(
        doc,
        "Résultat",
        style_id="Resultat",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=6,
        after=6,
        keep_with_next=True,  # with its count of votes
        keep_together=True,
    )
    _paragraph_style(
        doc,
        "Votes nominatifs",
        style_id="VotesNominatifs",
        size=9.5,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=0,
        after=6,
        keep_together=True,
        contextual=True,
    )
    # Counts of members: one line each, one tight block.
    _paragraph_style(
        doc,
        "Effectifs",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=0,
        after=6,
        keep_together=True,
        contextual=True,
    )
    # Arrivals, departures, withdrawals, who presides: before or after the
    # heading of the item they concern, kept with it.
    _paragraph_style(
        doc,
        "Événement",
        style_id="Evenement",
        italic=True,
        before=6,
        after=6,
        keep_with_next=True,
        keep_together=True,
        contextual=True,
    )
    _paragraph_style(doc, "Quorum", before=6, after=6)


def setup_signature_styles(doc: DocumentObject) -> None:
    """The signature block (add_signatures): the sentence that closes the
    document, then the signatories two by two, role above, name below, with
    room to sign between them; the whole block is kept on one page."""
    # The closing line of the minutes ("La séance est levée à …"): kept with
    # the sentence and the signatures that follow, so that the signatures
    # never stand alone on the last page.
    _paragraph_style(
        doc,
        "Clôture",
        style_id="Cloture",
        before=6,
        after=6,
        keep_with_next=True,
        keep_together=True,
    )
    _paragraph_style(
        doc,
        "Arrêté",
        style_id="Arrete",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=12,
        after=6,
        keep_with_next=True,
        keep_together=True,
    )
    _paragraph_style(
        doc,
        "Signature rôle",
        style_id="SignatureRole",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=12,
        after=0,
        keep_with_next=True,
        keep_together=True,
    )
    _paragraph_style(
        doc,
        "Signature nom",
        style_id="SignatureNom",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=54,  # room to sign
        after=12,
        keep_with_next=True,  # with the certification of an extract
        keep_together=True,
    )
    # Two signatories on a line: left-aligned, each name on a centred tab
    # stop in the middle of its half of the text width.
    for name, style_id, base in (
        ("Signature rôles", "SignatureRoles", "Signature rôle"),
        ("Signature noms", "SignatureNoms", "Signature nom"),
    ):
        style = _paragraph_style(
            doc, name, style_id=style_id, base=base, align=WD_ALIGN_PARAGRAPH.LEFT
        )
        for quarter in (1, 3):
            style.paragraph_format.tab_stops.add_tab_stop(
                Length(TEXT_WIDTH * quarter // 4), WD_TAB_ALIGNMENT.CENTER
            )


def setup_minutes_styles(doc: DocumentObject) -> None:
    setup_deliberation_styles(doc)
    _paragraph_style(
        doc,
        "Intitulé",
        style_id="Intitule",
        underline=True,
        before=6,
        after=6,
        keep_with_next=True,
    )
    # Same look as "Intitulé" (and follows it when it is edited).
    _paragraph_style(doc, "Membres intitulé", style_id="MembresIntitule", base="Intitulé")
    _paragraph_style(
        doc,
        "Ordre du jour",
        style_id="OrdreDuJour",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=0,
        after=6,
        keep_together=True,
        contextual=True,
        indent=Cm(0.75),
    )
    # The paragraphs right after the members table need their own space
    # before (a table has no space after): proxies, then the quorum (whose
    # style comes with the deliberation ones).
    _paragraph_style(doc, "Pouvoir", before=6, after=0, contextual=True)
    _cell_style(doc, "Membres collège", "MembresCollege", bold=True)
    _cell_style(doc, "Membres nom", "MembresNom")
    _table_style(doc, "Tableau membres", "TableauMembres")
    setup_signature_styles(doc)


def _text_cell_styles(doc: DocumentObject) -> None:
    _cell_style(doc, "Cellule", "Cellule")
    _cell_style(doc, "Cellule en gras", "CelluleEnGras", bold=True)


def setup_annex_styles(doc: DocumentObject) -> None:
    _paragraph_style(
        doc,
        "Intitulé tableau",
        style_id="IntituleTableau",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=12,
        after=6,
        keep_with_next=True,
    )
    _text_cell_styles(doc)
    _cell_style(doc, "Montant", "Montant", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _cell_style(doc, "Montant en gras", "MontantEnGras", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _table_style(doc, "Tableau tarifs", "TableauTarifs")


def setup_list_styles(doc: DocumentObject) -> None:
    _text_cell_styles(doc)
    _table_style(doc, "Tableau délibérations", "TableauDeliberations")
    # Right after the table (which has no space after): one tight block.
    _paragraph_style(
        doc,
        "Mention",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=12,
        after=0,
        keep_with_next=True,
        contextual=True,
    )
    setup_signature_styles(doc)


def setup_extract_styles(doc: DocumentObject) -> None:
    setup_deliberation_styles(doc)
    setup_signature_styles(doc)
    # The lines of the certification, framed together in one small box on
    # the left half of the page (paragraphs with the same borders join).
    certification = _paragraph_style(
        doc,
        "Certification",
        size=9.5,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=3,
        after=3,
        keep_with_next=True,
        keep_together=True,
    )
    certification.paragraph_format.right_indent = Cm(8.5)
    _set_box_border(certification)


def _set_box_border(style: BaseStyle) -> None:
    """A thin grey frame around the paragraphs of `style` (consecutive ones
    share it). w:pBdr goes before the children that _paragraph_style may
    have set and that come after it in CT_PPr."""
    border = f'w:val="single" w:sz="4" w:space="4" w:color="{BORDER_COLOR}"'
    style.element.get_or_add_pPr().insert_element_before(
        parse_xml(
            f"<w:pBdr {nsdecls('w')}><w:top {border}/><w:left {border}/>"
            f"<w:bottom {border}/><w:right {border}/></w:pBdr>"
        ),
        "w:shd",
        "w:tabs",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:jc",
        "w:outlineLvl",
        "w:rPr",
    )


def _set_settings_lang(doc: DocumentObject) -> None:
    settings = doc.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANG)


# --------------------------------------------------------------------------
# Body helpers
# --------------------------------------------------------------------------


def tag(container: Container, statement: str) -> Paragraph:
    """A paragraph holding only a docxtpl paragraph tag: removed when rendered."""
    return container.add_paragraph("{%p " + statement + " %}", style="Balise modèle")


def text(container: Container, content: str, style: str = "Normal") -> Paragraph:
    """A paragraph whose whole text is in a single run (Jinja tags stay whole)."""
    return container.add_paragraph(content, style=style)


def add_optional(container: Container, variable: str, style: str = "Normal") -> None:
    """One paragraph, omitted when the variable is an empty string."""
    tag(container, f"if {variable}")
    text(container, "{{ " + variable + " }}", style)
    tag(container, "endif")


def add_each(
    container: Container, expression: str, style: str = "Normal", item: str = "ligne"
) -> None:
    """One paragraph per string of the list `expression`; nothing when it is empty."""
    tag(container, f"for {item} in {expression}")
    text(container, "{{ " + item + " }}", style)
    tag(container, "endfor")


def add_subdocument(container: Container, variable: str) -> None:
    """A docxtpl sub-document (a Word exposé): its paragraphs, lists and
    tables replace this paragraph; "" prints nothing."""
    container.add_paragraph("{{p " + variable + " }}", style="Balise modèle")


def add_blocs(container: Container, expression: str, style: str = "Normal") -> None:
    """Render a list of blocs {texte, niveau}: level 0 in `style`, 1-3 bullets."""
    tag(container, f"for b in {expression}")
    tag(container, "if b.niveau == 0")
    text(container, "{{ b.texte }}", style)
    for level, bullet_style in enumerate(BULLET_STYLES, start=1):
        tag(container, "else" if level == len(BULLET_STYLES) else f"elif b.niveau == {level}")
        text(container, "{{ b.texte }}", bullet_style)
    tag(container, "endif")
    tag(container, "endfor")


def _cell_text(cell: _Cell, content: str, style: str) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if content:
        paragraph.add_run(content)


def _fix_table_layout(
    table: Table,
    widths: list[int],
    *,
    header_row: bool,
    header_column: bool,
    cell_widths: bool = True,
) -> None:
    """Full text width, fixed layout, explicit grid.

    Without `cell_widths`, cells carry no w:tcW, so that Word lays the columns
    out from the grid, which docxtpl rescales when a {%tc %} loop changes the
    number of columns (Word would otherwise prefer the stale w:tcW)."""
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        tbl_pr.remove(look)
    look = OxmlElement("w:tblLook")
    flags = {
        "firstRow": header_row,
        "lastRow": False,
        "firstColumn": header_column,
        "lastColumn": False,
        "noHBand": True,
        "noVBand": True,
    }
    value = (0x20 if header_row else 0) | (0x80 if header_column else 0) | 0x600
    look.set(qn("w:val"), f"{value:04X}")
    for name, on in flags.items():
        look.set(qn(f"w:{name}"), "1" if on else "0")
    tbl_pr.append(look)
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            if cell_widths:
                cell.width = width * 635  # twips → EMU
            else:
                tc_w = cell._tc.tcPr.find(qn("w:tcW"))
                if tc_w is not None:
                    cell._tc.tcPr.remove(tc_w)


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def _cant_split(table: Table) -> None:
    """No row breaks across pages (the rows of a {%tr %} loop included)."""
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


@dataclass(frozen=True)
class Column:
    header: str
    value: str  # the Jinja expression printed in the loop row
    width: Length
    amount: bool = False  # right-aligned, in the "Montant" styles


def add_loop_table(
    doc: DocumentObject, columns: list[Column], loop: str, style: str = "Tableau tarifs"
) -> Table:
    """Header row, then one row per item of `loop` ("x in liste").

    The {%tr %} tags sit alone in their own rows (docxtpl replaces the whole
    row by the tag); the row between them is repeated. The caller may add
    rows after it, then must call _finish_loop_table()."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = doc.styles[style]
    header, loop_start, row, loop_end = table.rows
    for cell, column in zip(header.cells, columns):
        _cell_text(cell, column.header, "Montant en gras" if column.amount else "Cellule en gras")
    _cell_text(loop_start.cells[0], "{%tr for " + loop + " %}", "Balise modèle")
    for cell, column in zip(row.cells, columns):
        _cell_text(cell, "{{ " + column.value + " }}", "Montant" if column.amount else "Cellule")
    _cell_text(loop_end.cells[0], "{%tr endfor %}", "Balise modèle")
    widths = [column.width.twips for column in columns]
    widths[-1] = TEXT_WIDTH.twips - sum(widths[:-1])  # exactly the text width
    _fix_table_layout(table, widths, header_row=True, header_column=False)
    return table


def _finish_loop_table(table: Table) -> None:
    _cant_split(table)
    _repeat_header(table)


def add_members_in_columns(doc: DocumentObject) -> None:
    """One column per college. A {%tc %} tag must sit alone in its own cell:
    docxtpl replaces the whole cell by the tag, so the loop body is the cell
    between the two tag cells; likewise {%tr %} replaces its whole row."""
    table = doc.add_table(rows=4, cols=3)
    table.style = doc.styles["Tableau membres"]
    header, loop_start, names, loop_end = table.rows
    _cell_text(header.cells[0], "{%tc for c in membres.colleges %}", "Balise modèle")
    _cell_text(header.cells[1], "{{ c }}", "Membres collège")
    _cell_text(header.cells[2], "{%tc endfor %}", "Balise modèle")
    _cell_text(loop_start.cells[0], "{%tr for ligne in membres.lignes %}", "Balise modèle")
    _cell_text(names.cells[0], "{%tc for nom in ligne %}", "Balise modèle")
    _cell_text(names.cells[1], "{{ nom }}", "Membres nom")
    _cell_text(names.cells[2], "{%tc endfor %}", "Balise modèle")
    _cell_text(loop_end.cells[0], "{%tr endfor %}", "Balise modèle")
    third = TEXT_WIDTH.twips // 3
    _fix_table_layout(
        table,
        [third, third, TEXT_WIDTH.twips - 2 * third],
        header_row=True,
        header_column=False,
        cell_widths=False,
    )
    _repeat_header(table)


def add_members_by_college(doc: DocumentObject) -> None:
    """One row per college: college | one paragraph per name."""
    table = doc.add_table(rows=3, cols=2)
    table.style = doc.styles["Tableau membres"]
    loop_start, row, loop_end = table.rows
    _cell_text(loop_start.cells[0], "{%tr for g in membres.par_college %}", "Balise modèle")
    _cell_text(row.cells[0], "{{ g.college }}", "Membres collège")
    names = row.cells[1]
    names.paragraphs[0].style = "Balise modèle"
    names.paragraphs[0].add_run("{%p for nom in g.noms %}")
    text(names, "{{ nom }}", "Membres nom")
    tag(names, "else")
    text(names, "", "Membres nom")  # a cell must keep one paragraph
    tag(names, "endfor")
    _cell_text(loop_end.cells[0], "{%tr endfor %}", "Balise modèle")
    first = Cm(5.5).twips
    _fix_table_layout(
        table, [first, TEXT_WIDTH.twips - first], header_row=False, header_column=True
    )


def add_signatures(doc: DocumentObject, prefix: str = "") -> None:
    """`arrete` (omitted when ""), then the signatories of `signatures`
    ({role, nom}) two by two: the roles on one line, the names on the next,
    each centred on its half of the page by a tab stop; a signatory alone
    on its line is centred. Paragraphs, not a table, so that a tagged PDF
    does not read them as a data table. Every paragraph is kept with the
    next, so the block stays on one page. Nothing when the list is empty.
    ``prefix``: where both are (« s. », a meeting of the register)."""
    add_optional(doc, prefix + "arrete", "Arrêté")
    tag(doc, f"for rang in {prefix}signatures|batch(2)")
    tag(doc, "if rang|length == 2")
    text(doc, "\t{{ rang[0].role }}\t{{ rang[1].role }}", "Signature rôles")
    text(doc, "\t{{ rang[0].nom }}\t{{ rang[1].nom }}", "Signature noms")
    tag(doc, "else")
    text(doc, "{{ rang[0].role }}", "Signature rôle")
    text(doc, "{{ rang[0].nom }}", "Signature nom")
    tag(doc, "endif")
    tag(doc, "endfor")


def add_page_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE, NUMPAGES) that Word and LibreOffice update."""

    def run_with(element: OxmlElement) -> None:
        run = paragraph.add_run()
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def setup_page(doc: DocumentObject, heading: str = "{{ titre }}") -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Cm(21)
    section.page_height = Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    section.header_distance = Cm(1)
    section.footer_distance = Cm(1)
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.add_run(heading + " – page ")
    add_page_field(paragraph, "PAGE", "1")
    paragraph.add_run(" sur ")
    add_page_field(paragraph, "NUMPAGES", "1")


# --------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------


def add_agenda(doc: DocumentObject) -> None:
    """ "Ordre du jour :" then one indented line per item; omitted when empty."""
    tag(doc, "if ordre_du_jour")
    text(doc, "Ordre du jour\u00a0:", "Intitulé")
    add_each(doc, "ordre_du_jour", "Ordre du jour", item="point")
    tag(doc, "endif")


def add_deliberation(doc: DocumentObject) -> None:
    """One deliberation `d`, as the minutes and the extract print it: the
    events before it, its heading, who presides, its counts, the exposé
    (typed in its cell, or the Word document it names), the debates, the
    decision, the result and the named votes."""
    add_each(doc, "d.evenements", "Événement", item="ev")
    text(doc, "{{ d.intitule }}", "Heading 2")
    add_optional(doc, "d.presidence", "Événement")
    add_optional(doc, "d.effectifs", "Effectifs")
    add_blocs(doc, "d.expose")
    add_subdocument(doc, "d.expose_document")
    add_blocs(doc, "d.debats")
    add_blocs(doc, "d.decision", "Décision")
    add_optional(doc, "d.resultat", "Résultat")
    add_optional(doc, "d.decompte", "Votes nominatifs")
    add_each(doc, "d.votes_nominatifs", "Votes nominatifs", item="v")


def add_letterhead(doc: DocumentObject) -> None:
    """The top of every document: the logo (an image, when the meeting has
    one), then the body's name."""
    tag(doc, "if logo")
    text(doc, "{{ logo }}", "Logo")
    tag(doc, "endif")
    add_optional(doc, "organisme", "Organisme")


def build_minutes_body(doc: DocumentObject) -> None:
    add_letterhead(doc)
    text(doc, "{{ titre }}", "Title")
    add_optional(doc, "sous_titre", "Subtitle")
    text(doc, "{{ preambule }}")
    add_each(doc, "effectifs", "Effectifs", item="e")

    text(doc, "{{ membres_intitule }}", "Membres intitulé")
    tag(doc, "if membres.en_colonnes")
    add_members_in_columns(doc)
    tag(doc, "else")
    add_members_by_college(doc)
    tag(doc, "endif")

    add_each(doc, "pouvoirs", "Pouvoir", item="pouvoir")
    text(doc, "{{ quorum }}", "Quorum")
    add_optional(doc, "urgence")
    add_optional(doc, "deuxieme_convocation")
    text(doc, "{{ secretaire }}")
    add_optional(doc, "proces_verbal_precedent")
    add_agenda(doc)

    tag(doc, "for partie in parties")
    text(doc, "{{ partie.intitule }}", "Heading 1")
    tag(doc, "for d in partie.deliberations")
    add_deliberation(doc)
    tag(doc, "endfor")
    tag(doc, "for pt in partie.points")
    add_optional(doc, "pt.titre", "Heading 2")
    add_blocs(doc, "pt.texte")
    tag(doc, "endfor")
    tag(doc, "endfor")

    add_optional(doc, "cloture", "Clôture")
    add_signatures(doc)


TARIFF_COLUMNS = [
    Column("Catégorie", "t.categorie", Cm(3.6)),
    Column("Tarif HT", "t.tarif", Cm(3.4), amount=True),
    Column("Plancher HT", "t.plancher", Cm(2.4), amount=True),
    Column("Plafond HT", "t.plafond", Cm(2.4), amount=True),
    Column("Tarif précédent HT", "t.precedent", Cm(2.6), amount=True),
    Column("Évolution", "t.evolution", Cm(2.6), amount=True),
]

CONTRIBUTION_COLUMNS = [
    Column("Collectivité", "c.collectivite", Cm(7)),
    Column("Catégorie", "c.categorie", Cm(3.7)),
    Column("Quantité", "c.quantite", Cm(2.5), amount=True),
    Column("Montant HT", "c.montant", Cm(3.8), amount=True),
]


def add_contributions(doc: DocumentObject) -> None:
    """What each collectivité pays for the service, then the total."""
    tag(doc, "if service.contributions")
    text(doc, "Contributions des collectivités", "Intitulé tableau")
    table = add_loop_table(doc, CONTRIBUTION_COLUMNS, "c in service.contributions")
    total = table.add_row().cells
    label = total[0].merge(total[-2])
    _cell_text(label, "Total", "Cellule en gras")
    _cell_text(total[-1], "{{ service.total }}", "Montant en gras")
    _finish_loop_table(table)
    tag(doc, "endif")


def build_annex_body(doc: DocumentObject) -> None:
    add_letterhead(doc)
    text(doc, "{{ titre }}", "Title")
    add_optional(doc, "sous_titre", "Subtitle")

    tag(doc, "for budget in budgets")
    add_optional(doc, "budget.nom", "Heading 1")
    tag(doc, "for service in budget.services")
    text(doc, "{{ service.nom }}", "Heading 2")
    _finish_loop_table(add_loop_table(doc, TARIFF_COLUMNS, "t in service.tarifs"))
    add_contributions(doc)
    tag(doc, "endfor")
    tag(doc, "endfor")


LIST_COLUMNS = [
    Column("N°", "d.numero", Cm(1.1)),
    Column("N°\u00a0d’acte", "d.numero_acte", Cm(2.6)),
    Column("Objet", "d.titre", Cm(6.4)),
    Column("Résultat", "d.issue", Cm(2.6)),
    Column("Votes", "d.votes", Cm(4.3)),
]


def build_list_body(doc: DocumentObject) -> None:
    """The list of the deliberations of a meeting (CGCT L2121-25)."""
    add_letterhead(doc)
    text(doc, "{{ titre }}", "Title")
    add_optional(doc, "sous_titre", "Subtitle")
    add_optional(doc, "introduction")
    tag(doc, "if deliberations")
    _finish_loop_table(
        add_loop_table(doc, LIST_COLUMNS, "d in deliberations", "Tableau délibérations")
    )
    tag(doc, "endif")
    add_optional(doc, "affichage", "Mention")
    add_optional(doc, "mise_en_ligne", "Mention")
    add_signatures(doc)


def build_extract_body(doc: DocumentObject) -> None:
    """« Extrait du registre des délibérations »: one deliberation `d`."""
    add_letterhead(doc)
    text(doc, "{{ titre }}", "Title")
    add_optional(doc, "seance_titre", "Subtitle")
    add_optional(doc, "preambule")
    add_each(doc, "effectifs", "Effectifs", item="e")
    add_optional(doc, "quorum", "Quorum")
    add_deliberation(doc)
    add_signatures(doc)
    add_each(doc, "certification", "Certification", item="ligne")


# --------------------------------------------------------------------------
# The convocation pack (make-minutes convocation)
# --------------------------------------------------------------------------


def setup_convocation_styles(doc: DocumentObject) -> None:
    """The styles of the documents written before the meeting: the agenda,
    the letters, the sign-in sheet, the proxy form.

    - Logo lettre / Organisme lettre: the letterhead of a letter, starting
      a new page (page break before: each letter on its own pages);
    - Destinataire: the address block, in the right half of the page;
    - Fait à: « Amiens, le 21 novembre 2016 », in the right half too;
    - Appel: « Madame, »; Partie: a part of the agenda; Ordre du jour: its
      items, indented, in one tight block;
    - Mention, Note: the small print (posting, the rules of a proxy);
    - Tableau émargement: the sign-in sheet, its header row repeated on
      each page, a row per member tall enough to sign.

    The note of synthesis uses these and the shared ones (Heading 1 and 2,
    the bullets); a draft adds the decision's (setup_draft_styles)."""
    black = RGBColor(0, 0, 0)
    for name, style_id, base in (
        ("Logo lettre", "LogoLettre", "Logo"),
        ("Organisme lettre", "OrganismeLettre", "Organisme"),
    ):
        style = _paragraph_style(doc, name, style_id=style_id, base=base)
        style.paragraph_format.page_break_before = True
    _paragraph_style(
        doc,
        "Destinataire",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=0,
        after=0,
        keep_with_next=True,
        contextual=True,
        indent=Cm(9),
    )
    _paragraph_style(
        doc,
        "Fait à",
        style_id="FaitA",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=18,
        after=18,
        indent=Cm(9),
    )
    _paragraph_style(doc, "Appel", before=12, after=6, keep_with_next=True)
    _paragraph_style(
        doc,
        "Intitulé",
        style_id="Intitule",
        underline=True,
        before=6,
        after=6,
        keep_with_next=True,
    )
    _paragraph_style(
        doc,
        "Partie",
        bold=True,
        color=black,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=6,
        after=3,
        keep_with_next=True,
        indent=Cm(0.75),
    )
    _paragraph_style(
        doc,
        "Ordre du jour",
        style_id="OrdreDuJour",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=0,
        after=3,
        contextual=True,
        indent=Cm(1.5),
    )
    _paragraph_style(
        doc, "Mention", align=WD_ALIGN_PARAGRAPH.LEFT, before=12, after=0, contextual=True
    )
    _paragraph_style(doc, "Note", size=9, before=6, after=3)
    _text_cell_styles(doc)
    _table_style(doc, "Tableau émargement", "TableauEmargement")
    setup_signature_styles(doc)


def add_letterhead_on_new_page(doc: DocumentObject) -> None:
    """The letterhead of a letter, on a new page: the logo (when the
    meeting has one) then the body's name, the first of them in a style
    that starts a page."""
    tag(doc, "if logo")
    text(doc, "{{ logo }}", "Logo lettre")
    text(doc, "{{ organisme }}", "Organisme")
    tag(doc, "else")
    text(doc, "{{ organisme }}", "Organisme lettre")
    tag(doc, "endif")


def add_agenda_parts(doc: DocumentObject, part_style: str) -> None:
    """The approval of earlier minutes (`approbation`, when there is one),
    then the parts of the agenda (`parties`), each with its numbered items."""
    add_optional(doc, "approbation", part_style)
    tag(doc, "for partie in parties")
    text(doc, "{{ partie.intitule }}", part_style)
    add_each(doc, "partie.points", "Ordre du jour", item="point")
    tag(doc, "endfor")


def add_signatory(doc: DocumentObject) -> None:
    """The one signatory of the convocation: role, then name below it."""
    text(doc, "{{ signataire.role }}", "Signature rôle")
    text(doc, "{{ signataire.nom }}", "Signature nom")


def build_agenda_body(doc: DocumentObject) -> None:
    """The agenda to post and publish (CGCT L2121-10)."""
    add_letterhead(doc)
    text(doc, "{{ sous_titre }}", "Title")
    text(doc, "{{ titre }}", "Subtitle")
    text(doc, "{{ annonce }}")
    add_each(doc, "conditions", item="c")
    add_agenda_parts(doc, "Heading 1")
    text(doc, "{{ fait_a }}", "Fait à")
    add_signatory(doc)
    add_optional(doc, "affichage", "Mention")


def build_letters_body(doc: DocumentObject) -> None:
    """One letter per member of `lettres`, each starting on a new page."""
    tag(doc, "for l in lettres")
    add_letterhead_on_new_page(doc)
    add_each(doc, "l.destinataire", "Destinataire", item="ligne")
    text(doc, "{{ fait_a }}", "Fait à")
    text(doc, "{{ sous_titre }}", "Title")
    text(doc, "{{ titre }}", "Subtitle")
    text(doc, "{{ l.appel }}", "Appel")
    text(doc, "{{ convocation }}")
    add_each(doc, "conditions", item="c")
    text(doc, "{{ ordre_du_jour }}", "Intitulé")
    add_agenda_parts(doc, "Partie")
    add_optional(doc, "note")
    text(doc, "{{ l.pouvoir }}")
    text(doc, "{{ l.salutations }}")
    add_signatory(doc)
    tag(doc, "endfor")


SHEET_COLUMNS = [
    Column("Membre", "{{ m.nom }}{% if m.fonction %}, {{ m.fonction }}{% endif %}", Cm(6)),
    Column("Signature", "", Cm(4.5)),
    Column("Pouvoir donné à", "", Cm(4)),
    Column("Arrivée, départ", "", Cm(2.5)),
]


def add_sign_in_table(doc: DocumentObject) -> None:
    """Header row (repeated on each page: the PDF is tagged, the table is
    a data table), then per college a row with its name (when it has one)
    and a row per member, tall enough to sign, that never breaks."""
    table = doc.add_table(rows=8, cols=len(SHEET_COLUMNS))
    table.style = doc.styles["Tableau émargement"]
    header, college_start, if_college, college, end_if, member_start, member, end = table.rows
    for cell, column in zip(header.cells, SHEET_COLUMNS):
        _cell_text(cell, column.header, "Cellule en gras")
    _cell_text(college_start.cells[0], "{%tr for g in colleges %}", "Balise modèle")
    _cell_text(if_college.cells[0], "{%tr if g.college %}", "Balise modèle")
    _cell_text(end_if.cells[0], "{%tr endif %}", "Balise modèle")
    _cell_text(member_start.cells[0], "{%tr for m in g.membres %}", "Balise modèle")
    for cell, column in zip(member.cells, SHEET_COLUMNS):
        _cell_text(cell, column.value, "Cellule")
    _cell_text(end.cells[0], "{%tr endfor %}", "Balise modèle")
    end_college = table.add_row()
    _cell_text(end_college.cells[0], "{%tr endfor %}", "Balise modèle")
    widths = [column.width.twips for column in SHEET_COLUMNS]
    widths[-1] = TEXT_WIDTH.twips - sum(widths[:-1])
    _fix_table_layout(table, widths, header_row=True, header_column=False)
    merged = college.cells[0].merge(college.cells[-1])
    _cell_text(merged, "{{ g.college }}", "Cellule en gras")
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(Cm(1.2).twips))
    height.set(qn("w:hRule"), "atLeast")
    member._tr.get_or_add_trPr().append(height)
    _finish_loop_table(table)


def build_sign_in_body(doc: DocumentObject) -> None:
    """The sign-in sheet: the members by college, to sign on arrival."""
    add_letterhead(doc)
    text(doc, "{{ sous_titre }}", "Title")
    text(doc, "{{ titre }}", "Subtitle")
    text(doc, "{{ seance }}")
    text(doc, "{{ en_exercice }}")
    add_sign_in_table(doc)


def build_proxy_body(doc: DocumentObject) -> None:
    """The proxy form of the meeting, filled by hand."""
    add_letterhead(doc)
    text(doc, "{{ sous_titre }}", "Title")
    text(doc, "{{ titre }}", "Subtitle")
    add_each(doc, "texte", "Appel", item="ligne")
    text(doc, "Signature du mandant\u00a0:", "Fait à")
    add_each(doc, "notes", "Note", item="note")


def build_synthesis_body(doc: DocumentObject) -> None:
    """The note of synthesis (CGCT L2121-12): each part, each item with its
    exposé, typed or written in Word (a sub-document, as in the minutes)."""
    add_letterhead(doc)
    text(doc, "{{ sous_titre }}", "Title")
    text(doc, "{{ titre }}", "Subtitle")
    text(doc, "{{ introduction }}")
    tag(doc, "for partie in parties")
    text(doc, "{{ partie.intitule }}", "Heading 1")
    tag(doc, "for d in partie.deliberations")
    text(doc, "{{ d.intitule }}", "Heading 2")
    add_blocs(doc, "d.expose")
    add_subdocument(doc, "d.expose_document")
    tag(doc, "endfor")
    tag(doc, "endfor")


def setup_draft_styles(doc: DocumentObject) -> None:
    """The convocation's styles, the decision's (Décision), and « Projet »:
    the mark of a draft, bold in a frame, under its title."""
    setup_convocation_styles(doc)
    setup_deliberation_styles(doc)
    mark = _paragraph_style(
        doc, "Projet", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=12
    )
    _set_box_border(mark)


def build_draft_body(doc: DocumentObject) -> None:
    """One draft deliberation `d`: its heading, its exposé (typed or Word),
    its proposed decision, marked « Projet » under the title and in the
    footer of every page."""
    add_letterhead(doc)
    text(doc, "{{ sous_titre }}", "Title")
    text(doc, "{{ titre }}", "Subtitle")
    text(doc, "{{ mention }}", "Projet")
    text(doc, "{{ d.intitule }}", "Heading 2")
    add_blocs(doc, "d.expose")
    add_subdocument(doc, "d.expose_document")
    tag(doc, "if d.decision")
    text(doc, "Décision proposée\u00a0:", "Intitulé")
    add_blocs(doc, "d.decision", "Décision")
    tag(doc, "endif")


# --------------------------------------------------------------------------
# The register of deliberations (make-minutes registre ANNÉE)
# --------------------------------------------------------------------------

REGISTER_COLUMNS = [
    Column("Date", "t.date", Cm(3.4)),
    Column("N°", "t.numero", Cm(0.9)),
    Column("N°\u00a0d’acte", "t.numero_acte", Cm(3.0)),
    Column("Objet", "t.titre", Cm(7.8)),
    Column("Feuillet", "t.signet", Cm(1.9)),  # its cell: a PAGEREF field
]
CLOSING_COLUMNS = [  # the closing sheet's list of the meeting's deliberations
    Column("N°", "c.numero", Cm(1.1)),
    Column("N°\u00a0d’acte", "c.numero_acte", Cm(3.4)),
    Column("Objet", "c.titre", Cm(12.5)),
]


def setup_register_styles(doc: DocumentObject) -> None:
    """The extract's styles (a deliberation, the signatures), the list's
    table, and the register's own: Feuillet de clôture (a new page), Membre
    présent, Saut de section (the empty paragraph that ends each section)."""
    setup_deliberation_styles(doc)
    setup_signature_styles(doc)
    setup_list_styles(doc)
    setup_minutes_styles(doc)
    _cell_style(doc, "Montant", "Montant", align=WD_ALIGN_PARAGRAPH.RIGHT)
    closing = _paragraph_style(
        doc, "Feuillet de clôture", style_id="FeuilletCloture", base="Title", next_style="Normal"
    )
    closing.paragraph_format.page_break_before = True
    _paragraph_style(
        doc,
        "Membre présent",
        style_id="MembrePresent",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=0,
        after=6,
        contextual=True,
        indent=Cm(0.75),
    )
    _paragraph_style(doc, "Saut de section", style_id="SautDeSection", size=1, before=0, after=0)
    _paragraph_style(
        doc,
        "Header",
        size=8,
        color=RGBColor(0x59, 0x59, 0x59),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=0,
        after=0,
    )


def _end_section(doc: DocumentObject, with_header_footer: bool) -> None:
    """An empty paragraph that ends a section (the next one starts a page):
    it carries a copy of the document's page setup; without its header and
    footer references, the section keeps those of the one before."""
    from copy import deepcopy

    paragraph = doc.add_paragraph("", style="Saut de section")
    sect_pr = deepcopy(doc.sections[-1]._sectPr)
    if not with_header_footer:
        for ref in sect_pr.findall(qn("w:headerReference")) + sect_pr.findall(
            qn("w:footerReference")
        ):
            sect_pr.remove(ref)
    paragraph._p.get_or_add_pPr().append(sect_pr)


def _bookmark(paragraph: Paragraph, name: str, number: str) -> None:
    """The whole paragraph in a bookmark (its tables' PAGEREF fields point to it)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), number)
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), number)
    first_run = paragraph._p.find(qn("w:r"))
    first_run.addprevious(start)
    paragraph._p.append(end)


def add_register_table(doc: DocumentObject, loop: str) -> None:
    """A table of the register: date, N°, act number, title, and the sheet
    of the deliberation, a PAGEREF field Word and LibreOffice compute."""
    table = add_loop_table(doc, REGISTER_COLUMNS, loop, "Tableau délibérations")
    cell = table.rows[2].cells[-1]
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.style = "Montant"
    add_page_field(paragraph, "PAGEREF {{ t.signet }} \\h", "…")
    _finish_loop_table(table)


def build_register_body(doc: DocumentObject) -> None:
    """The register of a year: a first page (and the meetings left out), each
    meeting in a section of its own (its header names it) with its
    deliberations and its closing sheet, then the tables by date, title and
    subject. The footer numbers the sheets across the whole year."""
    add_letterhead(doc)
    text(doc, "{{ titre }}", "Title")
    add_optional(doc, "sous_titre", "Subtitle")
    add_optional(doc, "introduction")
    tag(doc, "if non_incluses")
    text(doc, "{{ non_incluses_intitule }}", "Heading 1")
    tag(doc, "for r in non_incluses")
    text(doc, "{{ r.reunion }}", "Heading 2")
    add_each(doc, "r.problemes", "List Bullet", item="pb")
    tag(doc, "endfor")
    tag(doc, "endif")
    _end_section(doc, with_header_footer=True)

    tag(doc, "for seance in seances")
    text(doc, "{{ seance.titre }}", "Title")
    add_optional(doc, "seance.preambule")
    add_each(doc, "seance.effectifs", "Effectifs", item="e")
    add_optional(doc, "seance.quorum", "Quorum")
    tag(doc, "for d in seance.deliberations")
    add_deliberation(doc)
    heading = next(p for p in reversed(doc.paragraphs) if p.text == "{{ d.intitule }}")
    _bookmark(heading, "{{ d.signet }}", "{{ d.signet_id }}")
    tag(doc, "endfor")
    text(doc, "{{ seance.cloture.titre }}", "Feuillet de clôture")
    text(doc, "{{ seance.cloture.phrase }}")
    tag(doc, "if seance.cloture.deliberations")
    _finish_loop_table(
        add_loop_table(
            doc,
            CLOSING_COLUMNS,
            "c in seance.cloture.deliberations",
            "Tableau délibérations",
        )
    )
    tag(doc, "endif")
    text(doc, "{{ seance.cloture.presents_intitule }}", "Intitulé")
    add_each(doc, "seance.cloture.presents", "Membre présent", item="membre")
    add_optional(doc, "seance.cloture.levee", "Clôture")
    add_signatures(doc, "seance.cloture.")
    _end_section(doc, with_header_footer=False)
    tag(doc, "endfor")

    for title, loop in (
        ("{{ titre_par_date }}", "t in par_date"),
        ("{{ titre_par_titre }}", "t in par_titre"),
    ):
        text(doc, title, "Heading 1")
        tag(doc, f"if {loop.split(' in ')[1]}")
        add_register_table(doc, loop)
        tag(doc, "endif")
    text(doc, "{{ titre_par_matiere }}", "Heading 1")
    tag(doc, "for m in par_matiere")
    text(doc, "{{ m.matiere }}", "Heading 2")
    add_register_table(doc, "t in m.deliberations")
    tag(doc, "endfor")


def setup_register_page(doc: DocumentObject) -> None:
    """The register's header (the body, and the meeting of the section:
    ``entete`` is replaced in each meeting's section by its date) and its
    footer (« Registre des délibérations 2022 – feuillet 37 »); Word asks to
    update the fields (the tables' sheets) when it opens the document."""
    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.style = doc.styles["Header"]
    paragraph.add_run("{{ organisme }} – {{ entete }}")
    footer = section.footer.paragraphs[0]
    for run in list(footer.runs):
        run._r.getparent().remove(run._r)
    footer.add_run("{{ titre }} {{ annee }} – feuillet ")
    add_page_field(footer, "PAGE", "1")
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.insert_element_before(
        update,
        "w:hdrShapeDefaults",
        "w:footnotePr",
        "w:endnotePr",
        "w:compat",
        "w:docVars",
        "w:rsids",
        "m:mathPr",
        "w:attachedSchema",
        "w:themeFontLang",
        "w:clrSchemeMapping",
        "w:doNotIncludeSubdocsInStats",
        "w:doNotAutoCompressPictures",
        "w:forceUpgrade",
        "w:captions",
        "w:readModeInkLockDown",
        "w:smartTagType",
        "sl:schemaLibrary",
        "w:shapeDefaults",
        "w:doNotEmbedSmartTags",
        "w:decimalSymbol",
        "w:listSeparator",
    )


def build_register(doc: DocumentObject) -> None:
    setup_register_page(doc)
    build_register_body(doc)


def new_document(
    setup_own_styles: Callable[[DocumentObject], None], heading: str = "{{ titre }}"
) -> DocumentObject:
    """A blank document with the shared styles, its own ones, the page and
    footer (`heading` – page N sur M)."""
    doc = Document()
    setup_common_styles(doc)
    setup_own_styles(doc)
    _set_settings_lang(doc)
    setup_page(doc, heading)
    return doc


def _set_properties(
    doc: DocumentObject, title: str, comments: str, heading: str = "{{ titre }}"
) -> None:
    # docxtpl renders the core properties too: they may use the context but
    # must not contain a Jinja delimiter otherwise.
    # python-docx's blank document carries a thumbnail of itself: a file
    # manager would preview that instead of the template.
    rels = doc.part.package.rels
    for key, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(key)
    props = doc.core_properties
    props.title = title + " – " + heading
    props.subject = title
    props.author = "make-minutes"
    props.language = LANG
    props.comments = comments


TAGS_COMMENT = (
    "Les paragraphes gris en style « Balise modèle » et les cellules {tags} "
    "portent les boucles et conditions : garder chaque balise seule dans son "
    "paragraphe ou sa cellule."
)


@dataclass(frozen=True)
class TemplateSpec:
    """What makes one template: its own styles, its body, its properties."""

    setup_styles: Callable[[DocumentObject], None]
    build_body: Callable[[DocumentObject], None]
    title: str  # document property, followed by the rendered heading
    description: str  # the first words of the "comments" property
    tags: str  # the table tags it uses, for the comment
    footer: str = "{{ titre }}"
    heading: str = "{{ titre }}"  # rendered into the title property

    def build(self) -> DocumentObject:
        doc = new_document(self.setup_styles, self.footer)
        self.build_body(doc)
        comments = self.description + " " + TAGS_COMMENT.format(tags=self.tags)
        _set_properties(doc, self.title, comments, self.heading)
        return doc


TEMPLATES: dict[str, TemplateSpec] = {
    "proces-verbal.docx": TemplateSpec(
        setup_minutes_styles,
        build_minutes_body,
        "Procès-verbal",
        "Modèle de procès-verbal.",
        "tc / tr",
    ),
    "annexe-tarifs.docx": TemplateSpec(
        setup_annex_styles,
        build_annex_body,
        "Annexe des tarifs",
        "Modèle d’annexe des tarifs.",
        "tr",
    ),
    "liste-deliberations.docx": TemplateSpec(
        setup_list_styles,
        build_list_body,
        "Liste des délibérations",
        "Modèle de liste des délibérations.",
        "tc / tr",
    ),
    "extrait.docx": TemplateSpec(
        setup_extract_styles,
        build_extract_body,
        "Extrait",
        "Modèle d’extrait du registre des délibérations.",
        "tc",
        # The footer of an extract names the meeting too (in one run: the tags stay whole).
        footer="{{ titre }}{% if seance_titre %} – {{ seance_titre }}{% endif %}",
        heading="{{ seance_titre }}",
    ),
    "ordre-du-jour.docx": TemplateSpec(
        setup_convocation_styles,
        build_agenda_body,
        "Ordre du jour",
        "Modèle d’ordre du jour (make-minutes convocation).",
        "aucune",
    ),
    "convocations.docx": TemplateSpec(
        setup_convocation_styles,
        build_letters_body,
        "Convocations",
        "Modèle des lettres de convocation, une par membre (make-minutes convocation).",
        "aucune",
        footer="{{ sous_titre }} – {{ titre }}",
    ),
    "feuille-emargement.docx": TemplateSpec(
        setup_convocation_styles,
        build_sign_in_body,
        "Feuille d’émargement",
        "Modèle de feuille d’émargement (make-minutes convocation).",
        "tr",
    ),
    "pouvoir.docx": TemplateSpec(
        setup_convocation_styles,
        build_proxy_body,
        "Pouvoir",
        "Modèle de pouvoir (make-minutes convocation).",
        "aucune",
    ),
    "note-de-synthese.docx": TemplateSpec(
        setup_convocation_styles,
        build_synthesis_body,
        "Note explicative de synthèse",
        "Modèle de note explicative de synthèse (make-minutes convocation).",
        "aucune",
    ),
    "projet.docx": TemplateSpec(
        setup_draft_styles,
        build_draft_body,
        "Projet de délibération",
        "Modèle de projet de délibération, un par point (make-minutes convocation).",
        "aucune",
        footer="{{ sous_titre }} – {{ titre }}",
    ),
    "registre.docx": TemplateSpec(
        setup_register_styles,
        build_register,
        "Registre des délibérations",
        "Modèle du registre des délibérations d’une année (make-minutes registre).",
        "tr",
        heading="{{ annee }}",
    ),
}


def main() -> None:
    TEMPLATES_DIR.mkdir(parents=True, exist_ok=True)
    for name, spec in TEMPLATES.items():
        path = TEMPLATES_DIR / name
        spec.build().save(str(path))
        print(f"écrit : {path}")


if __name__ == "__main__":
    main()
