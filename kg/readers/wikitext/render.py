"""Rendering wikitext to the text of a field or the body: the renderer over the parse tree
(links, tags, templates via :mod:`~kg.readers.wikitext.handlers`) and the clean-up of
the rendered text.
"""

from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.nodes import Argument, Comment, ExternalLink, Heading, HTMLEntity, Tag, Template, Text, Wikilink
from mwparserfromhell.wikicode import Wikicode

from kg.document import Link, ReadWarning
from kg.readers.wikitext.handlers import _HANDLERS, _handler_by_pattern, _is_silent
from kg.readers.wikitext.templates import _BR, _SPACES, _normalise_page, _positional, template_key

_QUOTE_RUN = re.compile(r"'{2,}")


_EMPTY_PARENS = re.compile(r"\(\s*[,;]?\s*\)")


_PAREN_SPACE = re.compile(r"(?<=\()[ \t]+|[ \t]+(?=\))")


#: An HTML tag that the parser left as text (unbalanced ``<small>``, stray ``</div>``).
_STRAY_TAG = re.compile(
    r"</?(?:div|span|small|big|center|p|font|sup|sub|b|i|u|s|br|hr|ref|references|li|ul|ol|"
    r"table|tr|td|th|abbr|em|strong|blockquote|poem|nowiki|onlyinclude|includeonly|noinclude|"
    r"section|code|tt|del|ins|cite|q|mark)\b[^<>]*/?>",
    re.IGNORECASE,
)


_LINK_TRAIL = re.compile(r"[a-z]+")


_FILE_PREFIXES = ("file:", "image:", "media:")


_HIDDEN_PREFIXES = ("category:",)


_NAMESPACE_PREFIXES = (
    "wikipedia:", "wp:", "help:", "portal:", "template:", "user:", "talk:", "special:",
    "module:", "draft:", "mediawiki:", "user talk:", "template talk:", "wikipedia talk:",
)


_INTERWIKI = {
    "wikt", "wiktionary", "s", "wikisource", "commons", "c", "d", "wikidata", "w",
    "wikipedia", "q", "wikiquote", "b", "wikibooks", "n", "wikinews", "voy", "wikivoyage",
    "species", "mw", "meta", "m", "v", "wikiversity", "oldwikisource",
}


_INTERLANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z]{2,8})?$")


class _Context:
    """Per-document state shared by the renderers: title and warnings (deduplicated)."""

    def __init__(self, title: str, warnings: list[ReadWarning]) -> None:
        self.title = title
        self.warnings = warnings
        self._seen: set[tuple[str, str | None, str]] = set()

    def warn(self, kind: str, field: str | None, text: str, message: str, key: str | None = None) -> None:
        marker = (kind, field, key if key is not None else text)
        if marker in self._seen:
            return
        self._seen.add(marker)
        self.warnings.append(ReadWarning(kind, field, text, message))


class _Renderer:
    """Renders wikicode in one of two modes: ``field`` (plain text + links + formatting
    runs, for infobox parameters) or ``body`` (markdown-ish text with inline links)."""

    def __init__(self, context: _Context, mode: str = "field", field: str | None = None) -> None:
        self.context = context
        self.mode = mode
        self.field = field
        self.parts: list[str] = []
        self.links: list[Link] = []
        self.bold: list[str] = []
        self.italic: list[str] = []
        self.link_depth = 0

    # -- output helpers ---------------------------------------------------------------

    @property
    def body(self) -> bool:
        return self.mode == "body"

    def emit(self, text: str) -> None:
        if text:
            self.parts.append(text)

    def capture(self, code: Wikicode | str | None) -> str:
        """Render ``code`` into a string (links and formatting runs still collected)."""
        saved = self.parts
        self.parts = []
        try:
            if code is not None:
                self.render(code)
            return "".join(self.parts)
        finally:
            self.parts = saved

    def line_break(self) -> None:
        self.emit(" " if self.link_depth else _BR)

    def warn_template(self, template: Template, key: str, rendered: bool) -> None:
        source = _SPACES.sub(" ", str(template).replace("\n", " "))
        source = source if len(source) <= 80 else source[:77] + "..."
        how = "rendered as its first parameter" if rendered else "dropped"
        self.context.warn("template-dropped", self.field, source,
                          f"unknown template {{{{{key}}}}} {how}", key=key)

    # -- the walk ----------------------------------------------------------------------

    def render(self, code: Wikicode | str) -> None:
        if isinstance(code, str):
            code = mwparserfromhell.parse(code)
        nodes = code.nodes
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if isinstance(node, Text):
                self.emit(_STRAY_TAG.sub("", node.value) if "<" in node.value else node.value)
            elif isinstance(node, Wikilink):
                trail = ""
                following = nodes[index + 1] if index + 1 < len(nodes) else None
                if isinstance(following, Text) and not self.link_depth:
                    match = _LINK_TRAIL.match(following.value)
                    if match:
                        trail = match.group()
                self._wikilink(node, trail)
                if trail and isinstance(following, Text):
                    self.emit(following.value[len(trail):])
                    index += 1
            elif isinstance(node, Template):
                self._template(node)
            elif isinstance(node, Tag):
                self._tag(node)
            elif isinstance(node, HTMLEntity):
                try:
                    self.emit(node.normalize().replace("\u00a0", " "))
                except (ValueError, OverflowError):
                    self.emit(str(node))
            elif isinstance(node, ExternalLink):
                if node.title is not None:
                    self.render(node.title)
                elif not node.brackets and self.body:
                    self.emit(str(node.url))
            elif isinstance(node, Heading):
                title = _tidy_inline(self.capture_plain(node.title))
                if self.body:
                    self.emit(f"\n\n{'#' * max(1, min(6, node.level))} {title}\n\n")
                else:
                    self.emit(title)
            elif isinstance(node, Argument):
                if node.default is not None:
                    self.render(node.default)
            elif isinstance(node, Comment):
                pass
            else:  # pragma: no cover - mwparserfromhell has no other node types
                self.emit(str(node))
            index += 1

    def capture_plain(self, code: Wikicode) -> str:
        """Render without recording links or formatting (headings, anchors of body links)."""
        plain = _Renderer(self.context, "field", self.field)
        plain.link_depth = self.link_depth
        return "".join(_collect(plain, code))

    # -- links -------------------------------------------------------------------------

    def _wikilink(self, node: Wikilink, trail: str) -> None:
        raw_title = str(node.title)
        title = _normalise_page(re.sub(r"<!--.*?-->", "", raw_title, flags=re.DOTALL))
        lowered = title.lower()
        leading_colon = raw_title.strip().startswith(":")
        if lowered.startswith(_FILE_PREFIXES):
            return                                   # images: never their file names
        if lowered.startswith(_HIDDEN_PREFIXES) and not leading_colon:
            return                                   # category membership
        prefix = lowered.split(":", 1)[0] if ":" in lowered else ""
        if prefix and (_INTERLANGUAGE.match(prefix) and node.text is None and not leading_colon):
            return                                   # interlanguage link
        self.link_depth += 1
        try:
            if node.text is not None:
                anchor = self.capture(node.text) if not self.body else self.capture_plain(node.text)
            else:
                anchor = title
                if ":" in title and prefix in _INTERWIKI:
                    anchor = title.split(":", 1)[1]
        finally:
            self.link_depth -= 1
        if node.text is not None and not str(node.text).strip():
            anchor = re.sub(r"\s*\([^()]*\)$", "", title.split(":", 1)[-1])      # pipe trick
        anchor = _tidy_inline(anchor + trail)
        is_entity = (
            bool(title) and not title.startswith("#") and prefix not in _INTERWIKI
            and not lowered.startswith(_NAMESPACE_PREFIXES + _HIDDEN_PREFIXES)
        )
        if not anchor:
            return
        if self.link_depth:                        # a link inside a link's anchor
            self.emit(anchor)
            return
        if not is_entity:
            self.emit(anchor)
            return
        if self.body:
            target = title.replace(" ", "_")
            self.emit(f"[{anchor.replace('[', '(').replace(']', ')')}](./{target})")
            return
        self.links.append(Link(page=title, text=None if anchor == title else anchor))
        self.emit(anchor)

    # -- tags --------------------------------------------------------------------------

    def _tag(self, node: Tag) -> None:
        tag = str(node.tag).strip().lower()
        markup = node.wiki_markup
        if tag in _DROPPED_TAGS:
            return
        if tag == "br":
            self.line_break()
            return
        if tag == "hr":              # a rule separates groups: a blank line
            self.line_break()
            self.line_break()
            return
        if tag == "li" and markup:
            if self.link_depth:
                return
            if self.body:
                self.emit("1." if markup == "#" else markup)
            else:
                self.emit(markup)
            return
        if tag in ("dd", "dt") and markup:
            return
        if node.self_closing or node.contents is None:
            return
        if _hidden(node):
            return
        if tag == "nowiki":
            self.emit(str(node.contents))
            return
        if tag in ("b", "strong", "i", "em"):
            self._formatted(node.contents, "bold" if tag in ("b", "strong") else "italic")
            return
        if tag in ("table", "tr"):
            self.line_break()
            self.render(node.contents)
            self.line_break()
            return
        if tag in ("td", "th"):
            self.render(node.contents)
            self.emit(" | " if self.body else " ")
            return
        if tag in ("p", "blockquote", "poem", "center", "ul", "ol", "li", "dl") or (tag == "div" and self.body):
            self.line_break()
            text = self.capture(node.contents)
            self.emit(text.replace("\n", _BR) if tag == "poem" else text)
            self.line_break()
            return
        if tag == "div":        # wtf_wikipedia keeps a <div> inline, with a space
            self.emit(" ")
            self.render(node.contents)
            self.emit(" ")
            return
        self.render(node.contents)     # span, small, big, sup, sub, font, abbr, u, s …

    def _formatted(self, contents: Wikicode, style: str) -> None:
        if self.body:
            mark = "**" if style == "bold" else "*"
            inner = self.capture(contents)
            stripped = inner.strip()
            if not stripped:
                self.emit(inner)
                return
            lead = inner[: len(inner) - len(inner.lstrip())]
            tail = inner[len(inner.rstrip()):]
            self.emit(f"{lead}{mark}{stripped}{mark}{tail}")
            return
        inner = self.capture(contents)
        run = _tidy_inline(inner.replace(_BR, " "))
        if run:
            (self.bold if style == "bold" else self.italic).append(run)
        self.emit(inner)

    # -- templates ---------------------------------------------------------------------

    def _template(self, template: Template) -> None:
        key = template_key(template.name)
        handler = _HANDLERS.get(key)
        if handler is None:
            handler = _handler_by_pattern(key, template)
        if handler is not None:
            handler(self, template)
            return
        if _is_silent(key):
            return
        first = _positional(template)
        if first:
            self.render(first[0])
        self.warn_template(template, key, rendered=bool(first))


def _collect(renderer: _Renderer, code: Wikicode) -> list[str]:
    renderer.render(code)
    return renderer.parts


def _hidden(node: Tag) -> bool:
    for attribute in node.attributes:
        if (str(attribute.name).strip().lower() == "style" and attribute.value is not None
                and re.search(r"display\s*:\s*none", str(attribute.value), re.IGNORECASE)):
            return True
    return False


_DROPPED_TAGS = frozenset({
    "ref", "references", "gallery", "math", "chem", "ce", "timeline", "score", "graph",
    "mapframe", "maplink", "templatedata", "templatestyles", "syntaxhighlight", "source",
    "imagemap", "categorytree", "indicator", "section", "includeonly", "inputbox",
    "hiero", "charinsert", "style", "script",
})


def _resolve_breaks(text: str) -> str:
    text = re.sub(_BR + r"[ \t]*\n", "\n", text)
    text = re.sub(r"\n[ \t]*" + _BR, "\n", text)
    return text.replace(_BR, "\n")


def _tidy_inline(text: str) -> str:
    """One-line text: breaks and runs of spaces folded, wiki quote runs and emptied
    parentheses removed (used for anchors and formatting runs, so that they are found
    in the field text, which gets the same treatment)."""
    text = text.replace(_BR, " ").replace("\n", " ")
    text = _QUOTE_RUN.sub("", text)
    text = _PAREN_SPACE.sub("", _EMPTY_PARENS.sub("", text))
    return _SPACES.sub(" ", text).strip()


def _tidy_field_text(text: str) -> str:
    text = _QUOTE_RUN.sub("", _resolve_breaks(text))
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", _PAREN_SPACE.sub("", _EMPTY_PARENS.sub("", line))).strip()
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n ")


def _tidy_body(text: str) -> str:
    text = _QUOTE_RUN.sub("", _resolve_breaks(text))
    lines = [_SPACES.sub(" ", _EMPTY_PARENS.sub("", line)).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n" if text.strip() else ""
