"""Infoboxes and documents: the conflict infoboxes of a page, its fields rendered, and the
:class:`~kg.document.Document` of a page or a ``.wiki`` file.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Template
from mwparserfromhell.wikicode import Wikicode

from kg.document import Document, Field, Infobox, ReadWarning, content_hash
from kg.readers.encoding import record_text_fixes, source_text
from kg.readers.wikitext.render import _Context, _Renderer, _tidy_body, _tidy_field_text
from kg.readers.wikitext.templates import (
    _SPACES,
    CONFLICT_TEMPLATE_NAME,
    _is_conflict_template,
    _named,
    _plain,
    _positional,
    template_key,
    title_from_path,
)
from kg.readers.wtf_markdown import find_body_links, find_sections

#: A quick test for a conflict infobox in raw text, before any parsing (dumps use it to
#: skip the other pages cheaply). Loose on purpose: the parse decides.
CONFLICT_HINT = re.compile(
    r"\{\{\s*(?:template\s*:\s*)?(?:infobox[ _]+(?:military[ _]+conflict|war|battle)|military[ _]+conflict)\s*(?:[|}<\n]|$)"
    r"|#invoke\s*:\s*infobox[ _]+military[ _]+conflict",
    re.IGNORECASE,
)


def wikitext_field(name: str, wikitext: str, warnings: list[ReadWarning] | None = None,
                   title: str = "") -> Field:
    """Render one infobox parameter value to a :class:`Field`.

    >>> f = wikitext_field("combatant2", "{{flagcountry|Achaemenid Empire}}")
    >>> f.text, f.links
    ('Achaemenid Empire', [Link(page='Achaemenid Empire', text=None, type='internal')])
    >>> wikitext_field("date", "{{circa|1200}} BC").text
    'c. 1200 BC'
    """
    context = _Context(title, warnings if warnings is not None else [])
    return _render_field(context, name, mwparserfromhell.parse(wikitext))


def _render_field(context: _Context, name: str, value: Wikicode) -> Field:
    renderer = _Renderer(context, "field", name)
    renderer.render(value)
    text = _tidy_field_text("".join(renderer.parts))
    formatting: dict[str, list[str]] = {}
    if renderer.bold:
        formatting["bold"] = renderer.bold
    if renderer.italic:
        formatting["italic"] = renderer.italic
    return Field(name, text, list(renderer.links), formatting)


def _infobox(context: _Context, template: Template) -> Infobox:
    fields: dict[str, Field] = {}
    for param in template.params:
        name = _param_name(param.name)
        if not name or name.isdigit():
            continue                # ``main`` of the #invoke form, stray positional values
        field = _render_field(context, name, param.value)
        if not field.text and not field.links:
            continue
        if name in fields:
            context.warn("duplicate-field", name, field.text[:80],
                         f"parameter {name!r} given twice; the last value is kept")
        fields[name] = field
    return Infobox(fields, template=CONFLICT_TEMPLATE_NAME)


def _param_name(name: Wikicode) -> str:
    text = "".join(str(n) for n in name.nodes if not isinstance(n, Comment))
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def has_conflict_infobox(wikitext: str) -> bool:
    """Cheap test (no parsing) whether the text may hold a conflict infobox.

    >>> has_conflict_infobox("{{Infobox_Military  conflict\\n|x=1}}"), has_conflict_infobox("{{Infobox person}}")
    (True, False)
    """
    return CONFLICT_HINT.search(wikitext) is not None


def find_conflict_infoboxes(code: Wikicode) -> list[Template]:
    """The conflict infobox templates of a parsed page, in page order (top level first
    looked at; nested ones only when there is none at the top)."""
    found = [node for node in code.nodes if isinstance(node, Template) and _is_conflict_template(node)]
    if found:
        return found
    return [t for t in code.filter_templates(recursive=True) if _is_conflict_template(t)]


def document_from_wikitext(text: str, path: str, title: str, digest: str | None = None) -> Document:
    """Build the :class:`Document` of one page of wikitext (see the module doc)."""
    doc = Document(
        path=path,
        kind="wikipedia",
        title=title,
        content_hash=digest if digest is not None else content_hash(text.encode("utf-8")),
    )
    context = _Context(title, doc.warnings)
    try:
        code = mwparserfromhell.parse(text)
    except Exception as exc:  # noqa: BLE001 - the parser is robust; never fail a document
        doc.warn("wikitext-unparsed", None, title, f"wikitext did not parse: {exc}")
        return doc
    doc.extra["source_format"] = "wikitext"
    try:
        boxes = find_conflict_infoboxes(code)
        for template in boxes:
            doc.infoboxes.append(_infobox(context, template))
        if doc.infoboxes and "coordinates" not in doc.infoboxes[0].fields:
            _title_coordinates(context, code, doc.infoboxes[0])
        if boxes:
            doc.image_url = _image_url(boxes[0])
        doc.short_description = _short_description(code)
    except Exception as exc:  # noqa: BLE001 - odd wikitext degrades, never raises
        doc.warn("wikitext-error", None, title, f"infobox not fully read: {type(exc).__name__}: {exc}")
    try:
        body_renderer = _Renderer(context, "body")
        for node in code.nodes:
            if isinstance(node, Template) and _is_conflict_template(node):
                continue
            body_renderer.render(Wikicode([node]))
        doc.body = _tidy_body("".join(body_renderer.parts))
    except Exception as exc:  # noqa: BLE001
        doc.warn("wikitext-error", None, title, f"body not rendered: {type(exc).__name__}: {exc}")
        doc.body = ""
    doc.sections = find_sections(doc.body)
    doc.links = find_body_links(doc.body, doc.sections)
    doc.description = _first_paragraph(doc.body)
    return doc


def _title_coordinates(context: _Context, code: Wikicode, box: Infobox) -> None:
    """An infobox without coordinates takes the page's title coordinates
    (``{{coord|…|display=title}}`` elsewhere on the page): they locate the article's
    subject, as Wikipedia shows them."""
    for node in code.nodes:
        if isinstance(node, Template) and template_key(node.name) in ("coord", "coor"):
            display = _plain(_named(node, "display")).lower()
            if "title" in display or display == "t":
                field = _render_field(context, "coordinates", Wikicode([node]))
                if field.text:
                    box.fields["coordinates"] = field
                    context.warn("coordinates-from-page", "coordinates", field.text,
                                 "the infobox has no coordinates; took the page's title coordinates")
                return


def _short_description(code: Wikicode) -> str | None:
    for node in code.nodes:
        if isinstance(node, Template) and template_key(node.name) == "short description":
            params = _positional(node)
            if params:
                value = _plain(params[0])
                if value and value.lower() != "none":
                    return value
    return None


def _image_url(template: Template) -> str | None:
    value = _named(template, "image")
    if value is None:
        return None
    links = value.filter_wikilinks()
    name = str(links[0].title).split(":", 1)[-1] if links else _plain(value)
    name = name.strip()
    if not re.search(r"\.(?:svg|png|jpe?g|gif|tiff?|webp)$", name, re.IGNORECASE):
        return None
    return "https://wikipedia.org/wiki/Special:Redirect/file/" + quote(name.replace(" ", "_"))


_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*(?:\([^)\n]*\)[^)\n]*)*\)")


def _first_paragraph(body: str) -> str | None:
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block.startswith(("#", "*", "|", "1.")):
            continue
        plain = _MARKDOWN_LINK.sub(r"\1", block).replace("**", "")
        plain = re.sub(r"(?<!\w)\*(?!\s)([^*\n]+)(?<!\s)\*(?!\w)", r"\1", plain)
        plain = _SPACES.sub(" ", plain.replace("\n", " ")).strip()
        if len(plain) >= 20:
            return plain
    return None


def read_wikitext(path: str | Path, data: bytes | None = None, *, title: str | None = None) -> Document:
    """Read one wikitext file (``.wiki``, ``.wikitext``).

    Raises :class:`~kg.readers.errors.DocumentError` only for bytes that are not text
    (not UTF-8/UTF-16); any wikitext, however odd, gives a Document.

    >>> doc = read_wikitext("data/wikitext/Battle_of_Gettysburg__infobox_only_wikiline_spec.wiki")
    >>> doc.title, doc.conflict_infobox.get("strength1").text
    ('Battle of Gettysburg', '104,256 ("present for duty")')
    """
    path = Path(path)
    raw = path.read_bytes() if data is None else data
    decoded, repaired = source_text(str(path), raw)
    doc = document_from_wikitext(repaired.text, str(path), title or title_from_path(path), content_hash(raw))
    record_text_fixes(doc, decoded, repaired)
    return doc
