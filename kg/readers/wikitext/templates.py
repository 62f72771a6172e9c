"""Template names and parameters: how a template name is normalised and compared, which
templates are conflict infoboxes, the title of a page file, and the parameters of a
template read as wikitext or plain text.
"""

from __future__ import annotations

import re
from pathlib import Path

from mwparserfromhell.nodes import Comment, Template
from mwparserfromhell.wikicode import Wikicode

#: Normalised names of the templates that are ``{{Infobox military conflict}}``.
CONFLICT_TEMPLATES = frozenset({
    "infobox military conflict", "military conflict", "infobox war", "infobox battle",
})


#: The name recorded in :attr:`Infobox.template` for every conflict infobox.
CONFLICT_TEMPLATE_NAME = "Infobox military conflict"


_BR = "\x00"          # a soft line break: merges with a real newline next to it


_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")


def template_key(name: object) -> str:
    """A template name as a lookup key: comments dropped, ``Template:`` prefix and
    underscores removed, spaces folded, lower case.

    >>> template_key(" Infobox_military  Conflict <!-- x -->\\n"), template_key("Template:KIA")
    ('infobox military conflict', 'kia')
    """
    if isinstance(name, Wikicode):
        text = "".join(str(node) for node in name.nodes if not isinstance(node, Comment))
    else:
        text = re.sub(r"<!--.*?(?:-->|$)", "", str(name), flags=re.DOTALL)
    text = _SPACES.sub(" ", text.replace("_", " ").replace("\n", " ")).strip().lower()
    if text.startswith("template:"):
        text = text[len("template:"):].strip()
    return text


def title_from_path(path: str | Path) -> str:
    """The article title a wikitext file name stands for: underscores -> spaces and the
    ``__suffix`` that tells copies of one article apart dropped.

    >>> title_from_path("x/American_Revolutionary_War__gensim_testdata_rev717770601.wiki")
    'American Revolutionary War'
    >>> title_from_path("Donnelly's_Bar_and_Kay's_Tavern_attacks.wikitext")
    "Donnelly's Bar and Kay's Tavern attacks"
    """
    stem = Path(str(path)).name
    for extension in (".wikitext", ".wiki", ".txt"):
        if stem.lower().endswith(extension):
            stem = stem[: -len(extension)]
            break
    stem = stem.split("__")[0] or stem
    return _SPACES.sub(" ", stem.replace("_", " ")).strip()


def _normalise_page(title: str) -> str:
    return _SPACES.sub(" ", title.replace("_", " ").replace("\n", " ")).strip().lstrip(":").strip()


def _is_conflict_template(template: Template) -> bool:
    key = template_key(template.name)
    if key in CONFLICT_TEMPLATES:
        return True
    if key.startswith("#invoke:"):
        return template_key(key[len("#invoke:"):]) in CONFLICT_TEMPLATES
    return False


def _positional(template: Template) -> list[Wikicode]:
    """Positional parameters (``|a|b`` and ``|1=a|2=b``) in number order."""
    numbered: dict[int, Wikicode] = {}
    for param in template.params:
        name = str(param.name).strip()
        if name.isdigit():
            numbered[int(name)] = param.value
    return [numbered[n] for n in sorted(numbered)]


def _named(template: Template, *names: str) -> Wikicode | None:
    for name in names:
        if template.has(name):
            value = template.get(name).value
            if str(value).strip():
                return value
    return None


def _plain(code: Wikicode | None) -> str:
    """The bare text of a parameter (for numbers, codes, units)."""
    if code is None:
        return ""
    return _SPACES.sub(" ", code.strip_code(normalize=True, collapse=True)).strip()
