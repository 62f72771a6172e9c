"""Documents as read from disk, before any interpretation of infobox fields.

A :class:`Document` is what a reader produces: the article's metadata, its infoboxes as
field name -> :class:`Field` (rendered text, wiki links in order, formatting), the markdown
body with its sections and links, and every :class:`ReadWarning` raised while reading.
Nothing here knows about RDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    """A wiki link inside an infobox field: ``page`` is the target title as written
    (not always capitalised: ``saudi arabia``), ``text`` the anchor when it differs."""

    page: str
    text: str | None = None
    type: str = "internal"

    @property
    def anchor(self) -> str:
        """The text a reader sees for this link (wiki bold/italic marks removed)."""
        return (self.text if self.text is not None else self.page).replace("'''", "").replace("''", "").strip()


@dataclass
class Field:
    """One infobox parameter: its name, rendered text, links and formatting runs."""

    name: str
    text: str
    links: list[Link] = field(default_factory=list)
    formatting: dict[str, list[str]] = field(default_factory=dict)

    @property
    def bold(self) -> list[str]:
        return self.formatting.get("bold", [])

    @property
    def italic(self) -> list[str]:
        return self.formatting.get("italic", [])


@dataclass
class Infobox:
    """The fields of one infobox, in source order. ``template`` is the template name
    when the source format records it (wikitext), else ``None``."""

    fields: dict[str, Field]
    template: str | None = None

    def get(self, name: str) -> Field | None:
        return self.fields.get(name)

    @property
    def is_military_conflict(self) -> bool:
        """True for ``{{Infobox military conflict}}``; wtf_wikipedia drops the template
        name, so the fields decide: a conflict infobox has combatants or a conflict name
        with a date, and no field of a unit infobox (``unit_name``)."""
        if self.template:
            return self.template.strip().lower().replace("_", " ") in {
                "infobox military conflict", "military conflict", "infobox war", "infobox battle",
            }
        names = self.fields.keys()
        if "unit_name" in names:
            return False
        return "combatant1" in names or ("conflict" in names and "date" in names) or (
            "partof" in names and "date" in names and "place" in names
        )


@dataclass(frozen=True)
class Section:
    """A heading of the body: its title, level (2 for ``##``) and character offset."""

    title: str
    level: int
    start: int


@dataclass(frozen=True)
class BodyLink:
    """A link in the markdown body. ``start``/``end`` are character offsets of the whole
    ``[anchor](target)`` construct in :attr:`Document.body`, ``anchor_start``/``anchor_end``
    those of the anchor text between the brackets; ``section`` is the title of the
    enclosing section (``None`` before the first heading)."""

    target: str
    anchor: str
    start: int
    end: int
    fragment: str | None = None
    section: str | None = None
    external: bool = False
    anchor_start: int = -1
    anchor_end: int = -1


@dataclass(frozen=True)
class ReadWarning:
    """Something the reader or a field parser dropped, guessed or repaired.

    ``kind`` is a short stable code (``undefined-artifact``, ``image-name``,
    ``unparsed-number`` …) so that warnings can be counted by kind.
    """

    kind: str
    field: str | None
    text: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        if repr(self.text) in self.message or not self.text:
            return f"{where}{self.message}"
        return f"{where}{self.message} in {self.text!r}"


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in a document's text.

    ``start``/``end`` are character offsets in the text the document was read from (the
    markdown body for Wikipedia, the original file text for news); ``exact`` is the text at
    that span. Exactly one of ``page`` (a Wikipedia link target, resolved by identity) or
    ``iri`` (an entity already in the graph, as news linking finds) is set.
    """

    start: int
    end: int
    exact: str
    page: str | None = None
    iri: str | None = None
    section: str | None = None
    confidence: float | None = None


@dataclass
class Document:
    """One source document as read: metadata, infoboxes, body, links and warnings."""

    path: str
    kind: str
    title: str
    content_hash: str
    short_description: str | None = None
    description: str | None = None
    image_url: str | None = None
    published: str | None = None
    infoboxes: list[Infobox] = field(default_factory=list)
    body: str = ""
    sections: list[Section] = field(default_factory=list)
    links: list[BodyLink] = field(default_factory=list)
    warnings: list[ReadWarning] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def conflict_infobox(self) -> Infobox | None:
        """The first ``{{Infobox military conflict}}`` of the document, if any."""
        for box in self.infoboxes:
            if box.is_military_conflict:
                return box
        return None

    def warn(self, kind: str, field_name: str | None, text: str, message: str) -> None:
        self.warnings.append(ReadWarning(kind, field_name, text, message))


def content_hash(data: bytes) -> str:
    """SHA-256 of the raw bytes of a source file, as ``sha256:<hex>``.

    >>> content_hash(b"")[:15]
    'sha256:e3b0c442'
    """
    return "sha256:" + hashlib.sha256(data).hexdigest()
