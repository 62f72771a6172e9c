"""The grammar of a list field (``combatantN``, ``commanderN``, ``unitsN``) as a tree.

Both readers give the same :class:`~kg.document.Field` (wtf_wikipedia's YAML text, or raw
wikitext with ``{{plainlist}}``, ``{{ubl}}`` and ``<br>`` flattened to lines), so one grammar
over ``Field`` serves both. :func:`build_tree` reads a field once into a :class:`FieldTree`;
the family parsers (parties, commanders, units, and the figures of ``strengthN`` /
``casualtiesN`` with their own cut of a line, :attr:`Grammar.read_line`) derive their records
from the tree and keep no heading, level or scope bookkeeping of their own.

The grammar, EBNF-like (the line and piece rules are :func:`~kg.infobox.text.scan_field`
and :func:`~kg.infobox.text.group_line`)::

    field        = { line "\\n" } ;
    line         = bullets , ( blank | placeholder | residue | continuation | qualifier | items ) ;
    qualifier    = leading ;
    bullets      = { "*" } ;                        (* the line's level *)
    items        = [ leading ] , { heading | entry } ;
    leading      = parenthetical , { parenthetical } ;  (* belongs to the entry above *)
    heading      = words , ":"                      (* "Allied militias:", "Per Russia:" *)
                 | heading-word                     (* "Supported by", "KIA", "Airstrikes" *)
                 | italic-link-to-no-page ;
    entry        = { image } , [ flag ] , name , { parenthetical } ;
    name         = ( link | text ) , { link | text | parenthetical-inside-name } ;
    continuation = text ;                           (* a commander's role line, no brackets *)

Scoping rules, the tree's :attr:`EntryNode.heading`:

* a heading ends the previous block and parents nothing across it; it is in scope for
  every entry after it up to the next heading;
* with :attr:`Grammar.blank_ends_heading` a heading written tight over its entries
  (``Supported by:`` / ``X``) ends at the next blank line (warning ``heading-ended``); one
  written loose (``Supported by:`` / blank / ``X`` / blank / ``Y``, wtf_wikipedia's style)
  does not; nor does any heading in a field whose lines mostly follow a blank line
  (:func:`blank_separated`: Mali War's ``combatant1`` puts a blank line between nearly
  all its entries, ``Supported by:`` / ``ECOWAS`` / blank / ``Benin`` …): there a blank
  line is a line break, not the end of a block;
* a collapsed list's title after a name (``ECOWAS Full List:``, from
  ``{{collapsible list|title=…}}``) is cut off (warning ``placeholder``): the name is an
  entry, the colon no heading, and the entries listed under it stay in the scope of the
  heading above (``Full list`` alone on a line is a ``placeholder`` line);
* wiki bold/italic quote runs left in the text (``'''Supported by:`` / ``…'''``, a bold
  spanning a line break) are markup, blanked by :func:`~kg.infobox.text.scan_field`;
* a bullet with only an icon is an ``empty-bullet`` line: it keeps its place in the outline
  so that its ``**`` children are not taken for children of the bullet above;
* a flag-only line before ``Supported by:`` (``🇮🇶 Supported by: X``) is an entry (the
  flag) followed by a heading;
* plain text that the family's ``split_text`` cuts into several names (unit words, ranks:
  ``52nd Brigade 17th Brigade``) gives a ``name-split`` warning naming the text.

Limits: the tree is a sequence of lines with their bullet levels, not a nested structure:
which entry parents which is the units parser's business (forces, country headings).
Headings are not nested (a heading under a heading replaces it).

>>> from kg.document import Field, Link
>>> f = Field("combatant1", "🇮🇶 Supported by: X\\n* 🇸🇾 Syria\\n\\nAllied militias:\\nY (from 2013)",
...           [Link("X"), Link("Y")])
>>> tree = build_tree(f, [], PARTY_GRAMMAR)
>>> [(n.kind, n.text, n.level) for n in tree.nodes()]  # doctest: +NORMALIZE_WHITESPACE
[('entry', '', 0), ('heading', 'Supported by', 0), ('entry', 'X', 0), ('entry', 'Syria', 1),
 ('heading', 'Allied militias', 0), ('entry', 'Y', 0)]
>>> [(e.text, e.heading.text if e.heading else None) for e in tree.entries()]  # doctest: +NORMALIZE_WHITESPACE
[('', None), ('X', 'Supported by'), ('Syria', 'Supported by'), ('Y', 'Allied militias')]
>>> [p.text for p in tree.entries()[-1].parens], tree.entries()[0].flag.text
(['from 2013'], '🇮🇶')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kg.document import Field, Link, ReadWarning
from kg.infobox.claims import claim_in, read_claim, read_phase
from kg.infobox.records import Claimant
from kg.infobox.text import (
    PLACEHOLDER,
    Entry,
    FieldLine,
    Heading,
    Piece,
    ScannedField,
    entry_name,
    group_line,
    scan_field,
    strip_markup,
)

__all__ = ["qualifier_note", "blank_separated", "Grammar", "FieldTree", "TreeLine", "HeadingNode", "EntryNode", "build_tree",
           "PARTY_GRAMMAR", "SUPPORT_HEADING", "KIA_HEADING", "STRUCTURAL_HEADING"]

#: A heading after which parties are supporters.
SUPPORT_HEADING = re.compile(r"support|suppl(?:ier|y)|sponsor|backed\b|backing\b", re.IGNORECASE)
#: A heading after which commanders were killed in action.
KIA_HEADING = re.compile(r"^(?:k\.?i\.?a\.?|killed(?:\s+in\s+action)?|died)$", re.IGNORECASE)
#: Headings that only announce the list of units under a force, not a group of units.
STRUCTURAL_HEADING = re.compile(r"^(?:units\s+involved|units|order\s+of\s+battle)$", re.IGNORECASE)
#: Template residue: ``style=margin-bottom:0.5em``, ``class=…``.
MARKUP_ARTIFACT = re.compile(r"^\s*(?:style|class|width|align|colspan|rowspan)\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Grammar:
    """What differs between field families: the record's name (``party``) for warnings,
    the cuts inside a line (see :func:`~kg.infobox.text.group_line`), and which line
    kinds and scope rules apply."""

    record: str
    comma_splits: bool = False
    split_text: Callable[[str], list[str]] | None = None
    joins_link: Callable[[str], object] | None = None
    #: ``rank_link(link)``: the link is a rank (``[[Ranks in the French Navy|ADM.]]``), and
    #: the name after it joins it
    rank_link: Callable[[Link | None], bool] | None = None
    #: lines of template residue (``style=…``) are skipped with a warning
    skip_residue: bool = False
    #: a blank line ends a heading written tight over its entries
    blank_ends_heading: bool = False
    #: a bullet with nothing after it is kept as an ``empty-bullet`` line, with a warning
    empty_bullets: bool = False
    #: a heading that is one link (``Syrian Army:``) is an entry written as a heading
    linked_heading_is_entry: bool = False
    #: headings other than these are ignored with a warning
    known_headings: re.Pattern[str] | None = None
    #: ``continues(line, text, previous_line, last_entry)``: the line adds to the entry
    #: above instead of holding entries (a commander's role without brackets)
    continues: Callable[[FieldLine, str, FieldLine | None, EntryNode], bool] | None = None
    #: lines that say nothing (``Unknown``, ``None``) are skipped with a warning; figures
    #: read them as amounts
    placeholders: bool = True
    #: ``read_line(scanned, line) -> (leading, items)``: the family's own cut of a line into
    #: headings and entries, instead of :func:`~kg.infobox.text.group_line` (figures are
    #: cut at their labels, not at links)
    read_line: Callable[[ScannedField, FieldLine], tuple[list[Piece], list[Entry | Heading]]] | None = None


def _warned_split(split: Callable[[str], list[str]] | None, field_name: str,
                  warnings: list[ReadWarning]) -> Callable[[str], list[str]] | None:
    """``split`` (a family's cut of plain text into names: unit words, ranks) that says when
    it cut one run of text in several (warning ``name-split``, issue 13 item 9)."""
    if split is None:
        return None

    def cut(text: str) -> list[str]:
        parts = split(text)
        if len(parts) > 1:
            warnings.append(ReadWarning("name-split", field_name, text,
                                        f"plain text cut into {len(parts)} names: " + ", ".join(map(repr, parts))))
        return parts
    return cut


@dataclass
class HeadingNode:
    """A heading inside a list, with or without colon (``Supported by:``, ``KIA``)."""

    item: Heading
    kind: str = "heading"
    #: the heading in scope where this one starts (``Per Russia:`` under ``First phase:``);
    #: ``None`` when none is, or a blank line ended it
    outer: HeadingNode | None = None

    @property
    def text(self) -> str:
        return self.item.text.strip()

    @property
    def level(self) -> int:
        return self.item.level

    @property
    def link(self) -> Link | None:
        return self.item.link

    @property
    def colon(self) -> bool:
        return self.item.colon

    @property
    def support(self) -> bool:
        """A supporter heading (``Supported by``, ``Arms suppliers``)."""
        return bool(SUPPORT_HEADING.search(self.text))

    @property
    def kia(self) -> bool:
        """A killed-in-action heading (``KIA``, ``Killed:``)."""
        return bool(KIA_HEADING.match(self.text))

    @property
    def structural(self) -> bool:
        """A heading that only announces a list (``Units involved``)."""
        return bool(STRUCTURAL_HEADING.match(self.text))

    @property
    def claim(self) -> Claimant | None:
        """The claimant of a claim heading (``Per Russia:``), else ``None``."""
        return read_claim(self.text, [self.link] if self.link is not None else [])

    @property
    def phase(self) -> str | None:
        """The phase of a phase heading (``First phase:``), else ``None``."""
        return read_phase(self.text)


@dataclass
class EntryNode:
    """An entry (see :class:`~kg.infobox.text.Entry`: flag, image names removed, name
    pieces, parentheticals) with its bullet level, the heading in scope, and the
    continuation lines that add to it."""

    entry: Entry
    heading: HeadingNode | None = None
    notes: list[TreeLine] = field(default_factory=list)
    kind: str = "entry"
    text: str = ""

    @property
    def level(self) -> int:
        return self.entry.level

    @property
    def flag(self) -> Piece | None:
        return self.entry.flag

    @property
    def parens(self) -> list[Piece]:
        return self.entry.parens

    @property
    def links(self) -> list[Link]:
        return self.entry.links


Node = HeadingNode | EntryNode


@dataclass
class TreeLine:
    """One line of the field: ``kind`` is ``blank``, ``empty-bullet`` (a bullet whose
    content was only an icon), ``placeholder`` (``Unknown``, ``See order of battle``),
    ``residue`` (template residue), ``continuation`` (adds to the entry above),
    ``qualifier`` (only parentheticals, in ``leading``: they belong to the entry above) or
    ``items`` (headings and entries, in ``nodes``; parentheticals that open the line, in
    ``leading``, belong to the entry above). ``text`` is the line without markup
    and bullets."""

    line: FieldLine
    kind: str
    text: str
    nodes: list[Node] = field(default_factory=list)
    leading: list[Piece] = field(default_factory=list)
    #: how many items the line was grouped into, counting a bare colon (an empty heading)
    width: int = 0
    #: every item is a heading (an empty one included) and none is linked
    heading_only: bool = False

    @property
    def level(self) -> int:
        return self.line.level

    @property
    def entries(self) -> list[EntryNode]:
        return [node for node in self.nodes if isinstance(node, EntryNode)]


@dataclass
class FieldTree:
    """A field read once: its scanned pieces and its lines of nodes."""

    scanned: ScannedField
    lines: list[TreeLine]

    @property
    def field(self) -> Field:
        return self.scanned.field

    def nodes(self) -> Iterator[Node]:
        """The headings and entries in source order."""
        for line in self.lines:
            yield from line.nodes

    def entries(self) -> list[EntryNode]:
        return [node for node in self.nodes() if isinstance(node, EntryNode)]

    def item_lines(self) -> list[TreeLine]:
        """The lines that hold nodes, and the empty bullets that keep the outline."""
        return [line for line in self.lines if line.kind in ("items", "empty-bullet")]


#: Parties: template residue skipped, a blank line ends a tight heading.
PARTY_GRAMMAR = Grammar("party", skip_residue=True, blank_ends_heading=True)


def build_tree(field: Field, warnings: list[ReadWarning], grammar: Grammar) -> FieldTree:
    """Read a list field into a :class:`FieldTree` (see the module doc). Warnings about
    the structure (``placeholder``, ``markup-artifact``, ``empty-entry``,
    ``orphan-qualifier``, ``heading-ended``, ``ignored-heading``) are appended in line
    order."""
    scanned = scan_field(field, warnings)
    # a field that separates its entries by blank lines (wtf_wikipedia's rendering of some
    # lists) uses them as line breaks: no heading ends at one
    blank_ends = grammar.blank_ends_heading and not blank_separated(scanned)
    lines: list[TreeLine] = []
    last: EntryNode | None = None
    heading: HeadingNode | None = None
    scope: str | None = None        # open (no entry yet), tight or loose
    previous_line: FieldLine | None = None
    for line in scanned.lines:
        raw = scanned.text[line.start:line.end]
        if line.blank:
            if grammar.empty_bullets and line.level:
                warnings.append(ReadWarning("empty-entry", field.name, raw.strip(),
                                            "a bullet without a name (an icon-only unit) skipped"))
                lines.append(TreeLine(line, "empty-bullet", ""))
            else:
                lines.append(TreeLine(line, "blank", ""))
            continue
        text = strip_markup(raw).lstrip("* ")
        if grammar.placeholders and PLACEHOLDER.match(text):
            warnings.append(ReadWarning("placeholder", field.name, text, f"skipped {text!r}"))
            lines.append(TreeLine(line, "placeholder", text))
            previous_line = line
            continue
        if grammar.skip_residue and MARKUP_ARTIFACT.match(text):
            warnings.append(ReadWarning("markup-artifact", field.name, text,
                                        f"skipped template residue {text!r}"))
            lines.append(TreeLine(line, "residue", text))
            continue
        if grammar.continues is not None and last is not None \
                and grammar.continues(line, text, previous_line, last):
            tree_line = TreeLine(line, "continuation", text)
            last.notes.append(tree_line)
            lines.append(tree_line)
            previous_line = line
            continue
        if grammar.read_line is not None:
            leading, items = grammar.read_line(scanned, line)
        else:
            leading, items = group_line(scanned, line, comma_splits=grammar.comma_splits,
                                        split_text=_warned_split(grammar.split_text, field.name, warnings),
                                        joins_link=grammar.joins_link, rank_link=grammar.rank_link)
        if leading:
            if last is not None:
                last.entry.later.extend(leading)
            else:
                warnings.append(ReadWarning("orphan-qualifier", field.name, text,
                                            f"parenthetical before any {grammar.record} ignored"))
        if blank_ends and scope == "tight" and line.after_blank \
                and not any(isinstance(i, Heading) for i in items):
            # A heading written tight over its entries ends at a blank line; wtf_wikipedia's
            # blank lines between every entry ("Supported by:" / "" / "X" / "" / "Y") do not
            warnings.append(ReadWarning("heading-ended", field.name, text,
                                        f"a blank line ends the heading above {text!r}"))
            heading, scope = None, None
        elif blank_ends and scope == "tight" and line.after_blank and items \
                and isinstance(items[0], Heading) and items[0].text.strip():
            # a heading after the blank line: the one above ended there too, so it is not
            # the new heading's outer one
            heading, scope = None, None
        if grammar.linked_heading_is_entry:
            items = [_linked_heading_as_entry(item) for item in items]
        tree_line = TreeLine(line, "items", text, leading=leading, width=len(items), heading_only=bool(items) and all(
            isinstance(i, Heading) and i.link is None for i in items))
        for item in items:
            if isinstance(item, Heading):
                if not item.text.strip():
                    continue            # a colon with nothing before it
                node = HeadingNode(item, outer=heading)
                if grammar.known_headings is not None and not grammar.known_headings.match(item.text):
                    warnings.append(ReadWarning("ignored-heading", field.name, item.text,
                                                f"heading {item.text!r} in a {grammar.record} list ignored"))
                heading, scope = node, "open"
                tree_line.nodes.append(node)
                continue
            if scope == "open":
                # the first entry under the heading: on the heading's line or the next one
                # (tight), or after a blank line (loose)
                scope = "loose" if line.after_blank else "tight"
            last = EntryNode(item, heading, text=entry_name(scanned, item))
            tree_line.nodes.append(last)
            for title in item.titles:
                warnings.append(ReadWarning("placeholder", field.name, text,
                                            f"skipped {title.text!r} (the title of a collapsed list after "
                                            f"{last.text!r})"))
        if items:
            lines.append(tree_line)
        elif leading:
            tree_line.kind = "qualifier"
            lines.append(tree_line)
        previous_line = line
    return FieldTree(scanned, lines)


def blank_separated(scanned: ScannedField) -> bool:
    """True when most lines of the field that hold something follow a blank line (the
    first one aside): the field's style puts a blank line between entries, so a blank line
    is a line break there, not the end of a block.

    >>> from kg.document import Field
    >>> blank_separated(scan_field(Field("c", "Supported by:\\nX\\n\\nY\\n\\nZ"), []))
    True
    >>> blank_separated(scan_field(Field("c", "A\\n* B\\n\\nGermans:\\nC\\nD\\n\\nE"), []))
    False
    """
    held = [line for line in scanned.lines if not line.blank][1:]
    return 2 * sum(line.after_blank for line in held) > len(held)


def _linked_heading_as_entry(item: Entry | Heading) -> Entry | Heading:
    """``Syrian Army:`` with ``Syrian Army`` linked is a unit, not a heading."""
    if isinstance(item, Heading) and item.link is not None and item.text:
        return Entry(item.line, item.level,
                     pieces=[Piece("link", item.start, item.end, item.text, item.link)])
    return item


#: A parenthetical that limits when or how far an entry took part, not who it is: ``(Final
#: Assault only)``, ``(not directly fighting)``, ``(until March)``, ``(from c. 11 September)``.
_SCOPE = re.compile(
    r"^(?:(?:from|since|until|till|after|before|during|not|partly|partially|initially|"
    r"later|alleged(?:ly)?|reportedly|unofficially)\b.*|.*\bonly)$",
    re.IGNORECASE,
)


def qualifier_note(text: str) -> str | None:
    """What a parenthetical after a name says when it is a qualifier of the entry rather than
    part of its name or a role: ``phase`` (``First phase``; ``Final Assault only``), ``claim``
    (``per SOHR``, ``Ukrainian claim``) or ``scope`` (``until March``, ``not directly
    fighting``); ``None`` otherwise. The caller keeps a period it can date as the period.

    >>> [qualifier_note(t) for t in ("Final Assault only", "per SOHR", "until March", "Chief of Staff")]
    ['phase', 'claim', 'scope', None]
    """
    core = " ".join(text.strip(" \t()[];,.").split())
    if not core:
        return None
    if read_phase(re.sub(r"\s+only$", "", core, flags=re.IGNORECASE)) is not None:
        return "phase"
    claim = read_claim(core)
    if claim is not None and (claim_in(core)[0] == "" or (core.casefold().startswith(claim.name.casefold() + " ")
                              and claim.name[:1].isupper() and not re.search(r"\bper\b", claim.name))):
        # the whole parenthetical is the claim ("per SOHR", "Ukrainian claim"); not a mark
        # with its claim ("POW per Ukrainian claim", "killed per Ukrainian claim")
        return "claim"
    if _SCOPE.match(core):
        return "scope"
    return None
