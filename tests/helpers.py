"""Test helpers shared by the test modules: the project's paths and the fixture loaders.

One place for them, so that a fixture file format change is made once. Pytest puts
``tests/`` on ``sys.path`` (rootdir conftest, ``prepend`` import mode), so modules import
it as ``from helpers import ...``; ``conftest.py`` re-exports the paths for older imports.

>>> ARTICLES[0].relative_to(CORPUS).as_posix()
'caucasus/2016_nagorno-karabakh_conflict.md'
>>> case = read_cases("parties.yaml")[0]
>>> field_of(case).name == case["field"]
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.document import Field, Link
from kg.infobox.records import PartialDate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CORPUS = DATA / "wikipedia"
#: Every article of the wtf_wikipedia corpus (``data/wikipedia/<region>/<title>.md``), sorted.
ARTICLES = sorted(CORPUS.glob("*/*.md"))
SAMPLE_AS_RECEIVED = DATA / "samples" / "battle_of_aleppo_(2012–2016).as-received.md"
SAMPLE_CLEAN = CORPUS / "syria" / "battle_of_aleppo_(2012–2016).md"
#: Hand-checked infobox field texts from the corpus, one YAML list of cases per family.
FIELD_FIXTURES = ROOT / "tests" / "fixtures" / "fields"


def read_cases(name: str, folder: Path = FIELD_FIXTURES) -> list[dict[str, Any]]:
    """The cases of one fixture file: a YAML list of mappings, each with an ``id``.

    >>> sorted({case["field"] for case in read_cases("coordinates.yaml")})
    ['coordinates']
    """
    cases = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    assert isinstance(cases, list) and all("id" in case for case in cases), name
    return cases


def load_cases(name: str, folder: Path = FIELD_FIXTURES) -> list[Any]:
    """The cases of one fixture file as ``pytest.param``\\ s named by their ``id``.

    >>> load_cases("names.yaml")[0].id == read_cases("names.yaml")[0]["id"]
    True
    """
    return [pytest.param(case, id=case["id"]) for case in read_cases(name, folder)]


def field_of(case: dict[str, Any]) -> Field:
    """The :class:`Field` a fixture case describes (``field``, ``text``, ``links``, ``formatting``).

    >>> field_of({"field": "combatant1", "text": "Iran", "links": [{"page": "Iran"}]})
    Field(name='combatant1', text='Iran', links=[Link(page='Iran', text=None, type='internal')], formatting={})
    """
    links = [Link(link["page"], link.get("text")) for link in case.get("links") or []]
    return Field(case["field"], case["text"], links, case.get("formatting") or {})


def case_article(case: dict[str, Any]) -> Path:
    """The article a case was copied from: ``case["article"]`` under the corpus, a path from
    the repository root (``tests/gold/blind5/articles/syria/battle_of_al-bab``), or under
    ``case["root"]`` (a folder of the repository: the tuning articles of a gold set that
    are not in the corpus, ``tests/gold/blind5/articles``).

    >>> case_article({"article": "syria/battle_of_hosn"}) == CORPUS / "syria" / "battle_of_hosn.md"
    True
    >>> case_article({"article": "syria/battle_of_al-bab", "root": "tests/gold/blind5/articles"}).is_file()
    True
    """
    article = case["article"]
    if article.startswith("tests/"):         # a path from the repository root
        return ROOT / f"{article}.md"
    folder = ROOT / case["root"] if case.get("root") else CORPUS
    return folder / f"{article}.md"


def corpus_field(case: dict[str, Any]) -> Field:
    """The field a case was copied from: ``case["field"]`` of the article ``case["article"]``
    (:func:`case_article`)."""
    from kg.readers import read_document

    box = read_document(case_article(case)).conflict_infobox
    assert box is not None, case["article"]
    return box.fields[case["field"]]


def date_repr(date: PartialDate | None) -> str | None:
    """A partial date as the fixtures write it: ``c. `` for circa, the qualifier before the
    ISO form (``mid 2016``, ``c. -1200``).

    >>> date_repr(PartialDate(2016, qualifier="mid")), date_repr(None)
    ('mid 2016', None)
    """
    if date is None:
        return None
    text = date.iso()
    if date.qualifier:
        text = f"{date.qualifier} {text}"
    if date.circa:
        text = f"c. {text}"
    return text
