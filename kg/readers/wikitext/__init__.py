"""Reader for raw MediaWiki wikitext (``.wiki``, ``.wikitext``), parsed with mwparserfromhell.

The page is parsed once. Every ``{{Infobox military conflict}}`` (any capitalisation,
underscores or spaces; also ``Infobox war``/``Infobox battle``/``Military conflict`` and the
module form ``{{#invoke:Infobox military conflict|main|…}}``) becomes an
:class:`~kg.document.Infobox` whose fields are rendered with the SAME conventions as the
wtf_wikipedia reader (:mod:`kg.readers.wtf_markdown`), so that the field parsers of
:mod:`kg.infobox` serve both:

* ``text`` is the rendered field: wiki markup gone, one entry per line, ``*``/``**``
  bullets kept at line starts, ``'''bold'''``/``''italic''`` marks removed from the text
  and listed as runs in ``formatting`` (``{"bold": [...], "italic": [...]}``).
* ``links`` are the wiki links in text order: ``[[Page|anchor]]`` -> ``Link(page, anchor)``
  and ``[[Page]]`` -> ``Link(page)`` (``text`` only when the anchor differs from the page;
  a link trail is part of the anchor: ``[[trireme]]s`` -> ``triremes``).
* Flag templates give a flag emoji before the name, as wtf_wikipedia does, but for the
  right country: ``{{flag|Syria}}`` and ``{{flagcountry|Syria}}`` -> ``🇸🇾 Syria`` with
  ``Link("Syria", "🇸🇾")`` and ``Link("Syria")``; ``{{flagicon|Syria}}`` -> ``🇸🇾`` with
  ``Link("Syria", "🇸🇾")``; ``{{flagdeco|Syria}}`` -> an unlinked ``🇸🇾``. A country with
  no flag emoji (``Kingdom of France``, ``CSA``) gives its name (linked) for ``flag``/
  ``flagcountry``, and nothing for the icon-only templates (warning ``unknown-flag``).
* What wtf_wikipedia loses is kept: ``{{KIA}}``/``{{DOW}}`` -> `` †`` after the name;
  ``{{POW}}``/``{{WIA}}``/``{{MIA}}`` -> ``(POW)``…; ``{{coord}}`` with minutes/seconds
  -> ``36°13′N 37°10′E`` (real hemispheres), with decimal degrees -> signed decimals
  ``39.811°, -77.225°`` (no letters: the coordinate parser reads letters after decimals
  as wtf_wikipedia's meaningless ones).
* Lists (``{{plainlist}}``/``{{flatlist}}`` with their top bullet level removed,
  ``{{ubl}}``/``{{unbulleted list}}``/``{{hlist}}``/``{{collapsible list}}`` items,
  ``<br>``) -> one entry per line; a rule (``<hr>``, ``----``) -> a blank line (a new
  group, as in ``combatant2`` … ``<hr>`` … Stanley family); ``{{circa}}``/``{{c.}}`` -> ``c. ``;
  ``{{convert|5|km}}`` -> ``5 km``; ``{{nowrap}}``, ``{{small}}``, ``{{lang|ar|…}}`` … ->
  their text; ``[http://… label]`` -> ``label``.
* Removed: references (``<ref>``, ``{{efn}}``, ``{{sfn}}``, ``{{cite …}}``, ``{{refn}}``),
  comments, maintenance templates (``{{citation needed}}`` …), ``File:``/``Image:`` links
  (never their file names), categories and interlanguage links. An unknown template
  degrades to its first positional parameter, or to nothing, with a ``template-dropped``
  warning (once per template and field). Nothing here raises on odd wikitext.

The body (the whole page with the infoboxes and non-content templates rendered away)
becomes markdown-ish text: ``== X ==`` -> ``## X``, links -> ``[anchor](./Page_Title)``,
bold -> ``**x**``; sections and body links are then found with the wtf reader's own
:func:`~kg.readers.wtf_markdown.find_sections` and
:func:`~kg.readers.wtf_markdown.find_body_links`.

An infobox without ``coordinates`` takes the page's title coordinates
(``{{coord|…|display=title}}`` elsewhere on the page; warning ``coordinates-from-page``).
A page without a conflict infobox gives a Document with no infoboxes. The title comes from
the file name (underscores -> spaces; a ``__suffix`` is dropped:
``Battle_of_Marathon__infobox_only.wiki`` -> ``Battle of Marathon``) or, for dump pages,
from the page title (:mod:`kg.readers.dump`).

>>> f = wikitext_field("commander1", "[[Miltiades]]<br />[[Callimachus (polemarch)|Callimachus]]{{KIA}}")
>>> f.text, f.links
('Miltiades\\nCallimachus †', [Link(page='Miltiades', text=None, type='internal'), Link(page='Callimachus (polemarch)', text='Callimachus', type='internal')])
"""

from __future__ import annotations

# The package's parts, bottom up: templates (names, parameters), countries (flags),
# handlers (what each template renders to), render (the renderer, text clean-up), document
# (infoboxes and documents). Everything importable from the single module stays importable.
from kg.readers.wikitext.countries import country_flag as country_flag
from kg.readers.wikitext.document import CONFLICT_HINT as CONFLICT_HINT
from kg.readers.wikitext.document import document_from_wikitext as document_from_wikitext
from kg.readers.wikitext.document import find_conflict_infoboxes as find_conflict_infoboxes
from kg.readers.wikitext.document import has_conflict_infobox as has_conflict_infobox
from kg.readers.wikitext.document import read_wikitext as read_wikitext
from kg.readers.wikitext.document import wikitext_field as wikitext_field
from kg.readers.wikitext.handlers import format_coordinates as format_coordinates
from kg.readers.wikitext.templates import CONFLICT_TEMPLATE_NAME as CONFLICT_TEMPLATE_NAME
from kg.readers.wikitext.templates import CONFLICT_TEMPLATES as CONFLICT_TEMPLATES
from kg.readers.wikitext.templates import template_key as template_key
from kg.readers.wikitext.templates import title_from_path as title_from_path

__all__ = [
    "CONFLICT_TEMPLATES",
    "country_flag",
    "document_from_wikitext",
    "find_conflict_infoboxes",
    "has_conflict_infobox",
    "read_wikitext",
    "template_key",
    "title_from_path",
    "wikitext_field",
]
