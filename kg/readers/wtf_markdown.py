"""Reader for Wikipedia articles as written by wtf_wikipedia: YAML front matter + markdown.

Layout (see ``shared/design/input-formats.md``)::

    ---
    infoboxes:
      - conflict: {text: ...}
        combatant1: {text: ..., links: [{type: internal, page: Iran}], formatting: {bold: [...]}}
    title: Battle of X
    shortDescription: ...
    description: ...
    img: https://...
    ---
    | infobox as a markdown table |
    Body text with [links](./Page_Title) and ## headings

Limits: the front matter ends at the first line that is exactly ``---`` after the opening
one (the body has ``---`` table rows, the YAML never has such a line). Every YAML scalar is
read as the exact source string (no implicit booleans, numbers or dates: ``NO`` stays
``"NO"``). A malformed field degrades to a warning; only a file that is not a document at
all (no front matter, YAML that does not parse) raises :class:`DocumentError`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from kg.document import BodyLink, Document, Field, Infobox, Link, Section, content_hash
from kg.errors import KGError
from kg.readers.encoding import record_text_fixes, source_text
from kg.readers.errors import DocumentError

try:  # libyaml is 8-10x faster; yaml.safe_load never uses it on its own
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]  # the stubs do not re-export it
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        """The pure-Python pipeline in the same shape as ``CParser(stream)``."""

        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


class StringLoader(_Parser, yaml.constructor.SafeConstructor, yaml.resolver.BaseResolver):
    """Safe loader (C parser when available) whose only scalar type is ``str``.

    ``BaseResolver`` has no implicit resolvers, so ``NO``, ``010`` and ``2016-12-22``
    arrive as the strings written in the file, never as ``False``, ``8`` or a date.
    """

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)


#: Limits checked before any parsing; our articles' front matter is < 100 kB.
MAX_FILE_BYTES = int(os.environ.get("KG_MAX_FILE_BYTES") or 32 * 1024 * 1024)
MAX_FRONT_MATTER_CHARS = int(os.environ.get("KG_MAX_FRONT_MATTER_CHARS") or 2 * 1024 * 1024)
MAX_BODY_CHARS = int(os.environ.get("KG_MAX_BODY_CHARS") or 16 * 1024 * 1024)
#: Deeper nesting is refused before libyaml sees it: its C parser recurses and crashes the
#: process at ~30,000 levels, and its time grows with the square of the depth.
MAX_YAML_DEPTH = 64

_STR_TAG = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = {_STR_TAG, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class UnsafeYAML(KGError, ValueError):
    """YAML using a feature our documents never need (and attackers love)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def nesting_depth(text: str) -> int:
    r"""An upper bound of the nesting depth of a YAML text, without parsing it: flow
    brackets opened and not yet closed, plus indentation levels. Quoted text is not
    skipped, so the bound can only be too high, never too low.

    >>> nesting_depth("a:\n  b: [1, [2, {c: 3}]]\n")
    4
    """
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}" and depth:
            depth -= 1
        elif char == "\n":
            depth = 0
    indent = max((len(line) - len(line.lstrip(" -")) for line in text.splitlines()), default=0)
    return deepest + indent // 2


def load_yaml(text: str) -> Any:
    r"""Parse front matter YAML safely: libyaml composes the node tree (C speed), then only
    plain mappings, sequences and strings are accepted.

    Refused with :class:`UnsafeYAML`: aliases (``*x``: a 640-byte alias bomb expands without
    limit once traversed), explicit tags (``!!python/object/apply``, ``!!binary``), duplicate
    keys (PyYAML silently keeps the last), nesting deeper than :data:`MAX_YAML_DEPTH`.
    Every scalar is the exact source string (no implicit booleans, numbers or dates).

    >>> load_yaml("a: NO\nb: 010\nc: [1, ~, 2016-12-22]")
    {'a': 'NO', 'b': '010', 'c': ['1', '~', '2016-12-22']}
    >>> load_yaml("a: &x [1]\nb: *x")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnsafeYAML: YAML alias at line 2: aliases are not accepted
    """
    if nesting_depth(text) > MAX_YAML_DEPTH:
        raise UnsafeYAML("yaml-too-deep", f"YAML nested deeper than {MAX_YAML_DEPTH} levels")
    # StringLoader is safe: it builds no Python objects (the stubs know only PyYAML's own loaders)
    node = yaml.compose(text, Loader=StringLoader)  # type: ignore[arg-type]
    if node is None:
        return None
    return _to_python(node, 0, set())


def _to_python(node: yaml.Node, depth: int, seen: set[int]) -> Any:
    if depth > MAX_YAML_DEPTH:
        raise UnsafeYAML("yaml-too-deep", f"YAML nested deeper than {MAX_YAML_DEPTH} levels")
    if node.tag not in _ALLOWED_TAGS:
        raise UnsafeYAML("yaml-tag", f"explicit YAML tag {node.tag!r} at line {node.start_mark.line + 1}: "
                                     "tags are not accepted")
    if id(node) in seen:
        raise UnsafeYAML("yaml-alias", f"YAML alias (a node used again, line {node.start_mark.line + 1}): "
                                       "aliases are not accepted")
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, depth + 1, seen) for item in node.value]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = _to_python(key_node, depth + 1, seen)
        if not isinstance(key, str):
            raise UnsafeYAML("yaml-key", f"non-string YAML key at line {key_node.start_mark.line + 1}")
        if key in result:
            raise UnsafeYAML("yaml-duplicate-key", f"duplicate YAML key {key!r} at line {key_node.start_mark.line + 1}")
        result[key] = _to_python(value_node, depth + 1, seen)
    return result


FRONT_MATTER_DELIMITER = "---"


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Split ``---\\n<yaml>\\n---\\n<body>``; ``None`` when there is no front matter.

    >>> split_front_matter("---\\ntitle: X\\n---\\n|a|\\n|---|\\nbody")
    ('title: X\\n', '|a|\\n|---|\\nbody')
    """
    if not text.startswith(FRONT_MATTER_DELIMITER):
        return None
    first_newline = text.find("\n")
    if first_newline < 0 or text[:first_newline].rstrip() != FRONT_MATTER_DELIMITER:
        return None
    position = first_newline + 1
    while True:
        end = text.find("\n", position)
        line = text[position:] if end < 0 else text[position:end]
        if line.rstrip("\r") == FRONT_MATTER_DELIMITER:
            body_start = len(text) if end < 0 else end + 1
            return text[first_newline + 1: position], text[body_start:]
        if end < 0:
            return None
        position = end + 1


def read_wtf_markdown(path: str | Path, data: bytes | None = None) -> Document:
    """Read one wtf_wikipedia markdown article.

    >>> doc = read_wtf_markdown("data/wikipedia/syria/battle_of_aleppo_(2012–2016).md")
    >>> doc.title, len(doc.conflict_infobox.fields) > 20
    ('Battle of Aleppo (2012–2016)', True)
    """
    path = Path(path)
    if data is None and path.stat().st_size > MAX_FILE_BYTES:
        raise DocumentError(str(path), None, None, f"file is {path.stat().st_size} bytes; the limit is "
                            f"{MAX_FILE_BYTES} ($KG_MAX_FILE_BYTES)", code="too-large")
    raw = path.read_bytes() if data is None else data
    if len(raw) > MAX_FILE_BYTES:
        raise DocumentError(str(path), None, None, f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}",
                            code="too-large")
    decoded, repaired = source_text(str(path), raw)
    text = repaired.text
    parts = split_front_matter(text)
    if parts is None:
        raise DocumentError(str(path), None, text[:40],
                            "no YAML front matter: expected a first line '---' and a closing '---' line",
                            code="no-front-matter")
    front, body = parts
    if len(front) > MAX_FRONT_MATTER_CHARS:
        raise DocumentError(str(path), "front matter", None, f"front matter is {len(front)} characters; the "
                            f"limit is {MAX_FRONT_MATTER_CHARS} ($KG_MAX_FRONT_MATTER_CHARS)", code="too-large")
    if len(body) > MAX_BODY_CHARS:
        raise DocumentError(str(path), "body", None, f"body is {len(body)} characters; the limit is "
                            f"{MAX_BODY_CHARS} ($KG_MAX_BODY_CHARS)", code="too-large")
    try:
        meta = load_yaml(front)
    except UnsafeYAML as exc:
        raise DocumentError(str(path), "front matter", None, str(exc), code=exc.code) from None
    except yaml.YAMLError as exc:
        raise DocumentError(str(path), "front matter", None, f"YAML does not parse: {exc}", code="yaml-syntax") from None
    if not isinstance(meta, dict):
        raise DocumentError(str(path), "front matter", repr(meta)[:60], "front matter is not a mapping",
                            code="not-a-mapping")

    title = _string(meta.get("title")) or path.stem.replace("_", " ")
    doc = Document(
        path=str(path),
        kind="wikipedia",
        title=title.strip(),
        content_hash=content_hash(raw),
        short_description=_string(meta.get("shortDescription")),
        description=_string(meta.get("description")),
        image_url=_string(meta.get("img")),
        published=_string(meta.get("pubDate")),
    )
    record_text_fixes(doc, decoded, repaired)
    if "title" not in meta:
        doc.warn("missing-title", "title", path.name, "no title in front matter; used the file name")

    boxes = meta.get("infoboxes") or []
    if not isinstance(boxes, list):
        doc.warn("malformed-infobox", "infoboxes", repr(boxes)[:80], "infoboxes is not a list; ignored")
        boxes = []
    for box in boxes:
        infobox = _read_infobox(box, doc)
        if infobox is not None:
            doc.infoboxes.append(infobox)

    doc.body = body
    doc.sections = find_sections(body)
    doc.links = find_body_links(body, doc.sections, skip=leading_table_end(body))
    return doc


def _string(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return str(value)


def _read_infobox(box: Any, doc: Document) -> Infobox | None:
    if not isinstance(box, dict):
        doc.warn("malformed-infobox", "infoboxes", repr(box)[:80], "infobox is not a mapping; ignored")
        return None
    fields: dict[str, Field] = {}
    for name, value in box.items():
        name = str(name)
        if isinstance(value, str):
            fields[name] = Field(name, value)
            continue
        if not isinstance(value, dict):
            doc.warn("malformed-field", name, repr(value)[:80], "field is neither text nor a mapping; ignored")
            continue
        text = _string(value.get("text")) or ""
        links: list[Link] = []
        for item in value.get("links") or []:
            if isinstance(item, dict) and item.get("page") is not None:
                page, section = str(item["page"]), _string(item.get("anchor"))
                if page.strip() and section:
                    # [[Page#Section|text]]: kept as the wikitext reader keeps it, so that a
                    # link to a section is not read as a link to the whole page
                    anchor: str | None = _string(item.get("text")) or page
                    page = f"{page}#{section}"
                else:
                    anchor = _string(item.get("text"))
                links.append(Link(page=page, text=anchor, type=str(item.get("type") or "internal")))
            else:
                doc.warn("malformed-link", name, repr(item)[:80], "link without a page; ignored")
        formatting: dict[str, list[str]] = {}
        raw_formatting = value.get("formatting") or {}
        if isinstance(raw_formatting, dict):
            for style, runs in raw_formatting.items():
                if isinstance(runs, list):
                    formatting[str(style)] = [str(r) for r in runs]
        fields[name] = Field(name, text, links, formatting)
    return Infobox(fields)


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def find_sections(body: str) -> list[Section]:
    """Markdown ATX headings with their level and offset.

    >>> find_sections("intro\\n## Background\\ntext\\n### Siege\\n")
    [Section(title='Background', level=2, start=6), Section(title='Siege', level=3, start=25)]
    """
    return [Section(m.group(2).strip(), len(m.group(1)), m.start()) for m in _HEADING.finditer(body)]


def leading_table_end(body: str) -> int:
    """Offset where the infobox table that wtf_wikipedia renders at the top of the body ends
    (0 when the body does not start with a table). Its links repeat the infobox's."""
    position = 0
    stripped = body.lstrip("\n")
    position = len(body) - len(stripped)
    if not stripped.startswith("|"):
        return 0
    for line in body[position:].splitlines(keepends=True):
        if not line.startswith("|"):
            break
        position += len(line)
    return position


def find_body_links(body: str, sections: list[Section] | None = None, skip: int = 0) -> list[BodyLink]:
    """Every ``[anchor](target)`` of the body (not images), with balanced parentheses in
    the target, character offsets and the enclosing section.

    >>> [(l.target, l.anchor) for l in find_body_links("See [x](./Aleppo_offensive_(2016)#Siege).")]
    [('Aleppo offensive (2016)', 'x')]
    """
    sections = sections if sections is not None else find_sections(body)
    links: list[BodyLink] = []
    position = skip
    section_index = -1
    while True:
        open_bracket = body.find("[", position)
        if open_bracket < 0:
            break
        close = _matching(body, open_bracket, "[", "]")
        if close < 0 or close + 1 >= len(body) or body[close + 1] != "(":
            position = open_bracket + 1
            continue
        end = _matching(body, close + 1, "(", ")")
        if end < 0:
            position = open_bracket + 1
            continue
        is_image = open_bracket > 0 and body[open_bracket - 1] == "!"
        anchor = body[open_bracket + 1: close]
        target = body[close + 2: end].strip()
        position = end + 1
        if is_image or not target:
            continue
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1]
        while section_index + 1 < len(sections) and sections[section_index + 1].start <= open_bracket:
            section_index += 1
        section = sections[section_index].title if section_index >= 0 else None
        clean_anchor = re.sub(r"[*_]{1,3}", "", anchor).strip()
        if target.startswith("./"):
            page, _, fragment = unquote(target[2:]).partition("#")
            links.append(BodyLink(page.replace("_", " ").strip(), clean_anchor, open_bracket, end + 1,
                                  fragment.replace("_", " ") or None, section, False, open_bracket + 1, close))
        else:
            links.append(BodyLink(target, clean_anchor, open_bracket, end + 1, None, section, True,
                                  open_bracket + 1, close))
    return links


def _matching(text: str, start: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one at ``start`` (nesting counted), or -1.
    Stops at a newline: a link never spans lines in wtf_wikipedia's output."""
    depth = 0
    for index in range(start, min(len(text), start + 2000)):
        char = text[index]
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index
        elif char == "\n":
            return -1
    return -1
